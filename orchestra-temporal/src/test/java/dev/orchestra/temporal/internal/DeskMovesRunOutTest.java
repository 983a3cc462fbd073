package dev.orchestra.temporal.internal;

import dev.orchestra.temporal.Histories;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desk lost again and again: each time its call stops heartbeating (here: the planner's call
 * hangs before the desk hears of it), the workflow opens the desk again and sends the call there,
 * three times; the fourth loss fails the run with {@code DeskLost}, saying the desk's moves ran out
 * and where its journal is, instead of moving for ever.
 */
final class DeskMovesRunOutTest {
  private static final String QUEUE = "orchestra-moves-run-out";

  @TempDir Path dir;

  @Test
  void aDeskLostAFourthTimeFailsTheRunWithDeskLostNamingItsMovesAndWorkspace() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    CountDownLatch done = new CountDownLatch(1);
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(new ScriptedModelProvider()).explorationProbes(List.of()).build();
        RunActivitiesImpl real = new RunActivitiesImpl(EngineHost.of(team), Duration.ofMillis(200), QUEUE + "-own", Optional.empty())) {
      AtomicInteger planningCalls = new AtomicInteger();
      RunActivities hanging = new ActivitiesBetween(real) {
        @Override
        public DeskReply carryOut(String runId, String command) {
          if (Wire.command(command).kind() == Command.Kind.ASK_PLANNER) {
            planningCalls.incrementAndGet();
            throw ActivitiesBetween.hang(done); // as a worker that hangs: no heartbeat, no answer
          }
          return real.carryOut(runId, command);
        }
      };
      ActivitiesBetween.serve(env, QUEUE, hanging);
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).build();
      String runId = temporal.start("Plan something");
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, () -> temporal.await(runId));

      ApplicationFailure why = assertInstanceOf(ApplicationFailure.class, failed.getCause());
      assertEquals("DeskLost", why.getType(), why.getOriginalMessage());
      assertTrue(why.getOriginalMessage().contains("stopped heartbeating during its CarryOut call")
          && why.getOriginalMessage().contains("after 3 of the 3 moves") && why.getOriginalMessage().contains(ws.toString()), why.getOriginalMessage());
      assertEquals(4, planningCalls.get(), "the planner's call went to the desk and to each of its three reopenings");
      WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
      assertEquals(
          3,
          Histories.scheduled(history, "ReopenDesk"),
          "opened again three times");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    } finally {
      done.countDown();
      env.close();
    }
  }
}
