package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.Integration.AlreadyIntegrated;
import dev.orchestra.internal.workspace.Integration.Conflict;
import dev.orchestra.internal.workspace.Integration.Merged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's integration branch, {@code orchestra/<run-id>}, and its worktree: task branches are
 * merged (or replayed) into it one at a time, and what the gates' roles change there is committed
 * on it. A resume finds it as the stop left it and undoes a merge or replay cut short. Thread-safe:
 * integrations and commits run one at a time.
 */
final class IntegrationBranch {
  private static final Logger log = LoggerFactory.getLogger(IntegrationBranch.class);
  private static final int MAX_CONFLICT_DETAIL = 6_000;
  /** The file in the run's folder that names a replay under way: the branch, and the head it starts from. */
  private static final String REPLAYING = "replaying";
  private static final String UNCOMMITTED = "Orchestra: changes found uncommitted in the integration worktree";

  private final RepoGit repo;
  private final Path folder;
  private final Path root;
  private final String branch;
  private final IntegratedBranches integrated;
  /**
   * The branch's commit, as this class last moved it or read it: task worktrees are made from it
   * without a git process to ask. A role that commits in the worktree itself is caught up with at
   * the next merge or commit of the gates' changes; until then a new task starts from the commit
   * before, which its merge makes up for.
   */
  private volatile String head = "";
  /**
   * Whether anyone but this class may have worked in the worktree since the last merge looked
   * (see {@link #inUse}): only then does a merge ask git where the branch is and whether the
   * worktree is clean, which costs a git process a merge.
   */
  private volatile boolean touched = true;

  IntegrationBranch(RepoGit repo, Path folder, String branch, IntegratedBranches integrated) {
    this.repo = repo;
    this.folder = folder;
    this.root = folder.resolve("integration");
    this.branch = branch;
    this.integrated = integrated;
  }

  String branch() {
    return branch;
  }

  /** The worktree's top folder. */
  Path root() {
    return root;
  }

  String head() {
    return head;
  }

  /** An agent or a gate is about to work in the worktree: the next merge reads it afresh. */
  void inUse() {
    touched = true;
  }

  /**
   * Finds the worktree again after a stop, or makes it (and the branch, from {@code start}, unless
   * it exists).
   *
   * @return whether the worktree was made now
   * @throws IllegalStateException when git cannot make it
   */
  boolean open(String start) {
    if (Files.isDirectory(root) && repo.git(root, "rev-parse", "--verify", "-q", "HEAD").ok()) {
      reopen();
      return false;
    }
    repo.prune();
    boolean exists = repo.git(repo.workspace(), "rev-parse", "--verify", "-q", "refs/heads/" + branch).ok();
    Git.Result r =
        exists
            ? repo.shared("worktree", "add", "--quiet", root.toString(), branch)
            : repo.shared("worktree", "add", "--quiet", "-b", branch, root.toString(), start);
    if (!r.ok()) {
      throw new IllegalStateException("git could not make the run's integration worktree in " + root + ": " + r.why());
    }
    head = repo.head(root, "the integration branch").commit();
    return true;
  }

  /**
   * A resumed run: the worktree is as the stop left it. A merge cut short is undone (its task is
   * merged again); a lock left by a killed git is removed (the run's lock says no other Orchestra
   * works here).
   */
  private void reopen() {
    Git.Result gitDir = repo.git(root, "rev-parse", "--absolute-git-dir");
    if (gitDir.ok()) {
      try {
        Files.deleteIfExists(Path.of(gitDir.out().strip()).resolve("index.lock"));
      } catch (IOException e) {
        log.warn("could not remove a stale index lock in {}: {}", gitDir.out().strip(), e.toString());
      }
    }
    if (repo.git(root, "rev-parse", "--verify", "-q", "MERGE_HEAD").ok()) {
      repo.work(root, "merge", "--abort");
    }
    // A replay cut short (stopped at a conflict, or killed between two picks) is undone too.
    Path perWorktree = gitDir.ok() ? Path.of(gitDir.out().strip()) : null;
    if (perWorktree != null && (Files.exists(perWorktree.resolve("CHERRY_PICK_HEAD")) || Files.isDirectory(perWorktree.resolve("sequencer")))) {
      repo.work(root, "cherry-pick", "--abort");
    }
    finishReplayCutShort();
    if (!repo.unmergedFiles(root).isEmpty()) {
      // Conflict markers are nobody's work: never committed.
      log.warn("{} held conflicted files after the stop; they were reset to the integration branch", root);
      repo.work(root, "reset", "--hard", "--quiet", "HEAD");
    }
    // What a gate's role left uncommitted there before the crash is kept, and merges later find
    // the worktree clean; a commit git refuses (a hook) must not keep the run from resuming.
    try {
      commit(UNCOMMITTED, "");
    } catch (RuntimeException e) {
      log.warn("the changes left uncommitted in {} could not be committed: {}", root, e.getMessage());
    }
  }

  /**
   * Moves the branch and its worktree forward to {@code commit}, a descendant of its head (another
   * clone integrated work since this one last kept the run).
   *
   * @throws IllegalStateException when git cannot
   */
  synchronized void fastForward(String commit) {
    Git.Result r = repo.work(root, "merge", "--ff-only", "--quiet", commit);
    if (!r.ok()) {
      throw new IllegalStateException("git could not move the integration branch " + branch + " forward to " + commit + ": " + r.why());
    }
    head = repo.head(root, "the integration branch").commit();
    touched = true;
  }

  /** See {@link GitWorktrees#commitIntegration}. */
  synchronized Optional<String> commit(String subject, String body) {
    String before = head;
    try {
      // Read back whatever happened: a gate's role may have committed there itself.
      RepoGit.Head now = repo.commitAll(root, subject, body, "the integration branch");
      if (!now.ref().equals("refs/heads/" + branch)) {
        throw new IllegalStateException(
            "the integration worktree " + root + " is not on " + branch + " but on " + now.ref()
                + ": something checked out another branch or commit there");
      }
      head = now.commit();
    } catch (RuntimeException e) {
      Git.Result r = repo.git(root, "rev-parse", "--verify", "-q", "HEAD");
      if (r.ok() && !r.out().isBlank()) {
        head = r.out().strip();
      }
      throw e;
    }
    return head.equals(before) ? Optional.empty() : Optional.of(head);
  }

  /** Whether a commit is in the integration branch already. */
  boolean contains(String commit) {
    return repo.git(root, "merge-base", "--is-ancestor", commit, head).ok();
  }

  /** See {@link GitWorktrees#integrate(String, String, boolean)}. */
  synchronized Integration integrate(String taskBranch, String message, boolean rebase) {
    if (touched) {
      readWorktree();
    }
    String before = head;
    if (rebase) {
      writeReplayMarker(taskBranch, before);
    }
    try {
      return integrate(taskBranch, message, rebase, before);
    } finally {
      if (rebase) {
        deleteReplayMarker();
      }
    }
  }

  private Integration integrate(String taskBranch, String message, boolean rebase, String start) {
    String before = start;
    Git.Result m = rebase ? replay(taskBranch) : merge(taskBranch, message);
    List<String> files = m.ok() ? List.of() : repo.unmergedFiles(root);
    if (refused(m, files, rebase)) {
      // Nothing of a refused replay stays (it may have picked some commits before git stopped).
      undo(rebase, before);
      if (commit(UNCOMMITTED, "").isPresent()) {
        // Git refused to work over uncommitted changes (a gate's role's edit, a command's
        // output): they are kept in a commit of their own, and the integration tried once more.
        before = head;
        m = rebase ? replay(taskBranch) : merge(taskBranch, message);
        files = m.ok() ? List.of() : repo.unmergedFiles(root);
      }
    }
    if (m.ok()) {
      Git.Result heads = repo.git(root, "rev-parse", "HEAD", "refs/heads/" + taskBranch);
      List<String> lines = heads.out().lines().map(String::strip).toList();
      if (!heads.ok() || lines.size() != 2) {
        throw new IllegalStateException("git cannot read the integration branch after integrating " + taskBranch + ": " + heads.why());
      }
      head = lines.get(0);
      String tip = lines.get(1);
      if (rebase && !head.equals(before) && !tip.equals(head)) {
        // The branch names the replayed work now: a resume after a crash finds it integrated.
        Git.Result moved = repo.git(repo.workspace(), "update-ref", "refs/heads/" + taskBranch, head, tip);
        if (moved.ok()) {
          tip = head;
        } else {
          log.warn("the task branch {} could not be moved to its replayed commits: {}", taskBranch, moved.why());
        }
      }
      integrated.integrated(taskBranch, tip);
      // An ancestor of the integration branch (integrated before a crash) leaves it where it was.
      return head.equals(before) ? new AlreadyIntegrated(before) : new Merged(head);
    }
    if (files.isEmpty() && repo.git(root, "merge-base", "--is-ancestor", "refs/heads/" + taskBranch, before).ok()) {
      undo(rebase, before);
      repo.branchHead(taskBranch).ifPresent(tip -> integrated.integrated(taskBranch, tip));
      return new AlreadyIntegrated(before); // nothing to replay: it was integrated before a crash
    }
    String detail = files.isEmpty() ? "" : repo.git(root, "diff", "--no-color", "--no-ext-diff").out();
    undo(rebase, before);
    if (files.isEmpty()) {
      throw new IllegalStateException("git could not merge " + taskBranch + " into " + branch + ": " + m.why());
    }
    if (detail.length() > MAX_CONFLICT_DETAIL) {
      detail = detail.substring(0, MAX_CONFLICT_DETAIL) + "\n[cut]\n";
    }
    return new Conflict(List.copyOf(files), detail);
  }

  /** Aborts a merge or a replay under way, and puts the branch back at {@code before} whatever git left. */
  private void undo(boolean rebase, String before) {
    Git.Result abort = repo.work(root, rebase ? "cherry-pick" : "merge", "--abort");
    if (!abort.ok() || !repo.git(root, "rev-parse", "HEAD").out().strip().equals(before)) {
      repo.work(root, "reset", "--hard", "--quiet", before);
    }
  }

  /**
   * After an agent or a gate worked in the worktree: where the branch is and whether the worktree
   * is clean, in one git process. A role may have committed there; what it left uncommitted goes
   * in a commit of its own before the merge, which an abort could otherwise lose.
   *
   * @throws IllegalStateException when the worktree is no longer on the integration branch (an
   *     agent checked out something else): merging there would lose the merges
   */
  private void readWorktree() {
    Git.Result status = repo.git(root, "status", "--porcelain=v2", "--branch", "--untracked-files=no", "--ignore-submodules=dirty");
    if (!status.ok()) {
      throw new IllegalStateException("git cannot read the integration worktree " + root + ": " + status.why());
    }
    String on = status.out().lines().filter(l -> l.startsWith("# branch.head ")).map(l -> l.substring(14).strip()).findFirst().orElse("");
    if (!on.equals(branch)) {
      throw new IllegalStateException(
          "the integration worktree " + root + " is on " + on + ", not on " + branch
              + ": something checked out another branch or commit there; check it out again (git -C " + root + " checkout "
              + branch + ") and resume");
    }
    status.out().lines().filter(l -> l.startsWith("# branch.oid ")).findFirst().ifPresent(l -> head = l.substring(13).strip());
    if (status.out().lines().anyMatch(l -> !l.startsWith("#"))) {
      commit(UNCOMMITTED, "");
    }
    touched = false;
  }

  /** Notes a replay about to start (the branch, and the head it starts from), for a resume after a crash during it. */
  private void writeReplayMarker(String taskBranch, String before) {
    try {
      Files.writeString(folder.resolve(REPLAYING), taskBranch + "\n" + before + "\n");
    } catch (IOException e) {
      log.warn("could not note the replay of {} in {}: {}", taskBranch, folder, e.toString());
    }
  }

  private void deleteReplayMarker() {
    try {
      Files.deleteIfExists(folder.resolve(REPLAYING));
    } catch (IOException e) {
      log.warn("could not delete {}: {}", folder.resolve(REPLAYING), e.toString());
    }
  }

  /**
   * At a resume: a replay the stop cut short after it completed, before its branch was moved,
   * has the branch moved now, so the branch is found integrated rather than replayed twice.
   */
  private void finishReplayCutShort() {
    Path marker = folder.resolve(REPLAYING);
    if (!Files.exists(marker)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(marker);
      Git.Result now = repo.git(root, "rev-parse", "HEAD");
      if (lines.size() >= 2 && now.ok() && !now.out().strip().equals(lines.get(1).strip())) {
        Git.Result moved = repo.git(repo.workspace(), "update-ref", "refs/heads/" + lines.get(0).strip(), now.out().strip());
        log.info("moved {} to its replayed commits, which a stop left unmoved: {}", lines.get(0).strip(), moved.ok() ? "done" : moved.why());
      }
    } catch (IOException e) {
      log.warn("could not read {}: {}", marker, e.toString());
    }
    deleteReplayMarker();
  }

  /**
   * Whether a failed merge or replay was refused before it began: git ended by itself (not stopped at its
   * time limit, which could leave files half-written), without a conflict or a merge under way.
   */
  private boolean refused(Git.Result result, List<String> unmerged, boolean rebase) {
    return !result.ok() && result.exitCode() > 0 && unmerged.isEmpty()
        && !repo.git(root, "rev-parse", "--verify", "-q", rebase ? "CHERRY_PICK_HEAD" : "MERGE_HEAD").ok();
  }

  /** Replays the task branch's commits since the integration branch on it, along its first parents. */
  private Git.Result replay(String taskBranch) {
    return repo.work(root, repo.identityArgs("cherry-pick", "--ff", "-m", "1", "--first-parent", "--keep-redundant-commits", head + ".." + taskBranch));
  }

  private Git.Result merge(String taskBranch, String message) {
    return repo.work(
        root, repo.identityArgs("merge", "--no-ff", "--no-edit", "--no-verify-signatures", "--no-autostash", "--quiet", "-m", message, taskBranch));
  }
}
