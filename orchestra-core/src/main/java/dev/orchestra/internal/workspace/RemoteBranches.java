package dev.orchestra.internal.workspace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's branches on the git remote its clones share, as one clone sees them. The clone that keeps
 * the run (its desk) takes the integration branch from the remote, or makes it from the remote's
 * default branch, and pushes every change to it; it fetches the tasks' branches before merging them
 * (those it merges together in one fetch, and it pushes once after them).
 * A clone that only runs tasks starts each task from the integration branch as the remote has it
 * then, and pushes the task's commit on the task's branch, replacing an earlier attempt's.
 * Thread-safe within one {@link GitWorktrees}: {@link RepoGit#shared} serialises its fetches, and
 * git's own ref locks what else two tasks do at once. A clone that keeps a run's desk and runs its
 * tasks too has two, which meet only through git's locks (and {@link RepoGit#shared}'s retries):
 * the desk's never makes or removes task worktrees.
 */
final class RemoteBranches {
  private static final Logger log = LoggerFactory.getLogger(RemoteBranches.class);

  private final GitRemote remote;
  private final RepoGit repo;
  private final IntegrationBranch integration;
  private final String runId;

  RemoteBranches(GitRemote remote, RepoGit repo, IntegrationBranch integration, String runId) {
    this.remote = remote;
    this.repo = repo;
    this.integration = integration;
    this.runId = runId;
  }

  GitRemote remote() {
    return remote;
  }

  /**
   * Opens the integration worktree on the remote's integration branch: taken from the remote when it
   * has it (a desk that moved here; a branch this clone had is moved forward to it), or made from
   * the remote's default branch and pushed there.
   *
   * @throws IllegalStateException when git cannot reach the remote, or the remote's branch and this
   *     clone's went separate ways
   */
  void openIntegration() {
    Optional<String> there = remote.fetch(repo, integration.branch());
    integration.open(there.orElseGet(() -> remote.fetchDefault(repo, runId))); // unless this clone has the branch
    String here = integration.head();
    if (there.isPresent() && there.get().equals(here)) {
      return;
    }
    if (there.isPresent() && holds(there.get(), here)) {
      integration.fastForward(there.get()); // a desk elsewhere moved it on since this clone kept the run
    } else if (there.isPresent() && !holds(here, there.get())) {
      throw new IllegalStateException(
          "run " + runId + "'s branch " + integration.branch() + " is at " + there.get() + " on " + remote + " but at " + here + " in "
              + repo.workspace() + ", and neither holds the other: the run cannot tell which is its work");
    }
    pushIntegration();
  }

  /** Whether {@code later} holds {@code earlier}. */
  private boolean holds(String later, String earlier) {
    return repo.git(repo.workspace(), "merge-base", "--is-ancestor", earlier, later).ok();
  }

  /**
   * After tasks' branches were integrated: pushes the integration branch and then, for a replay
   * (rebase), the tasks' branches, which moved onto the integrated work here and must there too, or
   * a later fetch would bring back the old tips and replay them again. Two pushes, not one: git
   * applies each ref of a push alone, and a task branch must not move there unless the integration
   * branch did (a refused push means another desk moved it).
   */
  void integrated(List<String> branches, boolean rebase) {
    pushIntegration();
    if (rebase) {
      Map<String, String> tips = new LinkedHashMap<>();
      branches.forEach(b -> repo.branchHead(b).ifPresent(tip -> tips.put(b, tip)));
      if (!tips.isEmpty()) {
        remote.push(repo, tips, tips.keySet());
      }
    }
  }

  /** Fetches several tasks' branches in one fetch: each one's commit, or empty when they could not come together (see {@link GitRemote#fetchAll}). */
  Map<String, String> fetchTasks(List<String> branches) {
    return remote.fetchAll(repo, branches);
  }

  /** Pushes the integration branch once more (a push that failed after a commit); returns why it failed, or empty. */
  Optional<String> pushedIntegration() {
    try {
      pushIntegration(); // already there: nothing to send
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  /** Pushes the integration branch: forward only, since one desk moves it. */
  void pushIntegration() {
    remote.push(repo, integration.head(), integration.branch(), false);
  }

  /**
   * Returns the commit a task starts from: the integration branch as the remote has it now.
   *
   * @throws IllegalStateException when the remote has no such branch (not the run's remote) or git cannot fetch it
   */
  String taskBase(String taskId) {
    return remote.fetch(repo, integration.branch())
        .orElseThrow(() -> new IllegalStateException(
            remote + " has no branch " + integration.branch() + " to start task " + taskId + " from: the run's desk makes it there,"
                + " so this worker's remote must be the run's"));
  }

  /** Pushes a task's commit on its branch, replacing an earlier attempt's. */
  void pushTask(String commit, String branch) {
    remote.push(repo, commit, branch, true);
  }

  /** Fetches a task's branch, pushed by whichever clone ran the task, into the same-named branch here. */
  void fetchTask(String branch) {
    fetchTask(branch, "");
  }

  /**
   * Fetches a task's branch as {@link #fetchTask(String)} does, and checks it is at {@code tip}, the
   * commit its task reported, unless that is empty.
   *
   * @throws IllegalStateException when the remote's branch is elsewhere: an attempt Temporal gave up
   *     on pushed over the reported one, whose work is then not what the run would merge
   */
  void fetchTask(String branch, String tip) {
    fetchTask(branch, tip, Map.of());
  }

  /** As {@link #fetchTask(String, String)}, with the branch's commit taken from {@code prefetched} when it holds it (see {@link #fetchTasks}). */
  void fetchTask(String branch, String tip, Map<String, String> prefetched) {
    String fetched =
        prefetched.containsKey(branch)
            ? prefetched.get(branch)
            : remote.fetch(repo, branch).orElseThrow(() -> new IllegalStateException(remote + " has no branch " + branch + " to merge"));
    // A replayed branch (rebase) was moved and pushed by this desk: its new tip is integrated already.
    if (!tip.isEmpty() && !fetched.equals(tip) && !integration.contains(fetched)) {
      throw new IllegalStateException(
          branch + " is at " + fetched + " on " + remote + ", not at " + tip + ", the commit its task reported: another attempt of the task"
              + " pushed over it after the task ended, so neither is merged; the reported work is " + tip);
    }
    Git.Result moved = repo.shared("branch", "--force", "--no-track", branch, fetched); // refused while a worktree here has it out
    if (!moved.ok()) {
      throw new IllegalStateException("git could not point " + branch + " at " + fetched + " in " + repo.workspace() + ": " + moved.why());
    }
  }

  /**
   * Deletes the run's task branches on the remote whose work the integration branch holds, in one
   * push; never throws (a branch left is logged: its work is merged).
   *
   * @param prefix the run's task branch names' common start, {@code orchestra-task/<run-id>/}
   */
  void deleteIntegratedTaskBranches(String prefix) {
    List<String> merged = new ArrayList<>();
    try {
      Git.Result heads = repo.git(repo.workspace(), "ls-remote", "--heads", remote.url(), "refs/heads/" + prefix + "*");
      if (!heads.ok()) {
        throw new IllegalStateException(heads.why());
      }
      for (String line : heads.out().lines().toList()) {
        String[] parts = line.split("\\s+");
        if (parts.length == 2 && integration.contains(parts[0])) {
          merged.add(":" + parts[1]);
        }
      }
      if (!merged.isEmpty()) {
        List<String> push = new ArrayList<>(List.of("push", "--quiet", "--no-verify", remote.url()));
        push.addAll(merged);
        Git.Result r = repo.git(repo.workspace(), push.toArray(String[]::new));
        if (!r.ok()) {
          throw new IllegalStateException(r.why());
        }
      }
    } catch (RuntimeException e) {
      log.warn("the run's merged task branches on {} were left there: {}", remote, String.valueOf(e.getMessage()).replace(remote.url(), remote.toString()));
    }
  }
}
