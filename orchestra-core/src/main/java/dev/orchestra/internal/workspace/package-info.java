/**
 * An agent's hands on the workspace, and git's view of it. Not part of Orchestra's API.
 *
 * <p>{@link dev.orchestra.internal.workspace.WorkspaceToolBox} is the {@code ToolBox} an agent
 * gets for one task: a map from tool name to one package-private {@code Tool} per tool (read_file,
 * list_dir, search, write_file, apply_patch, run_command, load_skill). Around them: {@code
 * SandboxDecision}, the one pure rule of what a sandbox mode and approval policy allow, ask about
 * or refuse; {@code SandboxGuard}, which carries it out; {@code SandboxPaths} and {@code
 * SecureWorkspaceIo}, which keep paths and links inside; {@code WorkspaceWriter} and {@code
 * UnifiedPatch} for writes; {@code ReadOnlyCommands}, the table of commands a read-only sandbox
 * runs; {@code ToolArgs} and {@code ToolSchema} for a call's arguments and their schema. The engine
 * also uses {@code WorkspaceFiles}, {@code WriteScopes}, {@code WriteWindows}, {@code
 * SecureWorkspaceIo} and {@code GitWorkspace} directly.
 *
 * <p>{@code GitWorktrees} gives a run a worktree per task and an integration branch; behind it,
 * {@code TaskTrees} (tasks' worktrees and branches), {@code IntegrationBranch} (merges, one at a
 * time), {@code IntegratedBranches} (merged branches deleted), {@code UserCheckout} (the
 * fast-forward at the end) and {@code RepoGit} (git as the run runs it); {@code ConflictFiles}
 * reads what a resolving task left in conflicted files.
 */
package dev.orchestra.internal.workspace;
