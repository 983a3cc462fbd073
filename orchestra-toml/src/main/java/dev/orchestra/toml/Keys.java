package dev.orchestra.toml;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The key names Codex knows, per table, and the lists its rules are made of. */
final class Keys {
  private Keys() {}

  /** Top-level keys of Codex's {@code config.toml} schema (the ones Orchestra knows of). */
  static final Set<String> TOP_LEVEL =
      Set.of(
          "model", "review_model", "model_provider", "model_reasoning_effort",
          "plan_mode_reasoning_effort", "model_reasoning_summary", "model_verbosity",
          "model_supports_reasoning_summaries", "model_context_window",
          "model_auto_compact_token_limit", "model_catalog_json", "approval_policy",
          "approvals_reviewer", "sandbox_mode", "sandbox_workspace_write", "default_permissions",
          "permissions", "developer_instructions", "instructions", "model_instructions_file",
          "experimental_compact_prompt_file", "personality", "service_tier", "web_search",
          "shell_environment_policy", "projects", "notify", "project_doc_max_bytes",
          "project_doc_fallback_filenames", "project_root_markers", "history", "tui", "notice",
          "otel", "tools", "skills", "plugins", "marketplaces", "hooks", "windows", "desktop",
          "profile", "profiles", "model_providers", "mcp_servers", "features", "agents",
          "openai_base_url", "chatgpt_base_url", "apps_mcp_product_sku",
          "experimental_realtime_webrtc_call_base_url", "experimental_realtime_ws_base_url",
          "js_repl_node_path", "js_repl_node_module_dirs", "zsh_path",
          "experimental_use_unified_exec_tool",
          "tools_view_image", "analytics", "feedback", "oss_provider", "log_dir", "sqlite_home",
          "memories", "file_opener", "hide_agent_reasoning", "show_raw_agent_reasoning",
          "disable_paste_burst", "forced_login_method", "forced_chatgpt_workspace_id",
          "cli_auth_credentials_store", "mcp_oauth_credentials_store",
          "mcp_oauth_callback_port", "check_for_update_on_startup", "suppress_unstable_features_warning",
          "ghost_snapshot", "apps", "audio", "realtime", "experimental_resume", "goals");

  /**
   * The keys Codex 0.169.0 takes in tables whose other keys it warns that it ignores, measured from
   * the pinned binary (each table's field count matches the one its deserializer names), by dotted
   * path. A sub-table not listed here is passed through as Codex reads it (Codex itself is silent
   * inside some, such as tools.web_search and the otel exporters).
   */
  static final Map<String, Set<String>> CHECKED_TABLES =
      Map.ofEntries(
          Map.entry("goals", Set.of("max_goal_token_budget")),
          Map.entry("history", Set.of("persistence", "max_bytes")),
          Map.entry("analytics", Set.of("enabled")),
          Map.entry("windows", Set.of("sandbox", "allow_mxc")),
          Map.entry("tools", Set.of("web_search", "client_search_provider", "experimental_request_user_input", "update_plan")),
          Map.entry("memories", Set.of(
              "disable_on_external_context", "no_memories_if_mcp_or_web_search", "generate_memories", "use_memories",
              "dedicated_tools", "dual_write", "max_raw_memories_for_consolidation", "max_rollouts_per_startup", "max_unused_days",
              "max_rollout_age_days", "min_rollout_idle_hours", "min_rate_limit_remaining_percent", "extract_model",
              "consolidation_model", "consolidation_service_tier", "version")),
          Map.entry("notice", Set.of(
              "hide_full_access_warning", "hide_world_writable_warning", "hide_gov_cloud_guidance", "fast_default_opt_out",
              "hide_rate_limit_model_nudge", "hide_gpt5_1_migration_prompt", "hide_gpt-5.1-codex-max_migration_prompt",
              "model_migrations", "external_config_migration_prompts")),
          Map.entry("otel", Set.of(
              "log_user_prompt", "log_sse_deltas", "log_agent_responses", "log_guardian_assessments", "environment", "exporter",
              "trace_exporter", "metrics_exporter", "span_attributes", "tracestate", "tool_result")),
          Map.entry("skills", Set.of("bundled", "config", "include_instructions", "max_context_tokens")),
          // Their sub-tables whose keys Codex checks too; "[]" marks an array of tables, each
          // entry's keys reported with its index (skills.config.0.x).
          Map.entry("tools.update_plan", Set.of("enabled")),
          Map.entry("tools.experimental_request_user_input", Set.of("enabled")),
          Map.entry("otel.tool_result", Set.of("max_bytes")),
          Map.entry("skills.bundled", Set.of("enabled")),
          Map.entry("skills.config[]", Set.of("enabled", "name", "path")),
          Map.entry("notice.external_config_migration_prompts", Set.of("home", "home_last_prompted_at", "projects", "project_last_prompted_at")));

  /** Keys of a {@code [projects."<path>"]} entry. */
  static final Set<String> PROJECT = Set.of("trust_level");


  /**
   * Orchestra's own top-level table in {@code config.toml}. Codex ignores unknown top-level keys, so
   * it lives safely in Codex's file; it is not in {@link #TOP_LEVEL} because a role file may not
   * set it (Codex 0.115+ rejects a role file for an unknown top-level key).
   */
  static final String ORCHESTRA = "orchestra";

  /** Keys of the {@code [orchestra]} table. */
  static final Set<String> ORCHESTRA_TABLE = Set.of("checks");

  /** Keys a role file may set besides the {@link #TOP_LEVEL} ones. */
  static final Set<String> ROLE_FILE_ONLY = Set.of("name", "description", "nickname_candidates");

  /** Scalar keys of {@code [agents]}; every other key there names a role. */
  static final Set<String> AGENTS_RESERVED =
      Set.of(
          "max_threads", "max_concurrent_threads_per_session", "max_depth",
          "job_max_runtime_seconds", "interrupt_message", "enabled", "default_subagent_model",
          "default_subagent_reasoning_effort");

  /** Keys of an {@code [agents.<role>]} table. */
  static final Set<String> ROLE_TABLE = Set.of("description", "config_file", "nickname_candidates");

  /** Keys Codex (0.129 and later) strips from project layers, as dotted paths. */
  static final List<List<String>> PROJECT_DENYLIST =
      List.of(
          List.of("openai_base_url"), List.of("chatgpt_base_url"), List.of("apps_mcp_product_sku"),
          List.of("model_provider"), List.of("model_providers"), List.of("notify"),
          List.of("profile"), List.of("profiles"),
          List.of("experimental_realtime_webrtc_call_base_url"),
          List.of("experimental_realtime_ws_base_url"), List.of("otel"),
          List.of("features", "respect_system_proxy"));

  /** Provider ids built into Codex, which a configuration may not redefine. */
  static final Set<String> BUILT_IN_PROVIDERS = Set.of("openai", "ollama", "lmstudio", "amazon-bedrock");

  /** The only keys a configuration may set for the built-in {@code amazon-bedrock} provider. */
  static final Set<String> BEDROCK_KEYS = Set.of("base_url", "auth", "http_headers", "aws");

  /**
   * Keys of a {@code [model_providers.<id>]} table: Codex's, and Orchestra's own client-side rate
   * limit ({@code requests_per_period}, {@code rate_limit_period_ms}), which Codex ignores.
   */
  static final Set<String> PROVIDER =
      Set.of(
          "name", "base_url", "env_key", "env_key_instructions", "experimental_bearer_token",
          "wire_api", "query_params", "http_headers", "env_http_headers", "request_max_retries",
          "stream_max_retries", "stream_idle_timeout_ms", "websocket_connect_timeout_ms",
          "requires_openai_auth", "supports_websockets", "auth", "aws",
          "requests_per_period", "rate_limit_period_ms");

  static final Set<String> MCP_STDIO_ONLY = Set.of("command", "args", "env", "env_vars", "cwd");

  static final Set<String> MCP_HTTP_ONLY =
      Set.of("url", "bearer_token_env_var", "http_headers", "env_http_headers", "scopes", "oauth_resource");

  static final Set<String> MCP_COMMON =
      Set.of(
          "startup_timeout_sec", "startup_timeout_ms", "tool_timeout_sec", "enabled", "required",
          "enabled_tools", "disabled_tools", "auth", "oauth", "environment_id",
          "supports_parallel_tool_calls", "omit_tools_from", "default_tools_approval_mode", "tools",
          "name", "bearer_token");

  static final Set<String> SANDBOX_WORKSPACE_WRITE =
      Set.of("writable_roots", "network_access", "exclude_tmpdir_env_var", "exclude_slash_tmp");

  static final Set<String> SHELL_ENVIRONMENT_POLICY =
      Set.of("inherit", "ignore_default_excludes", "exclude", "set", "include_only", "experimental_use_profile");

  /** Keys a legacy {@code [profiles.<name>]} table may set. */
  static final Set<String> PROFILE =
      Set.of(
          "model", "service_tier", "model_provider", "approval_policy", "sandbox_mode",
          "model_reasoning_effort", "plan_mode_reasoning_effort", "model_reasoning_summary",
          "model_verbosity", "model_catalog_json", "personality", "chatgpt_base_url",
          "model_instructions_file", "js_repl_node_path", "js_repl_node_module_dirs", "zsh_path",
          "experimental_compact_prompt_file", "include_apply_patch_tool",
          "experimental_use_unified_exec_tool", "experimental_use_freeform_apply_patch",
          "tools_view_image", "tools", "web_search", "analytics", "windows", "features",
          "oss_provider", "developer_instructions");

  /** Top-level keys whose string values are paths, resolved against the declaring file's folder. */
  static final Set<String> PATH_KEYS =
      Set.of(
          "model_instructions_file", "experimental_compact_prompt_file", "log_dir", "sqlite_home",
          "model_catalog_json", "js_repl_node_path", "zsh_path");

  /** The reasoning efforts the OpenAI API accepts, the only ones Orchestra sends to a provider. */
  static final List<String> PROVIDER_EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh");

  /** Efforts Codex 0.138+ names that no provider Orchestra calls accepts. */
  static final Set<String> CODEX_ONLY_EFFORTS = Set.of("max", "ultra");

  /**
   * Returns the candidate closest to a mistyped key, when it is close enough to be a likely typo.
   */
  static Optional<String> closest(String key, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(key, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int limit = Math.max(1, Math.min(3, key.length() / 3));
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Returns a hint suggesting the closest known key, or the fallback text. */
  static String didYouMean(String key, Collection<String> candidates, String fallback) {
    return closest(key, candidates).map(c -> "did you mean '" + c + "'?").orElse(fallback);
  }

  /** Edit distance where swapping two neighbouring letters counts as one edit (a common typo). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
