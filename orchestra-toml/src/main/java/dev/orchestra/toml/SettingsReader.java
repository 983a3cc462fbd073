package dev.orchestra.toml;

import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import dev.orchestra.toml.CodexSettings.McpServer;
import dev.orchestra.toml.CodexSettings.McpTransport;
import dev.orchestra.toml.CodexSettings.ReasoningSummary;
import dev.orchestra.toml.CodexSettings.SandboxWorkspaceWrite;
import dev.orchestra.toml.CodexSettings.ShellEnvironmentPolicy;
import dev.orchestra.toml.CodexSettings.Verbosity;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the values of one Codex table against the schema and builds its {@link CodexSettings}.
 * Every problem goes to the {@link Reporter}; an invalid value is then treated as absent, so one
 * pass finds every problem in a file.
 */
final class SettingsReader {

  /** What kind of table is read; decides which keys are known. */
  enum Scope {
    /** A {@code config.toml} (user, profile or project layer), or the merge of them. */
    CONFIG,
    /** A role file: a config layer plus {@code name}, {@code description}, {@code nickname_candidates}. */
    ROLE_FILE,
    /** A legacy {@code [profiles.<name>]} table. */
    PROFILE
  }

  private final Reporter r;

  SettingsReader(Reporter reporter) {
    this.r = reporter;
  }

  /**
   * Reads a table.
   *
   * @param table the table, paths already resolved
   * @param scope which keys are known
   * @param prefix the key path of the table followed by a dot, or empty for a file's top level
   */
  CodexSettings read(Map<String, Val> table, Scope scope, String prefix) {
    CodexSettings.Parts p = new CodexSettings.Parts();
    Map<String, Object> other = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : table.entrySet()) {
      String key = e.getKey();
      Val v = e.getValue();
      String path = prefix + key;
      switch (key) {
        case "model":
          p.model = nonBlank(v, path);
          break;
        case "model_provider":
          p.modelProvider = nonBlank(v, path);
          break;
        case "model_reasoning_effort":
          // A legacy profile is never applied, so its effort is never sent: Codex's rule is enough.
          p.reasoningEffort = scope == Scope.PROFILE ? effort(v, path) : providerEffort(v, path);
          break;
        case "plan_mode_reasoning_effort":
          effort(v, path); // Codex's plan mode; Orchestra never sends it
          other.put(key, v.plain());
          break;
        case "default_subagent_reasoning_effort":
          r.ignored(v.at(), path,
              "default_subagent_reasoning_effort belongs in [agents], not at the top level, and Orchestra does not honour it"
                  + " there either; it is ignored",
              "remove it; set model_reasoning_effort at the top level for every role, or in a role's config_file for that role");
          other.put(key, v.plain());
          break;
        case "model_reasoning_summary":
          String summary = oneOf(v, path, List.of("auto", "concise", "detailed", "none"));
          p.reasoningSummary = summary == null ? null : ReasoningSummary.valueOf(summary.toUpperCase(Locale.ROOT));
          break;
        case "model_verbosity":
          String verbosity = oneOf(v, path, List.of("low", "medium", "high"));
          p.verbosity = verbosity == null ? null : Verbosity.valueOf(verbosity.toUpperCase(Locale.ROOT));
          break;
        case "approval_policy":
          approval(v, path, p);
          break;
        case "sandbox_mode":
          String mode = oneOf(v, path, List.of("read-only", "workspace-write", "danger-full-access"));
          p.sandboxMode = mode == null ? null : SandboxMode.fromConfigValue(mode).orElseThrow();
          break;
        case "sandbox_workspace_write":
          p.sandboxWorkspaceWrite = sandboxWorkspaceWrite(v, path);
          if (scope == Scope.ROLE_FILE) {
            runLevelOnly(v, path);
          }
          break;
        case "developer_instructions":
          String text = string(v, path);
          if (text != null && text.isBlank() && scope == Scope.ROLE_FILE) {
            r.problem(v.at(), path, "developer_instructions is blank", "write the role's instructions, or remove the key");
          } else {
            p.developerInstructions = text;
          }
          break;
        case "service_tier":
          p.serviceTier = nonBlank(v, path);
          break;
        case "shell_environment_policy":
          p.shellEnvironmentPolicy = shellPolicy(v, path);
          if (scope == Scope.ROLE_FILE) {
            runLevelOnly(v, path);
          }
          break;
        case "model_providers":
          p.modelProviders = providers(v, path);
          break;
        case "mcp_servers":
          p.mcpServers = mcpServers(v, path);
          if (scope == Scope.ROLE_FILE) {
            roleLevelNotSupported(v, path);
          }
          break;
        case "skills":
          if (scope == Scope.ROLE_FILE) {
            roleLevelNotSupported(v, path);
          } else if (scope == Scope.PROFILE) {
            unknown(v, path, key, scope);
          } else {
            checkedTable(v, path, key);
          }
          other.put(key, v.plain());
          break;
        case "personality":
          oneOf(v, path, List.of("none", "friendly", "pragmatic"));
          other.put(key, v.plain());
          break;
        case "web_search":
          oneOf(v, path, List.of("disabled", "cached", "live", "indexed"));
          other.put(key, v.plain());
          break;
        case "notify":
        case "project_root_markers":
        case "project_doc_fallback_filenames":
          strings(v, path);
          other.put(key, v.plain());
          break;
        case "projects":
          projects(v, path);
          other.put(key, v.plain());
          break;
        case "project_doc_max_bytes":
        case "model_context_window":
        case "model_auto_compact_token_limit":
          integer(v, path, 0); // Codex refuses a file where these are not whole numbers
          other.put(key, v.plain());
          break;
        case "goals":
          goals(v, path);
          other.put(key, v.plain());
          break;
        case "features":
          features(v, path);
          other.put(key, v.plain());
          break;
        case "profile":
          if (scope != Scope.PROFILE) {
            r.problem(
                v.at(),
                path,
                "the top-level 'profile' key is no longer supported (Codex rejects it since 0.134)",
                "remove it; put the profile's settings in $CODEX_HOME/<name>.config.toml and select it"
                    + " with --profile <name> (CodexConfig.Builder.profile(name) in Orchestra)");
          }
          other.put(key, v.plain());
          break;
        case Keys.ORCHESTRA:
          if (scope == Scope.CONFIG) {
            orchestra(v, path);
          } else if (scope == Scope.ROLE_FILE) {
            r.unknownKey(v.at(), path,
                "unknown key 'orchestra' in a role file (Codex 0.115+ rejects the role for it; Orchestra keeps the role"
                    + " and ignores the table)",
                "move [orchestra] to config.toml; a role file cannot set Orchestra's own settings", true);
          } else {
            unknown(v, path, key, scope);
          }
          other.put(key, v.plain());
          break;
        case "profiles":
          if (scope == Scope.CONFIG) {
            p.profiles = profiles(v, path);
          }
          other.put(key, v.plain());
          break;
        default:
          if (scope == Scope.ROLE_FILE && Keys.ROLE_FILE_ONLY.contains(key)) {
            break; // read by the role loader
          }
          boolean known = scope == Scope.PROFILE ? Keys.PROFILE.contains(key) : Keys.TOP_LEVEL.contains(key);
          if (!known) {
            unknown(v, path, key, scope);
          } else if (Keys.CHECKED_TABLES.containsKey(key)) {
            checkedTable(v, path, key);
          }
          other.put(key, v.plain());
      }
    }
    if (scope == Scope.ROLE_FILE) {
      // Its flags reach the role's Codex process as overrides: Codex warns when that process starts.
      underDevelopment(table);
    }
    p.otherKeys = Collections.unmodifiableMap(other);
    return new CodexSettings(p);
  }

  /**
   * Reports {@code mcp_servers} or {@code skills} of a role (in its role file or its {@code
   * [agents.<name>]} table), which Orchestra does not apply to a role yet.
   */
  void roleLevelNotSupported(Val v, String path) {
    boolean mcp = lastKey(path).equals("mcp_servers");
    r.ignored(v.at(), path,
        "role-level " + lastKey(path) + " are not supported yet: Orchestra "
            + (mcp ? "does not give a role MCP servers of its own" : "does not read a role's skills from its configuration")
            + ", so they are ignored",
        "remove " + lastKey(path) + " from the role"
            + (mcp ? "" : "; attach skills to a role in code with Orchestrator.Builder.skills(role, skills)"));
  }

  /**
   * Reports a role file's {@code [shell_environment_policy]} or {@code [sandbox_workspace_write]}:
   * Codex gives a sub-agent its parent's, and Orchestra gives every command the run's.
   */
  private void runLevelOnly(Val v, String path) {
    r.ignored(v.at(), path,
        "a role's [" + path + "] is ignored: every command of a run gets the run's, as Codex gives a sub-agent its parent's",
        "move [" + path + "] to config.toml");
  }

  private void unknown(Val v, String path, String key, Scope scope) {
    switch (scope) {
      case ROLE_FILE:
        r.unknownKey(
            v.at(),
            path,
            "unknown key '" + key + "' in a role file (Codex 0.115+ rejects the role for it; Orchestra keeps the role)",
            Keys.didYouMean(
                key,
                union(Keys.TOP_LEVEL, Keys.ROLE_FILE_ONLY),
                "remove it; a role file takes name, description, nickname_candidates and config.toml keys"),
            true);
        break;
      case PROFILE:
        r.unknownKey(v.at(), path, ignored(path), Keys.didYouMean(key, Keys.PROFILE, "remove it"), true);
        break;
      default:
        r.unknownKey(
            v.at(),
            path,
            ignored(path),
            Keys.didYouMean(key, union(Keys.TOP_LEVEL, Set.of(Keys.ORCHESTRA)),
                "remove it, or check its spelling against the Codex configuration reference"),
            true);
    }
  }

  // ---------------------------------------------------------------- scalars

  String string(Val v, String path) {
    if (!v.isString()) {
      r.problem(v.at(), path, path + " must be a string, got " + v.typeName(), "write the value in quotes: " + lastKey(path) + " = \"...\"");
      return null;
    }
    return v.string();
  }

  String nonBlank(Val v, String path) {
    String s = string(v, path);
    if (s != null && s.isBlank()) {
      r.problem(v.at(), path, path + " is blank", "give it a value, or remove the key");
      return null;
    }
    return s;
  }

  Boolean bool(Val v, String path) {
    if (!v.isBoolean()) {
      r.problem(v.at(), path, path + " must be true or false, got " + v.typeName(), "write " + lastKey(path) + " = true or false, without quotes");
      return null;
    }
    return v.bool();
  }

  Long integer(Val v, String path, long min) {
    if (!v.isLong()) {
      r.problem(v.at(), path, path + " must be an integer, got " + v.typeName(), "write a whole number without quotes, at least " + min);
      return null;
    }
    if (v.longValue() < min) {
      r.problem(v.at(), path, path + " must be at least " + min + ", got " + v.longValue(), "set " + path + " to " + min + " or more");
      return null;
    }
    return v.longValue();
  }

  Double number(Val v, String path) {
    if (!v.isNumber() || v.number() < 0) {
      r.problem(v.at(), path, path + " must be a number of 0 or more, got " + (v.isNumber() ? String.valueOf(v.raw()) : v.typeName()), "write a number such as 30 or 2.5");
      return null;
    }
    return v.number();
  }

  /** Checks a value against an allowed set, listing the allowed values when it is not in it. */
  String oneOf(Val v, String path, List<String> allowed) {
    String s = string(v, path);
    if (s == null) {
      return null;
    }
    if (!allowed.contains(s)) {
      r.problem(
          v.at(),
          path,
          path + " = \"" + s + "\" is not allowed; allowed values: " + String.join(", ", allowed),
          Keys.closest(s, allowed).map(c -> "did you mean \"" + c + "\"?").orElse("use one of: " + String.join(", ", allowed)));
      return null;
    }
    return s;
  }

  /**
   * Checks an effort the way Codex does: any non-empty string. For efforts Orchestra never sends to
   * a provider; see {@link #providerEffort}.
   */
  ReasoningEffort effort(Val v, String path) {
    String s = string(v, path);
    if (s == null) {
      return null;
    }
    if (s.isBlank()) {
      r.problem(v.at(), path, path + " is empty", "use one of " + String.join(", ", Keys.PROVIDER_EFFORTS) + ", or remove the key");
      return null;
    }
    return ReasoningEffort.of(s);
  }

  /**
   * Checks an effort Orchestra sends to the model provider: one of the six values the OpenAI API
   * accepts (in any case), an error otherwise, strict or not. Codex 0.138+ keeps any string and
   * knows {@code max} and {@code ultra}, but a provider answers those with an error.
   */
  ReasoningEffort providerEffort(Val v, String path) {
    ReasoningEffort e = effort(v, path);
    if (e == null || e.isKnown()) {
      return e;
    }
    String allowed = String.join(", ", Keys.PROVIDER_EFFORTS);
    boolean codexOnly = Keys.CODEX_ONLY_EFFORTS.contains(e.value().toLowerCase(Locale.ROOT));
    r.problem(v.at(), path,
        path + " = " + TomlLiterals.string(e.value()) + " is not allowed: no provider accepts it; allowed values: " + allowed,
        codexOnly
            ? "Codex names \"" + e.value() + "\", but the APIs Orchestra calls reject it; write \"xhigh\" for the deepest reasoning"
            : Keys.closest(e.value().toLowerCase(Locale.ROOT), Keys.PROVIDER_EFFORTS).map(c -> "did you mean \"" + c + "\"?")
                .orElse("use one of: " + allowed));
    return null;
  }

  List<String> strings(Val v, String path) {
    if (!v.isArray()) {
      r.problem(v.at(), path, path + " must be an array of strings, got " + v.typeName(), "write " + lastKey(path) + " = [\"...\", \"...\"]");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Val item : v.array()) {
      if (!item.isString()) {
        r.problem(v.at(), path, path + " must contain only strings, found " + item.typeName(), "put every entry in quotes");
        return null;
      }
      out.add(item.string());
    }
    return out;
  }

  Map<String, String> stringMap(Val v, String path) {
    if (!v.isTable()) {
      r.problem(v.at(), path, path + " must be a table of strings, got " + v.typeName(), "write " + lastKey(path) + " = { NAME = \"value\" }");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : v.table().entrySet()) {
      String s = string(e.getValue(), path + "." + e.getKey());
      if (s != null) {
        out.put(e.getKey(), s);
      }
    }
    return out;
  }

  Map<String, Val> table(Val v, String path) {
    if (!v.isTable()) {
      r.problem(v.at(), path, path + " must be a table, got " + v.typeName(), "write it as [" + path + "] followed by its keys");
      return null;
    }
    return v.table();
  }

  // ---------------------------------------------------------------- tables

  private void approval(Val v, String path, CodexSettings.Parts p) {
    String allowed = "untrusted, on-request, never, on-failure (deprecated) or a table { granular = { ... } }";
    if (v.isString()) {
      String s = v.string();
      if (s.equals("on-failure")) {
        r.warning(v.at(), path, "approval_policy = \"on-failure\" is deprecated; Codex treats it as on-request", "write approval_policy = \"on-request\"");
        p.approvalPolicy = ApprovalPolicy.ON_REQUEST;
      } else if (List.of("untrusted", "on-request", "never").contains(s)) {
        p.approvalPolicy = ApprovalPolicy.fromConfigValue(s).orElseThrow();
      } else {
        r.problem(v.at(), path, path + " = \"" + s + "\" is not allowed; allowed values: " + allowed,
            Keys.closest(s, List.of("untrusted", "on-request", "never", "on-failure")).map(c -> "did you mean \"" + c + "\"?").orElse("use one of: " + allowed));
      }
      return;
    }
    if (v.isTable() && v.table().size() == 1) {
      Map.Entry<String, Val> only = v.table().entrySet().iterator().next();
      if ((only.getKey().equals("granular") || only.getKey().equals("reject")) && only.getValue().isTable()) {
        if (only.getKey().equals("reject")) {
          r.warning(v.at(), path, "approval_policy { reject = ... } was renamed { granular = ... } in Codex 0.115", "rename 'reject' to 'granular'");
        }
        p.approvalPolicy = ApprovalPolicy.ON_REQUEST;
        p.granularApproval = castPlainMap(only.getValue());
        return;
      }
    }
    r.problem(v.at(), path, path + " must be one of " + allowed + ", got " + v.typeName(), "write approval_policy = \"on-request\", or approval_policy = { granular = { ... } }");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castPlainMap(Val v) {
    return (Map<String, Object>) v.plain();
  }

  private SandboxWorkspaceWrite sandboxWorkspaceWrite(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    List<Path> roots = new ArrayList<>();
    boolean network = false;
    boolean tmpdir = false;
    boolean slashTmp = false;
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      switch (e.getKey()) {
        case "writable_roots":
          List<String> list = strings(e.getValue(), k);
          if (list != null) {
            for (String root : list) {
              try {
                roots.add(Path.of(root));
              } catch (java.nio.file.InvalidPathException ex) {
                r.problem(e.getValue().at(), k, "\"" + root + "\" is not a valid path: " + ex.getReason(), "write a folder path");
              }
            }
          }
          break;
        case "network_access":
          network = Boolean.TRUE.equals(bool(e.getValue(), k));
          break;
        case "exclude_tmpdir_env_var":
          tmpdir = Boolean.TRUE.equals(bool(e.getValue(), k));
          break;
        case "exclude_slash_tmp":
          slashTmp = Boolean.TRUE.equals(bool(e.getValue(), k));
          break;
        default:
          unknownIn(e, k, Keys.SANDBOX_WORKSPACE_WRITE);
      }
    }
    return new SandboxWorkspaceWrite(roots, network, tmpdir, slashTmp);
  }

  private ShellEnvironmentPolicy shellPolicy(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    String inherit = "all";
    boolean ignoreDefaults = true; // Codex: unless the table says false, names with KEY, SECRET or TOKEN pass
    List<String> exclude = List.of();
    Map<String, String> set = Map.of();
    List<String> includeOnly = List.of();
    boolean useProfile = false;
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      Val x = e.getValue();
      switch (e.getKey()) {
        case "inherit":
          String i = oneOf(x, k, List.of("all", "core", "none"));
          inherit = i == null ? inherit : i;
          break;
        case "ignore_default_excludes":
          ignoreDefaults = Boolean.TRUE.equals(bool(x, k));
          break;
        case "exclude":
          exclude = orEmpty(strings(x, k));
          break;
        case "set":
          set = variables(x, k);
          break;
        case "include_only":
          includeOnly = orEmpty(strings(x, k));
          break;
        case "experimental_use_profile":
          useProfile = Boolean.TRUE.equals(bool(x, k));
          if (useProfile) {
            r.warning(x.at(), k, k + " = true is not honoured: Orchestra runs commands without the user's shell profile",
                "set the variables the profile would set in shell_environment_policy.set, or remove the key");
          }
          break;
        default:
          unknownIn(e, k, Keys.SHELL_ENVIRONMENT_POLICY);
      }
    }
    return new ShellEnvironmentPolicy(inherit, ignoreDefaults, exclude, set, includeOnly, useProfile);
  }

  /** A table of environment variables, without those no process environment can hold (each reported). */
  private Map<String, String> variables(Val v, String path) {
    Map<String, String> out = new LinkedHashMap<>(stringMap(v, path));
    if (v.isTable()) {
      for (Map.Entry<String, Val> e : v.table().entrySet()) {
        String value = out.get(e.getKey());
        if (value == null) {
          continue;
        }
        try {
          CommandEnvironment.check(e.getKey(), value, path);
        } catch (IllegalArgumentException ex) {
          r.problem(e.getValue().at(), path + "." + e.getKey(), ex.getMessage(),
              "name the variable with letters, digits and '_' only, and leave NUL out of its value");
          out.remove(e.getKey());
        }
      }
    }
    return out;
  }

  private Map<String, ProviderConfig> providers(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return Map.of();
    }
    Map<String, ProviderConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      ProviderConfig provider = provider(e.getKey(), e.getValue(), path + "." + e.getKey());
      if (provider != null) {
        out.put(e.getKey(), provider);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads one provider table into core's {@link ProviderConfig}. Types are checked here; what a
   * value means (defaults, the cap of retries, which URLs and headers can be sent) is the builder's,
   * whose refusals are reported with the value's file, line and key.
   */
  private ProviderConfig provider(String id, Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    int before = r.problems();
    if (id.equals("amazon-bedrock")) {
      for (Map.Entry<String, Val> e : t.entrySet()) {
        if (!Keys.BEDROCK_KEYS.contains(e.getKey())) {
          r.problem(e.getValue().at(), path + "." + e.getKey(), "the built-in provider amazon-bedrock may set only base_url, auth, http_headers and aws, not " + e.getKey(), "remove " + e.getKey() + " from [" + path + "]");
        }
      }
      return null;
    }
    if (Keys.BUILT_IN_PROVIDERS.contains(id)) {
      r.problem(v.at(), path, "[" + path + "] redefines the built-in provider '" + id + "'; built-in provider ids are reserved",
          "give your provider another id, e.g. [model_providers." + id + "-custom], and set model_provider to it"
              + (id.equals("openai") ? "; to point the built-in one elsewhere set openai_base_url" : ""));
      return null;
    }
    if (id.equals("ollama-chat")) {
      r.problem(v.at(), path, "the 'ollama-chat' provider is no longer supported by Codex", "use the built-in 'ollama' provider, which speaks the Responses API");
      return null;
    }
    if (id.isBlank()) {
      r.problem(v.at(), path, "[" + path + "] has a blank provider id", "name the table after the provider, e.g. [model_providers.corp]");
      return null;
    }
    ProviderConfig.Builder b = ProviderConfig.builder(id);
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      Val x = e.getValue();
      switch (e.getKey()) {
        case "name":
          String name = nonBlank(x, k);
          if (name != null) {
            b.name(name);
          }
          break;
        case "base_url":
          String url = nonBlank(x, k);
          if (url != null) {
            baseUrl(b, x, k, url);
          }
          break;
        case "env_key":
          String envKey = nonBlank(x, k);
          if (envKey != null) {
            b.envKey(envKey);
          }
          break;
        case "env_key_instructions":
          String instructions = string(x, k);
          if (instructions != null) {
            b.envKeyInstructions(instructions);
          }
          break;
        case "experimental_bearer_token":
          string(x, k);
          break;
        case "wire_api":
          String wire = oneOf(x, k, java.util.Arrays.stream(WireApi.values()).map(WireApi::configValue).toList());
          if (wire != null) {
            b.wireApi(WireApi.fromConfigValue(wire).orElseThrow());
          }
          if ("chat".equals(wire)) {
            // Orchestra speaks Chat Completions (vLLM, Ollama and other OpenAI-compatible servers),
            // so this is no error, strict or not; but Codex reading the same file will stop on it.
            r.warning(x.at(), k,
                "wire_api = \"chat\": Orchestra uses Chat Completions for this provider, but Codex itself refuses the value"
                    + " (since it dropped Chat Completions), so Codex cannot load this file",
                "nothing to change for Orchestra; only if Codex must read this file too, point the provider at a server that"
                    + " speaks the Responses API and write wire_api = \"responses\"");
          }
          break;
        case "query_params":
          b.queryParams(stringMap(x, k));
          break;
        case "http_headers":
          headers(x, k, b::httpHeader);
          break;
        case "env_http_headers":
          headers(x, k, b::envHttpHeader);
          break;
        case "request_max_retries":
          Long requestRetries = capped(x, k);
          if (requestRetries != null) {
            b.requestMaxRetries(requestRetries);
          }
          break;
        case "stream_max_retries":
          Long streamRetries = capped(x, k);
          if (streamRetries != null) {
            b.streamMaxRetries(streamRetries);
          }
          break;
        case "stream_idle_timeout_ms":
          Long idle = integer(x, k, 1);
          if (idle != null) {
            b.streamIdleTimeout(Duration.ofMillis(idle));
          }
          break;
        case "requests_per_period":
          Long requests = integer(x, k, 0);
          if (requests != null) {
            built(x, k, path, "set " + k + " to a smaller number, or 0 for no limit", () -> b.requestsPerPeriod(requests));
          }
          break;
        case "rate_limit_period_ms":
          Long period = integer(x, k, 1);
          if (period != null) {
            b.rateLimitPeriod(Duration.ofMillis(period));
          }
          break;
        case "websocket_connect_timeout_ms":
          integer(x, k, 1);
          break;
        case "requires_openai_auth":
        case "supports_websockets":
          bool(x, k);
          break;
        case "auth":
          if (table(x, k) != null && (t.containsKey("env_key") || t.containsKey("experimental_bearer_token")
              || (t.get("requires_openai_auth") != null && Boolean.TRUE.equals(t.get("requires_openai_auth").raw())))) {
            r.problem(x.at(), k, "auth cannot be combined with env_key, experimental_bearer_token or requires_openai_auth", "keep either the auth command or the other key");
          }
          break;
        case "aws":
          r.problem(x.at(), k, "aws is allowed only for the built-in amazon-bedrock provider", "remove aws from [" + path + "]");
          break;
        default:
          unknownIn(e, k, Keys.PROVIDER);
      }
    }
    if (!t.containsKey("name")) {
      r.problem(v.at(), path + ".name", "[" + path + "] has no name; a provider needs one", "add name = \"" + id + "\" to [" + path + "]");
    }
    if (r.problems() > before) {
      return null;
    }
    return b.build();
  }

  private void baseUrl(ProviderConfig.Builder b, Val v, String key, String url) {
    String hint = "write the API root the request path is appended to, e.g. base_url = \"https://llm.example.com/v1\"; query parameters go in query_params";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      r.problem(v.at(), key, key + " is not a URL: " + e.getReason(), hint);
      return;
    }
    built(v, key, key.substring(0, key.lastIndexOf('.')), hint, () -> b.baseUrl(uri));
  }

  /**
   * Reads {@code http_headers} or {@code env_http_headers}: a header the builder refuses (one that
   * cannot be sent) is left out with a warning, an error in strict mode, as Codex drops it.
   */
  private void headers(Val v, String key, java.util.function.BiConsumer<String, String> add) {
    for (Map.Entry<String, String> h : stringMap(v, key).entrySet()) {
      Val at = v.table().get(h.getKey());
      try {
        add.accept(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        r.ignored(at.at(), key + "." + h.getKey(), key.substring(0, key.lastIndexOf('.') + 1) + e.getMessage() + "; the header is ignored",
            "remove the header, or fix its name or value");
      }
    }
  }

  /**
   * Runs a builder call that may refuse the value; a refusal is a problem at the value, its message
   * (which starts with the Codex key) prefixed with the table's path.
   */
  private void built(Val v, String key, String tablePath, String hint, Runnable call) {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      r.problem(v.at(), key, tablePath + "." + e.getMessage(), hint);
    }
  }

  /** A retry count: an integer of 0 or more; above the cap it is read as the cap, with a warning. */
  private Long capped(Val v, String path) {
    Long n = integer(v, path, 0);
    if (n != null && n > ProviderConfig.MAX_RETRIES) {
      r.warning(v.at(), path, path + " = " + n + " is above Codex's cap; " + ProviderConfig.MAX_RETRIES + " is used",
          "set " + path + " to " + ProviderConfig.MAX_RETRIES + " or less");
    }
    return n;
  }

  private Map<String, McpServer> mcpServers(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return Map.of();
    }
    Map<String, McpServer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      McpServer server = mcpServer(e.getKey(), e.getValue(), path + "." + e.getKey());
      if (server != null) {
        out.put(e.getKey(), server);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private McpServer mcpServer(String name, Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    int before = r.problems();
    boolean stdio = t.containsKey("command");
    boolean http = t.containsKey("url");
    if (stdio == http) {
      r.problem(v.at(), path,
          stdio ? "[" + path + "] sets both command and url; a server is either stdio or streamable HTTP"
              : "[" + path + "] has an invalid transport: it sets neither command nor url",
          stdio ? "keep command (stdio) or url (streamable HTTP), not both" : "add command = \"...\" for a stdio server or url = \"https://...\" for a streamable HTTP server");
      return null;
    }
    McpTransport transport = stdio ? McpTransport.STDIO : McpTransport.STREAMABLE_HTTP;
    Set<String> foreign = stdio ? Keys.MCP_HTTP_ONLY : Keys.MCP_STDIO_ONLY;
    String command = null;
    List<String> args = List.of();
    Map<String, String> env = Map.of();
    String url = null;
    String bearerVar = null;
    Duration startup = null;
    Duration startupMs = null;
    Duration tool = null;
    boolean enabled = true;
    boolean required = false;
    List<String> enabledTools = List.of();
    List<String> disabledTools = List.of();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      Val x = e.getValue();
      if (foreign.contains(e.getKey())) {
        r.problem(x.at(), k, "'" + e.getKey() + "' is not supported for " + (stdio ? "stdio" : "streamable_http") + " servers",
            "remove " + e.getKey() + " from [" + path + "]" + (stdio ? " (it applies to url servers)" : " (it applies to command servers)"));
        continue;
      }
      switch (e.getKey()) {
        case "command":
          command = nonBlank(x, k);
          break;
        case "args":
          args = orEmpty(strings(x, k));
          break;
        case "env":
          env = stringMap(x, k);
          break;
        case "env_vars":
          if (!x.isArray()) {
            r.problem(x.at(), k, k + " must be an array, got " + x.typeName(), "write env_vars = [\"NAME\", ...]");
          }
          break;
        case "cwd":
          string(x, k);
          break;
        case "url":
          url = nonBlank(x, k);
          break;
        case "bearer_token_env_var":
          bearerVar = nonBlank(x, k);
          break;
        case "bearer_token":
          r.problem(x.at(), k, "inline bearer_token is not supported: a token must not be written in the configuration", "put the token in an environment variable and set bearer_token_env_var = \"NAME\"");
          break;
        case "http_headers":
        case "env_http_headers":
          stringMap(x, k);
          break;
        case "startup_timeout_sec":
          Double s = number(x, k);
          startup = s == null ? null : Duration.ofMillis(Math.round(s * 1000));
          break;
        case "startup_timeout_ms":
          Long ms = integer(x, k, 0);
          startupMs = ms == null ? null : Duration.ofMillis(ms);
          break;
        case "tool_timeout_sec":
          Double tt = number(x, k);
          tool = tt == null ? null : Duration.ofMillis(Math.round(tt * 1000));
          break;
        case "enabled":
          enabled = !Boolean.FALSE.equals(bool(x, k));
          break;
        case "required":
          required = Boolean.TRUE.equals(bool(x, k));
          break;
        case "enabled_tools":
          enabledTools = orEmpty(strings(x, k));
          break;
        case "disabled_tools":
          disabledTools = orEmpty(strings(x, k));
          break;
        case "oauth_resource":
        case "scopes":
          break;
        default:
          if (!Keys.MCP_COMMON.contains(e.getKey())) {
            unknownIn(e, k, union(Keys.MCP_COMMON, stdio ? Keys.MCP_STDIO_ONLY : Keys.MCP_HTTP_ONLY));
          }
      }
    }
    if (r.problems() > before) {
      return null;
    }
    return new McpServer(name, transport, command, args, env, url, bearerVar, startup != null ? startup : startupMs, tool, enabled, required, enabledTools, disabledTools);
  }

  private Map<String, CodexSettings> profiles(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return Map.of();
    }
    // Codex reads the table without a word (it checks the keys inside): Orchestra's own advice.
    r.note(v.at(), path, "legacy [profiles] tables are not applied by Codex since 0.134",
        "move each profile to $CODEX_HOME/<name>.config.toml and select it with --profile <name>");
    Map<String, CodexSettings> out = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      Map<String, Val> profile = table(e.getValue(), path + "." + e.getKey());
      if (profile != null) {
        out.put(e.getKey(), read(profile, Scope.PROFILE, path + "." + e.getKey() + "."));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Checks Orchestra's own {@code [orchestra]} table. */
  private void orchestra(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return;
    }
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      if (e.getKey().equals("checks")) {
        checks(e.getValue(), k);
      } else {
        // Orchestra's own table: a key it does not know is most likely a typo of one it does, and
        // ignoring it would quietly change what a run does.
        r.unknownKey(e.getValue().at(), k, "unknown key '" + e.getKey() + "' in [orchestra] (Orchestra ignores it)",
            Keys.didYouMean(e.getKey(), Keys.ORCHESTRA_TABLE,
                "remove it; [orchestra] takes: " + String.join(", ", sorted(Keys.ORCHESTRA_TABLE))), true);
      }
    }
  }

  /**
   * Reads {@code [orchestra] checks}: the shell lines the CI gate runs, in order, instead of
   * discovering the repository's checks. Returns null (reported) when the value is not a non-empty
   * array of non-blank strings.
   */
  List<String> checks(Val v, String path) {
    List<String> lines = strings(v, path);
    if (lines == null) {
      return null;
    }
    if (lines.isEmpty()) {
      r.problem(v.at(), path, path + " is empty",
          "list the shell lines the CI gate runs, such as checks = [\"npm test\"], or remove the key to let the gate find the"
              + " repository's checks");
      return null;
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        r.problem(v.at(), path, path + " entry " + (i + 1) + " is blank; each entry is a shell line the CI gate runs",
            "remove the blank entry, or write the command, such as \"npm test\"");
        return null;
      }
    }
    return List.copyOf(lines);
  }

  private void projects(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return;
    }
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + ".\"" + e.getKey() + "\"";
      Map<String, Val> project = table(e.getValue(), k);
      if (project != null && project.containsKey("trust_level")) {
        oneOf(project.get("trust_level"), k + ".trust_level", List.of("trusted", "untrusted"));
      }
      if (project != null) {
        for (Map.Entry<String, Val> p : project.entrySet()) {
          if (!Keys.PROJECT.contains(p.getKey())) {
            unknownIn(p, k + "." + p.getKey(), Keys.PROJECT);
          }
        }
      }
    }
  }

  /**
   * A table Codex reads as a whole: not a table, it refuses the file; a key it does not take, it
   * warns that it ignores; its checked sub-tables likewise.
   *
   * @param name the table's entry in {@link Keys#CHECKED_TABLES}, its dotted path from the top level
   */
  private void checkedTable(Val v, String path, String name) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return;
    }
    Set<String> keys = Keys.CHECKED_TABLES.get(name);
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      String sub = name + "." + e.getKey();
      Val x = e.getValue();
      if (!keys.contains(e.getKey())) {
        unknownIn(e, k, keys);
      } else if (Keys.CHECKED_TABLES.containsKey(sub) && x.isTable()) {
        checkedTable(x, k, sub);
      } else if (Keys.CHECKED_TABLES.containsKey(sub + "[]") && x.isArray()) {
        List<Val> entries = x.array();
        for (int i = 0; i < entries.size(); i++) {
          if (entries.get(i).isTable()) {
            for (Map.Entry<String, Val> f : entries.get(i).table().entrySet()) {
              if (!Keys.CHECKED_TABLES.get(sub + "[]").contains(f.getKey())) {
                unknownIn(f, k + "." + i + "." + f.getKey(), Keys.CHECKED_TABLES.get(sub + "[]"));
              }
            }
          }
        }
      }
    }
  }

  /** Checks {@code [goals]}: a table of {@link Keys#CHECKED_TABLES} whose token budget is a positive integer. */
  private void goals(Val v, String path) {
    checkedTable(v, path, "goals");
    Val budget = v.isTable() ? v.table().get("max_goal_token_budget") : null;
    if (budget != null) {
      integer(budget, path + ".max_goal_token_budget", 1);
    }
  }

  /**
   * Checks {@code [features]} against the pinned Codex release's flags: what Codex ignores, what it
   * calls deprecated, and what makes it refuse the file (a wrong value, a table where the flag
   * takes none, an unknown key in a flag's table). What it says of flags under development depends
   * on every layer: see {@link #underDevelopment}.
   */
  private void features(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return;
    }
    CodexFeatures known = CodexFeatures.pinned();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      Val x = e.getValue();
      String name = e.getKey();
      String k = path + "." + name;
      java.util.Optional<String> alias = known.aliasOf(name);
      java.util.Optional<CodexFeatures.Feature> feature = known.feature(alias.orElse(name));
      if (feature.isEmpty()) {
        r.ignored(x.at(), k, "`" + k + "` is ignored: Codex " + known.codexVersion() + " has no such feature",
            Keys.didYouMean(name, known.all().keySet(), "remove it, or check its spelling against `codex features list`"));
        continue;
      }
      CodexFeatures.Feature f = feature.get();
      Boolean on;
      if (x.isTable()) {
        if (!f.takesTable()) {
          r.problem(x.at(), k, k + " takes true or false, not a table; Codex refuses the file", "write " + name + " = true or false");
          continue;
        }
        on = featureTable(x, k, f);
        if (on == null) {
          continue;
        }
      } else if (x.isBoolean()) {
        on = (Boolean) x.raw();
      } else {
        r.problem(x.at(), k, k + " must be true or false, got " + x.typeName(), "write " + name + " = true or false, without quotes");
        continue;
      }
      if (alias.isPresent()) {
        r.warning(x.at(), k, k + " is deprecated: it is the old name of features." + alias.get(), "rename it to " + alias.get());
      } else if (f.stage() == CodexFeatures.Stage.DEPRECATED) {
        r.warning(x.at(), k, k + " is deprecated", deprecatedFeatureHint(name));
      } else if (f.stage() == CodexFeatures.Stage.REMOVED) {
        r.note(x.at(), k, k + " was removed from Codex; setting it has no effect", "remove it");
      }
      if (f.key().equals("multi_agent") && Boolean.FALSE.equals(on)) {
        multiAgentOff(x, k, alias.isPresent() ? " (the old name of features.multi_agent)" : "");
      }
    }
  }

  /**
   * Reports the flags still under development that the merged configuration turns on, as Codex
   * warns when a session starts, unless the merged {@code suppress_unstable_features_warning} is
   * true: one warning, at the first such flag in Codex's (alphabetical) order.
   *
   * @param merged the configuration with every layer merged
   */
  void underDevelopment(Map<String, Val> merged) {
    Val suppress = merged.get("suppress_unstable_features_warning");
    Val f = merged.get("features");
    if (suppress != null && Boolean.TRUE.equals(suppress.raw()) || f == null || !f.isTable()) {
      return;
    }
    java.util.TreeMap<String, Val> on = new java.util.TreeMap<>();
    for (Map.Entry<String, Val> e : f.table().entrySet()) {
      java.util.Optional<CodexFeatures.Feature> feature = CodexFeatures.pinned().feature(e.getKey());
      Val x = e.getValue();
      Val en = x.isTable() ? x.table().get("enabled") : null;
      boolean enabled = x.isBoolean() ? Boolean.TRUE.equals(x.raw()) : en != null && Boolean.TRUE.equals(en.raw());
      if (feature.isPresent() && feature.get().stage() == CodexFeatures.Stage.UNDER_DEVELOPMENT && enabled) {
        on.put(e.getKey(), x.isTable() ? en : x); // where it is turned on, not where its table was last touched
      }
    }
    if (!on.isEmpty()) {
      Map.Entry<String, Val> first = on.firstEntry();
      r.warning(first.getValue().at(), "features." + first.getKey(),
          "features still under development are enabled (" + String.join(", ", on.keySet()) + "); Codex warns when it starts that they"
              + " are incomplete and may misbehave",
          "turn them off, or set suppress_unstable_features_warning = true at the top level");
    }
  }

  /**
   * Checks a flag written as a table ({@code [features.multi_agent_v2]}): Codex refuses the whole
   * file for a key the flag's table does not take, or an {@code enabled} that is not true or false.
   *
   * @return whether the table turns the flag on, false when it does not say, or null when it is wrong
   */
  private Boolean featureTable(Val x, String k, CodexFeatures.Feature f) {
    Map<String, Val> sub = table(x, k);
    boolean ok = true;
    for (Map.Entry<String, Val> s : sub.entrySet()) {
      if (!f.subKeys().contains(s.getKey())) {
        String hint = Keys.didYouMean(s.getKey(), f.subKeys(), "keys " + k + " takes: " + String.join(", ", f.subKeys()));
        if (f.subKeysComplete()) {
          r.problem(s.getValue().at(), k + "." + s.getKey(), "unknown key '" + s.getKey() + "' in " + k + "; Codex refuses the file for it", hint);
          ok = false;
        } else {
          // Codex takes one more key here than Orchestra knows by name: this may be it.
          r.warning(s.getValue().at(), k + "." + s.getKey(),
              "unknown key '" + s.getKey() + "' in " + k + "; unless it is the one key of this table Orchestra does not know by name,"
                  + " Codex refuses the file for it", hint);
        }
      }
    }
    Val enabled = sub.get("enabled");
    if (enabled != null && !enabled.isBoolean()) {
      r.problem(enabled.at(), k + ".enabled", k + ".enabled must be true or false, got " + enabled.typeName(), "write enabled = true or false");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    return enabled != null && Boolean.TRUE.equals(enabled.raw());
  }

  private static String deprecatedFeatureHint(String name) {
    return switch (name) {
      case "multi_agent" -> "remove it: [agents] enabled = false turns sub-agents off, and [features.multi_agent_v2] chooses the newer ones";
      case "web_search_request", "web_search_cached" -> "remove it: web search is on by default; set the top-level web_search to \"live\","
          + " \"cached\", \"indexed\" or \"disabled\" to choose";
      default -> "remove it";
    };
  }

  /** Reports a setting that turns sub-agents off, which Orchestra cannot honour. */
  void multiAgentOff(Val v, String path, String aside) {
    r.silentlyIgnored(v.at(), path,
        path + aside + " = false is not honoured: Orchestra always runs several agents (its team of roles), so it is ignored;"
            + " it only turns sub-agents off in Codex's own sessions",
        "remove it, or set it to true; to run fewer agents at once lower agents.max_threads");
  }

  /** Reports a key Codex does not know in a table whose keys it checks: it warns that it ignores it. */
  private void unknownIn(Map.Entry<String, Val> e, String path, Set<String> known) {
    r.unknownKey(e.getValue().at(), path, ignored(path),
        Keys.didYouMean(e.getKey(), known, "remove it; known keys here: " + String.join(", ", sorted(known))), true);
  }

  /** What Codex says of a key it does not know and skips (a warning when it starts). */
  static String ignored(String path) {
    return "`" + path + "` is ignored: Codex has no such setting";
  }

  static List<String> sorted(Set<String> keys) {
    List<String> list = new ArrayList<>(keys);
    Collections.sort(list);
    return list;
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new java.util.HashSet<>(a);
    out.addAll(b);
    return out;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  static String lastKey(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
