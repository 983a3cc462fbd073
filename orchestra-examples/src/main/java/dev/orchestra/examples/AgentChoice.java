package dev.orchestra.examples;

import dev.orchestra.agent.Agent;
import dev.orchestra.codex.CodexAgent;
import dev.orchestra.codex.CodexUnavailableException;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.toml.AgentRole;
import dev.orchestra.toml.LoadedConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The command line's {@code --agent}: which roles run as Codex processes, and with what. */
final class AgentChoice {
  private AgentChoice() {}

  /**
   * The roles {@code --agent} gives to Codex: none for {@code tools}, every role of the team for
   * {@code codex}, the named ones for {@code codex:a,b}.
   *
   * @throws Main.UsageError for another value, or a role not in the team
   */
  static List<String> codexRoles(String agent, List<String> team) {
    if (agent.equals("tools")) {
      return List.of();
    }
    if (agent.equals("codex")) {
      return List.copyOf(team);
    }
    if (!agent.startsWith("codex:")) {
      throw new Main.UsageError("--agent must be tools, codex or codex:ROLE,..., got '" + agent + "'");
    }
    List<String> roles = new ArrayList<>();
    for (String r : agent.substring("codex:".length()).split(",")) {
      String name = r.strip();
      if (!team.contains(name)) {
        throw new Main.UsageError("--agent " + agent + ": the team has no role '" + name + "'; its roles: " + String.join(", ", team));
      }
      roles.add(name);
    }
    return List.copyOf(roles);
  }

  /**
   * The agent: Codex for {@code codexRoles}, each with what its Codex role file gives it, and the
   * tool loop for the rest. Checks Codex is there first, so a missing one stops the run before it starts.
   */
  static Agent agent(List<String> codexRoles, LoadedConfig loaded) {
    if (codexRoles.isEmpty()) {
      return Agent.toolLoop();
    }
    CodexAgent.Builder b = CodexAgent.builder();
    for (AgentRole r : loaded.roles()) {
      if (codexRoles.contains(r.name())) {
        b.roleConfig(r.name(), r.codexOverrides()).roleEnvironment(r.name(), r.codexEnvironment());
      }
    }
    Map<String, String> env = Main.Context.env();
    for (String name : variablesCodexReads(loaded)) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        b.environment(name, value);
      }
    }
    CodexAgent codex = b.build();
    try {
      codex.checkAvailable();
    } catch (CodexUnavailableException e) {
      throw new Main.UsageError(e.getMessage());
    }
    Map<String, Agent> byRole = new HashMap<>();
    codexRoles.forEach(r -> byRole.put(r, codex));
    return Agent.byRole(byRole, Agent.toolLoop());
  }

  /**
   * The variables Codex itself reads that the configuration names: each model provider's {@code
   * env_key} and {@code env_http_headers}, each MCP server's {@code bearer_token_env_var}. Codex
   * gets them by name, since the run's shell environment policy (Orchestra's default drops names
   * like {@code *KEY*}) is for the commands agents run, not for Codex's own sign-in to its
   * provider.
   */
  static java.util.Set<String> variablesCodexReads(LoadedConfig loaded) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    loaded.settings().providerConfigs().values().forEach(p -> {
      p.envKey().ifPresent(names::add);
      names.addAll(p.envHttpHeaders().values());
    });
    loaded.settings().mcpServers().values().forEach(m -> m.bearerTokenEnvVar().ifPresent(names::add));
    return names;
  }

  /**
   * The provider for the tool loop's roles. When every role runs as Codex none is needed (Codex
   * signs in on its own, often with a ChatGPT plan and no API key), so a missing one is no error:
   * a call that still reaches it fails, saying why.
   */
  static ModelProvider provider(boolean allCodex, Supplier<? extends ModelProvider> configured) {
    try {
      return configured.get();
    } catch (RuntimeException e) {
      if (!allCodex) {
        throw e;
      }
      String why = e.getMessage();
      return new ModelProvider() {
        @Override
        public ModelResponse respond(ModelRequest request, ProviderSignals signals) {
          throw new AuthenticationException("every role runs as Codex, and Orchestra's own provider is not set up: " + why);
        }

        @Override
        public String name() {
          return "none (every role runs as Codex)";
        }
      };
    }
  }
}
