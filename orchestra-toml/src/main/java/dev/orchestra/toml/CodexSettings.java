package dev.orchestra.toml;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.model.ProviderConfig;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed view of one Codex configuration table: a merged {@code config.toml}, a role file, or a
 * legacy {@code [profiles.<name>]} table. Only the keys Orchestra uses are typed; everything else is
 * in {@link #otherKeys()}, untouched.
 *
 * <p>Immutable and thread-safe. Values were validated when the configuration was loaded: an
 * accessor returns empty when the key was absent (or invalid, in which case a {@link Diagnostic}
 * said so). Relative paths are already resolved against the folder of the file that declared them.
 */
public final class CodexSettings {

  /** {@code model_reasoning_summary}: how much of its reasoning the model summarises. */
  public enum ReasoningSummary {
    /** The model decides. */
    AUTO,
    /** A short summary. */
    CONCISE,
    /** A detailed summary. */
    DETAILED,
    /** No summary. */
    NONE;

    /** Returns the value as written in TOML, for example {@code concise}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code model_verbosity}: how long the model's answers are. */
  public enum Verbosity {
    /** Short answers. */
    LOW,
    /** Medium answers. */
    MEDIUM,
    /** Long answers. */
    HIGH;

    /** Returns the value as written in TOML, for example {@code low}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code [sandbox_workspace_write]}: extra settings used with the {@code workspace-write} sandbox.
   * {@link LoadedConfig#writableRoots()} and {@link LoadedConfig#networkAccess()} carry the first two
   * to a run.
   *
   * @param writableRoots folders writable besides the workspace, absolute and normalised
   * @param networkAccess whether commands may use the network (default false)
   * @param excludeTmpdirEnvVar whether {@code $TMPDIR} is left out of the writable roots; Orchestra
   *     never adds it, so this changes nothing
   * @param excludeSlashTmp whether {@code /tmp} is left out of the writable roots; Orchestra never
   *     adds it, so this changes nothing
   */
  public record SandboxWorkspaceWrite(
      List<Path> writableRoots, boolean networkAccess, boolean excludeTmpdirEnvVar, boolean excludeSlashTmp) {
    /** Copies the roots. */
    public SandboxWorkspaceWrite {
      writableRoots = List.copyOf(writableRoots);
    }
  }

  /**
   * {@code [shell_environment_policy]}: which environment variables commands see, as written, with
   * Codex's value for every key left out. {@link LoadedConfig#shellEnvironmentPolicy()} turns it
   * into the policy a run applies to every command.
   *
   * @param inherit the starting set: {@code all} (when absent), {@code core} or {@code none}
   * @param ignoreDefaultExcludes whether names with {@code KEY}, {@code SECRET} or {@code TOKEN}
   *     pass; true when absent, as in Codex
   * @param exclude patterns of names to drop
   * @param set variables to set
   * @param includeOnly patterns of names to keep; empty keeps all
   * @param experimentalUseProfile as written; false when absent. Orchestra does not run commands
   *     through the user's shell profile, and a load warns when this is true
   */
  public record ShellEnvironmentPolicy(
      String inherit,
      boolean ignoreDefaultExcludes,
      List<String> exclude,
      Map<String, String> set,
      List<String> includeOnly,
      boolean experimentalUseProfile) {
    /** Copies the collections. */
    public ShellEnvironmentPolicy {
      Objects.requireNonNull(inherit, "inherit");
      exclude = List.copyOf(exclude);
      set = Map.copyOf(set);
      includeOnly = List.copyOf(includeOnly);
    }
  }

  /** How an MCP server is reached, chosen as Codex does by which key is present. */
  public enum McpTransport {
    /** {@code command} is set: Codex starts the server and talks over stdin/stdout. */
    STDIO,
    /** {@code url} is set: Codex talks streamable HTTP to a running server. */
    STREAMABLE_HTTP
  }

  /**
   * {@code [model_providers.<id>]} as wave 1 showed it: a view of the table's {@link
   * ProviderConfig}, kept so that code written against wave 1 compiles. Immutable.
   *
   * @deprecated the table is modelled once, in core: use {@link ProviderConfig}, from {@link
   *     CodexSettings#providerConfigs()}
   */
  @Deprecated(forRemoval = true)
  public static final class ModelProvider {
    private final ProviderConfig config;

    ModelProvider(ProviderConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Returns the provider id, the key under {@code [model_providers]}. */
    public String id() {
      return config.id();
    }

    /** Returns the display name ({@code name}; the id when not set). */
    public String name() {
      return config.name();
    }

    /** Returns {@code base_url}, or empty to use the provider's default. */
    public Optional<String> baseUrl() {
      return config.baseUrl().map(URI::toString);
    }

    /** Returns {@code env_key}, the environment variable that holds the API key, if set. */
    public Optional<String> envKey() {
      return config.envKey();
    }

    /**
     * Returns {@code wire_api}, the API the provider speaks, as the file spells it: {@code
     * responses} (the default) or {@code chat}.
     */
    public String wireApi() {
      return config.wireApi().configValue();
    }

    /** Returns {@code query_params} added to every request. */
    public Map<String, String> queryParams() {
      return config.queryParams();
    }

    /** Returns {@code http_headers} added to every request. */
    public Map<String, String> httpHeaders() {
      return config.httpHeaders();
    }

    /** Returns {@code env_http_headers}: header name to the environment variable holding its value. */
    public Map<String, String> envHttpHeaders() {
      return config.envHttpHeaders();
    }

    /** Returns {@code request_max_retries}: the configuration's default when absent, capped. */
    public int requestMaxRetries() {
      return config.requestMaxRetries();
    }

    /** Returns {@code stream_max_retries}: the configuration's default when absent, capped. */
    public int streamMaxRetries() {
      return config.streamMaxRetries();
    }

    /** Returns {@code stream_idle_timeout_ms}: the configuration's default when absent. */
    public Duration streamIdleTimeout() {
      return config.streamIdleTimeout();
    }

    /** Returns the configuration's own description, which leaves out header and query values. */
    @Override
    public String toString() {
      return config.toString();
    }
  }

  /** {@code [mcp_servers.<name>]}: an MCP server a configuration defines. Immutable. */
  public static final class McpServer {
    private final String name;
    private final McpTransport transport;
    private final String command;
    private final List<String> args;
    private final Map<String, String> env;
    private final String url;
    private final String bearerTokenEnvVar;
    private final Duration startupTimeout;
    private final Duration toolTimeout;
    private final boolean enabled;
    private final boolean required;
    private final List<String> enabledTools;
    private final List<String> disabledTools;

    McpServer(
        String name,
        McpTransport transport,
        String command,
        List<String> args,
        Map<String, String> env,
        String url,
        String bearerTokenEnvVar,
        Duration startupTimeout,
        Duration toolTimeout,
        boolean enabled,
        boolean required,
        List<String> enabledTools,
        List<String> disabledTools) {
      this.name = name;
      this.transport = transport;
      this.command = command;
      this.args = List.copyOf(args);
      this.env = Map.copyOf(env);
      this.url = url;
      this.bearerTokenEnvVar = bearerTokenEnvVar;
      this.startupTimeout = startupTimeout;
      this.toolTimeout = toolTimeout;
      this.enabled = enabled;
      this.required = required;
      this.enabledTools = List.copyOf(enabledTools);
      this.disabledTools = List.copyOf(disabledTools);
    }

    /** Returns the server's name, the key under {@code [mcp_servers]}. */
    public String name() {
      return name;
    }

    /** Returns how the server is reached. */
    public McpTransport transport() {
      return transport;
    }

    /** Returns {@code command} for a stdio server. */
    public Optional<String> command() {
      return Optional.ofNullable(command);
    }

    /** Returns {@code args} for a stdio server; empty when absent. */
    public List<String> args() {
      return args;
    }

    /** Returns {@code env} for a stdio server; empty when absent. */
    public Map<String, String> env() {
      return env;
    }

    /** Returns {@code url} for a streamable HTTP server. */
    public Optional<String> url() {
      return Optional.ofNullable(url);
    }

    /** Returns {@code bearer_token_env_var} for a streamable HTTP server. */
    public Optional<String> bearerTokenEnvVar() {
      return Optional.ofNullable(bearerTokenEnvVar);
    }

    /**
     * Returns the start-up timeout: {@code startup_timeout_sec}, else {@code startup_timeout_ms};
     * empty means Codex's default for its version.
     */
    public Optional<Duration> startupTimeout() {
      return Optional.ofNullable(startupTimeout);
    }

    /** Returns {@code tool_timeout_sec}; empty means Codex's default for its version. */
    public Optional<Duration> toolTimeout() {
      return Optional.ofNullable(toolTimeout);
    }

    /** Returns {@code enabled}: true when absent. */
    public boolean enabled() {
      return enabled;
    }

    /** Returns {@code required}: false when absent. */
    public boolean required() {
      return required;
    }

    /** Returns {@code enabled_tools}, the allow-list; empty when absent (every tool allowed). */
    public List<String> enabledTools() {
      return enabledTools;
    }

    /** Returns {@code disabled_tools}, applied after the allow-list; empty when absent. */
    public List<String> disabledTools() {
      return disabledTools;
    }

    @Override
    public String toString() {
      return "McpServer[" + name + ", " + transport + "]";
    }
  }

  /** Mutable parts, filled by {@link SettingsReader} and frozen by the constructor. */
  static final class Parts {
    String model;
    String modelProvider;
    ReasoningEffort reasoningEffort;
    ReasoningSummary reasoningSummary;
    Verbosity verbosity;
    ApprovalPolicy approvalPolicy;
    Map<String, Object> granularApproval = Map.of();
    SandboxMode sandboxMode;
    SandboxWorkspaceWrite sandboxWorkspaceWrite;
    String developerInstructions;
    String serviceTier;
    ShellEnvironmentPolicy shellEnvironmentPolicy;
    Map<String, ProviderConfig> modelProviders = Map.of();
    Map<String, McpServer> mcpServers = Map.of();
    Map<String, CodexSettings> profiles = Map.of();
    Map<String, Object> otherKeys = Map.of();
  }

  private static final CodexSettings EMPTY = new CodexSettings(new Parts());

  private final String model;
  private final String modelProvider;
  private final ReasoningEffort reasoningEffort;
  private final ReasoningSummary reasoningSummary;
  private final Verbosity verbosity;
  private final ApprovalPolicy approvalPolicy;
  private final Map<String, Object> granularApproval;
  private final SandboxMode sandboxMode;
  private final SandboxWorkspaceWrite sandboxWorkspaceWrite;
  private final String developerInstructions;
  private final String serviceTier;
  private final ShellEnvironmentPolicy shellEnvironmentPolicy;
  private final Map<String, ProviderConfig> modelProviders;
  private final Map<String, McpServer> mcpServers;
  private final Map<String, CodexSettings> profiles;
  private final Map<String, Object> otherKeys;

  CodexSettings(Parts p) {
    this.model = p.model;
    this.modelProvider = p.modelProvider;
    this.reasoningEffort = p.reasoningEffort;
    this.reasoningSummary = p.reasoningSummary;
    this.verbosity = p.verbosity;
    this.approvalPolicy = p.approvalPolicy;
    this.granularApproval = p.granularApproval;
    this.sandboxMode = p.sandboxMode;
    this.sandboxWorkspaceWrite = p.sandboxWorkspaceWrite;
    this.developerInstructions = p.developerInstructions;
    this.serviceTier = p.serviceTier;
    this.shellEnvironmentPolicy = p.shellEnvironmentPolicy;
    this.modelProviders = p.modelProviders;
    this.mcpServers = p.mcpServers;
    this.profiles = p.profiles;
    this.otherKeys = p.otherKeys;
  }

  static CodexSettings empty() {
    return EMPTY;
  }

  /** Returns {@code model}, for example {@code gpt-5.4}. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** Returns {@code model_provider}, the id of the provider to use (Codex's default is {@code openai}). */
  public Optional<String> modelProvider() {
    return Optional.ofNullable(modelProvider);
  }

  /**
   * Returns {@code model_reasoning_effort}: one of the six {@link ReasoningEffort#known()} values,
   * the only ones a provider accepts. Any other value (Codex's {@code max} and {@code ultra}
   * included) is an error when the configuration is loaded. In a legacy {@code [profiles.<name>]}
   * table, which is never applied, any non-empty string is kept, as Codex keeps it.
   */
  public Optional<ReasoningEffort> reasoningEffort() {
    return Optional.ofNullable(reasoningEffort);
  }

  /** Returns {@code model_reasoning_summary}. */
  public Optional<ReasoningSummary> reasoningSummary() {
    return Optional.ofNullable(reasoningSummary);
  }

  /** Returns {@code model_verbosity}. */
  public Optional<Verbosity> verbosity() {
    return Optional.ofNullable(verbosity);
  }

  /**
   * Returns {@code approval_policy}. The deprecated {@code on-failure} reads as {@link
   * ApprovalPolicy#ON_REQUEST}, as current Codex treats it; the table form ({@code { granular = {
   * ... } }}) reads as {@link ApprovalPolicy#ON_REQUEST} with its details in {@link
   * #granularApproval()}.
   */
  public Optional<ApprovalPolicy> approvalPolicy() {
    return Optional.ofNullable(approvalPolicy);
  }

  /**
   * Returns the inside of the table form of {@code approval_policy} (for example {@code
   * sandbox_approval}, {@code rules}, {@code mcp_elicitations}), or an empty map for the string form.
   */
  public Map<String, Object> granularApproval() {
    return granularApproval;
  }

  /** Returns {@code sandbox_mode}. */
  public Optional<SandboxMode> sandboxMode() {
    return Optional.ofNullable(sandboxMode);
  }

  /** Returns {@code [sandbox_workspace_write]}. */
  public Optional<SandboxWorkspaceWrite> sandboxWorkspaceWrite() {
    return Optional.ofNullable(sandboxWorkspaceWrite);
  }

  /** Returns {@code developer_instructions}. */
  public Optional<String> developerInstructions() {
    return Optional.ofNullable(developerInstructions);
  }

  /** Returns {@code service_tier}, a free string such as {@code flex} or {@code priority}. */
  public Optional<String> serviceTier() {
    return Optional.ofNullable(serviceTier);
  }

  /** Returns {@code [shell_environment_policy]}. */
  public Optional<ShellEnvironmentPolicy> shellEnvironmentPolicy() {
    return Optional.ofNullable(shellEnvironmentPolicy);
  }

  /**
   * Returns {@code [model_providers.<id>]} by id, in file order; empty when none. Each table is read
   * into core's {@link ProviderConfig}, the type a provider module makes its provider from; a table
   * with an error is left out (the load reports it).
   */
  public Map<String, ProviderConfig> providerConfigs() {
    return modelProviders;
  }

  /**
   * Returns {@code [model_providers.<id>]} by id, in file order, as wave 1's {@link ModelProvider}
   * views of {@link #providerConfigs()}; empty when none.
   *
   * @return an unmodifiable map
   * @deprecated use {@link #providerConfigs()}, whose values are core's typed {@link
   *     ProviderConfig}
   */
  @Deprecated(forRemoval = true)
  public Map<String, ModelProvider> modelProviders() {
    Map<String, ModelProvider> views = new LinkedHashMap<>();
    modelProviders.forEach((id, config) -> views.put(id, new ModelProvider(config)));
    return Collections.unmodifiableMap(views);
  }

  /** Returns {@code [mcp_servers.<name>]} by name, in file order; empty when none. */
  public Map<String, McpServer> mcpServers() {
    return mcpServers;
  }

  /**
   * Returns the legacy {@code [profiles.<name>]} tables. Codex no longer applies them (since
   * 0.134); they are read so that a configuration can be checked and migrated.
   */
  public Map<String, CodexSettings> profiles() {
    return profiles;
  }

  /**
   * Returns every key this type does not model ({@code [agents]}, {@code [features]}, {@code
   * [projects]}, {@code [tui]}, unknown keys, ...), as plain unmodifiable maps, lists and TOML
   * scalars, in file order.
   */
  public Map<String, Object> otherKeys() {
    return otherKeys;
  }

  @Override
  public String toString() {
    return "CodexSettings[model=" + model + ", effort=" + reasoningEffort + ", sandbox="
        + (sandboxMode == null ? null : sandboxMode.configValue()) + ", approval="
        + (approvalPolicy == null ? null : approvalPolicy.configValue()) + ", providers="
        + modelProviders.keySet() + ", mcpServers=" + mcpServers.keySet() + "]";
  }
}
