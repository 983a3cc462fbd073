package dev.orchestra.gate;

import dev.orchestra.agent.AgentException;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.role.Role;
import dev.orchestra.role.ShellEnvironmentPolicy;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What a {@link Gate} gets from the orchestrator. Thread-safe. */
public interface GateContext {

  /** Returns the workspace root. */
  Path workspace();

  /**
   * Returns a role of the orchestrator's team.
   *
   * @param name the role's name
   * @return the role, or empty when the team has no such role
   */
  Optional<Role> role(String name);

  /**
   * Runs a role's agent on a gate's behalf and returns its report. The call is counted and
   * reported like any task's.
   *
   * @param role the role
   * @param taskId an id for the work, for example {@code gate-review-2}
   * @param title what the role should do
   * @param brief the context it needs
   * @return the report
   * @throws AgentException when the agent cannot produce a report
   * @throws dev.orchestra.model.ModelProviderException when the model fails for good
   */
  RoleReport runRole(Role role, String taskId, String title, String brief);

  /**
   * Returns the environment variables for a command a gate runs: the orchestrator's {@link
   * ShellEnvironmentPolicy} applied to its parent environment, so a gate's command gets what an
   * agent's command gets. {@link CommandGate} and {@link Gate#ci()} use it unless the gate was
   * given an environment policy of its own.
   *
   * <p>The default, for contexts made outside an orchestrator, applies {@link
   * ShellEnvironmentPolicy#defaults()} to {@link System#getenv()}.
   *
   * @return the variables, by name
   */
  default Map<String, String> commandEnvironment() {
    return ShellEnvironmentPolicy.defaults().apply(System.getenv());
  }
}
