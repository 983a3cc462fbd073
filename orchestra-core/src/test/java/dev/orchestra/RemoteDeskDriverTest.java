package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.internal.workspace.GitIdentity;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.internal.workspace.Integration;
import dev.orchestra.internal.workspace.Merges;
import dev.orchestra.internal.workspace.TaskTree;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose clones share nothing but a git remote (a bare repository), decided by a {@link
 * RunMachine} away from the in-process engine: the desk keeps the run in one clone, and two clones
 * run the agents' tasks, one each, each in a worktree of its own that it pushes. The desk fetches
 * each task's branch, merges it into the run's branch, pushes that, and runs the gate on it.
 */
final class RemoteDeskDriverTest {
  /** How many branches the desk merges in one command, as orchestra-temporal's workflow asks. */
  private static final int MERGES = 32;

  @TempDir Path dir;
  private Path remote;

  @BeforeEach
  void remoteWithOneCommit() throws Exception {
    assumeTrue(TestRepos.gitAvailable(), "git is needed");
    remote = TestRepos.bareRemote(dir);
  }

  @Test
  void tasksRunInClonesOfTheirOwnAndTheRunsBranchOnTheRemoteHoldsEachTasksWorkMergedOnce() throws Exception {
    String runId = "remote-1";
    runThroughTheRemote(runId, Isolation.Worktrees.Integration.MERGE);
    String branch = "orchestra/" + runId;
    List<String> merges = TestRepos.git(remote, "log", "--merges", "--format=%s", branch).lines().toList();
    assertEquals(List.of("Integrate T3: Write c.txt", "Integrate T2: Write b.txt", "Integrate T1: Write a.txt"), merges);
  }

  @Test
  void replayedTaskBranchesAreMovedOnTheRemoteTooSoTheRunsEndFindsThemIntegrated() throws Exception {
    String runId = "remote-rebase";
    runThroughTheRemote(runId, Isolation.Worktrees.Integration.REBASE);
    String branch = "orchestra/" + runId;
    assertEquals("", TestRepos.git(remote, "log", "--merges", "--format=%s", branch), "replayed, not merged");
    assertEquals(
        List.of("T3: Write c.txt", "T2: Write b.txt", "T1: Write a.txt", "start"), TestRepos.git(remote, "log", "--format=%s", branch).lines().toList());
  }

  @Test
  void aTaskBranchPushedOverAfterItsTaskReportedIsNotMergedAndTheRunFailsSayingSo() throws Exception {
    String runId = "remote-zombie";
    Path deskClone = clone("desk");
    Path zombie = clone("zombie"); // an attempt Temporal gave up on, still pushing
    GitRemote shared = new GitRemote(remote.toString());
    try (Orchestrator desk = team(deskClone, true, Isolation.Worktrees.Integration.MERGE)) {
      EngineHost host = EngineHost.of(desk);
      TaskExecutor executor = host.tasksAtRemote(runId, shared, () -> false, ApprovalHandler.DENY_ALL);
      RunMachine machine = new RunMachine(host.specAtRemote(MERGES));
      OrchestraEvent.RunFinished end;
      try (RunDesk runDesk = host.deskAtRemote(runId, shared, MERGES)) {
        end =
            DeskDrive.run(
                    machine, runDesk, new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt, b.txt and c.txt", false),
                    t -> {
                      TaskResult r = executor.run(t, machine.state().goal(), Map.of());
                      if (t.task().id().equals("T2")) {
                        try {
                          TestRepos.write(zombie, "z.txt", "not the reported work\n");
                          TestRepos.git(zombie, "add", "z.txt");
                          TestRepos.git(zombie, "commit", "-q", "-m", "late");
                          TestRepos.git(zombie, "push", "-q", "--force", "origin", "HEAD:refs/heads/orchestra-task/" + runId + "/T2");
                        } catch (Exception e) {
                          throw new AssertionError(e);
                        }
                      }
                      return r;
                    })
                .end();
      }
      assertEquals(StopReason.FAILED.name(), end.stopReason(), end.message());
      assertTrue(end.message().contains("pushed over it"), end.message());
    }
    String branch = "orchestra/" + runId;
    assertEquals("a\n", TestRepos.git(remote, "show", branch + ":a.txt"), "T1's work is merged");
    assertThrows(java.io.IOException.class, () -> TestRepos.git(remote, "show", branch + ":z.txt"), "the late push is not merged");
  }

  @Test
  void aReplayedBranchMergedAgainAfterACrashIsFoundIntegratedNotTakenForALatePush() throws Exception {
    GitWorktrees desk = keepRun("replay");
    GitWorktrees tasks = runTasks("replay");
    TaskTree first = tasks.createTaskTree("T1", true);
    TaskTree second = tasks.createTaskTree("T2", true); // from the same start: T1 is not integrated yet
    TestRepos.write(first.workdir(), "a.txt", "a\n");
    TestRepos.write(second.workdir(), "b.txt", "b\n");
    String firstTip = tasks.commit(first, "T1: Write a.txt", "").orElseThrow();
    String reported = tasks.commit(second, "T2: Write b.txt", "").orElseThrow();
    tasks.removeTree(first);
    tasks.removeTree(second);

    assertInstanceOf(Integration.Merged.class, desk.integrate(first.branch(), "unused", true, firstTip));
    assertInstanceOf(Integration.Merged.class, desk.integrate(second.branch(), "unused", true, reported)); // replayed onto T1
    assertFalse(TestRepos.git(remote, "rev-parse", second.branch()).strip().equals(reported), "the replayed branch was moved and pushed");
    // A crash before T2's end was journalled sends the same merge, with the commit T2 reported, again.
    assertInstanceOf(Integration.AlreadyIntegrated.class, desk.integrate(second.branch(), "unused", true, reported));
  }

  @Test
  void mergesTakenTogetherPushOnceGoOnPastAConflictAndStopAtABranchGitCannotMerge() throws Exception {
    GitWorktrees desk = keepRun("batch");
    GitWorktrees tasks = runTasks("batch");
    Map<String, String> tips = new HashMap<>();
    for (String[] t : new String[][] {{"T1", "a.txt", "a\n"}, {"T2", "a.txt", "not a\n"}, {"T3", "c.txt", "c\n"}, {"T4", "d.txt", "d\n"}, {"T5", "e.txt", "e\n"}}) {
      TaskTree tree = tasks.createTaskTree(t[0], true); // all from the same start
      TestRepos.write(tree.workdir(), t[1], t[2]);
      tips.put(t[0], tasks.commit(tree, t[0], "").orElseThrow());
      tasks.removeTree(tree);
    }
    Path pushes = dir.resolve("batch-pushes.log");
    Path hook = remote.resolve("hooks/post-receive");
    Files.writeString(hook, "#!/bin/sh\ngrep ' refs/heads/orchestra/batch$' >> '" + pushes + "'\nexit 0\n");
    assertTrue(hook.toFile().setExecutable(true));

    // T2 conflicts with T1 (both write a.txt): aborted, and T3 is merged after it; one push for all.
    Merges done = desk.integrateAll(List.of(merge(tasks, "T1", tips), merge(tasks, "T2", tips), merge(tasks, "T3", tips)), false);
    assertEquals(3, done.outcomes().size(), done.toString());
    assertInstanceOf(Integration.Merged.class, done.outcomes().get(0));
    assertInstanceOf(Integration.Conflict.class, done.outcomes().get(1));
    assertInstanceOf(Integration.Merged.class, done.outcomes().get(2));
    assertTrue(done.failure().isEmpty() && done.pushFailure().isEmpty(), done.toString());
    assertEquals(1, Files.readAllLines(pushes).size(), "one push for the three merges: " + Files.readAllLines(pushes));
    assertEquals("a\n", TestRepos.git(remote, "show", "orchestra/batch:a.txt"));
    assertEquals("c\n", TestRepos.git(remote, "show", "orchestra/batch:c.txt"));

    // A branch the remote does not have: the merge before it is pushed, the one after it not tried.
    Merges stopped =
        desk.integrateAll(List.of(merge(tasks, "T4", tips), new Merges.Merge("orchestra-task/batch/gone", "gone", ""), merge(tasks, "T5", tips)), false);
    assertEquals(1, stopped.outcomes().size(), stopped.toString());
    assertTrue(stopped.failure().orElseThrow().contains("orchestra-task/batch/gone"), stopped.toString());
    assertEquals("d\n", TestRepos.git(remote, "show", "orchestra/batch:d.txt"));
    assertThrows(java.io.IOException.class, () -> TestRepos.git(remote, "show", "orchestra/batch:e.txt"), "T5 was not merged");

    // The remote refuses the push: the merge stays here, the failure says why, the remote lacks it.
    Files.writeString(remote.resolve("hooks/pre-receive"), "#!/bin/sh\necho 'frozen for the test' >&2\nexit 1\n");
    assertTrue(remote.resolve("hooks/pre-receive").toFile().setExecutable(true));
    Merges unpushed = desk.integrateAll(List.of(merge(tasks, "T5", tips)), false);
    assertInstanceOf(Integration.Merged.class, unpushed.outcomes().get(0));
    assertTrue(unpushed.pushFailure().orElseThrow().contains("frozen for the test"), unpushed.toString());
    assertTrue(desk.contains(desk.integrationHead(), tasks.taskBranch("T5")), "merged here");
    assertThrows(java.io.IOException.class, () -> TestRepos.git(remote, "show", "orchestra/batch:e.txt"), "not there");
  }

  /** The run's worktrees in a clone that keeps the run (its desk). */
  private GitWorktrees keepRun(String runId) throws Exception {
    return new GitRemote(remote.toString()).keepRun(clone("desk"), runId, environment(), GitIdentity.ORCHESTRA, false);
  }

  /** The run's worktrees in a clone that only runs its tasks. */
  private GitWorktrees runTasks(String runId) throws Exception {
    return new GitRemote(remote.toString()).runTasks(clone("tasks"), runId, environment(), GitIdentity.ORCHESTRA, false);
  }

  private static dev.orchestra.internal.io.CommandEnvironment environment() {
    return dev.orchestra.internal.io.CommandEnvironment.of(dev.orchestra.role.ShellEnvironmentPolicy.defaults(), System.getenv());
  }

  private static Merges.Merge merge(GitWorktrees tasks, String taskId, Map<String, String> tips) {
    return new Merges.Merge(tasks.taskBranch(taskId), "Integrate " + taskId, tips.get(taskId));
  }

  @Test
  void aTaskResolvingAConflictMergesOnlyTheCommitTheConflictedTaskReported() throws Exception {
    keepRun("resolve").close(); // the run's branch, on the remote
    GitWorktrees tasks = runTasks("resolve");
    TaskTree conflicted = tasks.createTaskTree("T1", true);
    TestRepos.write(conflicted.workdir(), "a.txt", "a\n");
    String reported = tasks.commit(conflicted, "T1: Write a.txt", "").orElseThrow();
    tasks.removeTree(conflicted);
    Path zombie = clone("zombie"); // an attempt Temporal gave up on, pushing after T1 reported
    TestRepos.write(zombie, "z.txt", "not the reported work\n");
    TestRepos.git(zombie, "add", "z.txt");
    TestRepos.git(zombie, "commit", "-q", "-m", "late");
    TestRepos.git(zombie, "push", "-q", "--force", "origin", "HEAD:refs/heads/" + conflicted.branch());

    TaskTree resolver = tasks.createTaskTree("T1-resolve", true);
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> tasks.mergeInto(resolver, conflicted.branch(), reported));
    assertTrue(refused.getMessage().contains("pushed over it") && refused.getMessage().contains(reported), refused.getMessage());
    assertFalse(Files.exists(resolver.workdir().resolve("z.txt")), "nothing of the late push was merged");

    TestRepos.git(remote, "update-ref", "refs/heads/" + conflicted.branch(), reported); // the branch where its task left it
    assertEquals(List.of(), tasks.mergeInto(resolver, conflicted.branch(), reported));
    assertEquals("a\n", Files.readString(resolver.workdir().resolve("a.txt")));
    tasks.removeTree(resolver);
  }

  @Test
  void aPushRefusedAfterABatchOfMergesStopsTheRunNamingTheFirstAndHowManyMoreAndReportsNoLaterMerge() throws Exception {
    String runId = "remote-refused";
    // The remote takes the run's branch when it is made and after T1's merge, then refuses it.
    Path hook = remote.resolve("hooks/pre-receive");
    Files.writeString(
        hook,
        "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/orchestra/" + runId + " ]; then\n"
            + "    n=$(cat '" + dir.resolve("count") + "' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + dir.resolve("count") + "'\n"
            + "    if [ $n -gt 2 ]; then echo 'frozen for the test' >&2; exit 1; fi\n  fi\ndone\nexit 0\n");
    assertTrue(hook.toFile().setExecutable(true));
    Path deskClone = clone("desk");
    GitRemote shared = new GitRemote(remote.toString());
    OrchestraEvent.RunFinished end;
    try (Orchestrator desk = team(deskClone, true, Isolation.Worktrees.Integration.MERGE)) {
      EngineHost host = EngineHost.of(desk);
      TaskExecutor executor = host.tasksAtRemote(runId, shared, () -> false, ApprovalHandler.DENY_ALL);
      RunMachine machine = new RunMachine(host.specAtRemote(MERGES));
      try (RunDesk runDesk = host.deskAtRemote(runId, shared, MERGES)) {
        end =
            DeskDrive.run(
                    machine, runDesk, new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt, b.txt and c.txt", false),
                    t -> executor.run(t, machine.state().goal(), Map.of()))
                .end();
      }
    }
    assertEquals(StopReason.FAILED.name(), end.stopReason(), end.message());
    assertTrue(
        end.message().contains("T2's branch orchestra-task/" + runId + "/T2 was merged into orchestra/" + runId + " here (with 1 more), but the push")
            && end.message().contains("frozen for the test"),
        end.message());
    List<OrchestraEvent> journal = Files.readAllLines(deskClone.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
    assertEquals(
        List.of("T1"), journal.stream().filter(e -> e instanceof OrchestraEvent.TaskIntegrated).map(e -> ((OrchestraEvent.TaskIntegrated) e).taskId()).toList());
    List<OrchestraEvent.IntegrationConflicted> notMerged =
        journal.stream().filter(e -> e instanceof OrchestraEvent.IntegrationConflicted).map(e -> (OrchestraEvent.IntegrationConflicted) e).toList();
    assertEquals(1, notMerged.size(), notMerged.toString());
    assertEquals("T2", notMerged.get(0).taskId(), "the first of the batch is reported, T3 waits with it");
    assertEquals(List.of(), notMerged.get(0).files(), "not a conflict: the work stays on its branch for a resume");
    assertEquals("a\n", TestRepos.git(remote, "show", "orchestra/" + runId + ":a.txt"));
    assertThrows(java.io.IOException.class, () -> TestRepos.git(remote, "show", "orchestra/" + runId + ":b.txt"), "T2's merge never reached the remote");
  }

  /**
   * Runs the two tasks, T1 in the desk's clone and T2 in another, and checks what any way of
   * integrating leaves: GREEN, both files on the remote's run branch, no task branch left there,
   * neither checkout touched, the journal in the desk's clone only.
   */
  private void runThroughTheRemote(String runId, Isolation.Worktrees.Integration integration) throws Exception {
    // The remote logs each push that moves the run's branch: git runs the hook once a push.
    Path pushes = dir.resolve("pushes.log");
    Path hook = remote.resolve("hooks/post-receive");
    Files.writeString(hook, "#!/bin/sh\ngrep ' refs/heads/orchestra/" + runId + "$' >> '" + pushes + "'\nexit 0\n");
    assertTrue(hook.toFile().setExecutable(true));
    Path deskClone = clone("desk");
    Path workerClone = clone("worker");
    GitRemote shared = new GitRemote(remote.toString());
    try (Orchestrator desk = team(deskClone, true, integration);
        Orchestrator worker = team(workerClone, false, integration)) {
      EngineHost deskHost = EngineHost.of(desk);
      EngineHost workerHost = EngineHost.of(worker);
      List<TaskExecutor> executors =
          List.of(
              deskHost.tasksAtRemote(runId, shared, () -> false, ApprovalHandler.DENY_ALL),
              workerHost.tasksAtRemote(runId, shared, () -> false, ApprovalHandler.DENY_ALL));
      RunMachine machine = new RunMachine(deskHost.specAtRemote(MERGES));
      OrchestraEvent.RunFinished end;
      try (RunDesk runDesk = deskHost.deskAtRemote(runId, shared, MERGES)) {
        int[] started = {0};
        end =
            DeskDrive.run(
                    machine, runDesk, new OrchestraEvent.RunStarted(runId, Instant.now(), "Write a.txt, b.txt and c.txt", false),
                    t -> {
                      // T1 and T3 in the desk's clone, T2 in the other
                      if (started[0] == 1) {
                        // Mid-run, the desk keeps its journal on the remote; the other clone reads the same lines there.
                        runDesk.keepJournalAtRemote();
                        List<String> lines = runDesk.journalLines(0, Long.MAX_VALUE);
                        assertTrue(lines.size() > 5, "the run so far: " + lines);
                        assertEquals(Optional.of(lines), workerHost.journalKeptAtRemote(runId, shared));
                        assertEquals(Optional.empty(), workerHost.journalKeptAtRemote(runId + "-other", shared), "none kept for another run");
                      }
                      return executors.get(started[0]++ % 2).run(t, machine.state().goal(), Map.of());
                    })
                .end();
      }
      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
    }
    String branch = "orchestra/" + runId;
    // The run's result is its branch on the remote.
    assertEquals("a\n", TestRepos.git(remote, "show", branch + ":a.txt"));
    assertEquals("b\n", TestRepos.git(remote, "show", branch + ":b.txt"));
    assertEquals("c\n", TestRepos.git(remote, "show", branch + ":c.txt"));
    assertEquals("", TestRepos.git(remote, "for-each-ref", "refs/heads/orchestra-task/"), "the merged task branches were deleted there at the end");
    // T1's merge was asked for as it ended, alone; T2 and T3 ended before the desk was asked to carry
    // it out (the driver takes commands in order), and theirs went together: the branch was pushed
    // once at the start, once for T1 and once for both.
    assertEquals(3, Files.readAllLines(pushes).size(), "pushes of the run's branch: " + Files.readAllLines(pushes));
    // Neither clone's own checkout was touched; the desk's clone keeps the journal.
    for (Path clone : List.of(deskClone, workerClone)) {
      assertFalse(Files.exists(clone.resolve("a.txt")), clone + " holds no task's work");
      assertEquals("", TestRepos.git(clone, "status", "--porcelain", "--untracked-files=no"));
    }
    List<OrchestraEvent> journal = Files.readAllLines(deskClone.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
    Map<String, String> trees = new HashMap<>();
    journal.stream().filter(e -> e instanceof OrchestraEvent.WorktreeCreated).map(e -> (OrchestraEvent.WorktreeCreated) e)
        .forEach(w -> trees.put(w.taskId(), w.path()));
    assertTrue(trees.get("T1").startsWith(deskClone.toString()) && trees.get("T2").startsWith(workerClone.toString()), "each in its clone: " + trees);
    assertEquals(3, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskIntegrated).count(), journal.toString());
    assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.GateFinished g && g.verdict() == dev.orchestra.gate.Verdict.PASS), journal.toString());
    assertFalse(Files.exists(workerClone.resolve(".orchestra/journal.jsonl")), "only the desk journals");
  }

  @Test
  void anExplorerInACloneBehindTheRemoteReadsTheRunsBranchNotTheClonesOwnCheckout() throws Exception {
    Path stale = clone("stale"); // cloned before the run's branch moved on, and never pulled
    GitRemote shared = new GitRemote(remote.toString());
    ScriptedModelProvider model = explorerReading("NEW.md");
    TaskResult result;
    try (Orchestrator desk = team(clone("desk"), true, Isolation.Worktrees.Integration.MERGE);
        Orchestrator explorer = Orchestrator.builder().workspace(stale).modelProvider(model).isolation(Isolation.worktrees()).build();
        RunDesk opened = EngineHost.of(desk).deskAtRemote("probe-run", shared, MERGES)) { // makes the run's branch there, from main
      // The run's branch moves on where the remote's default branch does not: a file and a Go module.
      Path other = clone("other");
      TestRepos.git(other, "checkout", "-q", "-b", "work", "origin/orchestra/probe-run");
      TestRepos.write(other, "NEW.md", "on the run's branch only\n");
      TestRepos.write(other, "go.mod", "module example.com/shared\n\ngo 1.22\n");
      TestRepos.git(other, "add", "-A");
      TestRepos.git(other, "commit", "-q", "-m", "later");
      TestRepos.git(other, "push", "-q", "origin", "HEAD:orchestra/probe-run");
      assertFalse(TestRepos.git(remote, "ls-tree", "--name-only", "main").contains("NEW.md"), "opened: " + opened);
      Task probe = Task.builder("explore-1", "Where is NEW.md?").role("explorer").build();
      result = EngineHost.of(explorer).tasksAtRemote("probe-run", shared, () -> false, ApprovalHandler.DENY_ALL)
          .run(new dev.orchestra.internal.engine.Command.RunTask(probe, 0, List.of(), List.of(), ""), "Find NEW.md", Map.of());
    }
    OrchestraEvent.ToolCalled read = readFileCall(result);
    assertTrue(read.ok(), "the explorer read the file the run's branch holds: " + read);
    String brief = model.requests("explorer", "explore-1").get(0).messages().toString();
    assertTrue(brief.contains("go test ./..."), "the brief names the CI commands of the run's branch: " + brief);
    assertFalse(Files.exists(stale.resolve("NEW.md")), "the clone's own checkout was left as it was");
    assertEquals(1, TestRepos.git(stale, "worktree", "list").lines().count(), "the probe's worktree was removed");
  }

  @Test
  void anExplorerWhoseRunBranchCannotBeFetchedReadsTheClonesOwnCheckout() throws Exception {
    Path stale = clone("stale");
    Files.writeString(stale.resolve("LOCAL.md"), "in this clone's checkout only\n");
    GitRemote shared = new GitRemote(remote.toString());
    ScriptedModelProvider model = explorerReading("LOCAL.md");
    TaskResult result;
    Path gone = remote.resolveSibling(remote.getFileName() + "-unreachable");
    try (Orchestrator desk = team(clone("desk"), true, Isolation.Worktrees.Integration.MERGE);
        Orchestrator explorer = Orchestrator.builder().workspace(stale).modelProvider(model).isolation(Isolation.worktrees()).build();
        RunDesk opened = EngineHost.of(desk).deskAtRemote("probe-run", shared, MERGES)) {
      dev.orchestra.internal.exec.TaskExecutor tasks = EngineHost.of(explorer).tasksAtRemote("probe-run", shared, () -> false, ApprovalHandler.DENY_ALL);
      assertTrue(TestRepos.git(remote, "branch", "--list", "orchestra/probe-run").contains("probe-run"), "the desk made the run's branch: " + opened);
      Files.move(remote, gone); // git cannot fetch the run's branch for the probe's own tree now
      try {
        Task probe = Task.builder("explore-1", "What is in LOCAL.md?").role("explorer").build();
        result = tasks.run(new dev.orchestra.internal.engine.Command.RunTask(probe, 0, List.of(), List.of(), ""), "Read LOCAL.md", Map.of());
      } finally {
        Files.move(gone, remote);
      }
    }
    OrchestraEvent.ToolCalled read = readFileCall(result);
    assertTrue(read.ok(), "the explorer read the clone's own checkout, since nothing would start a failed probe again: " + read);
    OrchestraEvent.TaskFinished end = (OrchestraEvent.TaskFinished) result.events().get(result.events().size() - 1);
    assertEquals(dev.orchestra.plan.TaskStatus.DONE, end.status(), end.summary());
    assertEquals(1, TestRepos.git(stale, "worktree", "list").lines().count(), "no tree was left behind");
  }

  @Test
  void aTeamWhoseTasksShareOneTreeCannotWorkThroughARemote() throws Exception {
    Path clone = clone("shared");
    try (Orchestrator o = Orchestrator.builder().workspace(clone).modelProvider(new ScriptedModelProvider()).isolation(Isolation.shared()).build()) {
      EngineHost host = EngineHost.of(o);
      GitRemote shared = new GitRemote(remote.toString());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> host.deskAtRemote("r", shared, MERGES));
      assertTrue(e.getMessage().contains("Isolation.worktrees()"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> host.tasksAtRemote("r", shared, () -> false, ApprovalHandler.DENY_ALL));
    }
  }

  @Test
  void aRemotesCredentialsNeverShowInItsText() {
    GitRemote r = new GitRemote("https://ana:s3cret-token@git.example.com/team/repo.git");
    assertEquals("https://***@git.example.com/team/repo.git", r.toString());
    assertThrows(IllegalArgumentException.class, () -> new GitRemote("--upload-pack=touch /tmp/x"));
  }

  /** A model whose explorer {@code explore-1} reads {@code file} and reports it. */
  private static ScriptedModelProvider explorerReading(String file) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer", "explore-1")
        .reply(Reply.toolCall("read_file", "{\"path\":\"" + file + "\"}"))
        .reply(Reply.text(RoleAnswers.exploration(new RoleReport.Exploration(List.of(file), List.of(), List.of(), List.of()))));
    return model;
  }

  /** The probe's read_file call. */
  private static OrchestraEvent.ToolCalled readFileCall(TaskResult result) {
    return result.events().stream().filter(e -> e instanceof OrchestraEvent.ToolCalled t && t.tool().equals("read_file")).map(e -> (OrchestraEvent.ToolCalled) e)
        .findFirst().orElseThrow(() -> new AssertionError("no read_file call in " + result.events()));
  }

  private Path clone(String name) throws Exception {
    Path to = dir.resolve(name);
    TestRepos.git(dir, "clone", "-q", remote.toString(), to.toString());
    return to;
  }

  private Orchestrator team(Path workspace, boolean planner, Isolation.Worktrees.Integration integration) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    if (planner) {
      model.on("orchestrator")
          .reply(
              Reply.text(
                  RoleAnswers.plan(
                      List.of(
                          Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build(),
                          Task.builder("T2", "Write b.txt").writeScope("b.txt").role("implementer").build(),
                          Task.builder("T3", "Write c.txt").writeScope("c.txt").role("implementer").build()))));
    }
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    model.on("implementer", "T2")
        .reply(Reply.toolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"b\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote b.txt")));
    model.on("implementer", "T3")
        .reply(Reply.toolCall("write_file", "{\"path\":\"c.txt\",\"content\":\"c\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote c.txt")));
    return Orchestrator.builder()
        .workspace(workspace)
        .modelProvider(model)
        .explorationProbes(List.of())
        .addGate(Gate.command("sh", "-c", "test -f a.txt && test -f b.txt && test -f c.txt").build())
        .isolation(Isolation.Worktrees.builder().integration(integration).build())
        .build();
  }
}
