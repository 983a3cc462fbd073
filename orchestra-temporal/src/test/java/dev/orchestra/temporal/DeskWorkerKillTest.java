package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.temporal.internal.ChildJvm;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker that keeps a run's desk is killed (SIGKILL) while the desk runs the round's CI check.
 * The desk's calls heartbeat, so the workflow, on a worker left, hears of the loss within the
 * heartbeat timeout instead of at the call's two-hour timeout, and fails the run saying why.
 */
final class DeskWorkerKillTest {
  private static final String QUEUE = "orchestra-desk-kill";

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // without the desk's heartbeats the run would wait two hours
  void aDeskWorkerKilledDuringAGateFailsTheRunWithinTheHeartbeatTimeoutSayingWhy() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path pidFile = ws.resolve(".check.pid");
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      // One task of one call; the round's CI check runs until it is killed and names its process.
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, ws.toString(), "true", "2", "1", "1", "10", "12", "false",
                  "sleep 120 & echo $! > .check.pid; wait");
          // The worker left: it takes workflow tasks and agents' tasks, never a desk.
          Orchestrator team = SyntheticTeam.build(ws, 1, 1, 10, 12, id -> {});
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).keepsDesks(false).stickyWorkflows(false).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        left.start(client);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(2)).build();
        String runId = temporal.start("Write f1.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(Files.exists(pidFile), "the check started on the desk's worker");
        long check = Long.parseLong(Files.readString(pidFile).strip());
        try {
          desk.kill();
          long killedAt = System.nanoTime();
          WorkflowFailedException failed = assertThrows(WorkflowFailedException.class, () -> temporal.await(runId));
          long tookMs = (System.nanoTime() - killedAt) / 1_000_000;

          ApplicationFailure why = (ApplicationFailure) failed.getCause();
          assertEquals("DeskLost", why.getType());
          assertTrue(
              why.getOriginalMessage().contains("the worker that keeps its desk stopped heartbeating during its CarryOut call"),
              why.getOriginalMessage());
          assertTrue(why.getOriginalMessage().contains(ws.toString()), "names where the journal is: " + why.getOriginalMessage());
          // Functional, not a benchmark: two hours is the call's own timeout, seconds the heartbeat's.
          assertTrue(tookMs < 60_000, "the loss was noticed by the heartbeat, not the call's timeout: " + tookMs + " ms");

          WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
          HistoryEvent timedOut =
              history.getEvents().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT).findFirst().orElseThrow();
          assertEquals(
              TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
              timedOut.getActivityTaskTimedOutEventAttributes().getFailure().getTimeoutFailureInfo().getTimeoutType());
          assertTrue(
              history.getEvents().stream().noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                  && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("CloseDesk")),
              "no call waits for the lost desk's worker");
          WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
          HistoryFixturesTest.record("desk-worker-lost", history);
        } finally {
          ProcessHandle.of(check).ifPresent(ProcessHandle::destroyForcibly); // the killed worker's check, orphaned
        }
      } finally {
        service.shutdownNow();
      }
    }
  }
}
