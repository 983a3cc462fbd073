package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.agent.Agent;
import dev.orchestra.agent.ReportFormat;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task whose agent is rate limited with a ten-minute retry-after waits on a workflow timer, with
 * no slot of the budget: the in-memory server skips the ten minutes once nothing else runs, and the
 * run ends GREEN in seconds with the wait's end journalled before the task starts again.
 */
final class TemporalRetryHoldTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-hold";

  @TempDir Path dir;
  @Test
  void aHeldTaskWaitsOnAWorkflowTimerAndTakesNoSlot() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"), writing("T2", "b.txt"));
    List<String> starts = new CopyOnWriteArrayList<>();
    AtomicInteger t1Attempts = new AtomicInteger();
    Agent outside =
        (role, task, context) -> {
          starts.add(task.id());
          if (task.id().equals("T1") && t1Attempts.incrementAndGet() == 1) {
            throw new RateLimitedException("429 from the agent's own model", Duration.ofMinutes(10));
          }
          return ReportFormat.parse(role.name(), RoleAnswers.implementation("wrote"), List.of());
        };
    try (Orchestrator team =
            Orchestrator.builder()
                .workspace(ws)
                .modelProvider(model)
                .explorationProbes(List.of())
                .agent(Agent.byRole(Map.of("implementer", outside), Agent.toolLoop()))
                .budgetPolicy(BudgetPolicy.fixed(1))
                .build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      long began = System.nanoTime();
      String runId = temporal.start("Write a.txt and b.txt");
      OrchestraEvent.RunFinished end = temporal.await(runId);
      long tookMillis = (System.nanoTime() - began) / 1_000_000;

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      // One slot: T2 ran while T1 waited out its ten minutes on a timer, not in the slot.
      assertEquals(List.of("T1", "T2", "T1"), starts);
      assertTrue(tookMillis < 60_000, "the ten minutes were workflow time, skipped: " + tookMillis + " ms");
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      int due = indexOf(journal, e -> e instanceof OrchestraEvent.RetryDue r && r.taskId().equals("T1"));
      int again = lastIndexOf(journal, e -> e instanceof OrchestraEvent.TaskStarted s && s.taskId().equals("T1"));
      assertTrue(due >= 0 && due < again, "T1's wait ended before it started again: " + journal);
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
      HistoryFixturesTest.record("held-retry-run", env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)));
    }
  }

  private static int indexOf(List<OrchestraEvent> events, java.util.function.Predicate<OrchestraEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<OrchestraEvent> events, java.util.function.Predicate<OrchestraEvent> p) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
