package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.agent.Agent;
import dev.orchestra.agent.ReportFormat;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person edits a run's plan while it runs on Temporal: {@link TemporalOrchestrator#plan} shows the
 * plan, {@link TemporalOrchestrator#editPlan} sends the edit as a signal, and the run merges it at
 * its next plan check as it merges an edit of plan.md in one JVM, against the plan the person saw.
 */
final class TemporalPlanEditTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-edit";

  @TempDir Path dir;

  @Test
  void anEditSentWhileATaskRunsIsMergedAtTheRoundsEndAndItsNewTaskRuns() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"), writing("T2", "b.txt", "T1"));
    CountDownLatch t1Started = new CountDownLatch(1);
    CountDownLatch edited = new CountDownLatch(1);
    List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Orchestrator team = team(ws, model, holdingT1(t1Started, edited, ran));
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);

      String runId = temporal.start("Write a.txt and b.txt");
      assertTrue(t1Started.await(30, TimeUnit.SECONDS), "T1 started");
      Plan seen = temporal.plan(runId).orElseThrow();
      assertEquals(TaskStatus.RUNNING, seen.task("T1").orElseThrow().status(), seen.toMarkdown());
      assertEquals(TaskStatus.TODO, seen.task("T2").orElseThrow().status());
      // The person adds a task and rewords T2; T1 is left as they saw it (running).
      List<Task> tasks = new ArrayList<>(seen.tasks());
      tasks.set(1, seen.task("T2").orElseThrow().toBuilder().acceptanceCriteria("b.txt says hello").build());
      tasks.add(Task.builder("T3", "Write c.txt").writeScope("c.txt").role("implementer").acceptanceCriteria("c.txt exists").build());
      Plan edit = Plan.builder(seen.goal()).tasks(tasks).build();
      temporal.editPlan(runId, seen, edit);
      edited.countDown();

      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      OrchestraEvent.PlanUpdated byHand = editedByHand(journal).orElseThrow(() -> new AssertionError("no edit merged: " + journal));
      assertEquals(List.of("T3"), byHand.addedTaskIds());
      List<String> done =
          journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE && f.taskId().startsWith("T"))
              .map(e -> ((OrchestraEvent.TaskFinished) e).taskId()).toList();
      assertEquals(3, done.size(), "each task done once: " + done);
      assertTrue(done.containsAll(List.of("T1", "T2", "T3")), done.toString());
      assertEquals(1, ran.stream().filter("T1"::equals).count(), "T1's work was not taken back by the edit made while it ran: " + ran);
      Plan after = Plan.fromMarkdown(Files.readString(ws.resolve("plan.md")));
      assertEquals(List.of("b.txt says hello"), after.task("T2").orElseThrow().acceptanceCriteria(), "plan.md carries the edit");
      assertEquals(TaskStatus.DONE, after.task("T3").orElseThrow().status());
      assertEquals(after.tasks(), temporal.plan(runId).orElseThrow().tasks(), "the query shows the tasks plan.md holds");

      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      HistoryFixturesTest.record("plan-edit-run", history);
    }
  }

  @Test
  void aSentEditThatDoesNotFitWithAnEditOfPlanMdIsLeftOutAndPlanMdsIsTaken() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"), writing("T2", "b.txt", "T1"));
    CountDownLatch t1Started = new CountDownLatch(1);
    CountDownLatch edited = new CountDownLatch(1);
    try (Orchestrator team = team(ws, model, holdingT1(t1Started, edited, new ArrayList<>()));
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write a.txt and b.txt");
      assertTrue(t1Started.await(30, TimeUnit.SECONDS), "T1 started");
      Path planFile = ws.resolve("plan.md");
      Plan onDisk = awaitPlanMd(planFile, p -> p.task("T2").isPresent()); // as the run last wrote it
      // One person sends an edit adding T3 after T2; another, on the desk's machine, removes T2 from
      // plan.md. Each is a plan, but together T3 would wait for a task that is gone: the sent edit is
      // left out, as one that does not fit the plan is, and plan.md's is taken.
      Plan seen = temporal.plan(runId).orElseThrow();
      List<Task> withT3 = new ArrayList<>(seen.tasks());
      withT3.add(Task.builder("T3", "Write c.txt").writeScope("c.txt").role("implementer").acceptanceCriteria("c.txt exists").dependsOn("T2").build());
      temporal.editPlan(runId, seen, Plan.builder(seen.goal()).tasks(withT3).build());
      String withoutT2 = Plan.builder(onDisk.goal()).tasks(List.of(onDisk.task("T1").orElseThrow())).build().toMarkdown();
      Files.writeString(planFile, withoutT2);
      edited.countDown();

      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      OrchestraEvent.PlanUpdated byHand = editedByHand(journal).orElseThrow(() -> new AssertionError("plan.md's edit was not merged: " + journal));
      assertEquals(List.of("T2"), byHand.removedTaskIds(), "plan.md's edit is taken");
      assertTrue(byHand.addedTaskIds().isEmpty(), "the sent edit is left out: " + byHand.addedTaskIds());
      assertTrue(journal.stream().noneMatch(e -> e instanceof OrchestraEvent.TaskStarted t && t.taskId().equals("T3")), "T3 never ran");
      Plan after = Plan.fromMarkdown(Files.readString(planFile));
      assertEquals(List.of("T1"), after.tasks().stream().map(Task::id).toList(), after.toMarkdown());
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      assertTrue(history.getEvents().stream().anyMatch(e -> e.hasActivityTaskScheduledEventAttributes()
              && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("EditPlan")),
          "the sent edit reached the desk, which left it out");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    }
  }

  /**
   * An implementer that reports at once, but for T1, which it holds once started until the test
   * opens {@code release}: the test acts while T1 runs. Every task it is given is added to {@code ran}.
   */
  private static Agent holdingT1(CountDownLatch started, CountDownLatch release, List<String> ran) {
    return (role, task, context) -> {
      ran.add(task.id());
      if (task.id().equals("T1")) {
        started.countDown();
        try {
          assertTrue(release.await(30, TimeUnit.SECONDS), "the test did its part while T1 ran");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return ReportFormat.parse(role.name(), RoleAnswers.implementation("did " + task.id()), List.of());
    };
  }

  /** The team the tests' worker serves: the scripted planner, and {@code implementer} for the tasks. */
  private static Orchestrator team(Path ws, ScriptedModelProvider model, Agent implementer) {
    return Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of())
        .agent(Agent.byRole(Map.of("implementer", implementer), Agent.toolLoop())).build();
  }

  /** The journal's merge of a person's edit, if any. */
  private static java.util.Optional<OrchestraEvent.PlanUpdated> editedByHand(List<OrchestraEvent> journal) {
    return journal.stream().filter(e -> e instanceof OrchestraEvent.PlanUpdated p && p.reason().equals("edited by hand"))
        .map(OrchestraEvent.PlanUpdated.class::cast).findFirst();
  }

  /** Waits until plan.md reads as a plan that passes the check; returns it. */
  private static Plan awaitPlanMd(Path file, java.util.function.Predicate<Plan> check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (Files.exists(file)) {
        Plan p = Plan.fromMarkdown(Files.readString(file));
        if (check.test(p)) {
          return p;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("plan.md never showed what the test waits for: " + (Files.exists(file) ? Files.readString(file) : "no file"));
      }
      Thread.sleep(20);
    }
  }

  @Test
  void anEditThatIsNotAPlanIsLeftOutAndTheRunGoesOn() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"));
    CountDownLatch t1Started = new CountDownLatch(1);
    CountDownLatch sent = new CountDownLatch(1);
    try (Orchestrator team = team(ws, model, holdingT1(t1Started, sent, new ArrayList<>()));
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write a.txt");
      assertTrue(t1Started.await(30, TimeUnit.SECONDS), "T1 started");
      // Sent by hand (Temporal's own tools, say): no TemporalOrchestrator to check it first.
      env.getWorkflowClient().newUntypedWorkflowStub(TemporalOrchestrator.workflowId(runId)).signal("editPlan", "not a plan", "# Plan: g\n\n## Tasks\n\n### T1 oops");
      sent.countDown();

      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(editedByHand(InMemoryTemporalTest.journal(ws)).isEmpty(), "nothing merged");
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
    }
  }
}
