package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.internal.ChildJvm;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal's test server as a standalone gRPC server in a JVM of its own, and two worker JVMs: one
 * keeps the run's desk and runs tasks, the other only runs tasks and is killed (SIGKILL) while its
 * agent works. Temporal notices the silence within the heartbeat timeout and runs the task again on
 * the worker left; the run ends GREEN with every task done exactly once.
 */
final class WorkerKillTest {
  private static final String QUEUE = "orchestra-kill";
  private static final int TASKS = 8;

  @TempDir Path dir;

  @Test
  void aWorkerKilledMidTaskLosesNothingTheRunEndsGreenWithEveryTaskDoneOnce() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      // Ten calls of 100 ms a task: a second of work each, two tasks at a time on each worker.
      String[] team = {String.valueOf(TASKS), "10", "100", "12"};
      // Not sticky: Temporal's test server never moves a workflow off a dead worker's sticky queue.
      // The doomed worker starts alone and takes the run's workflow first, so the workflow lives in
      // its cache (Temporal sends it the workflow's later tasks) when it dies: the worst case.
      try (ChildJvm doomed = worker(target, ws, false, team, "doomed.log")) {
        doomed.await("ready", 60);
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try (ChildJvm desk = worker(target, ws, true, team, "desk.log")) {
          WorkflowClient client = WorkflowClient.newInstance(service);
          TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(2)).build();
          String runId = temporal.start("Write " + TASKS + " files");
          Thread.sleep(1000); // the doomed worker's first workflow task; the run then waits for a desk
          desk.await("ready", 60);
          String started = doomed.await("started ", 60);
          doomed.kill();
          assertFalse(doomed.isAlive());
          OrchestraEvent.RunFinished end = temporal.await(runId);

          assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
          List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
          Map<String, Long> doneCounts =
              journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE && f.taskId().startsWith("T"))
                  .collect(Collectors.groupingBy(e -> ((OrchestraEvent.TaskFinished) e).taskId(), Collectors.counting()));
          assertEquals(TASKS, doneCounts.size(), doneCounts.toString());
          assertTrue(doneCounts.values().stream().allMatch(n -> n == 1), "every task done exactly once: " + doneCounts);
          for (int i = 1; i <= TASKS; i++) {
            assertEquals("T" + i + "\n", Files.readString(ws.resolve("f" + i + ".txt")));
          }
          // The killed worker's task ran again on the worker left.
          String killedTask = started.substring("started ".length());
          desk.await("started " + killedTask, 1); // throws when the worker left never started it
          WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
        } finally {
          service.shutdownNow();
        }
      }
    }
  }

  private ChildJvm worker(String target, Path ws, boolean keepsDesks, String[] team, String log) throws Exception {
    return new ChildJvm(
        TestWorkerMain.class, dir.resolve(log), target, QUEUE, ws.toString(), String.valueOf(keepsDesks), "2", team[0], team[1], team[2], team[3], "false");
  }
}
