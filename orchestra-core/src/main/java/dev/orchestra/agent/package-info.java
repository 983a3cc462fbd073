/**
 * Agents: how one role carries out one task.
 *
 * <p>An {@link dev.orchestra.agent.Agent} runs a role on a task with an {@link
 * dev.orchestra.agent.AgentContext} (the brief, the model to call, the turn limit and a {@link
 * dev.orchestra.agent.ToolBox} confined to the workspace, the role's sandbox and the task's write
 * scope) and returns the role's {@link dev.orchestra.agent.RoleReport}, or throws an {@link
 * dev.orchestra.agent.AgentException}. The default agent, {@link
 * dev.orchestra.agent.Agent#toolLoop()}, is package-private here, together with the built-in
 * roles' answer formats: the JSON Schema each role is asked for, its prompt template and the
 * parser that turns an answer into a report.
 */
package dev.orchestra.agent;
