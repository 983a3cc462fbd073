package dev.orchestra.toml;

import static dev.orchestra.toml.SettingsReader.Scope.CONFIG;
import static dev.orchestra.toml.SettingsReader.Scope.PROFILE;
import static dev.orchestra.toml.SettingsReader.Scope.ROLE_FILE;

import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.toml.CodexSettings.ReasoningSummary;
import dev.orchestra.toml.CodexSettings.Verbosity;
import dev.orchestra.toml.KeyTable.Apply;
import dev.orchestra.toml.KeyTable.Type;
import dev.orchestra.toml.SettingsReader.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Codex's configuration schema as Orchestra knows it: one {@link KeyTable} per table, each key
 * written once with the check of its value and what Orchestra does with it (reads it into its
 * settings, or keeps it as Codex reads it). The feature registry ({@link CodexFeatures}) plugs in
 * as the check of {@code [features]}. The key lists of the tables whose other keys Codex warns it
 * ignores were measured from the pinned binary (each table's field count matches the one its
 * deserializer names).
 */
final class Schema {
  private Schema() {}

  // ---------------------------------------------------------------- types

  static final Type<String> STRING = SettingsReader::string;
  static final Type<String> NON_BLANK = SettingsReader::nonBlank;
  static final Type<Boolean> BOOL = SettingsReader::bool;
  static final Type<Double> NUMBER = SettingsReader::number;
  static final Type<List<String>> STRINGS = SettingsReader::strings;
  static final Type<Map<String, String>> STRING_MAP = SettingsReader::stringMap;
  static final Type<Map<String, Val>> TABLE = SettingsReader::table;

  static Type<Long> integer(long min) {
    return (r, v, path) -> r.integer(v, path, min);
  }

  static Type<String> oneOf(String... allowed) {
    List<String> list = List.of(allowed);
    return (r, v, path) -> r.oneOf(v, path, list);
  }

  /** A table Codex reads as a whole: not a table, it refuses the file; a key it does not take, it warns it ignores. */
  static Type<Val> checked(KeyTable<Void> keys) {
    return (r, v, path) -> {
      Map<String, Val> t = r.table(v, path);
      if (t == null) {
        return null;
      }
      keys.read(r, t, path + ".", null, CONFIG, (k, x, p) -> r.unknownIn(k, x, p, keys.keys()));
      return v;
    };
  }

  /**
   * An array of tables whose entries' keys are checked, each reported with its index ({@code
   * skills.config.0.x}); Codex refuses anything else.
   */
  static Type<Val> entries(KeyTable<Void> keys) {
    return (r, v, path) -> {
      if (!v.isArray() || !v.array().stream().allMatch(Val::isTable)) {
        return r.tables(v, path);
      }
      List<Val> list = v.array();
      for (int i = 0; i < list.size(); i++) {
        checked(keys).check(r, list.get(i), path + "." + i);
      }
      return v;
    };
  }

  private static <T, V> Apply<T, V> nothing() {
    return (t, x, at, path) -> { };
  }

  private static KeyTable<Void> keys(String... keys) {
    return KeyTable.<Void>builder().known(keys).build();
  }

  // ---------------------------------------------------------------- the tables Codex checks key by key

  // Their keys' types were measured from the pinned binary: it refuses the file for a value of
  // another type, naming the key (an integer it reads as unsigned refuses a negative value).

  static final KeyTable<Void> GOALS = KeyTable.<Void>builder().key("max_goal_token_budget", integer(1), nothing()).build();
  static final KeyTable<Void> HISTORY =
      KeyTable.<Void>builder()
          .key("persistence", oneOf("save-all", "none"), nothing())
          .key("max_bytes", integer(0), nothing())
          .build();
  static final KeyTable<Void> ANALYTICS = KeyTable.<Void>builder().key("enabled", BOOL, nothing()).build();
  static final KeyTable<Void> WINDOWS =
      KeyTable.<Void>builder()
          .key("sandbox", oneOf("elevated", "unelevated", "mxc"), nothing())
          .key("allow_mxc", BOOL, nothing())
          .build();
  /** {@code web_search} takes true, false or a table, inside which Codex is silent. */
  static final KeyTable<Void> TOOLS =
      KeyTable.<Void>builder()
          .key("web_search", SettingsReader::boolOrTable, nothing())
          .key("client_search_provider", oneOf("standalone", "search_mcp"), nothing())
          .key("experimental_request_user_input", checked(switchTable()), nothing())
          .key("update_plan", checked(switchTable()), nothing())
          .build();
  static final KeyTable<Void> MEMORIES =
      KeyTable.<Void>builder()
          .key("disable_on_external_context", BOOL, nothing())
          .key("no_memories_if_mcp_or_web_search", BOOL, nothing())
          .key("generate_memories", BOOL, nothing())
          .key("use_memories", BOOL, nothing())
          .key("dedicated_tools", BOOL, nothing())
          .key("dual_write", BOOL, nothing())
          .key("max_raw_memories_for_consolidation", integer(0), nothing())
          .key("max_rollouts_per_startup", integer(0), nothing())
          .key("max_unused_days", integer(Long.MIN_VALUE), nothing())
          .key("max_rollout_age_days", integer(Long.MIN_VALUE), nothing())
          .key("min_rollout_idle_hours", integer(Long.MIN_VALUE), nothing())
          .key("min_rate_limit_remaining_percent", integer(Long.MIN_VALUE), nothing())
          .key("extract_model", STRING, nothing())
          .key("consolidation_model", STRING, nothing())
          .key("consolidation_service_tier", STRING, nothing())
          .key("version", oneOf("v1", "v2"), nothing())
          .build();
  static final KeyTable<Void> NOTICE =
      KeyTable.<Void>builder()
          .key("hide_full_access_warning", BOOL, nothing())
          .key("hide_world_writable_warning", BOOL, nothing())
          .key("hide_gov_cloud_guidance", BOOL, nothing())
          .key("fast_default_opt_out", BOOL, nothing())
          .key("hide_rate_limit_model_nudge", BOOL, nothing())
          .key("hide_gpt5_1_migration_prompt", BOOL, nothing())
          .key("hide_gpt-5.1-codex-max_migration_prompt", BOOL, nothing())
          .key("model_migrations", STRING_MAP, nothing())
          .key("external_config_migration_prompts",
              checked(KeyTable.<Void>builder()
                  .key("home", BOOL, nothing())
                  .key("home_last_prompted_at", integer(Long.MIN_VALUE), nothing())
                  .key("projects", TABLE, nothing())
                  .key("project_last_prompted_at", TABLE, nothing())
                  .build()),
              nothing())
          .build();
  /**
   * What is inside an exporter's table, {@code span_attributes} and {@code tracestate} is Codex's to
   * judge: Orchestra checks only their shape.
   */
  static final KeyTable<Void> OTEL =
      KeyTable.<Void>builder()
          .key("log_user_prompt", BOOL, nothing())
          .key("log_sse_deltas", BOOL, nothing())
          .key("log_agent_responses", BOOL, nothing())
          .key("log_guardian_assessments", BOOL, nothing())
          .key("environment", STRING, nothing())
          .key("exporter", SettingsReader::otelExporter, nothing())
          .key("trace_exporter", SettingsReader::otelExporter, nothing())
          .key("metrics_exporter", SettingsReader::otelExporter, nothing())
          .key("span_attributes", TABLE, nothing())
          .key("tracestate", TABLE, nothing())
          .key("tool_result", checked(KeyTable.<Void>builder().key("max_bytes", integer(0), nothing()).build()), nothing())
          .build();
  static final KeyTable<Void> SKILLS =
      KeyTable.<Void>builder()
          .key("include_instructions", BOOL, nothing())
          .key("max_context_tokens", integer(1), nothing())
          .key("bundled", checked(switchTable()), nothing())
          .key("config", entries(keys("enabled", "name", "path")), nothing())
          .build();

  /** A table whose one key is {@code enabled = true|false}. */
  private static KeyTable<Void> switchTable() {
    return KeyTable.<Void>builder().key("enabled", BOOL, nothing()).build();
  }

  /** A {@code [projects."<path>"]} entry. */
  static final KeyTable<Void> PROJECT = KeyTable.<Void>builder().key("trust_level", oneOf("trusted", "untrusted"), nothing()).build();

  /** Orchestra's own {@code [orchestra]} table, which Codex ignores (see {@link Keys#ORCHESTRA}). */
  static final KeyTable<Void> ORCHESTRA = KeyTable.<Void>builder().key("checks", SettingsReader::checks, nothing()).build();

  // ---------------------------------------------------------------- [agents]

  /**
   * The settings of {@code [agents]}; every other key there names a role. What is read goes to the
   * reader, which reports the settings Orchestra does not honour.
   */
  static final KeyTable<SettingsReader> AGENTS =
      KeyTable.<SettingsReader>builder()
          .key("max_threads", SettingsReader::threadCount, nothing())
          .key("max_concurrent_threads_per_session", SettingsReader::threadCount, nothing())
          .key("max_depth", integer(1), nothing())
          .key("job_max_runtime_seconds", integer(1), nothing())
          .key("interrupt_message", BOOL, nothing())
          .key("enabled", BOOL, (r, on, at, path) -> {
            if (!on) {
              r.multiAgentOff(at, path, "");
            }
          })
          .key("default_subagent_model", NON_BLANK, (r, x, at, path) -> r.subagentDefaultNotHonoured(at, path, "model"))
          .key("default_subagent_reasoning_effort", SettingsReader::effort,
              (r, x, at, path) -> r.subagentDefaultNotHonoured(at, path, "model_reasoning_effort"))
          .build();

  /** The keys of an {@code [agents.<role>]} table; the role loader reads them. */
  static final KeyTable<Void> ROLE_TABLE = keys("description", "config_file", "nickname_candidates");

  // ---------------------------------------------------------------- [sandbox_workspace_write], [shell_environment_policy]

  /** What {@code [sandbox_workspace_write]} sets. */
  static final class SandboxDraft {
    final List<Path> roots = new ArrayList<>();
    boolean network;
    boolean tmpdir;
    boolean slashTmp;
  }

  static final KeyTable<SandboxDraft> SANDBOX_WORKSPACE_WRITE =
      KeyTable.<SandboxDraft>builder()
          .key("writable_roots", SettingsReader::paths, (d, roots, at, path) -> d.roots.addAll(roots))
          .key("network_access", BOOL, (d, x, at, path) -> d.network = x)
          .key("exclude_tmpdir_env_var", BOOL, (d, x, at, path) -> d.tmpdir = x)
          .key("exclude_slash_tmp", BOOL, (d, x, at, path) -> d.slashTmp = x)
          .build();

  /** What {@code [shell_environment_policy]} sets, with Codex's defaults. */
  static final class ShellDraft {
    String inherit = "all";
    boolean ignoreDefaultExcludes = true; // Codex: unless the table says false, names with KEY, SECRET or TOKEN pass
    List<String> exclude = List.of();
    Map<String, String> set = Map.of();
    List<String> includeOnly = List.of();
    boolean useProfile;
  }

  static final KeyTable<ShellDraft> SHELL_ENVIRONMENT_POLICY =
      KeyTable.<ShellDraft>builder()
          .key("inherit", oneOf("all", "core", "none"), (d, x, at, path) -> d.inherit = x)
          .key("ignore_default_excludes", BOOL, (d, x, at, path) -> d.ignoreDefaultExcludes = x)
          .key("exclude", STRINGS, (d, x, at, path) -> d.exclude = x)
          .key("set", SettingsReader::variables, (d, x, at, path) -> d.set = x)
          .key("include_only", STRINGS, (d, x, at, path) -> d.includeOnly = x)
          .key("experimental_use_profile", SettingsReader::shellProfile, (d, x, at, path) -> d.useProfile = x)
          .build();

  // ---------------------------------------------------------------- [model_providers.<id>]

  /** A provider being read: the builder it fills in, and its whole table for checks across keys. */
  record ProviderDraft(ProviderReader reader, ProviderConfig.Builder builder, Map<String, Val> table, String path) {}

  /**
   * Keys of a provider: Codex's, and Orchestra's own client-side rate limit ({@code
   * requests_per_period}, {@code rate_limit_period_ms}), which Codex ignores. Types are checked
   * here; what a value means is the builder's, whose refusals are reported at the value.
   */
  static final KeyTable<ProviderDraft> PROVIDER =
      KeyTable.<ProviderDraft>builder()
          .key("name", NON_BLANK, (d, x, at, path) -> d.builder().name(x))
          .key("base_url", NON_BLANK, (d, x, at, path) -> d.reader().baseUrl(d.builder(), at, path, x))
          .key("env_key", NON_BLANK, (d, x, at, path) -> d.builder().envKey(x))
          .key("env_key_instructions", STRING, (d, x, at, path) -> d.builder().envKeyInstructions(x))
          .key("experimental_bearer_token", STRING, nothing())
          .key("wire_api", oneOf(Arrays.stream(WireApi.values()).map(WireApi::configValue).toArray(String[]::new)),
              (d, x, at, path) -> d.reader().wireApi(d.builder(), at, path, x))
          .key("query_params", STRING_MAP, (d, x, at, path) -> d.builder().queryParams(x))
          .key("http_headers", KeyTable.ANY, (d, x, at, path) -> d.reader().headers(at, path, d.builder()::httpHeader))
          .key("env_http_headers", KeyTable.ANY, (d, x, at, path) -> d.reader().headers(at, path, d.builder()::envHttpHeader))
          .key("request_max_retries", SettingsReader::retries, (d, x, at, path) -> d.builder().requestMaxRetries(x))
          .key("stream_max_retries", SettingsReader::retries, (d, x, at, path) -> d.builder().streamMaxRetries(x))
          .key("stream_idle_timeout_ms", integer(1), (d, x, at, path) -> d.builder().streamIdleTimeout(Duration.ofMillis(x)))
          .key("requests_per_period", integer(0), (d, x, at, path) -> d.reader().built(at, path, d.path(),
              "set " + path + " to a smaller number, or 0 for no limit", () -> d.builder().requestsPerPeriod(x)))
          .key("rate_limit_period_ms", integer(1), (d, x, at, path) -> d.builder().rateLimitPeriod(Duration.ofMillis(x)))
          .key("websocket_connect_timeout_ms", integer(1), nothing())
          .key("requires_openai_auth", BOOL, nothing())
          .key("supports_websockets", BOOL, nothing())
          .key("auth", TABLE, (d, x, at, path) -> d.reader().providerAuth(d.table(), at, path))
          .key("aws", KeyTable.ANY, (d, x, at, path) -> d.reader().awsOutsideBedrock(at, path, d.path()))
          .build();

  // ---------------------------------------------------------------- [mcp_servers.<name>]

  /** What an MCP server table sets. */
  static final class McpDraft {
    String command;
    List<String> args = List.of();
    Map<String, String> env = Map.of();
    String url;
    String bearerTokenEnvVar;
    Duration startupTimeout;
    Duration startupTimeoutMs;
    Duration toolTimeout;
    boolean enabled = true;
    boolean required;
    List<String> enabledTools = List.of();
    List<String> disabledTools = List.of();
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  /** Keys every MCP server takes. */
  static final KeyTable<McpDraft> MCP_COMMON =
      KeyTable.<McpDraft>builder()
          .key("startup_timeout_sec", NUMBER, (d, x, at, path) -> d.startupTimeout = seconds(x))
          .key("startup_timeout_ms", integer(0), (d, x, at, path) -> d.startupTimeoutMs = Duration.ofMillis(x))
          .key("tool_timeout_sec", NUMBER, (d, x, at, path) -> d.toolTimeout = seconds(x))
          .key("enabled", BOOL, (d, x, at, path) -> d.enabled = x)
          .key("required", BOOL, (d, x, at, path) -> d.required = x)
          .key("enabled_tools", STRINGS, (d, x, at, path) -> d.enabledTools = x)
          .key("disabled_tools", STRINGS, (d, x, at, path) -> d.disabledTools = x)
          .key("bearer_token", SettingsReader::inlineBearerToken, nothing())
          .known("auth", "oauth", "environment_id", "supports_parallel_tool_calls", "omit_tools_from",
              "default_tools_approval_mode", "tools", "name")
          .build();

  /** Keys only a stdio server (one with {@code command}) takes. */
  static final KeyTable<McpDraft> MCP_STDIO_ONLY =
      KeyTable.<McpDraft>builder()
          .key("command", NON_BLANK, (d, x, at, path) -> d.command = x)
          .key("args", STRINGS, (d, x, at, path) -> d.args = x)
          .key("env", STRING_MAP, (d, x, at, path) -> d.env = x)
          .key("env_vars", SettingsReader::array, nothing())
          .key("cwd", STRING, nothing())
          .build();

  /** Keys only a streamable HTTP server (one with {@code url}) takes. */
  static final KeyTable<McpDraft> MCP_HTTP_ONLY =
      KeyTable.<McpDraft>builder()
          .key("url", NON_BLANK, (d, x, at, path) -> d.url = x)
          .key("bearer_token_env_var", NON_BLANK, (d, x, at, path) -> d.bearerTokenEnvVar = x)
          .key("http_headers", STRING_MAP, nothing())
          .key("env_http_headers", STRING_MAP, nothing())
          .known("scopes", "oauth_resource")
          .build();

  // ---------------------------------------------------------------- the top level

  /** A top-level table being read: the settings it sets, the keys kept as Codex reads them, and the scope. */
  static final class Top {
    final SettingsReader reader;
    final Scope scope;
    final CodexSettings.Parts parts = new CodexSettings.Parts();
    final Map<String, Object> other = new LinkedHashMap<>();

    Top(SettingsReader reader, Scope scope) {
      this.reader = reader;
      this.scope = scope;
    }
  }

  private static final Scope[] CONFIG_AND_ROLE_FILE = {CONFIG, ROLE_FILE};

  /**
   * Top-level keys of a {@code config.toml} (a user, profile or project layer), a role file and a
   * legacy {@code [profiles.<name>]} table, each in the scopes where Codex takes it: a key without
   * scopes is known in all three. Orchestra's own {@code [orchestra]} table is not here: a role file
   * may not set it.
   */
  static final KeyTable<Top> TOP = top();

  private static KeyTable<Top> top() {
    KeyTable.Builder<Top> b = KeyTable.builder();
    // Read into Orchestra's settings.
    b.key("model", NON_BLANK, (t, x, at, path) -> t.parts.model = x);
    b.key("model_provider", NON_BLANK, (t, x, at, path) -> t.parts.modelProvider = x);
    // A legacy profile is never applied, so its effort is never sent: Codex's rule is enough there.
    b.key("model_reasoning_effort", SettingsReader::providerEffort, (t, x, at, path) -> t.parts.reasoningEffort = x, CONFIG_AND_ROLE_FILE);
    b.key("model_reasoning_effort", SettingsReader::effort, (t, x, at, path) -> t.parts.reasoningEffort = x, PROFILE);
    b.key("model_reasoning_summary", oneOf("auto", "concise", "detailed", "none"),
        (t, x, at, path) -> t.parts.reasoningSummary = ReasoningSummary.valueOf(x.toUpperCase(Locale.ROOT)));
    b.key("model_verbosity", oneOf("low", "medium", "high"),
        (t, x, at, path) -> t.parts.verbosity = Verbosity.valueOf(x.toUpperCase(Locale.ROOT)));
    b.key("approval_policy", SettingsReader::approval, (t, x, at, path) -> {
      t.parts.approvalPolicy = x.policy();
      t.parts.granularApproval = x.granular();
    });
    b.key("sandbox_mode", oneOf("read-only", "workspace-write", "danger-full-access"),
        (t, x, at, path) -> t.parts.sandboxMode = SandboxMode.fromConfigValue(x).orElseThrow());
    b.key("sandbox_workspace_write", SettingsReader::sandboxWorkspaceWrite, (t, x, at, path) -> t.parts.sandboxWorkspaceWrite = x, CONFIG);
    b.key("sandbox_workspace_write", SettingsReader::sandboxWorkspaceWrite, (t, x, at, path) -> {
      t.parts.sandboxWorkspaceWrite = x;
      t.reader.runLevelOnly(at, path);
    }, ROLE_FILE);
    b.key("developer_instructions", STRING, (t, x, at, path) -> t.parts.developerInstructions = x, CONFIG, PROFILE);
    b.key("developer_instructions", STRING, (t, x, at, path) -> {
      if (x.isBlank()) {
        t.reader.blankInstructions(at, path);
      } else {
        t.parts.developerInstructions = x;
      }
    }, ROLE_FILE);
    b.key("service_tier", NON_BLANK, (t, x, at, path) -> t.parts.serviceTier = x);
    b.key("shell_environment_policy", SettingsReader::shellPolicy, (t, x, at, path) -> t.parts.shellEnvironmentPolicy = x, CONFIG);
    b.key("shell_environment_policy", SettingsReader::shellPolicy, (t, x, at, path) -> {
      t.parts.shellEnvironmentPolicy = x;
      t.reader.runLevelOnly(at, path);
    }, ROLE_FILE);
    b.key("model_providers", SettingsReader::providers, (t, x, at, path) -> t.parts.modelProviders = x, CONFIG_AND_ROLE_FILE);
    b.key("mcp_servers", SettingsReader::mcpServers, (t, x, at, path) -> t.parts.mcpServers = x, CONFIG);
    b.key("mcp_servers", SettingsReader::mcpServers, (t, x, at, path) -> {
      t.parts.mcpServers = x;
      t.reader.codexOnly(at, path);
    }, ROLE_FILE);
    b.key("profiles", SettingsReader::profiles, (t, x, at, path) -> {
      t.parts.profiles = x;
      t.other.put("profiles", at.plain());
    }, CONFIG);
    kept(b, "profiles", KeyTable.ANY, ROLE_FILE);
    // Checked here, kept as Codex reads them.
    kept(b, "plan_mode_reasoning_effort", SettingsReader::effort); // Codex's plan mode; Orchestra never sends it
    kept(b, "personality", oneOf("none", "friendly", "pragmatic"));
    kept(b, "web_search", oneOf("disabled", "cached", "live", "indexed"));
    for (String key : List.of("notify", "project_root_markers", "project_doc_fallback_filenames")) {
      kept(b, key, STRINGS, CONFIG_AND_ROLE_FILE);
    }
    kept(b, "projects", SettingsReader::projects, CONFIG_AND_ROLE_FILE);
    // Codex refuses a file where these are not whole numbers.
    for (String key : List.of("project_doc_max_bytes", "model_context_window", "model_auto_compact_token_limit")) {
      kept(b, key, integer(0), CONFIG_AND_ROLE_FILE);
    }
    kept(b, "goals", checked(GOALS), CONFIG_AND_ROLE_FILE);
    kept(b, "features", SettingsReader::features);
    kept(b, "history", checked(HISTORY), CONFIG_AND_ROLE_FILE);
    kept(b, "analytics", checked(ANALYTICS));
    kept(b, "windows", checked(WINDOWS));
    kept(b, "tools", checked(TOOLS));
    kept(b, "memories", checked(MEMORIES), CONFIG_AND_ROLE_FILE);
    kept(b, "notice", checked(NOTICE), CONFIG_AND_ROLE_FILE);
    kept(b, "otel", checked(OTEL), CONFIG_AND_ROLE_FILE);
    kept(b, "skills", checked(SKILLS), CONFIG);
    b.key("skills", KeyTable.ANY, (t, x, at, path) -> {
      t.reader.codexOnly(at, path);
      t.other.put("skills", at.plain());
    }, ROLE_FILE);
    b.key("profile", KeyTable.ANY, (t, x, at, path) -> {
      t.reader.profileKeyDropped(at, path);
      t.other.put("profile", at.plain());
    }, CONFIG_AND_ROLE_FILE);
    // Kept as they are: Codex judges their values.
    for (String key : List.of(
        "model_catalog_json", "chatgpt_base_url", "model_instructions_file", "js_repl_node_path", "js_repl_node_module_dirs",
        "zsh_path", "experimental_compact_prompt_file", "experimental_use_unified_exec_tool", "tools_view_image",
        "oss_provider")) {
      kept(b, key, KeyTable.ANY);
    }
    for (String key : List.of(
        "review_model", "model_supports_reasoning_summaries", "approvals_reviewer", "default_permissions", "permissions",
        "instructions", "tui", "plugins", "marketplaces", "hooks", "desktop", "agents", "openai_base_url",
        "apps_mcp_product_sku", "experimental_realtime_webrtc_call_base_url", "experimental_realtime_ws_base_url", "feedback",
        "log_dir", "sqlite_home", "file_opener", "hide_agent_reasoning", "show_raw_agent_reasoning", "disable_paste_burst",
        "forced_login_method", "forced_chatgpt_workspace_id", "cli_auth_credentials_store", "mcp_oauth_credentials_store",
        "mcp_oauth_callback_port", "check_for_update_on_startup", "suppress_unstable_features_warning", "ghost_snapshot", "apps",
        "audio", "realtime", "experimental_resume")) {
      kept(b, key, KeyTable.ANY, CONFIG_AND_ROLE_FILE);
    }
    // Only a legacy profile takes these (Codex dropped them from the top level).
    for (String key : List.of("include_apply_patch_tool", "experimental_use_freeform_apply_patch")) {
      kept(b, key, KeyTable.ANY, PROFILE);
    }
    // A role file's own keys, read by the role loader.
    for (String key : List.of("name", "description", "nickname_candidates")) {
      b.key(key, KeyTable.ANY, nothing(), ROLE_FILE);
    }
    return b.build();
  }

  /** Adds a key that is checked and then kept as Codex reads it, in {@link CodexSettings#otherKeys()}. */
  private static <V> void kept(KeyTable.Builder<Top> b, String key, Type<V> type, Scope... scopes) {
    b.key(key, type, (t, x, at, path) -> t.other.put(key, at.plain()), scopes);
  }
}
