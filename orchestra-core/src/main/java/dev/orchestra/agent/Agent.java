package dev.orchestra.agent;

import dev.orchestra.plan.Task;
import dev.orchestra.role.Role;

/**
 * Runs one {@link Role} on one {@link Task} and returns that role's report.
 *
 * <p>The default, {@link #toolLoop()}, asks the model, runs the tools it calls, sends back the
 * results, and repeats until the model gives its final answer or the turn limit is reached.
 * Supply your own to drive a different harness; the orchestrator calls it from several threads at
 * once, so implementations must be thread-safe.
 */
@FunctionalInterface
public interface Agent {

  /**
   * Carries out a task. Blocks until done.
   *
   * @param role the role to act as
   * @param task the task
   * @param context the model, tools and context for this task
   * @return the role's report
   * @throws AgentException when the agent cannot produce a report (no answer within the turn
   *     limit, an answer that does not parse even after one repair)
   * @throws dev.orchestra.model.ModelProviderException when the model fails for good
   */
  RoleReport run(Role role, Task task, AgentContext context);

  /**
   * Returns the default agent: a tool loop bounded by {@link AgentContext#maxTurns()}, asking for
   * the role's structured answer and giving the model one chance to repair an answer that does not
   * parse.
   *
   * @return the agent; stateless and thread-safe
   */
  static Agent toolLoop() {
    return ToolLoopAgent.INSTANCE;
  }

  /**
   * Returns an agent that hands each role's tasks to the agent named for that role, and every
   * other role's to {@code otherwise}: Codex processes for implementers, say, and the tool loop for
   * the rest.
   *
   * @param byRole the agent for each role, by role name
   * @param otherwise the agent for the roles not named
   * @return the agent; thread-safe when the agents are
   */
  static Agent byRole(java.util.Map<String, Agent> byRole, Agent otherwise) {
    java.util.Map<String, Agent> copy = java.util.Map.copyOf(byRole);
    java.util.Objects.requireNonNull(otherwise, "otherwise");
    return (role, task, context) -> copy.getOrDefault(role.name(), otherwise).run(role, task, context);
  }
}
