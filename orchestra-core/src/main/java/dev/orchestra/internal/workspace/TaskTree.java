package dev.orchestra.internal.workspace;

import java.nio.file.Path;

/**
 * A task's worktree.
 *
 * @param taskId the task
 * @param branch its branch, or empty for a reader's detached worktree
 * @param root the worktree's top folder
 * @param workdir where the task works: {@code root}, or the same sub-folder the run's workspace is
 *     in its repository
 * @param base the integration commit it was made from
 */
public record TaskTree(String taskId, String branch, Path root, Path workdir, String base) {}
