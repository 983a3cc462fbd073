package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A run's git worktrees: one integration worktree on the run's branch {@code orchestra/<run-id>},
 * created from the commit the user's checkout was on, and one worktree per task, on a branch of its
 * own for a writer ({@code orchestra-task/<run-id>/<task-id>}: not under {@code orchestra/<run-id>/},
 * which git could not keep beside that branch) or detached for a reader, created from the
 * integration branch as it stands. Finished work is committed on the task's branch and merged into
 * the integration branch, one task at a time; the user's own checkout, index and branch are never
 * touched (unless {@link #fastForward} is asked for at the end). Through a {@link GitRemote} the
 * run's clones share, the clone that keeps the run starts from the remote's branch and pushes it,
 * and a clone that runs tasks only has no integration worktree (see {@link RemoteBranches}).
 *
 * <p>The worktrees live in the repository's own git folder ({@code .git/orchestra/<run-id>/}), out
 * of the user's work tree. Git runs with the run's environment and without the repository's hooks
 * unless they were asked for (see {@link Git}); Orchestra's commits are never signed. The work is
 * shared out: {@link TaskTrees}, {@link IntegrationBranch}, {@link IntegratedBranches}, {@link
 * UserCheckout}, {@link RepoGit}.
 *
 * <p>Thread-safe: worktree creation and removal, commits on different worktrees and one merge at a
 * time may run at once; what changes the repository's shared records of worktrees and branches is
 * serialised, the files of a worktree are written outside that, and {@link #integrate} is
 * serialised. Git processes cost most of a task's own time here, so each operation starts as few
 * as it can: a task's worktree is made from the integration commit as {@code IntegrationBranch}
 * last saw it (every merge reads it afresh).
 */
public final class GitWorktrees {
  private final String prefix;
  private final Path folder;
  private final RepoGit repo;
  private final IntegratedBranches integratedBranches;
  private final IntegrationBranch integration;
  private final UserCheckout checkout;
  private final TaskTrees tasks;

  /** The run's branches on the remote its clones share, or null when the run has this repository alone. */
  private final RemoteBranches remote;
  /** Whether this clone only runs the run's tasks: another keeps its integration branch (see {@link GitRemote#runTasks}). */
  private final boolean follows;

  private GitWorktrees(
      Path workspace, String prefix, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks, Path folder,
      GitRemote remote, boolean follows) {
    this.follows = follows;
    this.prefix = prefix;
    this.folder = folder;
    this.repo = new RepoGit(workspace, environment, identity, hooks, folder.getParent().getParent()); // the git common dir
    this.integratedBranches = new IntegratedBranches(repo);
    this.integration = new IntegrationBranch(repo, folder, "orchestra/" + runId, integratedBranches);
    this.checkout = new UserCheckout(repo, folder);
    this.tasks = new TaskTrees(repo, folder, prefix, runId, integration, integratedBranches);
    this.remote = remote == null ? null : new RemoteBranches(remote, repo, integration, runId);
  }

  /**
   * Opens (creating, or finding again after a crash) a run's integration worktree. A run that
   * resumes passes the run id its work began under, and finds its branch and worktree as they were.
   *
   * @param workspace the run's workspace: a git work tree, or a folder inside one
   * @param runId the id the run's branches are named after
   * @param environment the environment git runs with
   * @param identity the author and committer of Orchestra's commits
   * @param hooks whether the repository's hooks run for Orchestra's own git commands
   * @throws IllegalStateException when the repository cannot give the run worktrees (no commit yet,
   *     a bare repository, git missing or too old), saying why
   */
  public static GitWorktrees open(Path workspace, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks) {
    GitWorktrees w = make(workspace, runId, environment, identity, hooks, null, false);
    String head =
        GitWorkspace.headCommit(workspace, environment)
            .orElseThrow(() -> new IllegalStateException(
                "the repository at " + workspace + " has no commit yet, so there is nothing to branch tasks from: commit once, or run with"
                    + " Isolation.shared()"));
    w.openIntegration(head);
    return w;
  }

  /** Opens a run's worktrees in this clone of {@code remote} (see {@link GitRemote#keepRun} and {@link GitRemote#runTasks}). */
  static GitWorktrees atRemote(
      Path workspace, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks, GitRemote remote, boolean follows) {
    GitWorktrees w = make(workspace, runId, environment, identity, hooks, Objects.requireNonNull(remote, "remote"), follows);
    if (!follows) {
      w.remote.openIntegration();
    }
    return w;
  }

  private static GitWorktrees make(
      Path workspace, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks, GitRemote remote, boolean follows) {
    Git.checkRunId(runId);
    Git.Result top = Git.run(workspace, environment, false, List.of("rev-parse", "--show-prefix", "--git-common-dir"));
    if (!top.ok()) {
      throw new IllegalStateException("git cannot read the repository of " + workspace + ": " + top.why());
    }
    List<String> lines = top.out().lines().toList();
    String prefix = lines.size() > 1 ? lines.get(0).strip() : "";
    Path gitDir = workspace.resolve(lines.get(lines.size() - 1).strip()).normalize(); // the common dir
    return new GitWorktrees(workspace, prefix, runId, environment, identity, hooks, gitDir.resolve("orchestra").resolve(runId), remote, follows);
  }

  /** Through a remote, pushes the integration branch once more (never throws); returns why the remote still lacks it, or empty. */
  public Optional<String> pushedIntegration() {
    return remote == null || follows ? Optional.empty() : remote.pushedIntegration();
  }

  /** Returns the remote the run's clones share, or empty when the run has this repository alone. */
  public Optional<GitRemote> remote() {
    return Optional.ofNullable(remote).map(RemoteBranches::remote);
  }

  /** A clone that only runs tasks has no integration worktree: refuses what needs one. */
  private void needsIntegration(String what) {
    if (follows) {
      throw new IllegalStateException("this clone only runs the run's tasks; " + what + " is for the clone that keeps the run");
    }
  }

  private void openIntegration(String head) {
    if (integration.open(head)) {
      checkout.recordBranch(); // only the branch checked out now may be fast-forwarded at the end
    }
  }

  /** Returns the run's integration branch, {@code orchestra/<run-id>}. */
  public String integrationBranch() {
    return integration.branch();
  }

  /** Returns where the run's integrated work is checked out: the folder gates and readers work in. */
  public Path integrationWorkdir() {
    return prefix.isEmpty() ? integration.root() : integration.root().resolve(prefix);
  }

  /**
   * Says that an agent or a gate is about to work in the integration worktree: the next merge
   * reads the branch afresh and commits what was left uncommitted there first.
   */
  public void integrationInUse() {
    integration.inUse();
  }

  /** Returns the commit the integration branch is at. */
  public String integrationHead() {
    return integration.head();
  }

  /** Returns the branch a writer's task works on. */
  public String taskBranch(String taskId) {
    return tasks.branch(taskId);
  }

  /**
   * Makes a task's worktree from the integration branch as it stands: on the task's own branch for a
   * writer (a branch left by an earlier attempt is reset), detached for a reader.
   *
   * @throws IllegalStateException when git cannot, saying why
   */
  public TaskTree createTaskTree(String taskId, boolean writer) {
    return tasks.create(taskId, writer, follows ? remote.taskBase(taskId) : integration.head());
  }

  /**
   * Commits everything a task changed in its worktree on its branch: tracked files, and new files
   * the repository does not ignore, except those in build-output folders ({@code target}, {@code build}, {@code node_modules} and the like);
   * commits the agent made itself count too (the branch is moved to them if the agent left it).
   *
   * @return the branch's new tip, or empty when the task changed nothing
   * @throws IllegalStateException when git cannot commit, saying why (the worktree is left as it is)
   */
  public Optional<String> commit(TaskTree tree, String subject, String body) {
    Optional<String> commit = tasks.commit(tree, subject, body);
    if (remote != null && commit.isPresent()) {
      remote.pushTask(commit.get(), tree.branch());
    }
    return commit;
  }

  /**
   * Starts merging another task's branch into a task's worktree, for a task that resolves that
   * branch's conflict with the integrated work: where git cannot combine the two, the files are
   * left with git's conflict markers for the task to resolve; {@link #commit} then concludes the
   * merge (a commit with both parents).
   *
   * @param tip the commit the branch's task reported, where the remote's branch must be; or empty
   * @return the conflicted paths, relative to the repository's top (empty when git merged it all)
   * @throws IllegalStateException when git cannot merge the branch at all (it is gone, or elsewhere)
   */
  public List<String> mergeInto(TaskTree tree, String branch, String tip) {
    if (remote != null) {
      remote.fetchTask(branch, tip);
    }
    return tasks.mergeInto(tree, branch);
  }

  /**
   * Keeps a worktree's work when its commit failed (a hook refused it, say), before the worktree
   * is removed: everything {@link #commit} would have staged is committed through an index of its
   * own, without hooks, and kept under {@code refs/orchestra-rescue/<run-id>/<task-id>}; the task's
   * branch and the worktree's own index are not touched.
   *
   * @return the ref the work is under, or empty when git could not do even that (logged)
   */
  public Optional<String> rescue(TaskTree tree) {
    return tasks.rescue(tree);
  }

  /**
   * Commits what the gates' roles changed in the integration worktree.
   *
   * @return the commit, or empty when nothing changed
   */
  public Optional<String> commitIntegration(String subject, String body) {
    needsIntegration("committing the integration branch");
    Optional<String> commit = integration.commit(subject, body);
    if (remote != null && commit.isPresent()) {
      remote.pushIntegration();
    }
    return commit;
  }

  /** Returns the paths a commit changed since {@code base}, relative to the run's workspace folder. */
  public List<String> changedFiles(String base, String commit) {
    Git.Result r = repo.git(follows ? repo.workspace() : integrationWorkdir(), "diff", "--name-only", "--relative", "-z", base, commit);
    List<String> files = new ArrayList<>();
    if (r.ok()) {
      for (String f : r.out().split("\0")) {
        if (!f.isEmpty()) {
          files.add(f);
        }
      }
    }
    return files;
  }

  /** Whether the user's checkout holds every commit of the integration branch (nothing is left to merge). */
  public boolean checkoutHasIntegration() {
    if (remote != null) {
      return false; // the run's result is on the remote, whatever this clone's checkout holds
    }
    return checkout.holds(integration.branch());
  }

  /** Whether {@code commit} holds the work of {@code branch} (the branch's tip is one of its ancestors, or it). */
  public boolean contains(String commit, String branch) {
    return repo.git(repo.workspace(), "merge-base", "--is-ancestor", "refs/heads/" + branch, commit).ok();
  }

  /** Whether a commit is in the integration branch already. */
  public boolean integrated(String commit) {
    return integration.contains(commit);
  }

  /** Returns the commit a branch is at, or empty when there is no such branch. */
  public Optional<String> branchHead(String branch) {
    return repo.branchHead(branch);
  }

  /** Merges a task's branch into the integration branch: {@link #integrate(String, String, boolean, String)} without a replay or a tip. */
  public Integration integrate(String branch, String message) {
    return integrate(branch, message, false, "");
  }

  /** As {@link #integrate(String, String, boolean, String)}, whatever commit the branch is at. */
  public Integration integrate(String branch, String message, boolean rebase) {
    return integrate(branch, message, rebase, "");
  }

  /**
   * Integrates a task's branch: merged ({@code --no-ff}, one merge commit a task, with {@code
   * message}), or, with {@code rebase}, its commits replayed on the integration branch (a fast
   * forward when nothing was integrated since the task began; a merge the agent made is replayed
   * as one commit against its first parent) and the task branch moved to them, as {@code git
   * rebase} would leave it. A conflict is aborted, leaving the integration branch and its worktree
   * as they were. Through a remote, the branch is fetched first, and must be at {@code tip} (the
   * commit its task reported), unless that is empty: an attempt given up on may have pushed since.
   *
   * @throws IllegalStateException when the branch is gone, elsewhere than {@code tip}, or git fails otherwise, saying why
   */
  public Integration integrate(String branch, String message, boolean rebase, String tip) {
    Merges done = integrateAll(List.of(new Merges.Merge(branch, message, tip)), rebase);
    done.failure().or(done::pushFailure).ifPresent(why -> {
      throw new IllegalStateException(why);
    });
    return done.outcomes().get(0);
  }

  /** Integrates several tasks' branches in order, as {@link Merges} says; each merge is serialised with any other. */
  public synchronized Merges integrateAll(List<Merges.Merge> merges, boolean rebase) {
    needsIntegration("integrating tasks' branches");
    return Merges.carryOut(integration, remote, merges, rebase);
  }

  /** Removes a task's worktree; its branch stays. Never throws: a leftover is logged and pruned later. */
  public void removeTree(TaskTree tree) {
    repo.removeTree(tree.root());
  }

  /** Deletes a task branch (integrated, or work thrown away). */
  public void deleteBranch(String branch) {
    tasks.deleteBranch(branch);
  }

  /**
   * Deletes a branch {@link #integrate} integrated, soon rather than now: deletions wait until a
   * few are due and go in one git command (or at {@link #close}), off the path of the merges that
   * wait for each other. Only the commit that was integrated is deleted: a branch whose name a task
   * took again (a finding's retry) keeps its new work. A crash before then leaves the branch, whose
   * work is in the integration branch; {@link #deleteIntegratedTaskBranches} finds it at a resume.
   */
  public void deleteIntegratedBranch(String branch) {
    integratedBranches.delete(branch);
  }

  /**
   * Deletes this run's task branches whose work is in the integration branch already (at a resume:
   * a stop came before their deletion; at the end: a branch a resolving task merged), except those
   * about to be integrated.
   *
   * @param waiting the branches the run still integrates
   * @return the branches deleted
   */
  public List<String> deleteIntegratedTaskBranches(Set<String> waiting) {
    return tasks.deleteIntegrated(waiting);
  }

  /**
   * After a crash: removes every task worktree of this run (their committed work is on their
   * branches; what was not committed was never reported done) and prunes git's record of them.
   *
   * @return the worktrees removed
   */
  public List<Path> removeTaskTrees() {
    return tasks.removeAll();
  }

  /** Lists the task branches of this run, for a resume. */
  public List<String> taskBranches() {
    return tasks.branches();
  }

  /**
   * Ends the run's use of the repository: every task worktree and the integration worktree are
   * removed; the integration branch stays (it is the result), and so do task branches not yet
   * integrated.
   */
  public void close() {
    close(false);
  }

  /**
   * Ends the run's use of the repository as {@link #close()} does; with {@code
   * deleteIntegratedBranches}, also deletes every task branch of the run whose work is in the
   * integration branch (one a resolving task merged, one a stop left), never one with work that
   * is not.
   */
  public void close(boolean deleteIntegratedBranches) {
    integratedBranches.deleteWaiting();
    if (deleteIntegratedBranches) {
      deleteIntegratedTaskBranches(Set.of());
      if (remote != null && !follows) {
        remote.deleteIntegratedTaskBranches(tasks.branchPrefix());
      }
    }
    if (remote == null) {
      removeTaskTrees(); // through a remote, a clone's task trees are its executor's, which may still work
    }
    repo.removeTree(integration.root());
    repo.prune();
    try {
      Files.deleteIfExists(folder.resolve("tasks"));
      checkout.forget();
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // not empty: something of the user's own is there; leave it
    }
  }

  /**
   * Fast-forwards the branch the user has checked out to the integration branch, when the checkout
   * is on a branch, clean (Orchestra's own files aside) and behind the integration branch.
   *
   * @param ownFiles paths relative to the workspace that are Orchestra's (plan.md, {@code .orchestra/})
   * @return what happened, one line for the run's summary
   */
  public String fastForward(List<String> ownFiles) {
    return checkout.fastForward(ownFiles, integration.branch());
  }
}
