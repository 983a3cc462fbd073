package dev.orchestra.toml;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.model.ProviderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A Codex configuration after every layer was read, checked and merged: the base settings, the
 * roles, the {@code [agents]} limits, and the warnings found on the way. Made by {@link
 * CodexConfig#load()}; immutable and thread-safe.
 *
 * <p>{@link #toRoles()} is the one call that turns it into what an orchestrator needs: core {@link
 * Role}s and the thread budget.
 */
public final class LoadedConfig {
  private static final Pattern CORE_ROLE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final List<String> READ_TOOLS = List.of(BuiltInRoles.TOOL_READ_FILE, BuiltInRoles.TOOL_LIST_DIR);
  private static final List<String> WRITE_TOOLS =
      List.of(BuiltInRoles.TOOL_READ_FILE, BuiltInRoles.TOOL_LIST_DIR, BuiltInRoles.TOOL_WRITE_FILE);

  private final CodexSettings settings;
  private final List<AgentRole> roles;
  private final ThreadCap threadCap;
  private final int maxDepth;
  private final Long jobMaxRuntimeSeconds;
  private final boolean multiAgent;
  private final List<String> checks;
  private final ProjectTrust.Level trust; // of the project the configuration was loaded for
  private final List<Path> files;
  private final List<Diagnostic> diagnostics;
  private final Map<String, Object> table;

  LoadedConfig(
      CodexSettings settings,
      List<AgentRole> roles,
      ThreadCap threadCap,
      int maxDepth,
      Long jobMaxRuntimeSeconds,
      boolean multiAgent,
      List<String> checks,
      ProjectTrust.Level trust,
      List<Path> files,
      List<Diagnostic> diagnostics,
      Map<String, Object> table) {
    this.settings = settings;
    this.roles = List.copyOf(roles);
    this.threadCap = threadCap;
    this.maxDepth = maxDepth;
    this.jobMaxRuntimeSeconds = jobMaxRuntimeSeconds;
    this.multiAgent = multiAgent;
    this.checks = List.copyOf(checks);
    this.trust = trust;
    this.files = List.copyOf(files);
    this.diagnostics = List.copyOf(diagnostics);
    this.table = table;
  }

  /** Returns the merged base settings: what applies to a session before any role file. */
  public CodexSettings settings() {
    return settings;
  }

  /** Returns the roles in declaration order, lower layers first; empty when there are none. */
  public List<AgentRole> roles() {
    return roles;
  }

  /**
   * Returns a role by name.
   *
   * @param name the role name
   * @return the role, or empty when there is no such role
   */
  public Optional<AgentRole> role(String name) {
    Objects.requireNonNull(name, "name");
    return roles.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * Returns how many agents besides the main one may run at once, as Codex reads the configuration:
   * {@code [agents] max_threads} (or its alias {@code max_concurrent_threads_per_session}), 6 when
   * unset, or with {@code features.multi_agent_v2} enabled that feature's cap less the main agent
   * (see {@link #threadCap()}); always at least 1.
   */
  public int maxThreads() {
    return threadCap.agents();
  }

  /** Returns the thread cap with where it comes from, for people: {@code roles} and {@code verify} print it. */
  public ThreadCap threadCap() {
    return threadCap;
  }

  /** Returns {@code agents.max_depth}: how deep sub-agents may nest. 1 when unset. */
  public int maxDepth() {
    return maxDepth;
  }

  /** Returns {@code agents.job_max_runtime_seconds}, when set. */
  public OptionalLong jobMaxRuntimeSeconds() {
    return jobMaxRuntimeSeconds == null ? OptionalLong.empty() : OptionalLong.of(jobMaxRuntimeSeconds);
  }

  /**
   * Returns {@code features.multi_agent} (or its old name {@code collab}); true when unset, as in
   * Codex 0.115 and later. Orchestra itself always runs several agents whatever this says; a verify
   * warns about {@code false} (an error in strict mode).
   */
  public boolean multiAgent() {
    return multiAgent;
  }

  /**
   * Returns {@code [orchestra] checks}: the shell lines, in order, that the CI gate runs instead of
   * discovering the repository's own checks. Empty when the configuration sets none, so the gate
   * discovers them. Like any array, the highest layer that sets it wins whole (a project's over the
   * user's). Orchestra's own table: Codex ignores it.
   *
   * <pre>{@code
   * [orchestra]
   * checks = ["sh test.sh", "npm test"]
   * }</pre>
   *
   * @return the shell lines, each non-blank; empty when not set
   */
  public List<String> checks() {
    return checks;
  }

  /**
   * Returns the run's sandbox: {@code sandbox_mode} from the merged configuration, or Codex's
   * default for the project's trust ({@code workspace-write} for a project with a trust decision,
   * {@code read-only} otherwise).
   */
  public SandboxMode sandboxMode() {
    return settings
        .sandboxMode()
        .orElse(trust == ProjectTrust.Level.UNDECIDED ? SandboxMode.READ_ONLY : SandboxMode.WORKSPACE_WRITE);
  }

  /**
   * Returns the run's approval policy: {@code approval_policy} from the merged configuration, or
   * Codex's default for the project's trust ({@code untrusted} for an untrusted project, {@code
   * on-request} otherwise).
   */
  public ApprovalPolicy approvalPolicy() {
    return settings
        .approvalPolicy()
        .orElse(trust == ProjectTrust.Level.UNTRUSTED ? ApprovalPolicy.UNTRUSTED : ApprovalPolicy.ON_REQUEST);
  }

  /**
   * Returns the model provider the configuration selects: the {@code [model_providers.<id>]} table
   * that {@code model_provider} names, or Codex's built-in provider of that id. The built-ins are
   * {@code openai} (also when {@code model_provider} is unset: OpenAI's API with its key variable
   * and organisation headers, see {@link ProviderConfig#baseUrl()}), {@code ollama} at {@code
   * http://localhost:11434/v1} and {@code lmstudio} at {@code http://localhost:1234/v1}, the two
   * local ones without a key.
   *
   * @return the provider's settings; empty only for the built-in {@code amazon-bedrock}, which
   *     Orchestra cannot call (its requests are signed with AWS credentials)
   */
  public Optional<ProviderConfig> modelProvider() {
    String id = settings.modelProvider().orElse("openai");
    ProviderConfig declared = settings.providerConfigs().get(id);
    if (declared != null) {
      return Optional.of(declared);
    }
    switch (id) {
      case "openai":
        return Optional.of(ProviderConfig.builder(id).name("OpenAI").build());
      case "ollama":
        return Optional.of(ProviderConfig.builder(id).name("Ollama").baseUrl(URI.create("http://localhost:11434/v1")).build());
      case "lmstudio":
        return Optional.of(ProviderConfig.builder(id).name("LM Studio").baseUrl(URI.create("http://localhost:1234/v1")).build());
      default:
        return Optional.empty(); // amazon-bedrock; a load refuses any id it does not know
    }
  }

  /**
   * Returns the environment policy for every command of a run ({@link
   * dev.orchestra.Orchestrator.Builder#shellEnvironmentPolicy}): an agent's {@code run_command},
   * every command gate and CI check, and the orchestrator's own {@code git}.
   *
   * <p>With a {@code [shell_environment_policy]} table, the table as Codex reads it, Codex's value
   * standing in for each key it leaves out: {@code inherit = "all"}, {@code
   * ignore_default_excludes = true} (names with {@code KEY}, {@code SECRET} or {@code TOKEN} pass),
   * no {@code exclude}, {@code set} or {@code include_only}. {@code experimental_use_profile} is not
   * honoured (a load warns).
   *
   * <p>Without the table, Orchestra's {@link ShellEnvironmentPolicy#defaults()}, which differ from
   * Codex on purpose: Codex then passes every variable, while Orchestra keeps names with {@code
   * KEY}, {@code SECRET} or {@code TOKEN} (the model provider's API key among them) from commands
   * whose output the model reads. An empty {@code [shell_environment_policy]} table asks for
   * Codex's behaviour.
   *
   * @return the policy
   */
  public ShellEnvironmentPolicy shellEnvironmentPolicy() {
    return settings.shellEnvironmentPolicy().map(LoadedConfig::policy).orElseGet(ShellEnvironmentPolicy::defaults);
  }

  private static ShellEnvironmentPolicy policy(CodexSettings.ShellEnvironmentPolicy table) {
    return new ShellEnvironmentPolicy(
        ShellEnvironmentPolicy.Inherit.valueOf(table.inherit().toUpperCase(java.util.Locale.ROOT)),
        table.ignoreDefaultExcludes(),
        table.exclude(),
        table.set(),
        table.includeOnly());
  }

  /**
   * Returns {@code [sandbox_workspace_write] writable_roots} for {@link
   * dev.orchestra.Orchestrator.Builder#writableRoots}: folders outside the workspace that a
   * workspace-write role's tools may write, absolute and normalised (a relative one was resolved
   * against the folder of the file that declared it); empty when unset. Codex also makes {@code
   * /tmp} and {@code $TMPDIR} writable unless {@code exclude_slash_tmp} and {@code
   * exclude_tmpdir_env_var} say otherwise; Orchestra's tools do not, so those two keys change
   * nothing.
   *
   * @return the roots, in the order written
   */
  public List<Path> writableRoots() {
    return settings.sandboxWorkspaceWrite().map(CodexSettings.SandboxWorkspaceWrite::writableRoots).orElse(List.of());
  }

  /**
   * Returns {@code [sandbox_workspace_write] network_access} for {@link
   * dev.orchestra.Orchestrator.Builder#networkAccess}; false when unset, as in Codex. That method
   * says what Orchestra can and cannot do with it: it has no network isolation.
   *
   * @return whether workspace-write roles' commands may reach the network
   */
  public boolean networkAccess() {
    return settings.sandboxWorkspaceWrite().map(CodexSettings.SandboxWorkspaceWrite::networkAccess).orElse(false);
  }

  /** Returns the configuration files that were applied, lowest precedence first. */
  public List<Path> files() {
    return files;
  }

  /** Returns the warnings found while loading (a load with errors throws instead). */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /**
   * Returns the merged configuration as plain unmodifiable maps, lists and TOML scalars, every key
   * included (known or not), with path values resolved.
   */
  public Map<String, Object> table() {
    return table;
  }

  /**
   * Turns the configuration into core roles and the thread budget, with the run's own {@link
   * #sandboxMode()} and {@link #approvalPolicy()} as the ceiling. See {@link #toRoles(SandboxMode,
   * ApprovalPolicy)}.
   *
   * @return the roles and the thread budget
   */
  public RoleMapping toRoles() {
    return toRoles(sandboxMode(), approvalPolicy());
  }

  /**
   * Turns the configuration into core roles and the thread budget.
   *
   * <p>Each role's values come from its role file, applied over the base configuration: the model
   * and reasoning effort from the role file, else the base configuration, else (effort only) the
   * {@link BuiltInRoles} entry of the same name, else medium. Instructions come from the role file,
   * else the built-in role, else the base configuration's {@code developer_instructions}. Tools and
   * output sections come from the built-in role of the same name; other roles get read tools, plus
   * the write tool when their sandbox allows writes.
   *
   * <p><b>Sandbox and approval differ from Codex.</b> Codex ignores a role file's {@code
   * sandbox_mode} and {@code approval_policy} and gives every sub-agent its parent's. Orchestra
   * honours them, falling back to the built-in role's safe default and then to the ceiling, but
   * never lets a role be more permissive than the ceiling: a role asking for more is lowered to the
   * ceiling, with a note in {@link RoleMapping#notes()}.
   *
   * <p>A role whose name core cannot use (anything but letters, digits, {@code _} and {@code -}) is
   * left out, with a note.
   *
   * @param sandboxCeiling the most a role may change on disk
   * @param approvalCeiling the least human oversight a role may have
   * @return the roles and the thread budget
   */
  public RoleMapping toRoles(SandboxMode sandboxCeiling, ApprovalPolicy approvalCeiling) {
    Objects.requireNonNull(sandboxCeiling, "sandboxCeiling");
    Objects.requireNonNull(approvalCeiling, "approvalCeiling");
    List<Role> out = new ArrayList<>();
    List<Diagnostic> notes = new ArrayList<>();
    for (AgentRole role : roles) {
      Role mapped = map(role, sandboxCeiling, approvalCeiling, notes);
      if (mapped != null) {
        out.add(mapped);
      }
    }
    return new RoleMapping(out, threadCap.agents(), notes);
  }

  private Role map(AgentRole agent, SandboxMode sandboxCeiling, ApprovalPolicy approvalCeiling, List<Diagnostic> notes) {
    Path where = agent.configFile().orElse(agent.source());
    if (!CORE_ROLE_NAME.matcher(agent.name()).matches()) {
      notes.add(note(where, "agents." + agent.name(),
          "role '" + agent.name() + "' is left out: Orchestra role names may contain only letters, digits, '_' and '-'",
          "rename the role, for example to '" + agent.name().replaceAll("[^A-Za-z0-9_-]", "_") + "'"));
      return null;
    }
    Optional<Role> builtIn = BuiltInRoles.byName(agent.name());
    CodexSettings own = agent.settings();
    Role.Builder b = builtIn.map(Role::toBuilder).orElseGet(() -> Role.builder(agent.name()));
    b.description(agent.description());
    Optional<String> model = own.model().or(settings::model);
    if (model.isPresent()) {
      b.model(model.get());
    } else {
      b.defaultModel();
    }
    b.reasoningEffort(
        own.reasoningEffort()
            .or(settings::reasoningEffort)
            .or(() -> builtIn.map(Role::reasoningEffort))
            .orElse(ReasoningEffort.MEDIUM));
    SandboxMode sandbox =
        own.sandboxMode().or(() -> builtIn.map(Role::sandboxMode)).orElse(sandboxCeiling);
    if (sandbox.isMorePermissiveThan(sandboxCeiling) && own.sandboxMode().isPresent()) {
      notes.add(note(where, "sandbox_mode",
          "role '" + agent.name() + "' asks for sandbox " + sandbox.configValue() + ", more than the run allows; "
              + sandboxCeiling.configValue() + " is used",
          "lower the role's sandbox_mode, or raise the run's ceiling"));
      sandbox = sandboxCeiling;
    } else if (sandbox.isMorePermissiveThan(sandboxCeiling)) {
      sandbox = sandboxCeiling; // a default, not a request: capped without a note
    }
    ApprovalPolicy approval =
        own.approvalPolicy().or(() -> builtIn.map(Role::approvalPolicy)).orElse(approvalCeiling);
    if (approval.isMorePermissiveThan(approvalCeiling) && own.approvalPolicy().isPresent()) {
      notes.add(note(where, "approval_policy",
          "role '" + agent.name() + "' asks for approval " + approval.configValue() + ", less oversight than the run allows; "
              + approvalCeiling.configValue() + " is used",
          "choose a stricter approval_policy for the role, or relax the run's ceiling"));
      approval = approvalCeiling;
    } else if (approval.isMorePermissiveThan(approvalCeiling)) {
      approval = approvalCeiling; // a default, not a request: capped without a note
    }
    b.sandboxMode(sandbox).approvalPolicy(approval);
    b.instructions(
        own.developerInstructions()
            .or(() -> builtIn.map(Role::instructions))
            .or(settings::developerInstructions)
            .orElse(""));
    if (builtIn.isEmpty()) {
      b.tools(sandbox.allowsWrites() ? WRITE_TOOLS : READ_TOOLS);
    }
    return b.build();
  }

  private static Diagnostic note(Path file, String key, String message, String hint) {
    return new Diagnostic(Diagnostic.Severity.NOTE, file, 0, 0, key, message, hint);
  }

  @Override
  public String toString() {
    return "LoadedConfig[files=" + files + ", roles=" + roles.stream().map(AgentRole::name).toList()
        + ", threadCap=" + threadCap + ", " + settings + "]";
  }
}
