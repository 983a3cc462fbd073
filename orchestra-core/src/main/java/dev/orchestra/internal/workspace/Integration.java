package dev.orchestra.internal.workspace;

import java.util.List;

/** How integrating a task's branch into the run's integration branch ended ({@link GitWorktrees#integrate}). */
public sealed interface Integration {

  /** Merged: the integration branch is now at {@code commit}. */
  record Merged(String commit) implements Integration {}

  /** The branch was in the integration branch already (a merge made before a crash): nothing to do. */
  record AlreadyIntegrated(String commit) implements Integration {}

  /**
   * The branch conflicts with the integrated work: the merge was aborted and the integration
   * branch and worktree are as they were.
   *
   * @param files the conflicting paths
   * @param detail the conflicting hunks, cut short, for the brief of whoever redoes the task
   */
  record Conflict(List<String> files, String detail) implements Integration {}
}
