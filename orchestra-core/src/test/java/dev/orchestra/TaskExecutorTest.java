package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.agent.Agent;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's task carried out for an engine that decides elsewhere (issue 16's seam): the team's
 * own agent, tools and model run it in the given workspace, and what happened comes back as the
 * events the in-process engine would have fed its state machine, ending with the task's end. No
 * journal, no plan.md, no run lock: the engine that asked keeps those.
 */
final class TaskExecutorTest {
  @TempDir Path dir;

  private static final Task T1 = Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build();

  private TaskExecutor executor(Orchestrator o, Path workspace) {
    return EngineHost.of(o).tasks("run-1", workspace, () -> false);
  }

  @Test
  void aPlanTaskRunsWithTheTeamsToolsAndComesBackAsItsEvents() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("implementer")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    try (Orchestrator o = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(model).build()) {
      TaskResult r = executor(o, ws).run(new Command.RunTask(T1, 1, List.of()), "Write a.txt", Map.of());
      assertEquals("a\n", Files.readString(ws.resolve("a.txt")), "the agent's tool wrote in the given workspace");
      List<OrchestraEvent.Kind> kinds = r.events().stream().map(OrchestraEvent::kind).toList();
      assertEquals(
          List.of(OrchestraEvent.Kind.MODEL_CALL_FINISHED, OrchestraEvent.Kind.TOOL_CALLED, OrchestraEvent.Kind.MODEL_CALL_FINISHED,
              OrchestraEvent.Kind.TASK_FINISHED),
          kinds);
      assertTrue(r.events().stream().allMatch(e -> e.runId().equals("run-1")), r.events().toString());
      OrchestraEvent.TaskFinished end = (OrchestraEvent.TaskFinished) r.events().get(r.events().size() - 1);
      assertEquals(TaskStatus.DONE, end.status(), end.toString());
      assertEquals(1, end.round());
      assertEquals(List.of("a.txt"), end.changedFiles());
      assertTrue(r.report().orElseThrow() instanceof RoleReport.Implementation, r.report().toString());
      assertEquals(List.of(TaskResult.Health.Kind.SUCCESS, TaskResult.Health.Kind.SUCCESS), r.health().stream().map(TaskResult.Health::kind).toList());
      assertFalse(Files.exists(ws.resolve(".orchestra")) || Files.exists(ws.resolve("plan.md")), "no journal, no plan: the asking engine keeps them");
      assertFalse(Files.exists(dir.resolve("home/.orchestra")), "nor in the orchestrator's own workspace");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void twoTasksAtOnceInOneWorkspaceAreEachBlamedOnlyForTheirOwnWrites() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(ws.resolve("README.md"), "x\n");
    git(ws, "init", "-q");
    git(ws, "add", "-A");
    git(ws, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start");
    java.util.concurrent.CountDownLatch t1RanItsCommand = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch t2Wrote = new java.util.concurrent.CountDownLatch(1);
    dev.orchestra.model.TokenUsage usage = new dev.orchestra.model.TokenUsage(5, 5, 0, 0);
    ScriptedModelProvider model = new ScriptedModelProvider();
    // T1 runs a command (only a command can write outside a scope), then waits while T2 writes b.txt.
    model.on("implementer", "T1")
        .reply(Reply.toolCall("run_command", "{\"command\":[\"sh\",\"-c\",\"echo a > a.txt\"]}"))
        .reply(Reply.answer(req -> {
          t1RanItsCommand.countDown();
          await(t2Wrote);
          return dev.orchestra.model.ModelResponse.text(RoleAnswers.implementation("wrote a.txt"), usage);
        }));
    model.on("implementer", "T2")
        .reply(Reply.answer(req -> {
          await(t1RanItsCommand);
          return new dev.orchestra.model.ModelResponse(
              "", List.of(new dev.orchestra.model.ToolCall("c1", "write_file", "{\"path\":\"b.txt\",\"content\":\"b\\n\"}")), usage);
        }))
        .reply(Reply.answer(req -> {
          t2Wrote.countDown();
          return dev.orchestra.model.ModelResponse.text(RoleAnswers.implementation("wrote b.txt"), usage);
        }));
    Task t2 = Task.builder("T2", "Write b.txt").writeScope("b.txt").role("implementer").build();
    try (Orchestrator o = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(model).build()) {
      TaskExecutor executor = executor(o, ws);
      java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        java.util.concurrent.Future<TaskResult> first = two.submit(() -> executor.run(new Command.RunTask(T1, 1, List.of()), "g", Map.of()));
        java.util.concurrent.Future<TaskResult> second = two.submit(() -> executor.run(new Command.RunTask(t2, 1, List.of()), "g", Map.of()));
        TaskResult r1 = first.get();
        TaskResult r2 = second.get();
        OrchestraEvent.TaskFinished end1 = (OrchestraEvent.TaskFinished) r1.events().get(r1.events().size() - 1);
        OrchestraEvent.TaskFinished end2 = (OrchestraEvent.TaskFinished) r2.events().get(r2.events().size() - 1);
        assertEquals(List.of("a.txt"), end1.changedFiles(), "b.txt is T2's, which ran meanwhile and may write it: " + end1);
        assertEquals(List.of(), r1.risks(), "no write outside T1's scope to report");
        assertEquals(List.of("b.txt"), end2.changedFiles(), end2.toString());
      } finally {
        two.shutdownNow();
      }
    }
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("the other task never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
  }

  @Test
  void anAgentsOwnRateLimitComesBackAsARetryAndATaskToDoAgain() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Agent limited = (role, task, context) -> {
      throw new RateLimitedException("429 from the agent's own model", Duration.ofSeconds(3));
    };
    try (Orchestrator o =
        Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(new ScriptedModelProvider())
            .agent(Agent.byRole(Map.of("implementer", limited), Agent.toolLoop())).build()) {
      TaskResult r = executor(o, ws).run(new Command.RunTask(T1, 2, List.of()), "Write a.txt", Map.of());
      assertEquals(List.of(OrchestraEvent.Kind.RETRY_SCHEDULED, OrchestraEvent.Kind.TASK_FINISHED), r.events().stream().map(OrchestraEvent::kind).toList());
      OrchestraEvent.RetryScheduled retry = (OrchestraEvent.RetryScheduled) r.events().get(0);
      assertEquals(3_000, retry.delayMillis(), "the server's wait is honoured");
      assertEquals(TaskStatus.TODO, ((OrchestraEvent.TaskFinished) r.events().get(1)).status(), "to do again, once its wait is over");
      assertEquals(TaskResult.Health.Kind.RATE_LIMITED, r.health().get(0).kind());
      assertTrue(r.report().isEmpty());
    }
  }

  @Test
  void anAgentsOwnFailuresCountFromTheCommandOnAnyWorker() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Agent limited = (role, task, context) -> {
      throw new RateLimitedException("429 from the agent's own model", Duration.ofMillis(1));
    };
    try (Orchestrator o =
        Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(new ScriptedModelProvider())
            .agent(Agent.byRole(Map.of("implementer", limited), Agent.toolLoop())).maxModelAttempts(3).build()) {
      List<Integer> attempts = new java.util.ArrayList<>();
      TaskStatus last = null;
      for (int i = 0; i < 3; i++) {
        // A fresh executor each time, as on another worker: the machine's count comes with the command.
        Command.RunTask t1 = new Command.RunTask(T1, 1, List.of(), List.of(), "", i);
        TaskResult r = executor(o, ws).run(t1, "Write a.txt", Map.of());
        r.events().stream().filter(OrchestraEvent.RetryScheduled.class::isInstance).map(e -> ((OrchestraEvent.RetryScheduled) e).attempt()).forEach(attempts::add);
        last = ((OrchestraEvent.TaskFinished) r.events().get(r.events().size() - 1)).status();
      }
      assertEquals(List.of(2, 3), attempts, "each attempt is numbered as in one JVM");
      assertEquals(TaskStatus.FAILED, last, "the third failure is the last: the rule gives up, as in one JVM");
    }
  }

  @Test
  void aTaskThatResolvesAConflictIsRefused() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    try (Orchestrator o = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(new ScriptedModelProvider()).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> executor(o, ws).run(new Command.RunTask(T1, 2, List.of(), List.of("<<<<<<< HEAD"), "orchestra-task/r/T0"), "g", Map.of()));
      assertTrue(e.getMessage().contains("worktrees"), e.getMessage());
    }
  }

  @Test
  void aLostQuotaComesBackAsAStopBeforeTheTasksEnd() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Agent out = (role, task, context) -> {
      throw new QuotaExhaustedException("the plan's quota is used up");
    };
    try (Orchestrator o =
        Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(new ScriptedModelProvider())
            .agent(Agent.byRole(Map.of("implementer", out), Agent.toolLoop())).build()) {
      TaskResult r = executor(o, ws).run(new Command.RunTask(T1, 1, List.of()), "Write a.txt", Map.of());
      assertEquals(List.of(OrchestraEvent.Kind.STOP_REQUESTED, OrchestraEvent.Kind.TASK_FINISHED), r.events().stream().map(OrchestraEvent::kind).toList());
      assertEquals(StopReason.QUOTA_EXHAUSTED, ((OrchestraEvent.StopRequested) r.events().get(0)).reason());
      assertEquals(TaskStatus.TODO, ((OrchestraEvent.TaskFinished) r.events().get(1)).status(), "the task runs again when the run is resumed");
    }
  }

  @Test
  void aCancelledRunsTaskEndsToDoAgainWithTheCancel() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    try (Orchestrator o = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(model).build()) {
      TaskResult r = EngineHost.of(o).tasks("run-1", ws, () -> true).run(new Command.RunTask(T1, 1, List.of()), "Write a.txt", Map.of());
      OrchestraEvent.TaskFinished end = (OrchestraEvent.TaskFinished) r.events().get(r.events().size() - 1);
      assertEquals(TaskStatus.TODO, end.status(), r.events().toString());
      assertTrue(r.events().stream().anyMatch(e -> e instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.CANCELLED), r.events().toString());
      assertEquals(0, model.requests().size(), "a cancelled run calls no model");
    }
  }

  @Test
  void anAgentThatThrowsAnErrorEndsItsTaskFailedAsInOneJvm() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Agent broken = (role, task, context) -> {
      throw new AssertionError("agent bug");
    };
    try (Orchestrator o =
        Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(new ScriptedModelProvider())
            .agent(Agent.byRole(Map.of("implementer", broken), Agent.toolLoop())).build()) {
      TaskResult r = executor(o, ws).run(new Command.RunTask(T1, 3, List.of()), "Write a.txt", Map.of());
      OrchestraEvent.TaskFinished end = (OrchestraEvent.TaskFinished) r.events().get(r.events().size() - 1);
      assertEquals(TaskStatus.FAILED, end.status());
      assertEquals(3, end.round());
      assertTrue(end.summary().contains("agent bug"), end.summary());
    }
  }

  @Test
  void anotherImplementationOfOrchestratorIsRefusedSayingHowToBuildOne() {
    Orchestrator other = java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Orchestrator.class}, (p, m, a) -> null)
        instanceof Orchestrator o ? o : null;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineHost.of(other));
    assertTrue(e.getMessage().contains("Orchestrator.builder()"), e.getMessage());
  }
}
