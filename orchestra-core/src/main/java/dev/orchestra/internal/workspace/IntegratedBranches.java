package dev.orchestra.internal.workspace;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task branches whose work was integrated, on their way out: each is deleted only at the commit
 * that was integrated (a branch whose name a task took again keeps its new work), and deletions
 * wait until a few are due, then go in one git command, off the path of the merges that wait for
 * each other. Thread-safe.
 */
final class IntegratedBranches {
  private static final Logger log = LoggerFactory.getLogger(IntegratedBranches.class);
  private static final int BRANCHES_PER_DELETE = 8;

  private final RepoGit repo;
  /** Integrated branches waiting for their deletion, with the commit that was integrated. Also the lock of {@link #tips}. */
  private final Map<String, String> waiting = new LinkedHashMap<>();
  /** The commit each branch was at when it was integrated, until its deletion is asked for. */
  private final Map<String, String> tips = new HashMap<>();

  IntegratedBranches(RepoGit repo) {
    this.repo = repo;
  }

  /** A task works on the branch again: its new work must stay. */
  void retaken(String branch) {
    synchronized (waiting) {
      waiting.remove(branch);
      tips.remove(branch);
    }
  }

  /** Notes the commit a branch was at when it was integrated: only that commit's branch may be deleted for it. */
  void integrated(String branch, String tip) {
    synchronized (waiting) {
      tips.put(branch, tip);
    }
  }

  /** Asks for an integrated branch's deletion; see {@link GitWorktrees#deleteIntegratedBranch}. */
  void delete(String branch) {
    Map<String, String> due;
    synchronized (waiting) {
      String tip = tips.remove(branch);
      if (tip == null) {
        return; // not integrated by this run's worktrees: nothing says which commit may go
      }
      waiting.put(branch, tip);
      if (waiting.size() < BRANCHES_PER_DELETE) {
        return;
      }
      due = takeWaiting();
    }
    deleteNow(due);
  }

  /** Deletes every branch waiting for its deletion: the run's use of the repository ends. */
  void deleteWaiting() {
    Map<String, String> due;
    synchronized (waiting) {
      due = takeWaiting();
    }
    deleteNow(due);
  }

  /** The deletions waiting, handed over and forgotten; called holding {@code waiting}. */
  private Map<String, String> takeWaiting() {
    Map<String, String> due = new LinkedHashMap<>(waiting);
    waiting.clear();
    return due;
  }

  /** Deletes branches that are still at the given commits, in one git command when all are. */
  void deleteNow(Map<String, String> branchTips) {
    if (branchTips.isEmpty()) {
      return;
    }
    StringBuilder input = new StringBuilder();
    branchTips.forEach((branch, tip) -> input.append("delete refs/heads/").append(branch).append(' ').append(tip).append('\n'));
    if (!repo.updateRefs(input.toString()).ok()) {
      // The update is all or nothing: one branch that moved on (or is gone) fails it; the rest go
      // one by one, each only if still at its integrated commit.
      branchTips.forEach((branch, tip) -> {
        Git.Result one = repo.shared("update-ref", "-d", "refs/heads/" + branch, tip);
        if (!one.ok()) {
          log.debug("task branch {} was not deleted (taken again, or gone): {}", branch, one.why());
        }
      });
    }
  }
}
