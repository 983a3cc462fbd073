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
      tasks.add(Task.builder("T" + i, "Write f" + i + ".txt").writeScope("f" + i + ".txt").role("implementer").build());
    }
    return tasks;
  }

  private List<OrchestraEvent> run(Orchestrator team, String goal) throws Exception {
    try (OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).slots(12).build()) {
      worker.registerOn(env.getWorkerFactory());
      env.start();
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(env.getWorkflowClient()).taskQueue(QUEUE).build();
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
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator")
        .reply(
            Reply.text(
                RoleAnswers.plan(
                    List.of(
                        Task.builder("T1", "Write f1.txt").writeScope("f1.txt").role("implementer").build(),
                        Task.builder("T2", "Write f2.txt").writeScope("f2.txt").dependsOn("T1").role("implementer").build()))));
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
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(independent(6))));
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
}
