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
 * the worker left; the run ends GREEN with every task done exactly once. Once with the workers
 * sharing one folder, once with each in a clone of a git remote they share.
 */
final class WorkerKillTest {
  private static final String QUEUE = "orchestra-kill";
  private static final int TASKS = 8;

  @TempDir Path dir;

  @Test
  void aWorkerKilledMidTaskLosesNothingTheRunEndsGreenWithEveryTaskDoneOnce() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    killAWorkerMidTask(ws, ws, "");
    for (int i = 1; i <= TASKS; i++) {
      assertEquals("T" + i + "\n", Files.readString(ws.resolve("f" + i + ".txt")));
    }
  }

  /**
   * The same with workers that share only a git remote, each with a clone of its own: the killed
   * worker's task runs again in the other clone, and the run's branch on the remote holds exactly
   * one merge per task.
   */
  @Test
  void aWorkerKilledMidTaskOnARunSharedThroughAGitRemoteLeavesOneIntegratedMergePerTask() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path deskClone = TestRemotes.cloneOf(remote, dir, "desk");
    Path doomedClone = TestRemotes.cloneOf(remote, dir, "doomed");

    String runId = killAWorkerMidTask(deskClone, doomedClone, remote.toString());

    String branch = "orchestra/" + runId;
    List<String> merges = TestRemotes.git(remote, "log", "--merges", "--format=%s", branch).lines().sorted().toList();
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 1; i <= TASKS; i++) {
      expected.add("Integrate T" + i + ": Write f" + i + ".txt");
      assertEquals("T" + i + "\n", TestRemotes.git(remote, "show", branch + ":f" + i + ".txt"));
    }
    assertEquals(expected.stream().sorted().toList(), merges, "one integrated merge per task");
  }

  /**
   * Starts the server and a doomed worker (tasks only, in {@code doomedWs}), then the desk's worker
   * (in {@code deskWs}), kills the doomed one while its agent works, and checks the run ends GREEN
   * with every task done exactly once, the killed task run again by the worker left, and the
   * history replaying.
   *
   * @return the run's id
   */
  private String killAWorkerMidTask(Path deskWs, Path doomedWs, String gitRemote) throws Exception {
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      // Ten calls of 100 ms a task: a second of work each, two tasks at a time on each worker.
      String[] team = {String.valueOf(TASKS), "10", "100", "12"};
      // Not sticky: Temporal's test server never moves a workflow off a dead worker's sticky queue.
      // The doomed worker starts alone and takes the run's workflow first, so the workflow lives in
      // its cache (Temporal sends it the workflow's later tasks) when it dies: the worst case.
      try (ChildJvm doomed = worker(target, doomedWs, false, team, "doomed.log", gitRemote)) {
        doomed.await("ready", 60);
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try (ChildJvm desk = worker(target, deskWs, true, team, "desk.log", gitRemote)) {
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
          List<OrchestraEvent> journal = InMemoryTemporalTest.journal(deskWs);
          Map<String, Long> doneCounts =
              journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE && f.taskId().startsWith("T"))
                  .collect(Collectors.groupingBy(e -> ((OrchestraEvent.TaskFinished) e).taskId(), Collectors.counting()));
          assertEquals(TASKS, doneCounts.size(), doneCounts.toString());
          assertTrue(doneCounts.values().stream().allMatch(n -> n == 1), "every task done exactly once: " + doneCounts);
          // The killed worker's task ran again on the worker left.
          String killedTask = started.substring("started ".length());
          desk.await("started " + killedTask, 1); // throws when the worker left never started it
          WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
          return runId;
        } finally {
          service.shutdownNow();
        }
      }
    }
  }

  private ChildJvm worker(String target, Path ws, boolean keepsDesks, String[] team, String log, String gitRemote) throws Exception {
    return new ChildJvm(
        TestWorkerMain.class, dir.resolve(log), target, QUEUE, ws.toString(), String.valueOf(keepsDesks), "2", team[0], team[1], team[2], team[3], "false",
        "", gitRemote);
  }
}
