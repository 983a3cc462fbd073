package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers that share nothing but Temporal and a git remote (a bare repository): each works in a
 * clone of its own. Every agent's task works in a worktree of its worker's clone and pushes its
 * branch; the desk, in the first worker's clone, merges each branch into the run's branch, runs the
 * CI check on that, and pushes it. The run ends GREEN with the run's branch on the remote holding
 * one merge per task, and neither clone's checkout touched.
 */
final class TemporalGitRemoteTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-remote";
  private static final int TASKS = 4;

  @TempDir Path dir;

  @Test
  void workersSharingOnlyAGitRemoteRunEachTaskInTheirOwnCloneAndTheRunsBranchHoldsOneMergePerTask() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path deskClone = TestRemotes.cloneOf(remote, dir, "desk");
    Path otherClone = TestRemotes.cloneOf(remote, dir, "other");
    List<String> ranAtDesk = Collections.synchronizedList(new ArrayList<>());
    List<String> ranElsewhere = Collections.synchronizedList(new ArrayList<>());
    String check = "test -f f1.txt && test -f f2.txt && test -f f3.txt && test -f f4.txt";
    // Four tasks at once and two slots a worker: each worker runs two.
    try (Orchestrator deskTeam = SyntheticTeam.build(deskClone, TASKS, 3, 150, TASKS, ranAtDesk::add, check);
        Orchestrator otherTeam = SyntheticTeam.build(otherClone, TASKS, 3, 150, TASKS, ranElsewhere::add, check);
        OrchestraWorker desk = OrchestraWorker.builder(deskTeam).taskQueue(QUEUE).slots(2).gitRemote(remote.toString()).build();
        OrchestraWorker other =
            OrchestraWorker.builder(otherTeam).taskQueue(QUEUE).slots(2).keepsDesks(false).gitRemote(remote.toString()).build()) {
      TemporalOrchestrator temporal = serve(desk);
      other.start(env.getWorkflowClient());
      String runId = temporal.start("Write " + TASKS + " files");
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertFalse(ranAtDesk.isEmpty(), "the desk's worker ran tasks");
      assertFalse(ranElsewhere.isEmpty(), "the other worker ran tasks");
      String branch = "orchestra/" + runId;
      for (int i = 1; i <= TASKS; i++) {
        assertEquals("T" + i + "\n", TestRemotes.git(remote, "show", branch + ":f" + i + ".txt"), "f" + i + ".txt on the remote's run branch");
      }
      List<String> merges = TestRemotes.git(remote, "log", "--merges", "--format=%s", branch).lines().sorted().toList();
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= TASKS; i++) {
        expected.add("Integrate T" + i + ": Write f" + i + ".txt");
      }
      assertEquals(expected, merges, "one merge per task");
      assertEquals("", TestRemotes.git(remote, "for-each-ref", "refs/heads/orchestra-task/"), "the merged task branches were deleted on the remote");
      for (Path clone : List.of(deskClone, otherClone)) {
        assertFalse(Files.exists(clone.resolve("f1.txt")), clone + "'s checkout holds no task's work");
        assertEquals("", TestRemotes.git(clone, "status", "--porcelain", "--untracked-files=no"));
      }
      List<OrchestraEvent> journal = journal(deskClone);
      assertEquals(TASKS, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskIntegrated).count(), journal.toString());
      assertEquals(
          TASKS,
          journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE && f.taskId().startsWith("T")).count());
      assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.GateFinished), journal.toString());
      assertFalse(Files.exists(otherClone.resolve(".orchestra/journal.jsonl")), "only the desk journals");
      var history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      HistoryFixturesTest.record("git-remote-run", history);
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    }
  }

  @Test
  void aWorkerWithoutTheRemoteFailsTheTasksOfARunSharedThroughOneAndTheRunIsNotGreen() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path deskClone = TestRemotes.cloneOf(remote, dir, "desk");
    Path stray = Files.createDirectories(dir.resolve("stray"));
    String check = "test -f f1.txt";
    try (Orchestrator deskTeam = SyntheticTeam.build(deskClone, 6, 2, 50, 12, id -> {}, check);
        Orchestrator strayTeam = SyntheticTeam.build(stray, 6, 2, 50, 12, id -> {}, check);
        OrchestraWorker desk = OrchestraWorker.builder(deskTeam).taskQueue(QUEUE).slots(1).gitRemote(remote.toString()).build();
        OrchestraWorker without = OrchestraWorker.builder(strayTeam).taskQueue(QUEUE).slots(4).keepsDesks(false).build()) {
      TemporalOrchestrator temporal = serve(desk);
      without.start(env.getWorkflowClient());
      OrchestraEvent.RunFinished end = temporal.run("Write six files");

      assertNotEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      List<OrchestraEvent> journal = journal(deskClone);
      assertTrue(
          journal.stream()
              .anyMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.FAILED && f.summary().contains("built without one")),
          journal.toString());
      try (var files = Files.list(stray)) {
        assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("f")), "nothing was written in the stray worker's folder");
      }
    }
  }

  @Test
  void aWorkerWithARemoteIsRefusedAtBuildWhenItsTeamSharesOneTreeOrItsWorkspaceIsNoClone() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path clone = TestRemotes.cloneOf(remote, dir, "clone");
    Path plain = Files.createDirectories(dir.resolve("plain"));
    try (Orchestrator shared =
            Orchestrator.builder().workspace(clone).modelProvider(new dev.orchestra.testing.ScriptedModelProvider()).isolation(dev.orchestra.Isolation.shared()).build();
        Orchestrator noClone = SyntheticTeam.build(plain, 1, 1, 0, 1, id -> {}, "true")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> OrchestraWorker.builder(shared).gitRemote(remote.toString()).build());
      assertTrue(e.getMessage().contains("Isolation.worktrees()"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> OrchestraWorker.builder(noClone).gitRemote(remote.toString()).build());
      assertTrue(e.getMessage().contains("clone the remote there"), e.getMessage());
    }
  }
}
