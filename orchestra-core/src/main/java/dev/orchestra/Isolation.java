package dev.orchestra;

import java.util.Objects;

/**
 * How the tasks that write are kept apart.
 *
 * <p>{@link #worktrees()}, the default: in a git repository every task runs in a git worktree of
 * its own (a writer on its own branch, {@code orchestra-task/<run-id>/<task-id>}; a reader detached),
 * made from the run's integration branch {@code orchestra/<run-id>} as it stands when the task
 * starts. A task that ends done has its changes committed on its branch before its end is
 * journalled; the run integrates finished branches into the integration branch one at a time, in
 * plan order among those waiting: merged by default, or rebased (see {@link
 * Worktrees.Integration}). A conflict leaves the integration branch as it was, and the task runs
 * again on the integrated state with the conflict in its brief, or a new task resolves it (see
 * {@link Worktrees.OnConflict}). Gates judge the integrated tree.
 * Write scopes are then ownership hints: tasks whose scopes overlap may run at the same time. The
 * user's own checkout is not touched: the result is the integration branch, and the run's summary
 * says how to merge it. In a folder that is not the top of a git work tree, or a repository without
 * a commit (a warning is logged), the run works in the shared tree instead. A resumed run works
 * where the stopped run did: one that used worktrees refuses to resume without them.
 *
 * <p>{@link #shared()}: every task works in the workspace itself, and writers whose write scopes
 * overlap never run together.
 */
public sealed interface Isolation permits Isolation.Shared, Isolation.Worktrees {

  /** Every task in the workspace itself, kept apart by write scopes. */
  static Isolation shared() {
    return new Shared();
  }

  /** A git worktree per task, with the defaults of {@link Worktrees.Builder}. */
  static Worktrees worktrees() {
    return Worktrees.builder().build();
  }

  /** Every task in the workspace itself. */
  record Shared() implements Isolation {}

  /**
   * A git worktree per task.
   *
   * @param authorName the author and committer name of Orchestra's commits
   * @param authorEmail their email
   * @param keepBranches whether a task's branch stays after it was integrated
   * @param fastForwardWhenGreen whether, when a run ends green, the branch the user has checked out
   *     is fast-forwarded to the integration branch (only when it is clean, apart from plan.md and
   *     the state folder, and has not moved since the run began)
   * @param runHooks whether the repository's hooks run for Orchestra's own commits and merges
   * @param integration how a finished task's branch joins the integration branch
   * @param onConflict what happens to work that conflicts with the integrated work
   */
  record Worktrees(
      String authorName,
      String authorEmail,
      boolean keepBranches,
      boolean fastForwardWhenGreen,
      boolean runHooks,
      Integration integration,
      OnConflict onConflict)
      implements Isolation {

    /**
     * What happens to a finished task whose work conflicts with work integrated meanwhile. Either
     * way the integration branch is left as it was, and after {@code Bounds.maxFindingAttempts}
     * conflicts of one task's work the task fails.
     */
    public enum OnConflict {
      /** The task runs again on the integrated state, with git's conflict hunks in its brief; its first work is dropped. */
      REDO_TASK,
      /**
       * A new plan task, {@code <task-id>-resolve}, with the same role and write scope, starts in a
       * worktree of the integrated state with the conflicted task's branch merged in and git's
       * conflict markers in the files: it resolves them, keeping both sides, and its commit
       * concludes the merge. The conflicted task stays done; its dependents wait for the resolving
       * task too, and if that fails, so does the conflicted task. A resolving task whose own work
       * conflicts is followed by another, {@code <task-id>-resolve-2} and so on.
       */
      RESOLVE_TASK
    }

    /** How a finished task's branch joins the integration branch. */
    public enum Integration {
      /**
       * A merge commit per task ({@code git merge --no-ff}), whose message names the task: the
       * history shows which commits each task made.
       */
      MERGE,
      /**
       * The task's commits replayed on the integration branch, much as {@code git rebase} would: a
       * linear history without merge commits, and a fast forward when nothing was integrated since
       * the task began. Unlike {@code git rebase}, a commit that becomes empty is kept, and a
       * merge the agent made itself is replayed as one commit against its first parent. The task's
       * branch is then moved to the replayed commits (not a fast forward, for anyone who fetched
       * it with {@code keepBranches}).
       */
      REBASE
    }

    /** Validates the components. */
    public Worktrees {
      Objects.requireNonNull(authorName, "authorName");
      Objects.requireNonNull(authorEmail, "authorEmail");
      Objects.requireNonNull(integration, "integration");
      Objects.requireNonNull(onConflict, "onConflict");
      if (authorName.isBlank() || authorEmail.isBlank()) {
        throw new IllegalArgumentException("the commit author needs a name and an email");
      }
      if ((authorName + authorEmail).chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
        throw new IllegalArgumentException("the commit author must be one line without '<' or '>', got " + authorName + " <" + authorEmail + ">");
      }
    }

    /**
     * Returns a builder with the defaults: author {@code Orchestra <orchestra@localhost>}, branches
     * removed once integrated, no fast-forward, no hooks, integration by {@link Integration#MERGE},
     * and a conflicted task redone ({@link OnConflict#REDO_TASK}).
     */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds {@link Worktrees}. Not thread-safe. */
    public static final class Builder {
      private String authorName = "Orchestra";
      private String authorEmail = "orchestra@localhost";
      private boolean keepBranches;
      private boolean fastForwardWhenGreen;
      private boolean runHooks;
      private Integration integration = Integration.MERGE;
      private OnConflict onConflict = OnConflict.REDO_TASK;

      private Builder() {}

      /** Sets the author and committer of Orchestra's commits. */
      public Builder author(String name, String email) {
        this.authorName = Objects.requireNonNull(name, "name");
        this.authorEmail = Objects.requireNonNull(email, "email");
        return this;
      }

      /** Keeps each task's branch after it was integrated (default: removed). */
      public Builder keepBranches(boolean keep) {
        this.keepBranches = keep;
        return this;
      }

      /** Fast-forwards the user's checked-out branch when the run ends green and it is clean (default: no). */
      public Builder fastForwardWhenGreen(boolean fastForward) {
        this.fastForwardWhenGreen = fastForward;
        return this;
      }

      /** Lets the repository's hooks run for Orchestra's commits and merges (default: no). */
      public Builder runHooks(boolean run) {
        this.runHooks = run;
        return this;
      }

      /** Sets how a finished task's branch joins the integration branch (default: {@link Integration#MERGE}). */
      public Builder integration(Integration integration) {
        this.integration = Objects.requireNonNull(integration, "integration");
        return this;
      }

      /** Sets what happens to work that conflicts with the integrated work (default: {@link OnConflict#REDO_TASK}). */
      public Builder onConflict(OnConflict onConflict) {
        this.onConflict = Objects.requireNonNull(onConflict, "onConflict");
        return this;
      }

      /**
       * Returns the isolation.
       *
       * @throws IllegalArgumentException when the author is blank or not one line
       */
      public Worktrees build() {
        return new Worktrees(authorName, authorEmail, keepBranches, fastForwardWhenGreen, runHooks, integration, onConflict);
      }
    }
  }
}
