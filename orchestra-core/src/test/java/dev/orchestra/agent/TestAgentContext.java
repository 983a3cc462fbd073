package dev.orchestra.agent;

import dev.orchestra.internal.workspace.WorkspaceToolBox;
import dev.orchestra.role.Role;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import java.nio.file.Path;
import java.util.List;

/** An agent context over a real tool box in a workspace, asking a model directly: for agent tests. */
final class TestAgentContext implements AgentContext {
  private final Path workspace;
  private final String brief;
  private final int maxTurns;
  private final ToolBox tools;
  private final ModelProvider model;

  TestAgentContext(Path workspace, Role role, List<String> scope, String brief, int maxTurns, ModelProvider model) {
    this.workspace = workspace;
    this.brief = brief;
    this.maxTurns = maxTurns;
    this.tools = new WorkspaceToolBox(workspace, role, scope, (t, p, ok, d) -> {});
    this.model = model;
  }

  @Override
  public String runId() {
    return "run";
  }

  @Override
  public Path workspace() {
    return workspace;
  }

  @Override
  public String brief() {
    return brief;
  }

  @Override
  public String defaultModel() {
    return "model-x";
  }

  @Override
  public int maxTurns() {
    return maxTurns;
  }

  @Override
  public ToolBox tools() {
    return tools;
  }

  @Override
  public ModelResponse call(ModelRequest request) {
    return model.respond(request, ProviderSignals.NONE);
  }
}
