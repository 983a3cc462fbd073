package dev.orchestra.toml;

import static dev.orchestra.toml.Fixtures.codexHome;
import static dev.orchestra.toml.Fixtures.isolated;
import static dev.orchestra.toml.Fixtures.mkdirs;
import static dev.orchestra.toml.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.toml.Diagnostic.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every diagnostic the issue lists, lenient and strict, with its position and fix. */
final class VerifyTest {
  @TempDir Path root;

  private static final String ROLE = "[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/r.toml\"\n";

  /** config.toml, role file (or null), severity, key, message fragment, hint fragment, line. */
  static Stream<Arguments> diagnostics() {
    return Stream.of(
        Arguments.of("syntax error", "model = \"a\"\nsandbox_mode = \n", null, Severity.ERROR, "", "TOML syntax error", "fix the syntax", 2),
        Arguments.of("arrays nested too deeply to parse", "model = \"a\"\nx = [ " + "[".repeat(10_000) + "]".repeat(10_000) + " ]\n", null,
            Severity.ERROR, "", "nest more than 100 levels", "flatten", 2),
        Arguments.of("tables nested too deeply to read", "model = \"a\"\n\na" + ".b".repeat(5_000) + " = 1\n", null,
            Severity.ERROR, "", "nest more than 100 levels", "flatten", 3),
        Arguments.of("syntax error in a role file", ROLE, "model = [\n", Severity.ERROR, "", "TOML syntax error", "fix the syntax", 2),
        Arguments.of("missing config_file", "[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/missing.toml\"\n", null,
            Severity.ERROR, "agents.r.config_file", "does not exist", "create", 3),
        Arguments.of("sandbox_mode outside its set", "\nsandbox_mode = \"full\"\n", null, Severity.ERROR, "sandbox_mode",
            "allowed values: read-only, workspace-write, danger-full-access", "use one of", 2),
        Arguments.of("typo in approval_policy", "approval_policy = \"on-requets\"\n", null, Severity.ERROR, "approval_policy",
            "allowed values: untrusted, on-request, never", "did you mean \"on-request\"?", 1),
        Arguments.of("on-failure is a deprecated alias", "approval_policy = \"on-failure\"\n", null, Severity.WARNING, "approval_policy",
            "deprecated", "on-request", 1),
        Arguments.of("summary outside its set", "model_reasoning_summary = \"short\"\n", null, Severity.ERROR, "model_reasoning_summary",
            "allowed values: auto, concise, detailed, none", "", 1),
        Arguments.of("verbosity outside its set", "model_verbosity = \"loud\"\n", null, Severity.ERROR, "model_verbosity",
            "allowed values: low, medium, high", "", 1),
        Arguments.of("effort Codex names but no provider accepts", "model_reasoning_effort = \"ultra\"\n", null, Severity.ERROR,
            "model_reasoning_effort", "no provider accepts", "xhigh", 1),
        Arguments.of("mistyped effort", "\nmodel_reasoning_effort = \"hihg\"\n", null, Severity.ERROR, "model_reasoning_effort",
            "allowed values: none, minimal, low, medium, high, xhigh", "did you mean \"high\"?", 2),
        Arguments.of("effort no provider accepts in a role file", ROLE, "model = \"m\"\nmodel_reasoning_effort = \"max\"\n", Severity.ERROR,
            "model_reasoning_effort", "role 'r' cannot be loaded", "xhigh", 2),
        Arguments.of("empty effort", "model_reasoning_effort = \"\"\n", null, Severity.ERROR, "model_reasoning_effort", "is empty", "xhigh", 1),
        Arguments.of("wrong type", "model = 5\n", null, Severity.ERROR, "model", "must be a string, got an integer", "quotes", 1),
        Arguments.of("value outside its set in a role file", ROLE, "sandbox_mode = \"full\"\n", Severity.ERROR, "sandbox_mode",
            "role 'r' cannot be loaded", "use one of", 1),
        Arguments.of("max_threads below 1", "[agents]\nmax_threads = 0\n", null, Severity.ERROR, "agents.max_threads",
            "must be at least 1, got 0", "1 or more", 2),
        Arguments.of("max_threads alias below 1", "[agents]\nmax_concurrent_threads_per_session = -2\n", null, Severity.ERROR,
            "agents.max_concurrent_threads_per_session", "must be at least 1", "1 or more", 2),
        Arguments.of("blank description", "[agents.r]\ndescription = \"   \"\n", null, Severity.ERROR, "agents.r.description",
            "blank", "one line", 2),
        Arguments.of("empty nickname list", "[agents.r]\ndescription = \"R.\"\nnickname_candidates = []\n", null, Severity.ERROR,
            "agents.r.nickname_candidates", "is empty", "at least one", 3),
        Arguments.of("nickname with a bad character", "[agents.r]\ndescription = \"R.\"\nnickname_candidates = [\"Ada!\"]\n", null,
            Severity.ERROR, "agents.r.nickname_candidates", "only ASCII letters", "\"Ada\"", 3),
        Arguments.of("blank nickname", "[agents.r]\ndescription = \"R.\"\nnickname_candidates = [\" \"]\n", null,
            Severity.ERROR, "agents.r.nickname_candidates", "blank", "remove", 3),
        Arguments.of("duplicate nickname", "[agents.r]\ndescription = \"R.\"\nnickname_candidates = [\"A\", \" A\"]\n", null,
            Severity.ERROR, "agents.r.nickname_candidates", "twice", "once", 3),
        Arguments.of("unknown key in a role file", ROLE, "model = \"m\"\nmodle = \"x\"\n", Severity.WARNING, "modle",
            "unknown key 'modle' in a role file (Codex 0.115+ rejects the role for it; Orchestra keeps the role)",
            "did you mean 'model'?", 2),
        Arguments.of("config key inside [agents.<role>]", "[agents.r]\ndescription = \"R.\"\nmodel = \"m\"\n", null, Severity.NOTE,
            "agents.r.model", "Codex ignores it there", "move model into the role's config_file", 3),
        Arguments.of("redefined built-in provider", "[model_providers.openai]\nname = \"Mine\"\nbase_url = \"http://x\"\n", null,
            Severity.ERROR, "model_providers.openai", "redefines the built-in provider 'openai'", "openai_base_url", 1),
        Arguments.of("provider without a name", "[model_providers.corp]\nbase_url = \"http://x\"\n", null, Severity.ERROR,
            "model_providers.corp.name", "has no name", "name = \"corp\"", 1),
        Arguments.of("chat wire api: Orchestra speaks it, Codex refuses it", "[model_providers.corp]\nname = \"Corp\"\nwire_api = \"chat\"\n",
            null, Severity.WARNING, "model_providers.corp.wire_api", "Codex itself refuses", "Orchestra", 3),
        Arguments.of("wire api outside its set", "[model_providers.corp]\nname = \"Corp\"\nwire_api = \"chats\"\n", null, Severity.ERROR,
            "model_providers.corp.wire_api", "allowed values: responses, chat", "did you mean \"chat\"?", 3),
        Arguments.of("base url no provider can use", "[model_providers.corp]\nname = \"Corp\"\nbase_url = \"localhost:8000/v1\"\n", null,
            Severity.ERROR, "model_providers.corp.base_url", "model_providers.corp.base_url must be an http or https URL with a host",
            "https://llm.example.com/v1", 3),
        Arguments.of("base url with a query", "[model_providers.corp]\nname = \"Corp\"\nbase_url = \"https://x.example/v1?api-version=1\"\n",
            null, Severity.ERROR, "model_providers.corp.base_url", "must not have a query or fragment", "query_params", 3),
        Arguments.of("header the HTTP client sets itself", "[model_providers.corp]\nname = \"Corp\"\nhttp_headers = { Host = \"x\" }\n",
            null, Severity.WARNING, "model_providers.corp.http_headers.Host", "the HTTP client sets it itself; the header is ignored",
            "remove the header", 3),
        Arguments.of("client-side limit out of range", "[model_providers.corp]\nname = \"Corp\"\nrequests_per_period = 3000000000\n", null,
            Severity.ERROR, "model_providers.corp.requests_per_period", "model_providers.corp.requests_per_period must be between 0 and",
            "smaller number", 3),
        Arguments.of("unknown provider id", "model_provider = \"corp\"\n", null, Severity.ERROR, "model_provider", "names no provider",
            "openai", 1),
        Arguments.of("legacy top-level profile", "profile = \"deep\"\n", null, Severity.ERROR, "profile", "no longer supported",
            "deep".isEmpty() ? "" : "<name>.config.toml", 1),
        Arguments.of("scalar mistyped into [agents]", "[agents]\nmax_thread = 5\n", null, Severity.ERROR, "agents.max_thread",
            "is not an [agents] setting", "did you mean agents.max_threads?", 2),
        Arguments.of("mcp server without transport", "[mcp_servers.docs]\nenabled = true\n", null, Severity.ERROR, "mcp_servers.docs",
            "invalid transport", "command", 1),
        Arguments.of("stdio server with an http field", "[mcp_servers.docs]\ncommand = \"npx\"\nurl = \"http://x\"\n", null, Severity.ERROR,
            "mcp_servers.docs", "both command and url", "not both", 1),
        Arguments.of("http server with a stdio field", "[mcp_servers.docs]\nurl = \"http://x\"\nargs = [\"a\"]\n", null, Severity.ERROR,
            "mcp_servers.docs.args", "not supported for streamable_http", "remove args", 3),
        Arguments.of("inline bearer token", "[mcp_servers.docs]\nurl = \"http://x\"\nbearer_token = \"s3cr3t\"\n", null, Severity.ERROR,
            "mcp_servers.docs.bearer_token", "inline bearer_token", "bearer_token_env_var", 3),
        Arguments.of("feature that is not a boolean", "[features]\nmulti_agent = \"yes\"\n", null, Severity.ERROR, "features.multi_agent",
            "must be true or false", "without quotes", 2),
        Arguments.of("unknown feature", "[features]\nshell_tool = true\nshell_tol = true\n", null, Severity.WARNING,
            "features.shell_tol", "`features.shell_tol` is ignored", "did you mean 'shell_tool'?", 3),
        Arguments.of("orchestra checks not an array", "model = \"m\"\n[orchestra]\nchecks = \"sh test.sh\"\n", null, Severity.ERROR,
            "orchestra.checks", "must be an array of strings, got a string", "checks = [\"", 3),
        Arguments.of("orchestra checks with a number", "[orchestra]\nchecks = [\"sh test.sh\", 3]\n", null, Severity.ERROR,
            "orchestra.checks", "must contain only strings", "quotes", 2),
        Arguments.of("orchestra checks with a blank line", "[orchestra]\nchecks = [\"sh test.sh\", \"  \"]\n", null, Severity.ERROR,
            "orchestra.checks", "entry 2 is blank", "remove", 2),
        Arguments.of("orchestra checks empty", "[orchestra]\nchecks = []\n", null, Severity.ERROR,
            "orchestra.checks", "is empty", "remove the key", 2),
        Arguments.of("orchestra not a table", "orchestra = [\"npm test\"]\n", null, Severity.ERROR,
            "orchestra", "must be a table", "[orchestra]", 1),
        Arguments.of("unknown key in [orchestra]", "[orchestra]\ncheck = [\"npm test\"]\n", null, Severity.WARNING,
            "orchestra.check", "unknown key 'check' in [orchestra]", "did you mean 'checks'?", 2),
        Arguments.of("[orchestra] in a role file", ROLE, "model = \"m\"\n[orchestra]\nchecks = [\"npm test\"]\n", Severity.WARNING,
            "orchestra", "unknown key 'orchestra' in a role file", "config.toml", 2),
        Arguments.of("trust level outside its set", "[projects.\"/x\"]\ntrust_level = \"yes\"\n", null, Severity.ERROR,
            "projects.\"/x\".trust_level", "allowed values: trusted, untrusted", "", 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("diagnostics")
  void reportsTheProblemWithPositionAndFix(String name, String config, String roleFile, Severity severity, String key,
      String message, String hint, int line) {
    Path home = codexHome(root);
    write(home.resolve("config.toml"), config);
    if (roleFile != null) {
      write(home.resolve("agents/r.toml"), roleFile);
    }
    List<Diagnostic> found = isolated(root).build().verify();
    Diagnostic d = found.stream().filter(x -> x.keyPath().equals(key) && x.message().contains(message)).findFirst()
        .orElseThrow(() -> new AssertionError("no diagnostic [" + key + "] '" + message + "' in:\n" + found));
    assertEquals(severity, d.severity(), d.toString());
    assertTrue(d.fixHint().contains(hint), d.toString());
    assertEquals(line, d.line(), d.toString());
    assertTrue(d.column() >= 1, d.toString());
    assertEquals(roleFile != null && key.indexOf('.') < 0 && !key.startsWith("agents") ? home.resolve("agents/r.toml") : home.resolve("config.toml"),
        d.file(), d.toString());
    if (severity == Severity.WARNING) {
      List<Diagnostic> strict = isolated(root).strict(true).build().verify();
      // What Codex ignores, feature flags included: the registry is the pinned release's whole list.
      boolean escalates = d.message().contains("is ignored") || d.message().contains("unknown key");
      assertEquals(escalates, strict.stream().anyMatch(x -> x.keyPath().equals(key) && x.isError()),
          "strict mode turns what Codex ignores into errors: " + strict);
    }
  }

  /** A file with one syntax error, the line tomlj should point at. */
  static Stream<Arguments> oneSyntaxError() {
    return Stream.of(
        Arguments.of("a string broken over two lines", "developer_instructions = \"Review the code,\n  then say \"ship\" or not.\"\nmodel = \"m\"\n", 1),
        Arguments.of("an inline table broken over two lines", "model = \"m\"\napproval_policy = {\n  granular = { rules = true } }\n", 2),
        Arguments.of("a key with no value", "model = \"m\"\nsandbox_mode = \nmodel_verbosity = \"low\"\n", 2),
        Arguments.of("a missing closing quote", "model = \"gpt-5.4\nsandbox_mode = \"read-only\"\n", 1),
        Arguments.of("an unclosed table header", "model = \"m\"\n[agents\nmax_threads = 3\n[features]\nmulti_agent = true\n", 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneSyntaxError")
  void oneSyntaxErrorIsOneErrorAtItsLine(String name, String config, int line) {
    write(codexHome(root).resolve("config.toml"), config);
    for (boolean strict : List.of(false, true)) {
      List<Diagnostic> found = isolated(root).strict(strict).build().verify();
      assertEquals(1, found.size(), "one mistake, one diagnostic (strict=" + strict + "):\n" + found);
      Diagnostic d = found.get(0);
      assertTrue(d.isError() && d.message().startsWith("TOML syntax error"), d.toString());
      assertEquals(codexHome(root).resolve("config.toml"), d.file());
      assertEquals(line, d.line(), d.toString());
    }
  }

  @Test
  void aBrokenRoleFileSharedByTwoRolesIsReportedOnce() {
    write(codexHome(root).resolve("config.toml"), "[agents.a]\ndescription = \"A.\"\nconfig_file = \"agents/shared.toml\"\n"
        + "[agents.b]\ndescription = \"B.\"\nconfig_file = \"agents/shared.toml\"\n");
    write(codexHome(root).resolve("agents/shared.toml"), "model = \"m\"\nsandbox_mode = \n");
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(1, found.size(), found.toString());
    assertEquals(codexHome(root).resolve("agents/shared.toml"), found.get(0).file());
    assertEquals(2, found.get(0).line());
    assertTrue(found.get(0).message().startsWith("TOML syntax error"), found.get(0).toString());
  }

  @Test
  void aBadValueInARoleFileSharedByTwoRolesIsReportedOnce() {
    write(codexHome(root).resolve("config.toml"), "[agents.a]\ndescription = \"A.\"\nconfig_file = \"agents/shared.toml\"\n"
        + "[agents.b]\ndescription = \"B.\"\nconfig_file = \"agents/shared.toml\"\n");
    write(codexHome(root).resolve("agents/shared.toml"), "sandbox_mode = \"full\"\n");
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(List.of("sandbox_mode"), found.stream().map(Diagnostic::keyPath).toList(), found.toString());
  }

  @Test
  void aFolderNamedAsProjectFolderAndFoundFromTheWorkingDirectoryIsReadOnce() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    write(repo.resolve(".codex/config.toml"), "model = \"m\"\nsandbox_mode = \n");
    List<Diagnostic> found = isolated(root).workingDirectory(repo).trustProject(true).projectFolder(repo.resolve(".codex")).build().verify();
    assertEquals(1, found.size(), found.toString());
  }

  /** config.toml, role file (or null), key, message fragment, hint fragment, line (in the role file when it has the key). */
  static Stream<Arguments> notHonoured() {
    return Stream.of(
        Arguments.of("subagent effort at the top level", "model = \"m\"\ndefault_subagent_reasoning_effort = \"low\"\n", null,
            "default_subagent_reasoning_effort", "belongs in [agents]", "model_reasoning_effort", 2),
        Arguments.of("mcp_servers in [agents.<name>]", ROLE + "mcp_servers = { docs = { command = \"npx\" } }\n", "model = \"m\"\n",
            "agents.r.mcp_servers", "not supported yet", "remove", 4),
        Arguments.of("skills in [agents.<name>]", ROLE + "skills = { config = [] }\n", "model = \"m\"\n",
            "agents.r.skills", "not supported yet", "remove", 4));
  }

  /**
   * Orchestra's own advice, which Codex does not give: key, message fragment, and whether strict
   * mode makes it an error (a setting Orchestra ignores, a key Codex passes over in silence).
   */
  static Stream<Arguments> ownAdvice() {
    return Stream.of(
        Arguments.of("[agents]\nmax_threads = 4\ndefault_subagent_reasoning_effort = \"high\"\n",
            "agents.default_subagent_reasoning_effort", "Orchestra does not honour", true),
        Arguments.of("[agents]\ndefault_subagent_model = \"gpt-5.4-mini\"\n", "agents.default_subagent_model", "Orchestra does not honour", true),
        Arguments.of("[agents]\nenabled = false\n", "agents.enabled", "Orchestra always runs several agents", true),
        Arguments.of("[agents.r]\ndescription = \"R.\"\nbogus = 1\n", "agents.r.bogus", "Codex ignores it without a warning", true),
        Arguments.of("[features]\njs_repl = true\n", "features.js_repl", "was removed from Codex", false),
        Arguments.of("[profiles.fast]\nmodel = \"m\"\n", "profiles", "not applied by Codex", false));
  }

  /** A role file's MCP servers and skills reach a Codex agent (as overrides): a note in every mode, not a warning. */
  @ParameterizedTest
  @ValueSource(strings = {"[mcp_servers.docs]\ncommand = \"npx\"\n", "[[skills.config]]\npath = \"/s\"\nenabled = false\n"})
  void aRoleFilesMcpServersAndSkillsAreANoteThatOnlyCodexAgentsGetThem(String roleFile) {
    write(codexHome(root).resolve("config.toml"), ROLE);
    write(codexHome(root).resolve("agents/r.toml"), "model = \"m\"\n" + roleFile);
    for (boolean strict : List.of(false, true)) {
      List<Diagnostic> found = isolated(root).strict(strict).build().verify();
      assertEquals(1, found.size(), found.toString());
      assertEquals(Severity.NOTE, found.get(0).severity(), found.toString());
      assertTrue(found.get(0).message().contains("only when Codex runs it"), found.toString());
    }
  }

  /** A note for what Codex passes over in silence; in strict mode, where nothing is ignored, an error when Orchestra ignores it. */
  @ParameterizedTest
  @MethodSource("ownAdvice")
  void orchestrasOwnAdviceIsANote(String config, String key, String message, boolean strictError) {
    write(codexHome(root).resolve("config.toml"), config);
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(List.of(key + " NOTE"), found.stream().map(d -> d.keyPath() + " " + d.severity()).toList(), found.toString());
    assertTrue(found.get(0).message().contains(message), found.toString());
    isolated(root).build().load();
    List<Diagnostic> strict = isolated(root).strict(true).build().verify();
    assertEquals(List.of(key + " " + (strictError ? "ERROR" : "NOTE")), strict.stream().map(d -> d.keyPath() + " " + d.severity()).toList());
  }

  /** What Codex says of features, as the pinned release says it: deprecated, old names, under development, tables. */
  @Test
  void featuresAreJudgedAsThePinnedCodexJudgesThem() {
    Path config = codexHome(root).resolve("config.toml");
    write(config, "[features]\nmulti_agent = false\ncollab = true\ncode_mode = true\ntoken_budget = true\n"
        + "[features.multi_agent_v2]\nenabled = true\nmax_concurrent_threads_per_session = 4\nzz_bogus = 1\n");
    List<String> found = isolated(root).build().verify().stream().map(d -> d.keyPath() + " " + d.severity() + " " + d.message()).toList();
    assertEquals(5, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("features.multi_agent WARNING features.multi_agent is deprecated"), found.toString());
    assertTrue(found.get(1).startsWith("features.multi_agent NOTE"), found.toString());
    assertTrue(found.get(2).startsWith("features.collab WARNING features.collab is deprecated: it is the old name of features.multi_agent"), found.toString());
    assertTrue(found.get(3).startsWith("features.multi_agent_v2.zz_bogus ERROR unknown key 'zz_bogus' in features.multi_agent_v2; Codex refuses"), found.toString());
    assertTrue(found.get(4).startsWith("features.code_mode WARNING features still under development are enabled (code_mode, token_budget)"), found.toString());
    write(config, "suppress_unstable_features_warning = true\n[features]\ncode_mode = true\n");
    assertEquals(List.of(), isolated(root).build().verify(), "the warning Codex was told to leave out");
    write(config, "[features.shell_tool]\nenabled = true\n");
    assertEquals(List.of("features.shell_tool ERROR"), isolated(root).build().verify().stream().map(d -> d.keyPath() + " " + d.severity()).toList());
  }

  /** Codex decides on the merged configuration: a suppression in the user layer covers a flag a project turns on. */
  @Test
  void theUnderDevelopmentWarningFollowsTheMergedConfiguration() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    write(repo.resolve(".codex/config.toml"), "[features]\ncode_mode = true\n");
    write(codexHome(root).resolve("config.toml"), "suppress_unstable_features_warning = true\n");
    assertEquals(List.of(), isolated(root).workingDirectory(repo).trustProject(true).build().verify());
    write(codexHome(root).resolve("config.toml"), "model = \"m\"\n");
    List<Diagnostic> found = isolated(root).workingDirectory(repo).trustProject(true).build().verify();
    assertEquals(List.of("features.code_mode"), found.stream().map(Diagnostic::keyPath).toList(), found.toString());
    assertEquals(repo.resolve(".codex/config.toml"), found.get(0).file(), "where the flag is turned on");
    write(codexHome(root).resolve("config.toml"), "[features]\ncode_mode = true\n");
    write(repo.resolve(".codex/config.toml"), "[features]\ncode_mode = false\n");
    assertEquals(List.of(), isolated(root).workingDirectory(repo).trustProject(true).build().verify(), "turned off again by the project");
  }

  /** A role file's flags reach its Codex process as overrides, so Codex warns when that process starts. */
  @Test
  void aRoleFilesUnderDevelopmentFlagIsReportedInTheRoleFile() {
    write(codexHome(root).resolve("config.toml"), ROLE);
    write(codexHome(root).resolve("agents/r.toml"), "model = \"m\"\n[features]\ncode_mode = true\n");
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(List.of("features.code_mode WARNING"), found.stream().map(d -> d.keyPath() + " " + d.severity()).toList(), found.toString());
    assertEquals(codexHome(root).resolve("agents/r.toml"), found.get(0).file());
  }

  /** The thread budget is the cap Codex applies, from the table that sets it. */
  @Test
  void theThreadCapComesFromTheTableCodexTakesItFrom() {
    Path config = codexHome(root).resolve("config.toml");
    write(config, "model = \"m\"\n");
    assertEquals(new ThreadCap(6, 6, "default", false), isolated(root).build().load().threadCap());
    write(config, "[agents]\nmax_threads = 9\n");
    assertEquals(new ThreadCap(9, 9, "agents.max_threads", false), isolated(root).build().load().threadCap());
    write(config, "[agents]\nmax_concurrent_threads_per_session = 7\n[features]\nmulti_agent_v2 = true\n");
    assertEquals(new ThreadCap(7, 7, "agents.max_concurrent_threads_per_session", false), isolated(root).build().load().threadCap());
    write(config, "[features]\nmulti_agent_v2 = true\n");
    assertEquals(new ThreadCap(3, 4, "default", true), isolated(root).build().load().threadCap());
    write(config, "[agents]\nmax_threads = 9\n[features.multi_agent_v2]\nenabled = true\nmax_concurrent_threads_per_session = 5\n");
    LoadedConfig loaded = isolated(root).build().load();
    assertEquals(new ThreadCap(4, 5, "features.multi_agent_v2.max_concurrent_threads_per_session", true), loaded.threadCap());
    assertEquals(4, loaded.toRoles().maxThreads(), "Orchestra's thread budget");
    assertEquals("4 agents at once (features.multi_agent_v2.max_concurrent_threads_per_session = 5, which counts the main agent)",
        loaded.threadCap().describe());
  }

  /** What Orchestra will not honour: a warning that loads, and in strict mode an error that does not. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notHonoured")
  void settingsOrchestraDoesNotHonourWarnAndFailWhenStrict(String name, String config, String roleFile, String key, String message,
      String hint, int line) {
    Path home = codexHome(root);
    write(home.resolve("config.toml"), config);
    if (roleFile != null) {
      write(home.resolve("agents/r.toml"), roleFile);
    }
    Path file = roleFile != null && !key.startsWith("agents.") ? home.resolve("agents/r.toml") : home.resolve("config.toml");
    List<Diagnostic> lenient = isolated(root).build().verify();
    assertEquals(1, lenient.size(), lenient.toString());
    Diagnostic d = lenient.get(0);
    assertEquals(Severity.WARNING, d.severity(), d.toString());
    assertEquals(key, d.keyPath(), d.toString());
    assertTrue(d.message().contains(message), d.toString());
    assertTrue(d.fixHint().contains(hint), d.toString());
    assertEquals(line, d.line(), d.toString());
    assertEquals(file, d.file(), d.toString());
    isolated(root).build().load();
    List<Diagnostic> strict = isolated(root).strict(true).build().verify();
    assertEquals(List.of(key), strict.stream().map(Diagnostic::keyPath).toList(), strict.toString());
    assertTrue(strict.get(0).isError(), strict.toString());
    assertThrows(CodexConfigException.class, () -> isolated(root).strict(true).build().load());
  }

  @Test
  void configFileWrittenRelativeToTheRepoInsteadOfDotCodexGetsTheCorrectedPath() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    write(repo.resolve(".codex/config.toml"), "[agents.x]\ndescription = \"X.\"\nconfig_file = \".codex/agents/x.toml\"\n");
    write(repo.resolve(".codex/agents/x.toml"), "model = \"m\"\n");
    List<Diagnostic> found = isolated(root).workingDirectory(repo).trustProject(true).build().verify();
    Diagnostic d = found.stream().filter(x -> x.keyPath().equals("agents.x.config_file")).findFirst().orElseThrow();
    assertTrue(d.message().contains(repo.resolve(".codex/.codex/agents/x.toml").toString()), d.toString());
    assertTrue(d.fixHint().contains("write config_file = \"agents/x.toml\""), d.toString());
    assertTrue(d.fixHint().contains(repo.resolve(".codex/agents/x.toml") + ", which exists"), d.toString());
  }

  @Test
  void configFileThatIsAFolderIsReported() {
    mkdirs(codexHome(root).resolve("agents/dir.toml"));
    write(codexHome(root).resolve("config.toml"), "[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/dir.toml\"\n");
    assertTrue(isolated(root).build().verify().stream().anyMatch(d -> d.message().contains("must point to a file")));
  }

  @Test
  void everyProblemIsReportedAtOnceAcrossFiles() {
    Path home = codexHome(root);
    write(home.resolve("config.toml"), "sandbox_mode = \"full\"\nprofile = \"x\"\n[agents]\nmax_threads = 0\nmax_thread = 3\n"
        + "[agents.a]\ndescription = \"\"\n" + ROLE + "[agents.b]\ndescription = \"B.\"\nconfig_file = \"agents/none.toml\"\n");
    write(home.resolve("agents/r.toml"), "approval_policy = \"sometimes\"\n");
    write(home.resolve("agents/broken.toml"), "name = \n");
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(List.of("sandbox_mode", "profile", "agents.max_threads", "agents.max_thread", "agents.a.description",
        "approval_policy", "agents.b.config_file", ""), found.stream().map(Diagnostic::keyPath).toList(), found.toString());
    CodexConfigException e = assertThrows(CodexConfigException.class, () -> isolated(root).build().load());
    assertEquals(found, e.diagnostics(), "load carries the same diagnostics");
    assertTrue(e.getMessage().contains("8 errors, 0 warnings"), e.getMessage());
    assertTrue(e.getMessage().contains("config.toml:1:1 [sandbox_mode]"), e.getMessage());
  }

  @Test
  void unknownKeysWarnAsCodexDoesAndAreErrorsWhenStrict() {
    Path home = codexHome(root);
    write(home.resolve("config.toml"), "modle = \"x\"\n[tui]\nanything = 1\n[model_providers.corp]\nname = \"C\"\nbase_ur = \"u\"\n"
        + "[sandbox_workspace_write]\nnetwork = true\n");
    LoadedConfig lenient = isolated(root).build().load();
    assertEquals(
        List.of("modle WARNING `modle` is ignored", "model_providers.corp.base_ur WARNING `model_providers.corp.base_ur` is ignored",
            "sandbox_workspace_write.network WARNING `sandbox_workspace_write.network` is ignored"),
        lenient.diagnostics().stream().map(d -> d.keyPath() + " " + d.severity() + " " + d.message().replaceFirst(":.*", "")).toList(),
        "Codex warns of each at start, and passes over [tui] in silence");
    assertEquals("x", lenient.table().get("modle"), "unknown keys are kept");
    List<Diagnostic> strict = isolated(root).strict(true).build().verify();
    assertEquals(List.of("modle", "model_providers.corp.base_ur", "sandbox_workspace_write.network"),
        strict.stream().map(Diagnostic::keyPath).toList());
    assertTrue(strict.stream().allMatch(Diagnostic::isError));
    assertTrue(strict.get(0).fixHint().contains("did you mean 'model'?"));
    assertThrows(CodexConfigException.class, () -> isolated(root).strict(true).build().load());
  }

  @Test
  void unknownRoleFileKeyKeepsTheRoleWhenLenient() {
    write(codexHome(root).resolve("config.toml"), ROLE);
    write(codexHome(root).resolve("agents/r.toml"), "model = \"m\"\ncolour = \"blue\"\n");
    LoadedConfig config = isolated(root).build().load();
    assertTrue(config.role("r").isPresent());
    assertEquals("blue", config.role("r").orElseThrow().settings().otherKeys().get("colour"));
    assertEquals(1, config.diagnostics().size());
  }

  @Test
  void aRoleThatCannotBeLoadedIsAnErrorLenientOrStrict() {
    write(codexHome(root).resolve("config.toml"), "[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/missing.toml\"\n");
    for (boolean strict : List.of(false, true)) {
      List<Diagnostic> found = isolated(root).strict(strict).build().verify();
      assertEquals(List.of(Severity.ERROR), found.stream().map(Diagnostic::severity).toList(), found.toString());
      assertThrows(CodexConfigException.class, () -> isolated(root).strict(strict).build().load());
    }
  }

  @Test
  void aTypoInConfigFileIsOneErrorThatNamesTheFileMeant() {
    write(codexHome(root).resolve("config.toml"), "[agents.reviewer]\ndescription = \"R.\"\nconfig_file = \"agents/reviewr.toml\"\n");
    write(codexHome(root).resolve("agents/reviewer.toml"), "model = \"m\"\n");
    List<Diagnostic> found = isolated(root).strict(true).build().verify();
    assertEquals(1, found.size(), "the file meant is not also reported as a role without name and description: " + found);
    assertEquals("agents.reviewer.config_file", found.get(0).keyPath());
    assertTrue(found.get(0).fixHint().contains("did you mean config_file = \"agents/reviewer.toml\"?"), found.get(0).toString());
  }

  @Test
  void cleanConfigurationHasNoDiagnostics() {
    write(codexHome(root).resolve("config.toml"), "#:schema https://example.invalid/schema.json\nmodel = \"gpt-5.4\"\n"
        + "model_reasoning_effort = \"xhigh\"\n[agents]\nmax_threads = 3\n" + ROLE);
    write(codexHome(root).resolve("agents/r.toml"), "developer_instructions = \"Do it.\"\n");
    assertTrue(isolated(root).strict(true).build().verify().isEmpty());
    assertFalse(isolated(root).build().load().roles().isEmpty());
  }

  @Test
  void diagnosticPrintsLikeACompilerMessage() {
    Diagnostic d = new Diagnostic(Severity.ERROR, Path.of("/x/config.toml"), 3, 1, "agents.max_threads", "too low", "raise it");
    assertEquals("ERROR /x/config.toml:3:1 [agents.max_threads] too low" + System.lineSeparator() + "  fix: raise it", d.toString());
    assertThrows(IllegalArgumentException.class, () -> new Diagnostic(Severity.ERROR, Path.of("x"), -1, 0, "", "m", ""));
  }
}
