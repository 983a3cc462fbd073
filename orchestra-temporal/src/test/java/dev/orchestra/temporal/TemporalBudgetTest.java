package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thread budget on Temporal: stepped in the workflow, on workflow time, from tasks' outcomes. */
final class TemporalBudgetTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-budget";

  @TempDir Path dir;
  private static List<Task> independent(int n) {
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      tasks.add(writing("T" + i, "f" + i + ".txt"));
    }
    return tasks;
  }

  private List<OrchestraEvent> run(Orchestrator team, String goal) throws Exception {
    try (OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).slots(12).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start(goal);
      OrchestraEvent.RunFinished end = temporal.await(runId);
      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
    }
    return InMemoryTemporalTest.journal(dir.resolve("ws"));
  }

  @Test
  void aStormOf429sStepsTheWorkflowsBudgetDownTheLadderAndSuccessBringsItBack() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "f1.txt"), writing("T2", "f2.txt", "T1"));
    // T1 is throttled twice, then writes and answers: two signs of trouble, then two successes;
    // T2 then succeeds twice.
    model.on("implementer", "T1")
        .reply(
            Reply.rateLimited(Duration.ofMillis(10)),
            Reply.rateLimited(Duration.ofMillis(10)),
            Reply.toolCall("write_file", "{\"path\":\"f1.txt\",\"content\":\"1\\n\"}"),
            Reply.text(RoleAnswers.implementation("wrote f1.txt")));
    model.on("implementer", "T2")
        .reply(
            Reply.toolCall("write_file", "{\"path\":\"f2.txt\",\"content\":\"2\\n\"}"),
            Reply.text(RoleAnswers.implementation("wrote f2.txt")));
    // No window to wait and no spacing between steps: every outcome moves the budget at once.
    BudgetPolicy policy = BudgetPolicy.defaults().withStableWindow(Duration.ZERO).withStepDownSpacing(Duration.ZERO);
    try (Orchestrator team =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).budgetPolicy(policy).build()) {
      List<OrchestraEvent> journal = run(team, "Write f1.txt and f2.txt");
      List<String> steps =
          journal.stream().filter(e -> e instanceof OrchestraEvent.BudgetChanged).map(e -> (OrchestraEvent.BudgetChanged) e)
              .map(b -> b.from() + "->" + b.to()).toList();
      // Down the ladder on the 429s, then back up one agent per success: T1's two calls that
      // answered, then T2's two.
      assertEquals(List.of("12->10", "10->8", "8->9", "9->10", "10->11", "11->12"), steps, journal.toString());
      OrchestraEvent.BudgetChanged first = (OrchestraEvent.BudgetChanged) journal.stream().filter(e -> e instanceof OrchestraEvent.BudgetChanged).findFirst().orElseThrow();
      assertTrue(first.cause().startsWith("rate limited: "), first.cause());
    }
  }

  @Test
  void theWorkflowsBudgetLimitsHowManyTaskActivitiesRunAtOnce() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ScriptedModelProvider model = planning(independent(6).toArray(Task[]::new));
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    Thread.sleep(150);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    running.decrementAndGet();
                  }
                  return ModelResponse.text(RoleAnswers.implementation("done"), TokenUsage.ZERO);
                }));
    try (Orchestrator team =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).budgetPolicy(BudgetPolicy.fixed(2)).build()) {
      run(team, "Six tasks, two at a time");
    }
    assertEquals(2, most.get(), "the worker has 12 slots; the run's budget of 2 is what limits");
  }

  @Test
  void aTasksRateLimitsStepTheBudgetDownWhileTheTaskStillRuns() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    CountDownLatch throttled = new CountDownLatch(1);
    CountDownLatch seen = new CountDownLatch(1);
    ScriptedModelProvider model = planning(writing("T1", "f1.txt"));
    model.on("implementer", "T1")
        .reply(
            Reply.rateLimited(Duration.ofMillis(10)),
            Reply.rateLimited(Duration.ofMillis(10)),
            Reply.answer(
                req -> {
                  throttled.countDown(); // the third call: the two 429s are behind it
                  try {
                    assertTrue(seen.await(30, TimeUnit.SECONDS), "the test looked at the run");
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return ModelResponse.text(RoleAnswers.implementation("done"), TokenUsage.ZERO);
                }));
    BudgetPolicy policy = BudgetPolicy.defaults().withStableWindow(Duration.ZERO).withStepDownSpacing(Duration.ZERO);
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).budgetPolicy(policy).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write f1.txt");
      assertTrue(throttled.await(30, TimeUnit.SECONDS), "T1 was throttled twice");
      // While T1 still runs, the workflow has stepped its budget down the ladder and journalled it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> steps = List.of();
      while (System.nanoTime() < deadline && !steps.equals(List.of("12->10", "10->8"))) {
        steps = budgetSteps(InMemoryTemporalTest.journal(ws));
        Thread.sleep(20);
      }
      assertEquals(List.of("12->10", "10->8"), steps, "stepped down while T1 runs");
      assertTrue(temporal.status(runId).contains(" budget 8"), temporal.status(runId));
      assertTrue(InMemoryTemporalTest.journal(ws).stream().noneMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")),
          "T1 has not ended yet");
      seen.countDown();

      OrchestraEvent.RunFinished end = temporal.await(runId);
      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      // Each outcome counted once: the two 429s as they happened (signalled), T1's success with its
      // result (successes are not signalled).
      assertEquals(List.of("12->10", "10->8", "8->9"), budgetSteps(InMemoryTemporalTest.journal(ws)));
      io.temporal.common.WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      HistoryFixturesTest.record("live-health-run", history);
    }
  }

  private static List<String> budgetSteps(List<OrchestraEvent> journal) {
    return journal.stream().filter(e -> e instanceof OrchestraEvent.BudgetChanged).map(e -> (OrchestraEvent.BudgetChanged) e)
        .map(b -> b.from() + "->" + b.to()).toList();
  }
}
