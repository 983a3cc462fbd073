package dev.orchestra.gate;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A gate context with a fixed team whose roles answer with given reports, recording each brief. */
final class RecordingGateContext implements GateContext {
  private final Path workspace;
  private final Map<String, RoleReport> answers;
  final List<String> briefs = new ArrayList<>();
  /** The environment the orchestrator would give a gate's command; null for the interface's default. */
  Map<String, String> environment;

  RecordingGateContext(Path workspace, Map<String, RoleReport> answers) {
    this.workspace = workspace;
    this.answers = answers;
  }

  @Override
  public Path workspace() {
    return workspace;
  }

  @Override
  public Optional<Role> role(String name) {
    return answers.containsKey(name) ? BuiltInRoles.byName(name) : Optional.empty();
  }

  @Override
  public Map<String, String> commandEnvironment() {
    return environment == null ? GateContext.super.commandEnvironment() : environment;
  }

  @Override
  public RoleReport runRole(Role role, String taskId, String title, String brief) {
    briefs.add(brief);
    return answers.get(role.name());
  }
}
