/**
 * Roles: the jobs on the team and what each may do.
 *
 * <p>A {@link dev.orchestra.role.Role} names a job's model, {@link
 * dev.orchestra.role.ReasoningEffort}, instructions, tools and output sections, and its limits with
 * Codex's names: a {@link dev.orchestra.role.SandboxMode} for what it may change and an {@link
 * dev.orchestra.role.ApprovalPolicy} for when it must ask, answered by an {@link
 * dev.orchestra.role.ApprovalHandler}. {@link dev.orchestra.role.BuiltInRoles} is the catalog of
 * Orchestra's eight roles; a {@link dev.orchestra.role.Skill} is an Agent Skill given to a role on
 * the orchestrator's builder; {@link dev.orchestra.role.ShellEnvironmentPolicy} decides which
 * environment variables a child process gets. The one implementation of {@code Role} is
 * package-private.
 */
package dev.orchestra.role;
