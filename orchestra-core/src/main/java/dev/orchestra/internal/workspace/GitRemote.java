package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The git remote a run's clones share when its workers share nothing else (each works in a clone
 * of its own): tasks' branches are pushed there and fetched by whoever integrates them, and the run's
 * integration branch is pushed there after every change (once for the merges of one command), for
 * the next task to start from. Named
 * by its URL or path, as {@code git fetch} takes it; never a configured remote's name, so that each
 * clone may call it what it likes. Immutable.
 *
 * @param url the remote's URL or path
 */
public record GitRemote(String url) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GitRemote.class);

  /** Where this clone keeps what it fetched of a run's branches: out of {@code refs/heads}, so no checkout is in the way. */
  private static final String TRACKING = "refs/orchestra-remote/";

  /**
   * Validates the URL.
   *
   * @throws IllegalArgumentException when it is blank, or starts with {@code -} (git would read an option)
   */
  public GitRemote {
    Objects.requireNonNull(url, "url");
    if (url.isBlank() || url.startsWith("-") || url.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("a git remote must be a URL or a path on one line, not starting with '-'");
    }
  }

  /**
   * Opens a run's worktrees in a clone of this remote, for the clone that keeps the run (its desk;
   * see {@link RemoteBranches}): the integration worktree is made on the run's branch as this remote
   * has it, or from this remote's default branch; every change to it is pushed here, and task
   * branches are fetched from here before their merge. The run's result is the branch here: no
   * checkout of the clone is moved. Parameters as {@link GitWorktrees#open}.
   *
   * @throws IllegalStateException when git cannot reach this remote, its branch of the run and the
   *     clone's went separate ways, or the clone cannot give the run worktrees, saying why
   */
  public GitWorktrees keepRun(Path workspace, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks) {
    return GitWorktrees.atRemote(workspace, runId, environment, identity, hooks, this, false);
  }

  /**
   * Opens a run's worktrees in a clone of this remote, for running the run's tasks only (see {@link
   * RemoteBranches}): no integration worktree is made; each task starts from the run's branch as
   * this remote has it, and pushes its own branch here. Parameters as {@link GitWorktrees#open}.
   *
   * @throws IllegalStateException when git cannot read the clone
   */
  public GitWorktrees runTasks(Path workspace, String runId, CommandEnvironment environment, GitIdentity identity, boolean hooks) {
    return GitWorktrees.atRemote(workspace, runId, environment, identity, hooks, this, true);
  }

  /**
   * Fetches a branch of the remote into this clone's tracking ref for it.
   *
   * @return the branch's commit, or empty when the remote has no such branch
   * @throws IllegalStateException when git cannot reach or read the remote, saying why
   */
  Optional<String> fetch(RepoGit repo, String branch) {
    String tracking = TRACKING + branch;
    Git.Result r = repo.shared("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, "+refs/heads/" + branch + ":" + tracking);
    if (!r.ok()) {
      // Git words "no such branch" in the user's language: asked again, by exit code.
      if (repo.git(repo.workspace(), "ls-remote", "--exit-code", "--heads", url, "refs/heads/" + branch).exitCode() == 2) {
        return Optional.empty();
      }
      throw new IllegalStateException("git could not fetch " + branch + " from " + this + ": " + why(r));
    }
    return Optional.of(commitOf(repo, tracking));
  }

  /**
   * Fetches several branches of the remote in one git fetch, into the tracking refs {@link #fetch}
   * uses.
   *
   * @return each branch's commit; empty when git could not fetch them together (one is gone, or the
   *     remote cannot be reached): {@link #fetch} each then, for its own answer
   */
  Map<String, String> fetchAll(RepoGit repo, List<String> branches) {
    List<String> fetch = new ArrayList<>(List.of("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url));
    branches.forEach(b -> fetch.add("+refs/heads/" + b + ":" + TRACKING + b));
    if (branches.isEmpty()) {
      return Map.of();
    }
    Git.Result r = repo.shared(fetch.toArray(String[]::new));
    if (!r.ok()) {
      LOG.debug("git could not fetch {} branches together from {}, so each is fetched alone: {}", branches.size(), this, why(r));
      return Map.of();
    }
    Map<String, String> commits = new LinkedHashMap<>();
    branches.forEach(b -> commits.put(b, commitOf(repo, TRACKING + b)));
    return commits;
  }

  /**
   * Fetches the commit the remote's default branch ({@code HEAD}) is at: where a new run starts.
   *
   * @throws IllegalStateException when the remote has no commit, or git cannot fetch it
   */
  String fetchDefault(RepoGit repo, String runId) {
    String tracking = TRACKING + "start/" + runId;
    Git.Result r = repo.shared("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, "+HEAD:" + tracking);
    if (!r.ok()) {
      throw new IllegalStateException(
          "git could not fetch the default branch of " + this + " to start run " + runId + " from (it needs a commit): " + why(r));
    }
    return commitOf(repo, tracking);
  }

  /**
   * Pushes a commit to a branch of the remote.
   *
   * @param force whether the branch may move anywhere (a task's branch, which each attempt starts
   *     again); otherwise only forward (the integration branch, which one desk moves)
   * @throws IllegalStateException when git cannot push, saying why (the branch moved elsewhere)
   */
  void push(RepoGit repo, String commit, String branch, boolean force) {
    push(repo, Map.of(branch, commit), force ? Set.of(branch) : Set.of());
  }

  /**
   * Pushes commits to branches of the remote in one git push.
   *
   * @param commits each branch's commit, in the order git is given them
   * @param forced the branches that may move anywhere; the others only forward
   * @throws IllegalStateException when git cannot push, saying why (a branch moved elsewhere)
   */
  void push(RepoGit repo, Map<String, String> commits, Set<String> forced) {
    List<String> push = new ArrayList<>(List.of("push", "--quiet", "--no-verify", url));
    commits.forEach((branch, commit) -> push.add((forced.contains(branch) ? "+" : "") + commit + ":refs/heads/" + branch));
    Git.Result r = Git.run(repo.workspace(), repo.environment(), repo.hooks(), repo.identityVariables(), Git.WRITES_FILES, push);
    if (!r.ok()) {
      throw new IllegalStateException("git could not push " + String.join(", ", commits.keySet()) + " to " + this + ": " + why(r));
    }
  }

  private static String commitOf(RepoGit repo, String ref) {
    Git.Result r = repo.git(repo.workspace(), "rev-parse", "--verify", "-q", ref + "^{commit}");
    if (!r.ok() || r.out().isBlank()) {
      throw new IllegalStateException("git fetched " + ref + " into " + repo.workspace() + " but cannot read its commit there: " + r.why());
    }
    return r.out().strip();
  }

  /** The URL as messages show it: a password or token in it is masked. */
  @Override
  public String toString() {
    return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1***@");
  }

  /** Git's own words, with the URL as {@link #toString} shows it: git may repeat a URL's credentials. */
  String why(Git.Result r) {
    return r.why().replace(url, toString());
  }
}
