package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchestra.TestRepos;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real git in temporary repositories: worktrees, commits, merges and conflicts. */
final class GitWorktreesTest {
  @TempDir Path tmp;
  Path repo;
  CommandEnvironment environment;
  String userHead;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestRepos.gitAvailable(), "git is not installed");
    repo = Files.createDirectories(tmp.resolve("repo"));
    TestRepos.write(repo, "shared.txt", "one\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.write(repo, ".gitignore", "out/\n");
    TestRepos.git(repo, "init", "-q", "-b", "main");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "start");
    userHead = TestRepos.git(repo, "rev-parse", "HEAD").strip();
    environment = CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), System.getenv());
  }

  private GitWorktrees open() {
    return GitWorktrees.open(repo, "run-1", environment, GitIdentity.ORCHESTRA, false);
  }

  @Test
  void twoTasksEditingOneFileInDifferentPlacesBothLand() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    assertEquals("orchestra-task/run-1/T1", a.branch());
    TestRepos.write(a.workdir(), "shared.txt", "ONE\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.write(b.workdir(), "shared.txt", "one\n\n\n\ntwo\n\n\n\nTHREE\n");
    TestRepos.write(b.workdir(), "out/build.log", "ignored build output\n");
    String ca = w.commit(a, "T1: upper one", "").orElseThrow();
    String cb = w.commit(b, "T2: upper three", "").orElseThrow();
    assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "integrate T1"));
    assertInstanceOf(Integration.Merged.class, w.integrate(b.branch(), "integrate T2"));
    assertEquals("ONE\n\n\n\ntwo\n\n\n\nTHREE\n", Files.readString(w.integrationWorkdir().resolve("shared.txt")));
    assertFalse(Files.exists(w.integrationWorkdir().resolve("out/build.log")), "ignored outputs are never committed");
    assertTrue(w.integrated(ca) && w.integrated(cb));
    // Integrating again (a resume after a crash) finds the work in already.
    assertInstanceOf(Integration.AlreadyIntegrated.class, w.integrate(a.branch(), "integrate T1"));
    // The user's checkout, index and branch are as they were.
    assertEquals(userHead, TestRepos.git(repo, "rev-parse", "HEAD").strip());
    assertEquals("", TestRepos.git(repo, "status", "--porcelain"));
    assertEquals("one\n\n\n\ntwo\n\n\n\nthree\n", Files.readString(repo.resolve("shared.txt")));
  }

  @Test
  void aConflictLeavesTheIntegrationBranchAsItWas() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    TestRepos.write(a.workdir(), "shared.txt", "uno\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.write(b.workdir(), "shared.txt", "eins\n\n\n\ntwo\n\n\n\nthree\n");
    w.commit(a, "T1", "");
    w.commit(b, "T2", "");
    w.integrate(a.branch(), "integrate T1");
    String before = w.integrationHead();
    Integration second = w.integrate(b.branch(), "integrate T2");
    Integration.Conflict c = assertInstanceOf(Integration.Conflict.class, second);
    assertEquals(List.of("shared.txt"), c.files());
    assertTrue(c.detail().contains("eins") && c.detail().contains("uno"), c.detail());
    assertEquals(before, w.integrationHead());
    assertEquals("", TestRepos.git(w.integrationWorkdir(), "status", "--porcelain"), "no half-merged file is left");
    // Redone on the new integrated state, the task lands.
    w.removeTree(b);
    TaskTree again = w.createTaskTree("T2", true);
    assertEquals(before, again.base());
    TestRepos.write(again.workdir(), "shared.txt", "uno eins\n\n\n\ntwo\n\n\n\nthree\n");
    w.commit(again, "T2 again", "");
    assertInstanceOf(Integration.Merged.class, w.integrate(again.branch(), "integrate T2"));
  }

  @Test
  void aTaskThatChangedNothingHasNoCommitAndAReaderNoBranch() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    assertEquals(Optional.empty(), w.commit(a, "T1", ""));
    TaskTree reader = w.createTaskTree("R1", false);
    assertEquals("", reader.branch());
    assertTrue(Files.exists(reader.workdir().resolve("shared.txt")));
    assertThrows(IllegalArgumentException.class, () -> w.commit(reader, "R1", ""));
  }

  @Test
  void closingRemovesEveryWorktreeAndKeepsTheResultBranch() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "new.txt", "new\n");
    w.commit(a, "T1", "");
    w.integrate(a.branch(), "integrate T1");
    w.removeTree(a);
    w.deleteBranch(a.branch());
    w.close();
    String list = TestRepos.git(repo, "worktree", "list", "--porcelain");
    assertEquals(1, list.lines().filter(l -> l.startsWith("worktree ")).count(), list);
    assertEquals("new\n", TestRepos.git(repo, "show", "orchestra/run-1:new.txt"));
    assertEquals(List.of(), w.taskBranches());
  }

  @Test
  void aResumeFindsTheIntegrationBranchAndRemovesHalfMadeTaskTrees() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "done.txt", "done\n");
    String commit = w.commit(a, "T1", "").orElseThrow();
    TaskTree half = w.createTaskTree("T2", true);
    TestRepos.write(half.workdir(), "half.txt", "half written\n");
    // A crash here; the resumed run opens the same run's worktrees again.
    GitWorktrees again = open();
    assertEquals(2, again.removeTaskTrees().size());
    assertFalse(Files.exists(half.root()));
    assertEquals(Optional.of(commit), again.branchHead(a.branch()), "committed work survives the crash");
    assertInstanceOf(Integration.Merged.class, again.integrate(a.branch(), "integrate T1"));
    String list = TestRepos.git(repo, "worktree", "list", "--porcelain");
    assertEquals(2, list.lines().filter(l -> l.startsWith("worktree ")).count(), list);
  }

  @Test
  void aRepositoryWithoutACommitIsRefusedWithWhatToDo() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    TestRepos.git(empty, "init", "-q");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GitWorktrees.open(empty, "run-1", environment, GitIdentity.ORCHESTRA, false));
    assertTrue(e.getMessage().contains("no commit yet") && e.getMessage().contains("Isolation.shared()"), e.getMessage());
  }

  @Test
  void hooksDoNotRunForOrchestrasCommitsUnlessAsked() throws Exception {
    Path marker = tmp.resolve("hook-ran");
    Path hook = repo.resolve(".git/hooks/pre-commit");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\ntouch '" + marker + "'\n");
    hook.toFile().setExecutable(true);
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "x.txt", "x\n");
    w.commit(a, "T1", "");
    assertFalse(Files.exists(marker));
    GitWorktrees withHooks = GitWorktrees.open(repo, "run-2", environment, GitIdentity.ORCHESTRA, true);
    TaskTree b = withHooks.createTaskTree("T1", true);
    TestRepos.write(b.workdir(), "y.txt", "y\n");
    withHooks.commit(b, "T1", "");
    assertTrue(Files.exists(marker));
  }

  @Test
  void aWorkspaceInASubFolderWorksInTheSameSubFolderOfEachWorktree() throws Exception {
    TestRepos.write(repo, "app/main.txt", "main\n");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "app");
    GitWorktrees w = GitWorktrees.open(repo.resolve("app"), "run-1", environment, GitIdentity.ORCHESTRA, false);
    assertTrue(Files.exists(w.integrationWorkdir().resolve("main.txt")));
    TaskTree a = w.createTaskTree("T1", true);
    assertTrue(Files.exists(a.workdir().resolve("main.txt")));
  }

  @Test
  void fastForwardMovesACleanCheckoutAndLeavesADirtyOneAlone() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "new.txt", "new\n");
    w.commit(a, "T1", "");
    w.integrate(a.branch(), "integrate T1");
    TestRepos.write(repo, "mine.txt", "the user's own\n");
    assertTrue(w.fastForward(List.of()).contains("changes of its own"));
    assertEquals(userHead, TestRepos.git(repo, "rev-parse", "HEAD").strip());
    Files.delete(repo.resolve("mine.txt"));
    TestRepos.write(repo, "plan.md", "# Plan\n");
    assertTrue(w.fastForward(List.of("plan.md")).contains("fast-forwarded"));
    assertEquals(w.integrationHead(), TestRepos.git(repo, "rev-parse", "HEAD").strip());
    assertEquals("new\n", Files.readString(repo.resolve("new.txt")));
  }

  @Test
  void aDetachedHeadAndAShallowCloneWorkLikeABranch() throws Exception {
    TestRepos.git(repo, "checkout", "-q", "--detach");
    roundTrip(open());
    assertEquals(userHead, TestRepos.git(repo, "rev-parse", "HEAD").strip());
    Path shallow = tmp.resolve("shallow");
    TestRepos.git(tmp, "clone", "-q", "--depth", "1", "file://" + repo, shallow.toString());
    roundTrip(GitWorktrees.open(shallow, "run-1", environment, GitIdentity.ORCHESTRA, false));
  }

  /** A task's worktree, a commit and a merge: the work lands on the integration branch. */
  private static void roundTrip(GitWorktrees w) throws Exception {
    TaskTree a = w.createTaskTree("T1.a", true);
    TestRepos.write(a.workdir(), "new.txt", "new\n");
    w.commit(a, "T1.a", "");
    assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "integrate T1.a"));
    assertEquals("new\n", Files.readString(w.integrationWorkdir().resolve("new.txt")));
    w.close();
  }

  @Test
  void workTheAgentCommittedItselfIsKeptEvenOffItsBranch() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "own.txt", "committed by the agent\n");
    TestRepos.git(a.workdir(), "add", "own.txt");
    TestRepos.git(a.workdir(), "commit", "-q", "-m", "the agent's own commit");
    TestRepos.git(a.workdir(), "checkout", "-q", "--detach");
    String head = TestRepos.git(a.workdir(), "rev-parse", "HEAD").strip();
    assertEquals(Optional.of(head), w.commit(a, "T1", ""));
    assertEquals(Optional.of(head), w.branchHead(a.branch()));
    assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "integrate T1"));
  }

  @Test
  void untrackedBuildOutputsAndTheCallersGitVariablesStayOut() throws Exception {
    java.util.Map<String, String> parent = new java.util.HashMap<>(System.getenv());
    parent.put("GIT_AUTHOR_NAME", "Env Person");
    parent.put("GIT_INDEX_FILE", tmp.resolve("elsewhere.index").toString());
    CommandEnvironment withGitVariables = CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), parent);
    GitWorktrees w = GitWorktrees.open(repo, "run-1", withGitVariables, new GitIdentity("Builder", "builder@example.org"), false);
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "src/Main.java", "class Main {}\n");
    TestRepos.write(a.workdir(), "target/classes/Main.class", "bytes\n");
    TestRepos.write(a.workdir(), "web/node_modules/x/index.js", "x\n");
    String commit = w.commit(a, "T1", "").orElseThrow();
    assertEquals("src/Main.java\n", TestRepos.git(repo, "diff", "--name-only", userHead, commit));
    assertEquals("Builder <builder@example.org>", TestRepos.git(repo, "log", "-1", "--format=%an <%ae>", commit).strip());
    assertFalse(Files.exists(tmp.resolve("elsewhere.index")));
  }

  @Test
  void aTrackedFileInABuildFolderIsCommittedLikeAnyOther() throws Exception {
    TestRepos.write(repo, "build/version.txt", "1\n");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "a tracked file in build/");
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "build/version.txt", "2\n");
    TestRepos.write(a.workdir(), "build/new-output.txt", "untracked output\n");
    String commit = w.commit(a, "T1", "").orElseThrow();
    assertEquals("build/version.txt\n", TestRepos.git(repo, "diff", "--name-only", a.base(), commit));
    assertEquals(List.of("build/version.txt"), w.changedFiles(a.base(), commit));
  }

  @Test
  void uncommittedChangesInTheIntegrationWorktreeAreKeptInACommitBeforeAMergeOverThem() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "shared.txt", "one\n\n\n\ntwo\n\n\n\nTHREE\n");
    w.commit(a, "T1", "");
    // A gate's role edited the integrated file and nobody committed it (a crash, say).
    TestRepos.write(w.integrationWorkdir(), "shared.txt", "ONE\n\n\n\ntwo\n\n\n\nthree\n");
    Integration.Merged m = assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "integrate T1"));
    assertEquals("ONE\n\n\n\ntwo\n\n\n\nTHREE\n", TestRepos.git(repo, "show", "orchestra/run-1:shared.txt"), "both the edit and the task's work");
    assertEquals(TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip(), m.commit());
    assertEquals(m.commit(), w.integrationHead());
  }

  @Test
  void aCommitAGateRoleMadeItselfInTheIntegrationWorktreeIsWhereTheNextTaskStarts() throws Exception {
    GitWorktrees w = open();
    TestRepos.write(w.integrationWorkdir(), "QaTest.java", "class QaTest {}\n");
    TestRepos.git(w.integrationWorkdir(), "add", "QaTest.java");
    TestRepos.git(w.integrationWorkdir(), "commit", "-q", "-m", "a role's own commit");
    String theirs = TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip();
    assertEquals(Optional.of(theirs), w.commitIntegration("gates", ""));
    assertEquals(theirs, w.createTaskTree("T1", true).base());
  }

  @Test
  void integratedBranchesAreDeletedSeveralAtATimeAndTheRestAtClose() throws Exception {
    GitWorktrees w = open();
    for (int i = 1; i <= 10; i++) {
      TaskTree t = w.createTaskTree("T" + i, true);
      TestRepos.write(t.workdir(), "f" + i + ".txt", "file " + i + "\n");
      w.commit(t, "T" + i, "");
      w.removeTree(t);
      assertInstanceOf(Integration.Merged.class, w.integrate(t.branch(), "integrate T" + i));
      w.deleteIntegratedBranch(t.branch());
    }
    assertEquals(List.of("orchestra-task/run-1/T10", "orchestra-task/run-1/T9"), w.taskBranches(), "eight went in one command");
    w.close();
    assertEquals(List.of(), w.taskBranches());
    assertEquals("file 10\n", TestRepos.git(repo, "show", "orchestra/run-1:f10.txt"));
  }

  @Test
  void workWhoseCommitAHookRefusedIsKeptUnderARescueRef() throws Exception {
    Path hook = repo.resolve(".git/hooks/pre-commit");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\necho 'lint failed' >&2\nexit 1\n");
    hook.toFile().setExecutable(true);
    GitWorktrees w = GitWorktrees.open(repo, "run-1", environment, GitIdentity.ORCHESTRA, true);
    TaskTree a = w.createTaskTree("T1", true);
    TestRepos.write(a.workdir(), "src/New.java", "class New {}\n");
    TestRepos.write(a.workdir(), "shared.txt", "changed\n");
    TestRepos.write(a.workdir(), "target/out.class", "build output\n");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> w.commit(a, "T1", ""));
    assertTrue(refused.getMessage().contains("lint failed"), refused.getMessage());
    assertEquals(Optional.of("refs/orchestra-rescue/run-1/T1"), w.rescue(a));
    w.removeTree(a);
    String ref = "refs/orchestra-rescue/run-1/T1";
    assertEquals("class New {}\n", TestRepos.git(repo, "show", ref + ":src/New.java"));
    assertEquals("changed\n", TestRepos.git(repo, "show", ref + ":shared.txt"));
    assertEquals("shared.txt\nsrc/New.java\n", TestRepos.git(repo, "diff", "--name-only", userHead, ref), "no build output");
    assertEquals(Optional.of(userHead), w.branchHead(a.branch()), "the task's branch is as it was");
  }

  @Test
  void rebasedTasksLandAsALinearHistoryAndAConflictLeavesNothingBehind() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    TaskTree c = w.createTaskTree("T3", true);
    TestRepos.write(a.workdir(), "shared.txt", "ONE\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.write(b.workdir(), "shared.txt", "one\n\n\n\ntwo\n\n\n\nTHREE\n");
    TestRepos.write(c.workdir(), "shared.txt", "uno\n\n\n\ntwo\n\n\n\nthree\n");
    String ca = w.commit(a, "T1: upper one", "").orElseThrow();
    w.commit(b, "T2: upper three", "").orElseThrow();
    w.commit(c, "T3: one in Italian", "").orElseThrow();
    List.of(a, b, c).forEach(w::removeTree);

    assertEquals(new Integration.Merged(ca), w.integrate(a.branch(), "unused", true), "nothing integrated since T1 began: a fast forward");
    Integration.Merged second = assertInstanceOf(Integration.Merged.class, w.integrate(b.branch(), "unused", true));
    assertEquals(ca, TestRepos.git(repo, "rev-parse", second.commit() + "^").strip(), "T2's commit replayed on T1's");
    assertEquals("T2: upper three", TestRepos.git(repo, "log", "-1", "--format=%s", second.commit()).strip());
    assertEquals(second.commit(), w.branchHead(b.branch()).orElseThrow(), "the task branch is moved to its replayed commit");
    assertEquals("", TestRepos.git(repo, "rev-list", "--merges", "orchestra/run-1"), "no merge commits");
    assertEquals("ONE\n\n\n\ntwo\n\n\n\nTHREE\n", Files.readString(w.integrationWorkdir().resolve("shared.txt")));
    // Integrating again (a resume after a crash) replays nothing.
    assertEquals(new Integration.AlreadyIntegrated(second.commit()), w.integrate(b.branch(), "unused", true));

    Integration.Conflict conflict = assertInstanceOf(Integration.Conflict.class, w.integrate(c.branch(), "unused", true));
    assertEquals(List.of("shared.txt"), conflict.files());
    assertTrue(conflict.detail().contains("uno"), conflict.detail());
    assertEquals(second.commit(), w.integrationHead());
    assertEquals(second.commit(), TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip());
    assertEquals("", TestRepos.git(w.integrationWorkdir(), "status", "--porcelain"), "no half-replayed file is left");
    assertThrows(Exception.class, () -> TestRepos.git(w.integrationWorkdir(), "rev-parse", "--verify", "-q", "CHERRY_PICK_HEAD"), "no replay is under way");
  }

  /** A task that commits one file on its own branch, then has its worktree removed. */
  private static TaskTree committed(GitWorktrees w, String id, String file, String content) throws Exception {
    TaskTree t = w.createTaskTree(id, true);
    TestRepos.write(t.workdir(), file, content);
    w.commit(t, id, "").orElseThrow();
    w.removeTree(t);
    return t;
  }

  @Test
  void aBranchNameATaskTookAgainKeepsItsNewWorkThroughBatchedDeletionsAndClose() throws Exception {
    GitWorktrees w = open();
    TaskTree first = committed(w, "F1", "f1.txt", "first attempt\n");
    assertInstanceOf(Integration.Merged.class, w.integrate(first.branch(), "integrate F1"));
    w.deleteIntegratedBranch(first.branch()); // waits for seven more
    // A finding reopens F1 on the same branch name; its second attempt is committed, not yet merged.
    TaskTree again = w.createTaskTree("F1", true);
    TestRepos.write(again.workdir(), "f1.txt", "second attempt\n");
    String secondTip = w.commit(again, "F1 again", "").orElseThrow();
    w.removeTree(again);
    for (int i = 1; i <= 7; i++) {
      TaskTree t = committed(w, "T" + i, "t" + i + ".txt", "t\n");
      w.integrate(t.branch(), "integrate T" + i);
      w.deleteIntegratedBranch(t.branch());
    }
    assertEquals(Optional.of(secondTip), w.branchHead(first.branch()), "the batch left F1's new work");
    w.close();
    assertEquals(Optional.of(secondTip), w.branchHead(first.branch()), "so did close");
    assertEquals(List.of(first.branch()), w.taskBranches());
  }

  @Test
  void aCommitARoleMadeInTheIntegrationWorktreeSurvivesTheNextConflict() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    TestRepos.write(a.workdir(), "shared.txt", "uno\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.write(b.workdir(), "shared.txt", "eins\n\n\n\ntwo\n\n\n\nthree\n");
    w.commit(a, "T1", "");
    w.commit(b, "T2", "");
    w.integrate(a.branch(), "integrate T1");
    w.integrationInUse(); // as the engine says before a role or a gate works there
    TestRepos.write(w.integrationWorkdir(), "QaTest.java", "class QaTest {}\n");
    TestRepos.git(w.integrationWorkdir(), "add", "QaTest.java");
    TestRepos.git(w.integrationWorkdir(), "commit", "-q", "-m", "a role's own commit");
    String roles = TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip();
    assertInstanceOf(Integration.Conflict.class, w.integrate(b.branch(), "integrate T2"));
    assertEquals(roles, TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip(), "the conflict's undo keeps the role's commit");
    assertEquals(roles, w.integrationHead());
  }

  @Test
  void leftoversAreCommittedBeforeAMergeEvenWithTheUsersAutostash() throws Exception {
    TestRepos.git(repo, "config", "merge.autoStash", "true");
    GitWorktrees w = open();
    TaskTree t = committed(w, "T1", "shared.txt", "one\n\n\n\ntwo\n\n\n\nTHREE\n");
    TestRepos.write(w.integrationWorkdir(), "shared.txt", "one\n\n\n\ntwo\n\n\n\nDREI\n"); // left uncommitted
    Integration r = w.integrate(t.branch(), "integrate T1");
    // The leftover edit is committed first, so the task's edit of the same line conflicts cleanly.
    Integration.Conflict c = assertInstanceOf(Integration.Conflict.class, r);
    assertEquals(List.of("shared.txt"), c.files());
    assertEquals("one\n\n\n\ntwo\n\n\n\nDREI\n", TestRepos.git(repo, "show", "orchestra/run-1:shared.txt"), "the leftover is kept in a commit");
    assertEquals("", TestRepos.git(w.integrationWorkdir(), "status", "--porcelain"));
    assertEquals("", TestRepos.git(repo, "stash", "list"), "nothing went to the user's stash");
  }

  @Test
  void aTaskTreeIsMadeWhenTheUserRecursesIntoSubmodules() throws Exception {
    Path sub = Files.createDirectories(tmp.resolve("sub"));
    TestRepos.write(sub, "s.txt", "s\n");
    TestRepos.git(sub, "init", "-q", "-b", "main");
    TestRepos.git(sub, "add", "-A");
    TestRepos.git(sub, "commit", "-q", "-m", "s");
    TestRepos.git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.toString(), "sub");
    TestRepos.git(repo, "commit", "-q", "-m", "a submodule");
    TestRepos.git(repo, "config", "submodule.recurse", "true");
    GitWorktrees w = open();
    TaskTree t = w.createTaskTree("T1", true);
    assertTrue(Files.exists(t.workdir().resolve("shared.txt")));
    TestRepos.write(t.workdir(), "new.txt", "new\n");
    assertTrue(w.commit(t, "T1", "").isPresent());
  }

  @Test
  void aResumeOpensEvenWhenAHookRefusesToCommitTheLeftovers() throws Exception {
    GitWorktrees w = GitWorktrees.open(repo, "run-1", environment, GitIdentity.ORCHESTRA, true);
    Path hook = repo.resolve(".git/hooks/pre-commit");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\nexit 1\n");
    hook.toFile().setExecutable(true);
    TestRepos.write(w.integrationWorkdir(), "shared.txt", "a gate's edit\n");
    GitWorktrees again = GitWorktrees.open(repo, "run-1", environment, GitIdentity.ORCHESTRA, true);
    assertEquals("a gate's edit\n", Files.readString(again.integrationWorkdir().resolve("shared.txt")), "left as it was");
  }

  @Test
  void aResumeDeletesOnlyTheTaskBranchesWhoseWorkIsIntegratedAndNotAwaited() throws Exception {
    GitWorktrees w = open();
    TaskTree merged = committed(w, "T1", "a.txt", "a\n");
    TaskTree awaited = committed(w, "T2", "b.txt", "b\n");
    TaskTree open = committed(w, "T3", "c.txt", "c\n");
    w.integrate(merged.branch(), "integrate T1");
    w.integrate(awaited.branch(), "integrate T2"); // merged, but the stop came before the journal said so
    GitWorktrees again = open();
    assertEquals(List.of(merged.branch()), again.deleteIntegratedTaskBranches(java.util.Set.of(awaited.branch())));
    assertEquals(List.of(awaited.branch(), open.branch()), again.taskBranches());
  }

  /**
   * Two committed tasks, T1 adding a file and T2 with two commits ({@code b1} rewriting the first
   * line of shared.txt to {@code first}, then {@code second} on top); T1 is integrated by replay.
   */
  private TaskTree[] twoTasksOneReplayed(GitWorktrees w, String first, String second) throws Exception {
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    TestRepos.write(a.workdir(), "a.txt", "a\n");
    w.commit(a, "T1", "");
    TestRepos.write(b.workdir(), "shared.txt", first);
    TestRepos.git(b.root(), "add", "-A");
    TestRepos.git(b.root(), "commit", "-q", "-m", "b1");
    TestRepos.write(b.workdir(), "shared.txt", second);
    w.commit(b, "T2", "");
    w.removeTree(a);
    w.removeTree(b);
    assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "unused", true));
    return new TaskTree[] {a, b};
  }

  /** Runs the replay git itself, as GitWorktrees would, for a process that dies right after it. */
  private void replayAsIfKilledAfter(GitWorktrees w, String branch) throws Exception {
    new ProcessBuilder("git", "-C", w.integrationWorkdir().toString(), "-c", "user.name=x", "-c", "user.email=x@localhost",
        "cherry-pick", "--ff", "-m", "1", "--first-parent", "--keep-redundant-commits", w.integrationHead() + ".." + branch)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  @Test
  void aReplayKilledAtAConflictIsUndoneAtTheResumeAndNoMarkerIsCommitted() throws Exception {
    GitWorktrees w = open();
    TaskTree[] t = twoTasksOneReplayed(w, "b1\n\n\n\ntwo\n\n\n\nthree\n", "b2\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.git(w.integrationWorkdir(), "commit", "-q", "--allow-empty", "-m", "nothing"); // keep T2 off a fast forward
    TaskTree c = committed(w, "T3", "shared.txt", "T3\n\n\n\ntwo\n\n\n\nthree\n");
    w.integrationInUse();
    assertInstanceOf(Integration.Merged.class, w.integrate(c.branch(), "unused", true));
    String head = w.integrationHead();
    replayAsIfKilledAfter(w, t[1].branch()); // stops at a conflict on shared.txt
    GitWorktrees resumed = open();
    assertEquals(head, TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip(), "the cut-short replay is undone");
    assertEquals("", TestRepos.git(resumed.integrationWorkdir(), "status", "--porcelain"));
    assertFalse(Files.readString(resumed.integrationWorkdir().resolve("shared.txt")).contains("<<<<<<<"));
    assertInstanceOf(Integration.Conflict.class, resumed.integrate(t[1].branch(), "unused", true), "T2 still conflicts, and is redone");
    assertEquals(head, TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip());
  }

  @Test
  void aReplayKilledBeforeItsBranchMovedIsFoundIntegratedAtTheResume() throws Exception {
    GitWorktrees w = open();
    TaskTree[] t = twoTasksOneReplayed(w, "eins\n\n\n\ntwo\n\n\n\nthree\n", "EINS\n\n\n\ntwo\n\n\n\nthree\n");
    // What integrate does before replaying, then the replay, then the process dies.
    Path marker = repo.resolve(".git/orchestra/run-1/replaying");
    Files.writeString(marker, t[1].branch() + "\n" + w.integrationHead() + "\n");
    replayAsIfKilledAfter(w, t[1].branch());
    String replayed = TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip();
    GitWorktrees resumed = open();
    assertEquals(new Integration.AlreadyIntegrated(replayed), resumed.integrate(t[1].branch(), "unused", true));
    assertEquals(replayed, TestRepos.git(repo, "rev-parse", "orchestra/run-1").strip(), "nothing replayed twice");
    assertFalse(Files.exists(marker));
  }

  @Test
  void aReplayRefusedHalfWayLeavesNothingOfTheTaskBehind() throws Exception {
    GitWorktrees w = open();
    TaskTree a = w.createTaskTree("T1", true);
    TaskTree b = w.createTaskTree("T2", true);
    TestRepos.write(a.workdir(), "a.txt", "a\n");
    w.commit(a, "T1", "");
    TestRepos.write(b.workdir(), "shared.txt", "eins\n\n\n\ntwo\n\n\n\nthree\n");
    TestRepos.git(b.root(), "add", "-A");
    TestRepos.git(b.root(), "commit", "-q", "-m", "b1");
    TestRepos.write(b.workdir(), "gen.txt", "from T2\n");
    w.commit(b, "T2", "");
    List.of(a, b).forEach(w::removeTree);
    w.integrate(a.branch(), "unused", true);
    w.integrationInUse();
    TestRepos.write(w.integrationWorkdir(), "gen.txt", "left over\n"); // untracked, where T2's second commit writes
    Integration r = w.integrate(b.branch(), "unused", true);
    String shared = TestRepos.git(repo, "show", "orchestra/run-1:shared.txt");
    if (r instanceof Integration.Conflict) {
      assertFalse(shared.startsWith("eins"), "half of T2 is on the integration branch, though T2 is to be redone");
    } else {
      assertInstanceOf(Integration.Merged.class, r);
      assertTrue(shared.startsWith("eins"));
    }
    assertEquals("", TestRepos.git(w.integrationWorkdir(), "status", "--porcelain", "--untracked-files=no"));
  }

  @Test
  void aMergeRefusesAnIntegrationWorktreeSomethingMovedOffItsBranch() throws Exception {
    GitWorktrees w = open();
    TaskTree a = committed(w, "T1", "a.txt", "a\n");
    w.integrationInUse();
    TestRepos.git(w.integrationWorkdir(), "checkout", "-q", "--detach", "HEAD"); // a reviewer looking around
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.integrate(a.branch(), "integrate T1"));
    assertTrue(e.getMessage().contains("not on orchestra/run-1"), e.getMessage());
    assertTrue(w.branchHead(a.branch()).isPresent(), "the work stays on its branch");
  }

  @Test
  void aResolvingTaskStartsWithTheConflictMarkedAndItsCommitConcludesTheMerge() throws Exception {
    GitWorktrees w = open();
    TaskTree a = committed(w, "T1", "shared.txt", "uno\n\n\n\ntwo\n\n\n\nthree\n");
    TaskTree b = committed(w, "T2", "shared.txt", "eins\n\n\n\ntwo\n\n\n\nthree\n");
    String theirs = w.branchHead(b.branch()).orElseThrow();
    assertInstanceOf(Integration.Merged.class, w.integrate(a.branch(), "integrate T1"));
    assertInstanceOf(Integration.Conflict.class, w.integrate(b.branch(), "integrate T2"));

    TaskTree r = w.createTaskTree("T2-resolve", true);
    List<String> conflicted = w.mergeInto(r, b.branch(), "");
    assertEquals(List.of("shared.txt"), conflicted);
    assertEquals(List.of("shared.txt"), ConflictFiles.withConflictMarkers(r, conflicted), "git's markers are in the file");
    TestRepos.write(r.workdir(), "shared.txt", "uno eins\n\n\n\ntwo\n\n\n\nthree\n");
    assertEquals(List.of(), ConflictFiles.withConflictMarkers(r, conflicted));
    String resolution = w.commit(r, "T2-resolve", "").orElseThrow();
    List<String> parents = List.of(TestRepos.git(repo, "rev-list", "--parents", "-n", "1", resolution).strip().split(" "));
    assertEquals(List.of(resolution, r.base(), theirs), parents, "a merge of the integrated work and T2's");
    w.removeTree(r);
    assertInstanceOf(Integration.Merged.class, w.integrate(r.branch(), "integrate T2-resolve"));
    assertEquals("uno eins\n\n\n\ntwo\n\n\n\nthree\n", TestRepos.git(repo, "show", "orchestra/run-1:shared.txt"));
    w.close(true);
    assertEquals(List.of(), w.taskBranches(), "T2's branch, merged by its resolution, goes at the end too");

    GitWorktrees again = GitWorktrees.open(repo, "run-2", environment, GitIdentity.ORCHESTRA, false);
    TaskTree gone = again.createTaskTree("T9", true);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> again.mergeInto(gone, "orchestra-task/run-2/nothing", ""));
    assertTrue(e.getMessage().contains("could not merge"), e.getMessage());
  }

  @Test
  void conflictMarkersAreGitsOwnLinesAndFingerprintsTellAFileChanged() throws Exception {
    GitWorktrees w = open();
    TaskTree t = w.createTaskTree("T1", true);
    TestRepos.write(t.root(), "marked.txt", "a\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> T2\n");
    TestRepos.write(t.root(), "bare.txt", "<<<<<<<\nx\n=======\ny\n>>>>>>>\n");
    TestRepos.write(t.root(), "arrows.txt", "<<<<<<<<<<<<\nnot a marker: longer than git's\n>>>>>>>>>>\n");
    List<String> paths = List.of("marked.txt", "bare.txt", "arrows.txt", "absent.txt");
    assertEquals(List.of("marked.txt", "bare.txt"), ConflictFiles.withConflictMarkers(t, paths));
    java.util.Map<String, String> before = ConflictFiles.fingerprints(t, paths);
    assertEquals("absent", before.get("absent.txt"));
    TestRepos.write(t.root(), "arrows.txt", "changed\n");
    java.util.Map<String, String> after = ConflictFiles.fingerprints(t, paths);
    assertFalse(before.get("arrows.txt").equals(after.get("arrows.txt")));
    assertEquals(before.get("marked.txt"), after.get("marked.txt"));
  }
}
