package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.agent.Agent;
import dev.orchestra.agent.AgentActivity;
import dev.orchestra.agent.ReportFormat;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that works outside the tool box (as a Codex process does) reports what it did through
 * its context, asks for approval through it, and fails on its own: the run turns its reports into
 * events and token counts, and puts a task whose own attempt was rate limited back in the queue.
 */
final class ExternalAgentTest {
  @TempDir Path dir;

  @Test
  void reportsBecomeEventsAndAnOwnRateLimitIsRetriedLater() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "true")));
    model.on("orchestrator")
        .reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Agent outside =
        (role, task, context) -> {
          if (attempts.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet() == 1) {
            context.report(new AgentActivity.TurnFailed("m-1", new TokenUsage(7, 0, 0, 0), Duration.ofMillis(5), ModelProviderException.Kind.RATE_LIMITED));
            throw new RateLimitedException("429 from the agent's own model", Duration.ofMillis(10));
          }
          context.report(new AgentActivity.ThreadStarted("outside", "thread-" + task.id()));
          ApprovalHandler.Decision d = context.askApproval("run_command", "touch a.txt", "asked first");
          assertTrue(d.approved());
          try {
            Files.writeString(context.workspace().resolve("a.txt"), "a\n");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          context.report(new AgentActivity.CommandRan("touch a.txt", 0, Duration.ofMillis(3), "ok"));
          context.report(new AgentActivity.FileChanged("a.txt", "add"));
          context.report(new AgentActivity.ToolUsed("mcp:docs/search", "", true, "completed"));
          context.report(new AgentActivity.Message("working on it"));
          context.report(new AgentActivity.TurnFinished("m-1", new TokenUsage(40, 8, 10, 2), Duration.ofMillis(20)));
          return ReportFormat.parse(role.name(), RoleAnswers.implementation("wrote a.txt"), List.of("a.txt"));
        };
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
            .approvalHandler(request -> ApprovalHandler.Decision.approve("test"))
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(2, attempts.get("T1").get(), "tried again after its own rate limit");
    assertEquals(1, events.of(OrchestraEvent.RetryScheduled.class).size());
    assertEquals(List.of("12->10"), events.of(OrchestraEvent.BudgetChanged.class).stream().map(b -> b.from() + "->" + b.to()).toList());
    List<TaskStatus> t1 = events.of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().equals("T1")).map(OrchestraEvent.TaskFinished::status).toList();
    assertEquals(List.of(TaskStatus.TODO, TaskStatus.DONE), t1);
    // Its reports, as events.
    assertEquals(List.of("thread-T1"), events.of(OrchestraEvent.AgentThreadStarted.class).stream().map(OrchestraEvent.AgentThreadStarted::threadId).toList());
    assertEquals(List.of("working on it"), events.of(OrchestraEvent.AgentMessage.class).stream().map(OrchestraEvent.AgentMessage::text).toList());
    List<String> tools = events.of(OrchestraEvent.ToolCalled.class).stream().map(t -> t.tool() + " " + t.target() + " " + t.detail()).toList();
    assertEquals(List.of("run_command touch a.txt exit code 0 after 3 ms", "apply_patch a.txt add", "mcp:docs/search  completed"), tools);
    assertEquals(1, events.of(OrchestraEvent.ApprovalDecided.class).size());
    List<String> calls =
        events.of(OrchestraEvent.ModelCallFinished.class).stream().filter(m -> m.role().equals("implementer")).map(m -> m.outcome() + " " + m.usage().inputTokens()).toList();
    assertEquals(List.of("rate_limited 7", "ok 40"), calls);
    assertTrue(result.usage().inputTokens() >= 40);
    OrchestraEvent.TaskFinished done =
        events.of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().equals("T1") && f.status() == TaskStatus.DONE).findFirst().orElseThrow();
    assertEquals(List.of("a.txt"), done.changedFiles(), "the files it reported changing are the task's");
  }

  @Test
  void aModelCallsFailureTheAgentWrapsIsNotRetriedASecondTime() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "true")));
    model.on("orchestrator")
        .reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    model.on("implementer").otherwise(Reply.rateLimited(Duration.ofMillis(1)));
    AtomicInteger attempts = new AtomicInteger();
    // An agent that calls the run's model and, as adapters do, wraps what the call threw.
    Agent wrapping =
        (role, task, context) -> {
          attempts.incrementAndGet();
          try {
            context.call(dev.orchestra.model.ModelRequest.builder().role(role.name()).taskId(task.id()).model("m")
                .reasoningEffort(dev.orchestra.role.ReasoningEffort.of("low")).instructions("")
                .messages(List.of(dev.orchestra.model.Message.user("go"))).build());
          } catch (RateLimitedException e) {
            throw new RateLimitedException("the adapter's call failed: " + e.getMessage(), null, e);
          }
          throw new AssertionError("the scripted model always limits");
        };
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", wrapping), Agent.toolLoop()))
            .maxModelAttempts(2)
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt");
    }
    assertEquals(1, attempts.get(), "the run retried the call itself; the agent's attempt is not made again for the same failure");
    List<TaskStatus> t1 = events.of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().equals("T1")).map(OrchestraEvent.TaskFinished::status).toList();
    assertEquals(List.of(TaskStatus.FAILED), t1, result.message());
  }

  @Test
  void aTaskWaitingOutItsRetryHoldsNoSlotOfTheBudget() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = twoTasks();
    List<String> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
    Agent outside = t1LimitedOnce(Duration.ofMillis(400), starts);
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
            .budgetPolicy(BudgetPolicy.fixed(1))
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt and b.txt");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    // One slot: T2 runs while T1 waits out its 400 ms in the queue, not in the slot.
    assertEquals(List.of("T1", "T2", "T1"), starts);
    OrchestraEvent.RetryScheduled retry = events.of(OrchestraEvent.RetryScheduled.class).get(0);
    OrchestraEvent.RetryDue due = events.of(OrchestraEvent.RetryDue.class).get(0);
    OrchestraEvent.TaskStarted again =
        events.of(OrchestraEvent.TaskStarted.class).stream().filter(t -> t.taskId().equals("T1")).skip(1).findFirst().orElseThrow();
    Instant waitEnds = retry.time().plusMillis(retry.delayMillis());
    assertTrue(!due.time().isBefore(waitEnds), "the wait ended at " + due.time() + ", before " + waitEnds);
    assertTrue(events.events().indexOf(due) < events.events().indexOf(again), "T1 started again before its RetryDue: " + events.events());
    // The journal holds the wait's end, so a resume or a replay sees the same run.
    assertTrue(Files.readString(ws.resolve(".orchestra/journal.jsonl")).contains("\"type\":\"retry_due\""));
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aRunThatStopsWhileATaskWaitsEndsWithoutWaitingAndLeavesNoThread() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = twoTasks();
    java.util.concurrent.CountDownLatch t1Held = new java.util.concurrent.CountDownLatch(1);
    Agent outside =
        (role, task, context) -> {
          if (task.id().equals("T1")) {
            throw new RateLimitedException("429 from the agent's own model", Duration.ofMinutes(10));
          }
          try {
            t1Held.await(); // until T1 is back in the queue with its ten minutes to wait
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new dev.orchestra.model.QuotaExhaustedException("the plan's quota is used up");
        };
    EventRecorder events = new EventRecorder();
    RunResult result;
    long t0 = System.nanoTime();
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
            .budgetPolicy(BudgetPolicy.fixed(2))
            .addListener(e -> {
              if (e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && f.status() == TaskStatus.TODO) {
                t1Held.countDown();
              }
            })
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt and b.txt");
    }
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertEquals(StopReason.QUOTA_EXHAUSTED, result.stopReason(), result.message());
    assertTrue(seconds < 60, "the run waited out T1's retry: " + seconds + " s");
    assertEquals(List.of(), events.of(OrchestraEvent.RetryDue.class), "the wait was stopped, not ended");
    assertNoWaitLeft();
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aCancelWhileATaskWaitsEndsTheRunAtOnce() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = twoTasks();
    Agent outside =
        (role, task, context) -> {
          if (task.id().equals("T1")) {
            throw new RateLimitedException("429 from the agent's own model", Duration.ofMinutes(10));
          }
          return ReportFormat.parse(role.name(), RoleAnswers.implementation("wrote"), List.of());
        };
    EventRecorder events = new EventRecorder();
    java.util.concurrent.atomic.AtomicReference<Orchestrator> running = new java.util.concurrent.atomic.AtomicReference<>();
    RunResult result;
    long t0 = System.nanoTime();
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
            .budgetPolicy(BudgetPolicy.fixed(1))
            .addListener(events)
            .addListener(e -> {
              // T2 is done and T1 waits its ten minutes in the queue: a person cancels.
              if (e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T2")) {
                new Thread(() -> running.get().cancel()).start();
              }
            })
            .build()) {
      running.set(o);
      result = o.run("Write a.txt and b.txt");
    }
    assertEquals(StopReason.CANCELLED, result.stopReason(), result.message());
    assertTrue((System.nanoTime() - t0) / 1_000_000_000L < 60, "the run waited out T1's retry");
    assertEquals(List.of(), events.of(OrchestraEvent.RetryDue.class), "a cancelled wait releases nothing");
    assertNoWaitLeft();
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aSleeperThatFailsReleasesTheHeldTaskInsteadOfHoldingItForEver() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = twoTasks();
    Agent outside = t1LimitedOnce(Duration.ofSeconds(5), new java.util.concurrent.CopyOnWriteArrayList<>());
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
            .sleeper(d -> {
              throw new IllegalStateException("this sleeper is broken");
            })
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt and b.txt");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(1, events.of(OrchestraEvent.RetryDue.class).size(), "released early, not held for ever");
  }

  @Test
  void anExplorersOwnFailureIsTriedAgainInPlace() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = twoTasks();
    model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("wrote")));
    AtomicInteger explorerAttempts = new AtomicInteger();
    Agent explorer =
        (role, task, context) -> {
          if (explorerAttempts.incrementAndGet() == 1) {
            throw new RateLimitedException("429 from the agent's own model", Duration.ofMillis(10));
          }
          return ReportFormat.parse(role.name(), Json.exploration("src/", "true"), List.of());
        };
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("explorer", explorer), Agent.toolLoop()))
            .explorationProbes(List.of("where are the tests?"))
            .addListener(events)
            .build()) {
      result = o.run("Write a.txt and b.txt");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(2, explorerAttempts.get(), "the probe was tried again");
    List<TaskStatus> probe =
        events.of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().startsWith("explore-")).map(OrchestraEvent.TaskFinished::status).toList();
    assertEquals(List.of(TaskStatus.DONE), probe, "one end, done: a probe put back in the queue would never run again");
  }

  /** No thread waiting out a retry is alive once the run has returned (it may take a moment to exit). */
  private static void assertNoWaitLeft() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).filter(n -> n.contains("-retry-")).toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertEquals(List.of(), left, "a wait outlived its run");
  }

  /**
   * An outside agent whose first attempt at T1 fails on its own model's rate limit, asking to wait
   * {@code retryAfter}; every other attempt reports done. Each start's task id goes to {@code starts}.
   */
  private static Agent t1LimitedOnce(Duration retryAfter, List<String> starts) {
    AtomicInteger t1Attempts = new AtomicInteger();
    return (role, task, context) -> {
      starts.add(task.id());
      if (task.id().equals("T1") && t1Attempts.incrementAndGet() == 1) {
        throw new RateLimitedException("429 from the agent's own model", retryAfter);
      }
      return ReportFormat.parse(role.name(), RoleAnswers.implementation("wrote"), List.of());
    };
  }

  private static ScriptedModelProvider twoTasks() {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "true")));
    model.on("orchestrator")
        .reply(Reply.text(RoleAnswers.plan(List.of(
            Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build(),
            Task.builder("T2", "Write b.txt").writeScope("b.txt").role("implementer").build()))));
    return model;
  }
}
