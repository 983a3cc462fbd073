package dev.orchestra.toml;

import dev.orchestra.role.Role;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Codex configuration means for an orchestrator: its roles as core {@link Role}s and its
 * thread budget. Made by {@link LoadedConfig#toRoles()}; an immutable value.
 *
 * @param roles the roles, in the order the configuration declares them
 * @param maxThreads the orchestrator's thread budget: {@code agents.max_threads} (6 when unset)
 * @param notes what the mapping changed, for example a role's sandbox lowered to the run's
 *     ceiling, or a role left out because core cannot name it; all warnings
 */
public record RoleMapping(List<Role> roles, int maxThreads, List<Diagnostic> notes) {

  /**
   * Copies the lists and checks the budget.
   *
   * @throws IllegalArgumentException if maxThreads is below 1
   */
  public RoleMapping {
    roles = List.copyOf(roles);
    notes = List.copyOf(notes);
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
    }
  }

  /**
   * Returns a role by name.
   *
   * @param name the role name
   * @return the role, or empty when the configuration has no such role
   */
  public Optional<Role> role(String name) {
    Objects.requireNonNull(name, "name");
    return roles.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
