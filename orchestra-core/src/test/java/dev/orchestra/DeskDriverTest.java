package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run decided by a {@link RunMachine} away from the in-process engine, every command
 * carried out through the seam orchestra-temporal's workflow uses: agents' tasks by a {@link
 * TaskExecutor}, everything else by the run's {@link RunDesk}, whose answers are the only events
 * fed. The run ends GREEN with the files written, the gate run, and the workspace's journal and
 * plan.md as a run in one JVM leaves them (a resume reads that journal and finds nothing to do).
 */
final class DeskDriverTest {
  @TempDir Path dir;

  @Test
  void aRunDecidedElsewhereEndsGreenWithTheJournalAndPlanOfARunInOneJvm() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "sh check.sh")));
    model.on("orchestrator")
        .reply(
            Reply.text(
                RoleAnswers.plan(
                    List.of(
                        Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build(),
                        Task.builder("T2", "Write b.txt").writeScope("b.txt").dependsOn("T1").role("implementer").build()))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    model.on("implementer", "T2")
        .reply(Reply.toolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"b\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote b.txt")));
    String runId = "desk-1";
    List<OrchestraEvent> fedToMachine = new ArrayList<>();
    List<OrchestraEvent> heard = new ArrayList<>();
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .explorationProbes(List.of("where are the tests?"))
            .addGate(Gate.command("sh", "-c", "test -f a.txt && test -f b.txt").build())
            .addListener(heard::add)
            .build()) {
      EngineHost host = EngineHost.of(o);
      TaskExecutor executor = host.tasks(runId, ws, () -> false);
      RunMachine machine = new RunMachine(host.spec());
      Map<String, RoleReport.Exploration> explorations = new HashMap<>();
      List<TaskResult.Health> deskHealth = new ArrayList<>();
      OrchestraEvent.RunFinished end = null;
      try (RunDesk desk = host.desk(runId)) {
            assertThrows(OrchestraException.class, () -> host.desk("another"), "the desk holds the workspace's run lock");
        assertThrows(
            IllegalArgumentException.class, () -> desk.carryOut(new Command.AwaitRetry("T1", Instant.now())), "the deciding engine waits itself");
        DeskDrive.Outcome run =
            DeskDrive.run(
                machine, desk, new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt and b.txt", false),
                t -> {
                  TaskResult r = executor.run(t, machine.state().goal(), explorations);
                  if (t.round() == 0 && r.report().orElse(null) instanceof RoleReport.Exploration e) {
                    explorations.put(t.task().id(), e);
                  }
                  return r;
                });
        end = run.end();
        fedToMachine.addAll(run.fed());
        deskHealth.addAll(run.deskHealth());
        // The finish closed the desk: its lock is free for a run in this JVM.
        assertThrows(IllegalStateException.class, () -> desk.observe(List.of()));
      }
      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      // The planner's call was made at the desk: the deciding engine hears how it went, for the
      // budget it keeps (the desk moves no budget of its own: no BudgetChanged was fed).
      assertEquals(List.of(TaskResult.Health.Kind.SUCCESS), deskHealth.stream().map(TaskResult.Health::kind).toList(), deskHealth.toString());
      // A resume in this JVM reads the journal and plan.md the desk wrote: a green run, every task done.
      NothingToResumeException nothing = assertThrows(NothingToResumeException.class, o::resume);
      assertTrue(nothing.getMessage().contains(runId), nothing.getMessage());
    }
    assertEquals("a\n", Files.readString(ws.resolve("a.txt")));
    assertEquals("b\n", Files.readString(ws.resolve("b.txt")));
    // The journal holds what the machine was fed and what it decided, as in one JVM, and the
    // listeners heard all of it.
    List<OrchestraEvent> journal = Files.readAllLines(ws.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
    assertTrue(journal.containsAll(fedToMachine), "every event fed is journalled");
    assertTrue(journal.stream().noneMatch(e -> e instanceof OrchestraEvent.BudgetChanged), journal.toString());
    assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.TaskStarted s && s.taskId().equals("T2")), "decided events are journalled");
    assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.GateFinished), journal.toString());
    assertEquals(journal.size(), heard.size(), "the listeners heard every journalled event");
    List<String> done =
        journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE)
            .map(e -> ((OrchestraEvent.TaskFinished) e).taskId()).toList();
    assertEquals(List.of("explore-1", "plan", "T1", "T2", "release"), done, "the default team's release manager ran on the desk too");
  }

  @Test
  void anInterruptStopsTheDesksCommandAndItsStopComesBackInThatCallsAnswer() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    java.util.concurrent.CountDownLatch planning = new java.util.concurrent.CountDownLatch(1);
    ScriptedModelProvider model = new ScriptedModelProvider();
    // The planner thinks until it is interrupted, as a real provider's call ends on a cancel.
    model.on("orchestrator")
        .otherwise(
            Reply.answer(
                req -> {
                  planning.countDown();
                  try {
                    new java.util.concurrent.CountDownLatch(1).await(60, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                  }
                  throw new AssertionError("the planner's call was not interrupted");
                }));
    String runId = "desk-2";
    java.util.concurrent.atomic.AtomicReference<Thread> stopDeliveredOn = new java.util.concurrent.atomic.AtomicReference<>();
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of())
            .addListener(e -> {
              if (e instanceof OrchestraEvent.StopRequested) {
                stopDeliveredOn.set(Thread.currentThread());
              }
            })
            .build()) {
      EngineHost host = EngineHost.of(o);
      RunMachine machine = new RunMachine(host.spec());
      try (RunDesk desk = host.desk(runId)) {
        assertEquals(false, desk.interrupt(), "no command under way: nothing to interrupt");
        List<Command> commands = new ArrayList<>();
        for (OrchestraEvent e : desk.observe(List.of(new OrchestraEvent.RunStarted(runId, Instant.now(), "Plan", false))).events()) {
          commands.addAll(machine.step(e).commands());
        }
        Command askPlanner = commands.stream().filter(c -> c.kind() == Command.Kind.ASK_PLANNER).findFirst().orElseThrow();
        java.util.concurrent.CompletableFuture<RunDesk.Answer> answer = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean leftInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread carrying =
            new Thread(
                () -> {
                  try {
                    answer.complete(desk.carryOut(askPlanner));
                  } catch (Throwable t) {
                    answer.completeExceptionally(t);
                  }
                  leftInterrupted.set(Thread.currentThread().isInterrupted());
                });
        carrying.start();
        assertTrue(planning.await(30, java.util.concurrent.TimeUnit.SECONDS), "the planner was asked");

        assertTrue(desk.interrupt(), "the planner's command was under way");
        List<OrchestraEvent> events = answer.get(30, java.util.concurrent.TimeUnit.SECONDS).events();
        carrying.join(30_000);

        int stop = indexOf(events, e -> e instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.CANCELLED);
        int plannerEnd = indexOf(events, e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("plan"));
        assertTrue(stop >= 0 && plannerEnd > stop, "the stop, then the planner's end, in the call's answer: " + events);
        assertEquals(false, leftInterrupted.get(), "the carrying thread goes back without the cancel's interrupt");
        assertEquals(carrying, stopDeliveredOn.get(), "the stop is delivered on the desk's own thread, not the interrupting one");
        assertEquals(false, desk.interrupt(), "nothing under way any more");
        // Nothing was fed between calls: the next call starts cleanly.
        desk.observe(List.of());
      }
    }
  }

  /**
   * A desk lost during its gate's call (its answer never arrives) is opened again from the journal:
   * the lines the lost desk journalled for that call are cut, the new desk's machine stands where
   * the deciding one does, the call is sent again, and the run ends GREEN with a journal that is
   * exactly what the deciding machine was fed and decided.
   */
  @Test
  void aDeskLostDuringACallIsOpenedAgainFromTheJournalAndTheRunGoesOn() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build());
    model.on("implementer")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    String runId = "desk-3";
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of())
            .addGate(Gate.command("sh", "-c", "test -f a.txt").build()).build()) {
      EngineHost host = EngineHost.of(o);
      TaskExecutor executor = host.tasks(runId, ws, () -> false);
      RunMachine machine = new RunMachine(host.spec());
      // What the deciding engine knows: every event fed, each followed by those its machine decided.
      List<OrchestraEvent> known = new ArrayList<>();
      Deque<Command> todo = new ArrayDeque<>();
      java.util.function.Consumer<List<OrchestraEvent>> feed = events -> {
        for (OrchestraEvent e : events) {
          known.add(e);
          RunMachine.Step step = machine.step(e);
          known.addAll(step.events());
          todo.addAll(step.commands());
        }
      };
      RunDesk desk = host.desk(runId);
      boolean lost = false;
      try {
        feed.accept(desk.observe(List.of(new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt", false))).events());
        while (!todo.isEmpty()) {
          Command c = todo.poll();
          if (c instanceof Command.RunTask t) {
            feed.accept(desk.taskEnded(t, executor.run(t, machine.state().goal(), Map.of())).events());
          } else if (c.kind() == Command.Kind.RUN_GATES && !lost) {
            lost = true;
            desk.carryOut(c); // journalled there, its answer lost with the worker
            desk.close(); // a dead worker's lock is gone
            assertThrows(
                OrchestraException.class, () -> host.reopenDesk(runId, known.size(), known.get(0), Map.of()), "the journal's last known event is another");
            assertThrows(
                OrchestraException.class, () -> host.reopenDesk(runId, known.size() + 100, known.get(known.size() - 1), Map.of()),
                "the journal holds fewer events than the run knows");
            assertThrows(OrchestraException.class, () -> host.reopenDesk("another", known.size(), known.get(known.size() - 1), Map.of()), "no such run");
            desk = host.reopenDesk(runId, known.size(), known.get(known.size() - 1), Map.of());
            assertThrows(OrchestraException.class, () -> host.desk("another"), "the desk opened again holds the workspace's run lock");
            todo.addFirst(c); // sent again
          } else {
            feed.accept(desk.carryOut(c).events());
          }
        }
      } finally {
        desk.close();
      }
      assertTrue(lost, "the gates ran");
      OrchestraEvent last = known.get(known.size() - 1);
      assertTrue(last instanceof OrchestraEvent.RunFinished f && f.stopReason().equals(StopReason.GREEN.name()), last.toString());
      List<OrchestraEvent> journal = Files.readAllLines(ws.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
      assertEquals(known, journal, "the journal is the run as the deciding engine knows it: the lost call's lines went");
      assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateStarted).count());
    }
  }

  /**
   * The desk cannot write plan.md while it feeds a task's end: the stop the run asks for is not fed
   * among the end's events (the deciding engine, which gave them, may have fed more since) but handed
   * back in the answer's stops; the deciding engine feeds it, and the run ends FAILED naming plan.md
   * with the stop journalled after the task's end.
   */
  @Test
  void aStopTheDeskAsksForWhileFeedingATasksEndIsHandedBackForTheDecidingEngineToFeed() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build());
    model.on("implementer")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    String runId = "desk-4";
    Path planMd = ws.resolve("plan.md");
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).planWriteInterval(java.time.Duration.ZERO)
            .addGate(Gate.command("sh", "-c", "test -f a.txt").build()).build()) {
      EngineHost host = EngineHost.of(o);
      TaskExecutor executor = host.tasks(runId, ws, () -> false);
      RunMachine machine = new RunMachine(host.spec());
      List<RunDesk.Answer> ends = new ArrayList<>();
      DeskDrive.Outcome run;
      try (RunDesk opened = host.desk(runId)) {
        RunDesk desk = new AnswersKept(opened, ends);
        run = DeskDrive.run(
            machine, desk, new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt", false),
            t -> {
              TaskResult r = executor.run(t, machine.state().goal(), Map.of());
              if (t.task().id().equals("T1")) {
                try { // plan.md becomes a folder with something in it: no file can be moved onto it
                  Files.delete(planMd);
                  Files.writeString(Files.createDirectories(planMd).resolve("blocked"), "");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
              return r;
            });
      }
      assertEquals(StopReason.FAILED.name(), run.end().stopReason(), run.end().message());
      assertTrue(run.end().message().contains("plan.md"), run.end().message());
      RunDesk.Answer t1 = ends.stream().filter(a -> a.events().stream().anyMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")))
          .findFirst().orElseThrow();
      assertTrue(t1.events().stream().noneMatch(e -> e instanceof OrchestraEvent.StopRequested), "not fed among the end's events: " + t1.events());
      assertEquals(1, t1.stops().size(), t1.toString());
      assertTrue(t1.stops().get(0).message().contains("plan.md"), t1.stops().toString());
      int end = indexOf(run.fed(), e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1"));
      int stop = indexOf(run.fed(), e -> e instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.FAILED);
      assertTrue(end >= 0 && stop > end, "fed by the deciding engine after the end: " + run.fed());
      List<OrchestraEvent> journal = Files.readAllLines(ws.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
      assertTrue(journal.containsAll(run.fed()), "the desk journalled the stop the deciding engine fed back: " + journal);
    }
  }

  /** A desk whose answers to task ends are kept. */
  private record AnswersKept(RunDesk desk, List<RunDesk.Answer> ends) implements RunDesk {
    @Override
    public Answer observe(List<OrchestraEvent> events) {
      return desk.observe(events);
    }

    @Override
    public Answer taskEnded(Command.RunTask command, TaskResult result) {
      Answer a = desk.taskEnded(command, result);
      ends.add(a);
      return a;
    }

    @Override
    public Answer carryOut(Command command) {
      return desk.carryOut(command);
    }

    @Override
    public boolean interrupt() {
      return desk.interrupt();
    }

    @Override
    public void approvalsBy(dev.orchestra.role.ApprovalHandler handler) {
      desk.approvalsBy(handler);
    }

    @Override
    public void editPlan(dev.orchestra.plan.Plan base, dev.orchestra.plan.Plan edited) {
      desk.editPlan(base, edited);
    }

    @Override
    public List<String> journalLines(int from, long maxChars) {
      return desk.journalLines(from, maxChars);
    }

    @Override
    public void keepJournalAtRemote() {
      desk.keepJournalAtRemote();
    }

    @Override
    public void close() {
      desk.close();
    }
  }

  private static ScriptedModelProvider planning(Task... tasks) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(tasks))));
    return model;
  }

  private static int indexOf(List<OrchestraEvent> events, java.util.function.Predicate<OrchestraEvent> match) {
    for (int i = 0; i < events.size(); i++) {
      if (match.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
