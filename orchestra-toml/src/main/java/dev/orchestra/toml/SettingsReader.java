package dev.orchestra.toml;

import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.toml.CodexSettings.McpServer;
import dev.orchestra.toml.CodexSettings.McpTransport;
import dev.orchestra.toml.CodexSettings.SandboxWorkspaceWrite;
import dev.orchestra.toml.CodexSettings.ShellEnvironmentPolicy;
import java.nio.file.Path;
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
   * Reads a table through {@link Schema#TOP}.
   *
   * @param table the table, paths already resolved
   * @param scope which keys are known
   * @param prefix the key path of the table followed by a dot, or empty for a file's top level
   */
  CodexSettings read(Map<String, Val> table, Scope scope, String prefix) {
    Schema.Top top = new Schema.Top(this, scope);
    for (Map.Entry<String, Val> e : table.entrySet()) {
      String key = e.getKey();
      Val v = e.getValue();
      String path = prefix + key;
      if (key.equals(Keys.ORCHESTRA)) {
        orchestraKey(v, path, scope);
        top.other.put(key, v.plain());
        continue;
      }
      Schema.TOP.read(this, key, v, path, top, scope, (k, x, at) -> {
        unknown(x, at, k, scope);
        top.other.put(k, x.plain());
      });
    }
    if (scope == Scope.ROLE_FILE) {
      // Its flags reach the role's Codex process as overrides: Codex warns when that process starts.
      underDevelopment(table);
    }
    top.parts.otherKeys = Collections.unmodifiableMap(top.other);
    return new CodexSettings(top.parts);
  }

  /** The top-level {@code [orchestra]} table: Orchestra's own in config.toml, refused in a role file, unknown in a profile. */
  private void orchestraKey(Val v, String path, Scope scope) {
    switch (scope) {
      case CONFIG -> orchestra(v, path);
      case ROLE_FILE -> r.unknownKey(v.at(), path,
          "unknown key 'orchestra' in a role file (Codex 0.115+ rejects the role for it; Orchestra keeps the role"
              + " and ignores the table)",
          "move [orchestra] to config.toml; a role file cannot set Orchestra's own settings", true);
      case PROFILE -> unknown(v, path, Keys.ORCHESTRA, scope);
    }
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
   * Notes a role file's {@code mcp_servers} or {@code skills}: a role that Codex runs gets them (the
   * role file reaches its Codex process as overrides); Orchestra's own tool loop does not use them.
   */
  void codexOnly(Val v, String path) {
    boolean mcp = lastKey(path).equals("mcp_servers");
    r.note(v.at(), path,
        "a role file's " + lastKey(path) + " reach the role only when Codex runs it (orchestra run --agent codex passes them to its"
            + " process); Orchestra's own tool loop " + (mcp ? "does not give a role MCP servers" : "does not read a role's skills from its configuration"),
        mcp ? "nothing to change for a Codex agent; for the tool loop, the role has no MCP servers"
            : "nothing to change for a Codex agent; for the tool loop, attach skills in code with Orchestrator.Builder.skills(role, skills)");
  }

  /**
   * Reports a role file's {@code [shell_environment_policy]} or {@code [sandbox_workspace_write]}:
   * Codex gives a sub-agent its parent's, and Orchestra gives every command the run's.
   */
  void runLevelOnly(Val v, String path) {
    r.ignored(v.at(), path,
        "a role's [" + path + "] is ignored: every command of a run gets the run's, as Codex gives a sub-agent its parent's",
        "move [" + path + "] to config.toml");
  }

  private void unknown(Val v, String path, String key, Scope scope) {
    if (key.equals("default_subagent_reasoning_effort")) {
      r.ignored(v.at(), path,
          "default_subagent_reasoning_effort belongs in [agents], not at the top level, and Orchestra does not honour it"
              + " there either; it is ignored",
          "remove it; set model_reasoning_effort at the top level for every role, or in a role's config_file for that role");
      return;
    }
    switch (scope) {
      case ROLE_FILE:
        r.unknownKey(
            v.at(),
            path,
            "unknown key '" + key + "' in a role file (Codex 0.115+ rejects the role for it; Orchestra keeps the role)",
            Keys.didYouMean(
                key,
                Schema.TOP.keys(Scope.ROLE_FILE),
                "remove it; a role file takes name, description, nickname_candidates and config.toml keys"),
            true);
        break;
      case PROFILE:
        boolean topLevel = Schema.TOP.knows(key, Scope.CONFIG) || key.equals(Keys.ORCHESTRA);
        r.unknownKey(v.at(), path,
            topLevel ? "`" + path + "` is ignored: a profile does not take " + key : ignored(path),
            topLevel ? "set " + key + " at the top level of config.toml, or remove it here"
                : Keys.didYouMean(key, Schema.TOP.keys(Scope.PROFILE), "remove it"),
            true);
        break;
      default:
        r.unknownKey(
            v.at(),
            path,
            ignored(path),
            Keys.didYouMean(key, union(Schema.TOP.keys(Scope.CONFIG), Set.of(Keys.ORCHESTRA)),
                "remove it, or check its spelling against the Codex configuration reference"),
            true);
    }
  }

  /** Reports a role file's blank {@code developer_instructions}. */
  void blankInstructions(Val v, String path) {
    r.problem(v.at(), path, "developer_instructions is blank", "write the role's instructions, or remove the key");
  }

  /** Reports the top-level {@code profile} key, which Codex rejects since 0.134. */
  void profileKeyDropped(Val v, String path) {
    r.problem(
        v.at(),
        path,
        "the top-level 'profile' key is no longer supported (Codex rejects it since 0.134)",
        "remove it; put the profile's settings in $CODEX_HOME/<name>.config.toml and select it"
            + " with --profile <name> (CodexConfig.Builder.profile(name) in Orchestra)");
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

  /** A whole number of at least {@code min} ({@link Long#MIN_VALUE} for any). */
  Long integer(Val v, String path, long min) {
    if (!v.isLong()) {
      r.problem(v.at(), path, path + " must be an integer, got " + v.typeName(),
          "write a whole number without quotes" + (min == Long.MIN_VALUE ? "" : ", at least " + min));
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

  /** An approval policy as read: the policy, and the granular table when one was given. */
  record Approval(ApprovalPolicy policy, Map<String, Object> granular) {}

  Approval approval(Val v, String path) {
    String allowed = "untrusted, on-request, never, on-failure (deprecated) or a table { granular = { ... } }";
    if (v.isString()) {
      String s = v.string();
      if (s.equals("on-failure")) {
        r.warning(v.at(), path, "approval_policy = \"on-failure\" is deprecated; Codex treats it as on-request", "write approval_policy = \"on-request\"");
        return new Approval(ApprovalPolicy.ON_REQUEST, Map.of());
      } else if (List.of("untrusted", "on-request", "never").contains(s)) {
        return new Approval(ApprovalPolicy.fromConfigValue(s).orElseThrow(), Map.of());
      }
      r.problem(v.at(), path, path + " = \"" + s + "\" is not allowed; allowed values: " + allowed,
          Keys.closest(s, List.of("untrusted", "on-request", "never", "on-failure")).map(c -> "did you mean \"" + c + "\"?").orElse("use one of: " + allowed));
      return null;
    }
    if (v.isTable() && v.table().size() == 1) {
      Map.Entry<String, Val> only = v.table().entrySet().iterator().next();
      if ((only.getKey().equals("granular") || only.getKey().equals("reject")) && only.getValue().isTable()) {
        if (only.getKey().equals("reject")) {
          r.warning(v.at(), path, "approval_policy { reject = ... } was renamed { granular = ... } in Codex 0.115", "rename 'reject' to 'granular'");
        }
        return new Approval(ApprovalPolicy.ON_REQUEST, castPlainMap(only.getValue()));
      }
    }
    r.problem(v.at(), path, path + " must be one of " + allowed + ", got " + v.typeName(), "write approval_policy = \"on-request\", or approval_policy = { granular = { ... } }");
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castPlainMap(Val v) {
    return (Map<String, Object>) v.plain();
  }

  SandboxWorkspaceWrite sandboxWorkspaceWrite(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    Schema.SandboxDraft d = new Schema.SandboxDraft();
    Schema.SANDBOX_WORKSPACE_WRITE.read(this, t, path + ".", d, Scope.CONFIG, unknownIn(Schema.SANDBOX_WORKSPACE_WRITE.keys()));
    return new SandboxWorkspaceWrite(d.roots, d.network, d.tmpdir, d.slashTmp);
  }

  /** Folder paths: an array of strings, each a valid path (an invalid one is reported and left out). */
  List<Path> paths(Val v, String path) {
    List<String> list = strings(v, path);
    if (list == null) {
      return null;
    }
    List<Path> out = new ArrayList<>();
    for (String root : list) {
      try {
        out.add(Path.of(root));
      } catch (java.nio.file.InvalidPathException ex) {
        r.problem(v.at(), path, "\"" + root + "\" is not a valid path: " + ex.getReason(), "write a folder path");
      }
    }
    return out;
  }

  ShellEnvironmentPolicy shellPolicy(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    Schema.ShellDraft d = new Schema.ShellDraft();
    Schema.SHELL_ENVIRONMENT_POLICY.read(this, t, path + ".", d, Scope.CONFIG, unknownIn(Schema.SHELL_ENVIRONMENT_POLICY.keys()));
    return new ShellEnvironmentPolicy(d.inherit, d.ignoreDefaultExcludes, d.exclude, d.set, d.includeOnly, d.useProfile);
  }

  /** {@code experimental_use_profile}: true is reported, since Orchestra runs commands without the user's shell profile. */
  Boolean shellProfile(Val v, String path) {
    Boolean on = bool(v, path);
    if (Boolean.TRUE.equals(on)) {
      r.warning(v.at(), path, path + " = true is not honoured: Orchestra runs commands without the user's shell profile",
          "set the variables the profile would set in shell_environment_policy.set, or remove the key");
    }
    return on;
  }

  /** A table of environment variables, without those no process environment can hold (each reported). */
  Map<String, String> variables(Val v, String path) {
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

  /** Reads {@code [model_providers]}: see {@link ProviderReader}. */
  Map<String, ProviderConfig> providers(Val v, String path) {
    return new ProviderReader(this, r).providers(v, path);
  }

  /** A retry count: an integer of 0 or more; above the cap it is read as the cap, with a warning. */
  Long retries(Val v, String path) {
    Long n = integer(v, path, 0);
    if (n != null && n > ProviderConfig.MAX_RETRIES) {
      r.warning(v.at(), path, path + " = " + n + " is above Codex's cap; " + ProviderConfig.MAX_RETRIES + " is used",
          "set " + path + " to " + ProviderConfig.MAX_RETRIES + " or less");
    }
    return n;
  }

  Map<String, McpServer> mcpServers(Val v, String path) {
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
    KeyTable<Schema.McpDraft> own = stdio ? Schema.MCP_STDIO_ONLY : Schema.MCP_HTTP_ONLY;
    KeyTable<Schema.McpDraft> foreign = stdio ? Schema.MCP_HTTP_ONLY : Schema.MCP_STDIO_ONLY;
    KeyTable.Unknown unknown = unknownIn(union(Schema.MCP_COMMON.keys(), own.keys()));
    Schema.McpDraft d = new Schema.McpDraft();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + "." + e.getKey();
      Val x = e.getValue();
      if (foreign.knows(e.getKey(), Scope.CONFIG)) {
        r.problem(x.at(), k, "'" + e.getKey() + "' is not supported for " + (stdio ? "stdio" : "streamable_http") + " servers",
            "remove " + e.getKey() + " from [" + path + "]" + (stdio ? " (it applies to url servers)" : " (it applies to command servers)"));
        continue;
      }
      (own.knows(e.getKey(), Scope.CONFIG) ? own : Schema.MCP_COMMON).read(this, e.getKey(), x, k, d, Scope.CONFIG, unknown);
    }
    if (r.problems() > before) {
      return null;
    }
    return new McpServer(name, transport, d.command, d.args, d.env, d.url, d.bearerTokenEnvVar,
        d.startupTimeout != null ? d.startupTimeout : d.startupTimeoutMs, d.toolTimeout, d.enabled, d.required, d.enabledTools,
        d.disabledTools);
  }

  /** The OpenTelemetry exporters Codex names. */
  private static final List<String> OTEL_EXPORTERS = List.of("none", "statsig", "otlp-http", "otlp-grpc");

  /**
   * An OpenTelemetry exporter: one Codex names, or a table with one key, an exporter's name, that
   * configures it (Codex checks what is inside).
   */
  Val otelExporter(Val v, String path) {
    if (v.isTable()) {
      Map<String, Val> t = v.table();
      if (t.size() != 1 || !OTEL_EXPORTERS.contains(t.keySet().iterator().next())) {
        r.problem(v.at(), path, path + " as a table must hold one exporter (" + String.join(", ", OTEL_EXPORTERS) + ") and its settings; Codex"
            + " refuses the file otherwise", "write " + lastKey(path) + " = \"none\", or " + lastKey(path) + " = { otlp-http = { ... } }");
        return null;
      }
      return v;
    }
    return oneOf(v, path, OTEL_EXPORTERS) == null ? null : v;
  }

  /** True, false, or a table (whose keys are not checked here). */
  Val boolOrTable(Val v, String path) {
    if (v.isBoolean() || v.isTable()) {
      return v;
    }
    r.problem(v.at(), path, path + " must be true, false or a table, got " + v.typeName(), "write " + lastKey(path) + " = true or false");
    return null;
  }

  /** An array of tables. */
  Val tables(Val v, String path) {
    if (v.isArray() && v.array().stream().allMatch(Val::isTable)) {
      return v;
    }
    r.problem(v.at(), path, path + " must be an array of tables, got " + v.typeName() + (v.isArray() ? " with other values" : ""),
        "write each entry as [[" + path + "]] followed by its keys");
    return null;
  }

  /** An inline {@code bearer_token}: refused, since a token must not be written in the configuration. */
  Object inlineBearerToken(Val v, String path) {
    r.problem(v.at(), path, "inline bearer_token is not supported: a token must not be written in the configuration",
        "put the token in an environment variable and set bearer_token_env_var = \"NAME\"");
    return null;
  }

  /** Any array. */
  Val array(Val v, String path) {
    if (!v.isArray()) {
      r.problem(v.at(), path, path + " must be an array, got " + v.typeName(), "write " + lastKey(path) + " = [\"...\", ...]");
      return null;
    }
    return v;
  }

  Map<String, CodexSettings> profiles(Val v, String path) {
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
    Set<String> known = Schema.ORCHESTRA.keys();
    // Orchestra's own table: a key it does not know is most likely a typo of one it does, and
    // ignoring it would quietly change what a run does.
    Schema.ORCHESTRA.read(this, t, path + ".", null, Scope.CONFIG, (k, x, at) -> r.unknownKey(x.at(), at,
        "unknown key '" + k + "' in [orchestra] (Orchestra ignores it)",
        Keys.didYouMean(k, known, "remove it; [orchestra] takes: " + String.join(", ", sorted(known))), true));
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

  /** Checks {@code [projects]}: each entry is a table of {@link Schema#PROJECT} keys. */
  Val projects(Val v, String path) {
    Map<String, Val> t = table(v, path);
    if (t == null) {
      return null;
    }
    for (Map.Entry<String, Val> e : t.entrySet()) {
      String k = path + ".\"" + e.getKey() + "\"";
      Map<String, Val> project = table(e.getValue(), k);
      if (project != null) {
        Schema.PROJECT.read(this, project, k + ".", null, Scope.CONFIG, unknownIn(Schema.PROJECT.keys()));
      }
    }
    return v;
  }

  /** Checks {@code [features]}: see {@link FeatureReader}. */
  Val features(Val v, String path) {
    return new FeatureReader(this, r).features(v, path);
  }

  /** Reports the enabled flags still under development: see {@link FeatureReader#underDevelopment}. */
  void underDevelopment(Map<String, Val> merged) {
    new FeatureReader(this, r).underDevelopment(merged);
  }

  /** Reports a setting that turns sub-agents off, which Orchestra cannot honour. */
  void multiAgentOff(Val v, String path, String aside) {
    r.silentlyIgnored(v.at(), path,
        path + aside + " = false is not honoured: Orchestra always runs several agents (its team of roles), so it is ignored;"
            + " it only turns sub-agents off in Codex's own sessions",
        "remove it, or set it to true; to run fewer agents at once lower agents.max_threads");
  }

  /** Reports a key Codex does not know in a table whose keys it checks: it warns that it ignores it. */
  void unknownIn(String key, Val v, String path, Set<String> known) {
    r.unknownKey(v.at(), path, ignored(path),
        Keys.didYouMean(key, known, "remove it; known keys here: " + String.join(", ", sorted(known))), true);
  }

  /** The handler of unknown keys of a table whose keys Codex checks. */
  KeyTable.Unknown unknownIn(Set<String> known) {
    return (key, v, path) -> unknownIn(key, v, path, known);
  }

  /** A thread cap of {@code [agents]}: an integer of 1 or more. */
  Long threadCount(Val v, String path) {
    if (!v.isLong()) {
      return integer(v, path, 1);
    }
    if (v.longValue() < 1) {
      r.problem(v.at(), path, path + " must be at least 1, got " + v.longValue(),
          "set " + path + " to 1 or more (Codex's default is " + ConfigLoader.DEFAULT_MAX_THREADS + "; Orchestra's starter pack uses 12)");
      return null;
    }
    return v.longValue();
  }

  /**
   * Reports {@code [agents] default_subagent_*}: Orchestra's roles take their model and effort from
   * their role file, the top level or the built-in role, never from these.
   */
  void subagentDefaultNotHonoured(Val v, String path, String instead) {
    r.silentlyIgnored(v.at(), path,
        path + ": Orchestra does not honour it, so it is ignored; every role takes its " + instead
            + " from its role file, else from the top level of config.toml",
        "remove it; set " + instead + " at the top level for every role, or in a role's config_file for that role");
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

  static String lastKey(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
