package dev.orchestra.examples;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.Orchestrator;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.toml.CodexConfig;
import dev.orchestra.toml.LoadedConfig;
import dev.orchestra.toml.RoleMapping;
import java.nio.file.Path;

/**
 * Recipe: an orchestrator whose team, thread budget, command environment and workspace-write
 * settings come from a Codex configuration folder, the same files Codex itself reads.
 */
public final class LoadCodexConfig {
  private LoadCodexConfig() {}

  /**
   * Builds an orchestrator from a {@code .codex} folder.
   *
   * @param codexFolder the folder holding {@code config.toml} (and {@code agents/})
   * @param workspace the repository to work in
   * @param provider the model provider
   * @return the orchestrator; close it when done
   */
  public static Orchestrator fromCodexFolder(Path codexFolder, Path workspace, ModelProvider provider) {
    LoadedConfig config = CodexConfig.forFolder(codexFolder).load();
    // Roles never get more than this run allows, whatever their role files ask for.
    RoleMapping team = config.toRoles(SandboxMode.WORKSPACE_WRITE, ApprovalPolicy.ON_REQUEST);
    return Orchestrator.builder()
        .workspace(workspace)
        .roles(team.roles())
        .budgetPolicy(BudgetPolicy.startingAt(team.maxThreads()))
        // [shell_environment_policy] for every command; [sandbox_workspace_write] for the tools.
        .shellEnvironmentPolicy(config.shellEnvironmentPolicy())
        .writableRoots(config.writableRoots())
        .networkAccess(config.networkAccess())
        .modelProvider(provider)
        .build();
  }
}
