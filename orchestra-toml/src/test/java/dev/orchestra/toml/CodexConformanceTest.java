package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test: a corpus of Codex configurations, each loaded by the pinned Codex (the
 * oracle) and by {@code orchestra verify}, as a user's {@code CODEX_HOME}. Codex's verdict comes
 * from {@code codex features list}, which refuses a file Codex cannot load and names the key, and
 * {@code codex doctor --json}, whose {@code config.load} check lists the startup warnings. The test
 * prints an agreement table (loads or refuses, and the keys each flags) and fails on any
 * disagreement but the deliberate differences listed in orchestra-toml's README, which it knows.
 *
 * <p>Codex says some things only when a session starts ({@code codex exec}), not in doctor: an
 * enabled feature still under development, and a feature's old name. For those the corpus records
 * what {@code codex exec} printed when the rules were measured (see {@link #execOnly}).
 */
final class CodexConformanceTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A configuration: its name, its config.toml, other files of the CODEX_HOME, and the keys Codex
   * flags only when a session starts (see {@link #execOnly}).
   */
  record Case(
      String name, String config, Map<String, String> files, Set<String> execOnly, String profile, Map<String, String> project,
      boolean trusted) {
    Case(String name, String config, Map<String, String> files, Set<String> execOnly) {
      this(name, config, files, execOnly, "", Map.of(), false);
    }

    Case(String name, String config) {
      this(name, config, Map.of(), Set.of());
    }

    Case(String name, String config, Map<String, String> files) {
      this(name, config, files, Set.of());
    }

    /**
     * The same case loaded with {@code --profile NAME}. Codex says whether it refuses the file
     * through {@code codex -p NAME debug prompt-input}; its startup warnings come only from a session
     * ({@code exec}), so a case names the keys they name in {@code execOnly}.
     */
    Case profile(String name, String... warned) {
      return new Case(this.name, config, files, Set.of(warned), name, project, trusted);
    }

    /**
     * The same case with a project: a git repository holding these files (paths from its root),
     * trusted in the user's config.toml or not, where Codex and verify run.
     */
    Case project(Map<String, String> projectFiles, boolean trust, String... warned) {
      return new Case(this.name, config, files, Set.of(warned), profile, projectFiles, trust);
    }
  }

  /** What one side made of a case. */
  record Verdict(boolean loads, Set<String> flagged) {
    String show() {
      return (loads ? "loads" : "REFUSES") + " " + flagged;
    }
  }

  /**
   * Cases where Orchestra differs on purpose, with why; orchestra-toml/README.md lists the same.
   * A role Codex would skip with a warning stops Orchestra, which builds its team and its gates from
   * the roles: a role quietly gone would take its gate with it.
   */
  static final Map<String, String> DELIBERATE =
      Map.ofEntries(
          Map.entry("agents both caps", "Codex skips every [agents] role; Orchestra refuses (its team comes from them)"),
          Map.entry("role config_file missing", "Codex skips the role; Orchestra refuses"),
          Map.entry("role without description", "Codex skips the role; Orchestra refuses"),
          Map.entry("role description blank", "Codex skips the role; Orchestra refuses"),
          Map.entry("role file without name", "Codex skips the role; Orchestra refuses"),
          Map.entry("role file without instructions", "Codex skips the role; Orchestra refuses"),
          Map.entry("role file unknown key", "Codex skips the role; Orchestra keeps it and warns"),
          Map.entry("role file wrong type", "Codex skips the role; Orchestra refuses"),
          Map.entry("table code_mode bad sub-key", "Codex takes a key of this table the measurements did not name; Orchestra warns"),
          Map.entry("table network_proxy bad sub-key", "as above"),
          Map.entry("table runtime_agent_instances bad sub-key", "as above"),
          Map.entry("table sleep_tool bad sub-key", "as above"),
          Map.entry("role config_file is a folder", "Codex skips the role; Orchestra refuses"),
          Map.entry("role config_file empty", "Codex skips the role; Orchestra refuses"),
          Map.entry("role file not TOML", "Codex skips the role; Orchestra refuses"),
          Map.entry("profile file missing", "Codex runs without the profile, silently; Orchestra refuses"));

  /**
   * What Codex flags only when a session starts, as measured with {@code codex exec} of the pinned
   * release: an old feature name, a deprecated flag other than multi_agent, an enabled feature under
   * development. Doctor is silent on them, so each such case names its key itself.
   */
  private static Set<String> execOnly(String key) {
    return Set.of(key);
  }

  static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    // The starter packs: Codex loads them without a word.
    for (StarterPack.Tier tier : StarterPack.Tier.values()) {
      for (boolean security : List.of(true, false)) {
        c.add(new Case("pack " + tier.configValue() + (security ? "" : " without security"), null, Map.of("pack", tier.configValue() + ":" + security)));
      }
    }
    // Wrong types and values at the top level: Codex refuses the file.
    Map<String, String> wrong = new LinkedHashMap<>();
    wrong.put("model", "5");
    wrong.put("model_provider", "5");
    wrong.put("approval_policy", "\"bogus\"");
    wrong.put("sandbox_mode", "\"bogus\"");
    wrong.put("model_verbosity", "\"loud\"");
    wrong.put("model_reasoning_summary", "\"long\"");
    wrong.put("developer_instructions", "5");
    wrong.put("service_tier", "5");
    wrong.put("project_doc_max_bytes", "\"big\"");
    wrong.put("model_context_window", "\"big\"");
    wrong.put("features", "5");
    wrong.put("agents", "5");
    wrong.put("sandbox_workspace_write", "5");
    wrong.put("shell_environment_policy", "\"all\"");
    wrong.forEach((k, v) -> c.add(new Case("top " + k + " = " + v, k + " = " + v + "\n")));
    // [agents] settings.
    c.add(new Case("agents max_threads 0", "[agents]\nmax_threads = 0\n"));
    c.add(new Case("agents max_threads text", "[agents]\nmax_threads = \"4\"\n"));
    c.add(new Case("agents cap 0", "[agents]\nmax_concurrent_threads_per_session = 0\n"));
    c.add(new Case("agents max_depth text", "[agents]\nmax_depth = \"2\"\n"));
    c.add(new Case("agents enabled text", "[agents]\nenabled = \"yes\"\n"));
    c.add(new Case("agents interrupt_message text", "[agents]\ninterrupt_message = \"stop\"\n"));
    c.add(new Case("agents job_max_runtime_seconds text", "[agents]\njob_max_runtime_seconds = \"60\"\n"));
    c.add(new Case("agents unknown scalar", "[agents]\nfoo_unknown = 1\n"));
    c.add(new Case("agents max_threads alone", "[agents]\nmax_threads = 4\n"));
    c.add(new Case("agents both caps", "[agents]\nmax_threads = 4\nmax_concurrent_threads_per_session = 4\n"));
    c.add(new Case("agents every key", "[agents]\nenabled = true\nmax_concurrent_threads_per_session = 3\nmax_depth = 2\n"
        + "default_subagent_model = \"gpt-5\"\ndefault_subagent_reasoning_effort = \"high\"\ninterrupt_message = true\njob_max_runtime_seconds = 60\n"));
    c.add(new Case("goals", "[goals]\nmax_goal_token_budget = 1000\n"));
    c.add(new Case("goals text", "[goals]\nmax_goal_token_budget = \"x\"\n"));
    c.add(new Case("multi_agent_v2 cap", "[features.multi_agent_v2]\nenabled = true\nmax_concurrent_threads_per_session = 4\n"));
    // Unknown keys at each level: Codex warns that it ignores them, or passes over them silently.
    c.add(new Case("unknown top", "commit_attribution = \"x\"\n"));
    c.add(new Case("unknown feature", "[features]\nfoo_bar = true\n"));
    c.add(new Case("unknown in sandbox_workspace_write", "[sandbox_workspace_write]\nfoo = 1\n"));
    c.add(new Case("unknown in shell_environment_policy", "[shell_environment_policy]\nzz_foo = 1\n"));
    c.add(new Case("unknown in a provider", "[model_providers.x]\nname = \"x\"\nbase_url = \"http://127.0.0.1:9/v1\"\nfoo = 1\n"));
    c.add(new Case("unknown in an MCP server", "[mcp_servers.x]\ncommand = \"a\"\nfoo = 1\n"));
    c.add(new Case("unknown in goals", "[goals]\nmax_goal_token_budget = 1000\nfoo = 1\n"));
    c.add(new Case("unknown in a profile", "[profiles.x]\nzz_foo = 1\n"));
    c.add(new Case("unknown in tui", "[tui]\nfoo = 1\n"));
    for (String table : List.of("history", "analytics", "windows", "tools", "memories", "notice", "otel", "skills")) {
      c.add(new Case("unknown in " + table, "[" + table + "]\nzz_foo = 1\n"));
    }
    c.add(new Case("history not a table", "history = 5\n"));
    // Wrong types inside the measured tables: Codex refuses the file, naming the key.
    Map<String, String> inside = new LinkedHashMap<>();
    inside.put("history", "persistence = \"bogus\"");
    inside.put("history ", "max_bytes = -1");
    inside.put("analytics", "enabled = \"yes\"");
    inside.put("windows", "sandbox = \"bogus\"");
    inside.put("tools", "client_search_provider = \"bogus\"");
    inside.put("tools.update_plan", "enabled = \"x\"");
    inside.put("memories", "version = \"v9\"");
    inside.put("memories ", "max_rollouts_per_startup = -1");
    inside.put("memories  ", "extract_model = 5");
    inside.put("notice", "hide_full_access_warning = \"yes\"");
    inside.put("notice ", "model_migrations = { a = 5 }");
    inside.put("otel", "exporter = \"bogus\"");
    inside.put("otel ", "environment = 5");
    inside.put("otel.tool_result", "max_bytes = \"x\"");
    inside.put("skills", "max_context_tokens = 0");
    inside.put("skills.bundled", "enabled = \"x\"");
    // Sub-tables and arrays of tables written as something else; values of the right type.
    inside.put("skills   ", "bundled = 5");
    inside.put("skills    ", "config = 5");
    inside.put("tools ", "update_plan = 5");
    inside.put("tools  ", "web_search = \"bogus\"");
    inside.put("tools   ", "web_search = true");
    inside.put("otel  ", "tool_result = 5");
    inside.put("otel   ", "exporter = { bogus = {} }");
    inside.put("notice  ", "external_config_migration_prompts = 5");
    inside.forEach((table, line) -> c.add(new Case("in " + table.strip() + " " + line, "[" + table.strip() + "]\n" + line + "\n")));
    for (String sub : List.of("tools.update_plan", "tools.experimental_request_user_input", "otel.tool_result", "skills.bundled",
        "notice.external_config_migration_prompts")) {
      c.add(new Case("unknown in " + sub, "[" + sub + "]\nzz_foo = 1\n"));
    }
    c.add(new Case("unknown in a skills.config entry", "[[skills.config]]\npath = \"/s\"\nenabled = false\nzz_foo = 1\n"));
    c.add(new Case("unknown in tools.web_search", "[tools.web_search]\ncontext_size = \"low\"\nzz_foo = 1\n"));
    c.add(new Case("unknown in a project entry", "[projects.\"/srv/repo\"]\ntrust_level = \"trusted\"\nzz_foo = 1\n"));
    c.add(new Case("unknown in a role table", "[agents.reviewer]\ndescription = \"x\"\nbogus = 1\n"));
    // Features: deprecated, old names, removed, under development, tables.
    CodexFeatures features = CodexFeatures.pinned();
    for (CodexFeatures.Feature f : features.all().values()) {
      if (f.key().contains(".")) {
        continue;
      }
      switch (f.stage()) {
        case DEPRECATED -> c.add(new Case("deprecated " + f.key(), "[features]\n" + f.key() + " = true\n", Map.of(),
            f.key().equals("multi_agent") ? Set.of() : execOnly("features." + f.key())));
        case REMOVED -> {
          if (List.of("js_repl", "undo", "personality", "search_tool", "enable_fanout").contains(f.key())) {
            c.add(new Case("removed " + f.key(), "[features]\n" + f.key() + " = true\n"));
          }
        }
        case UNDER_DEVELOPMENT -> {
          if (List.of("code_mode", "token_budget", "agent_message_board").contains(f.key())) {
            c.add(new Case("under development " + f.key(), "[features]\n" + f.key() + " = true\n", Map.of(), execOnly("features." + f.key())));
          }
        }
        default -> { }
      }
      if (f.takesTable()) {
        c.add(new Case("table " + f.key() + " bad sub-key", "[features." + f.key() + "]\nzz_bogus = 1\n"));
      }
    }
    c.add(new Case("under development suppressed", "suppress_unstable_features_warning = true\n[features]\ncode_mode = true\n"));
    for (String old : List.of("collab", "connectors", "codex_hooks", "memory_tool", "request_permissions", "web_search")) {
      c.add(new Case("old name " + old, "[features]\n" + old + " = true\n", Map.of(), execOnly("features." + old)));
    }
    c.add(new Case("dropped top-level key", "include_apply_patch_tool = true\n"));
    c.add(new Case("table on a flag", "[features.shell_tool]\nenabled = true\n"));
    c.add(new Case("flag as text", "[features]\nshell_tool = \"yes\"\n"));
    c.add(new Case("stable flag off", "[features]\nshell_tool = false\n"));
    // Roles and role files.
    String good = "name = \"reviewer\"\ndescription = \"Reviews.\"\ndeveloper_instructions = \"Review.\"\n";
    c.add(new Case("role file good", "", Map.of("agents/reviewer.toml", good)));
    c.add(new Case("role config_file missing", "[agents.reviewer]\ndescription = \"x\"\nconfig_file = \"agents/missing.toml\"\n"));
    c.add(new Case("role without description", "[agents.reviewer]\nconfig_file = \"agents/r.toml\"\n", Map.of("agents/r.toml", "model = \"m\"\n")));
    c.add(new Case("role description blank", "[agents.reviewer]\ndescription = \" \"\n"));
    c.add(new Case("role file without name", "", Map.of("agents/foo.toml", "description = \"d\"\ndeveloper_instructions = \"i\"\n")));
    c.add(new Case("role file without instructions", "", Map.of("agents/foo.toml", "name = \"foo\"\ndescription = \"d\"\n")));
    c.add(new Case("role file unknown key", "", Map.of("agents/foo.toml", good + "bogus_key = 1\n")));
    c.add(new Case("role file wrong type", "", Map.of("agents/foo.toml", good + "model = 5\n")));
    c.add(new Case("role table with file", "[agents.reviewer]\ndescription = \"x\"\nconfig_file = \"agents/r.toml\"\n",
        Map.of("agents/r.toml", "model = \"m\"\ndeveloper_instructions = \"i\"\n")));
    // config_file paths written wrong in the ways people get them wrong (a missing file is above).
    String roleTable = "[agents.reviewer]\ndescription = \"Reviews.\"\nconfig_file = ";
    String roleFile = "model = \"m\"\ndeveloper_instructions = \"Review.\"\n";
    c.add(new Case("role config_file is a folder", roleTable + "\"roles\"\n", Map.of("roles/r.toml", roleFile)));
    c.add(new Case("role config_file empty", roleTable + "\"\"\n"));
    c.add(new Case("role config_file not text", roleTable + "5\n"));
    c.add(new Case("role file not TOML", roleTable + "\"roles/r.toml\"\n", Map.of("roles/r.toml", "model = \"m\n")));
    c.add(new Case("role config_file dot slash", roleTable + "\"./roles/r.toml\"\n", Map.of("roles/r.toml", roleFile)));
    c.add(new Case("role config_file absolute", roleTable + "\"$CODEX_HOME/roles/r.toml\"\n", Map.of("roles/r.toml", roleFile)));
    // Profiles: NAME.config.toml selected with --profile, layered over config.toml.
    c.add(new Case("profile wrong type", "", Map.of("x.config.toml", "model = 5\n")).profile("x"));
    c.add(new Case("profile unknown key", "", Map.of("x.config.toml", "zz_unknown = 1\n")).profile("x", "zz_unknown"));
    c.add(new Case("profile unknown feature", "", Map.of("x.config.toml", "[features]\nfoo_bar = true\n")).profile("x", "features.foo_bar"));
    c.add(new Case("profile good", "", Map.of("x.config.toml", "model = \"gpt-5\"\nmodel_reasoning_effort = \"high\"\n[agents]\nmax_threads = 4\n"))
        .profile("x"));
    c.add(new Case("profile file missing", "").profile("nope"));
    c.add(new Case("profile not TOML", "", Map.of("x.config.toml", "model = \"gpt-5\n")).profile("x"));
    c.add(new Case("profile max_threads 0", "", Map.of("x.config.toml", "[agents]\nmax_threads = 0\n")).profile("x"));
    c.add(new Case("profile beside a legacy table", "[profiles.x]\nmodel = \"gpt-5\"\n", Map.of("x.config.toml", "model = \"gpt-5\"\n"))
        .profile("x"));
    c.add(new Case("profile selects another", "", Map.of("x.config.toml", "profile = \"y\"\n")).profile("x"));
    c.add(new Case("profile declares a role", "", Map.of("x.config.toml", roleTable + "\"roles/r.toml\"\n", "roles/r.toml", roleFile))
        .profile("x"));
    c.add(new Case("profile over config", "zz_base = 1\n", Map.of("x.config.toml", "zz_prof = 1\n")).profile("x", "zz_base", "zz_prof"));
    // Legacy [profiles.<name>] tables: Codex names a key a profile does not take, and checks the rest.
    c.add(new Case("legacy profile selector", "profile = \"x\"\n[profiles.x]\nmodel = \"gpt-5\"\n"));
    c.add(new Case("legacy profile wrong type", "[profiles.x]\nmodel = 5\n"));
    c.add(new Case("legacy profile notify", "[profiles.x]\nnotify = [\"a\"]\n"));
    c.add(new Case("legacy profile notify not a list", "[profiles.x]\nnotify = 5\n"));
    c.add(new Case("legacy profile project_doc_max_bytes", "[profiles.x]\nproject_doc_max_bytes = 1000\n"));
    c.add(new Case("legacy profile sandbox_workspace_write", "[profiles.x.sandbox_workspace_write]\nnetwork_access = true\n"));
    c.add(new Case("legacy profile mcp_servers", "[profiles.x.mcp_servers.m]\ncommand = \"a\"\n"));
    c.add(new Case("legacy profile model_providers", "[profiles.x.model_providers.m]\nname = \"m\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"));
    c.add(new Case("legacy profile profile", "[profiles.x]\nprofile = \"y\"\n"));
    c.add(new Case("legacy profile profiles", "[profiles.x.profiles.y]\nmodel = \"m\"\n"));
    // Project layers: <repo>/.codex/config.toml, read for a trusted project only.
    String trusted = "[projects.\"$PROJECT\"]\ntrust_level = \"trusted\"\n";
    c.add(new Case("project unknown key", trusted).project(Map.of(".codex/config.toml", "zz_unknown = 1\n"), true));
    c.add(new Case("project wrong type", trusted).project(Map.of(".codex/config.toml", "model = 5\n"), true));
    c.add(new Case("project model_provider", trusted).project(Map.of(".codex/config.toml", "model_provider = \"nosuch\"\n"), true));
    c.add(new Case("project model_provider wrong type", trusted).project(Map.of(".codex/config.toml", "model_provider = 5\n"), true));
    c.add(new Case("project otel", trusted).project(Map.of(".codex/config.toml", "[otel]\nlog_user_prompt = true\n"), true));
    c.add(new Case("project keys Codex strips", trusted).project(Map.of(".codex/config.toml",
        "model_provider = \"openai\"\nnotify = [\"a\"]\nopenai_base_url = \"http://127.0.0.1:9/v1\"\n[features]\nrespect_system_proxy = true\n"
            + "[model_providers.m]\nname = \"m\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"), true));
    c.add(new Case("project declares a role", trusted).project(Map.of(".codex/config.toml", roleTable + "\"agents/r.toml\"\n",
        ".codex/agents/r.toml", roleFile), true));
    // Codex reads nothing of an untrusted project, and says so only when a session starts.
    c.add(new Case("project untrusted", "").project(Map.of(".codex/config.toml", "model = 5\n"), false, "(file)"));
    return c;
  }

  @Test
  void orchestraAndCodexAgreeOnTheCorpus() throws Exception {
    List<Case> corpus = corpus();
    assertTrue(corpus.size() >= 80, "the corpus holds " + corpus.size() + " configurations");
    List<String> table = new ArrayList<>();
    List<String> disagreements = new ArrayList<>();
    int agreed = 0;
    for (int i = 0; i < corpus.size(); i++) {
      Case k = corpus.get(i);
      Path home = write(k, Files.createDirectories(dir.resolve("c" + i)));
      Verdict codex = codex(home, k);
      Verdict ours = orchestra(home, k);
      String problem = compare(codex, ours, k.execOnly());
      String deliberate = DELIBERATE.get(k.name());
      String mark = problem.isEmpty() ? "agree" : deliberate != null ? "deliberate" : "DISAGREE";
      table.add(String.format(Locale.ROOT, "%-10s %-40s codex %-60s orchestra %s%s", mark, k.name(), codex.show(), ours.show(),
          problem.isEmpty() ? "" : "  (" + problem + (deliberate != null ? "; " + deliberate : "") + ")"));
      if (problem.isEmpty()) {
        agreed++;
      } else if (deliberate == null) {
        disagreements.add(k.name() + ": " + problem + "; codex " + codex.show() + ", orchestra " + ours.show());
      }
    }
    System.out.println("Codex " + CodexConfig.codexVersion() + " against orchestra verify, " + corpus.size() + " configurations, " + agreed
        + " in full agreement:");
    table.forEach(System.out::println);
    assertEquals(List.of(), disagreements);
  }

  @Test
  void everyDeliberateDifferenceIsListedInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    List<String> corpusNames = corpus().stream().map(Case::name).toList();
    for (String name : DELIBERATE.keySet()) {
      assertTrue(readme.contains("| " + name + " |"), "orchestra-toml/README.md lists the deliberate difference '" + name + "'");
      assertTrue(corpusNames.contains(name), "the corpus has the configuration '" + name + "'");
    }
    assertTrue(readme.contains("a corpus of " + corpus().size() + " configurations"), "the README says how many configurations the corpus holds");
  }

  /**
   * Writes a case's CODEX_HOME (and its project, a git repository beside it), with {@code
   * $CODEX_HOME} and {@code $PROJECT} in its texts replaced by their real paths.
   */
  private Path write(Case k, Path home) throws Exception {
    if (k.config() == null) {
      String[] pack = k.files().get("pack").split(":");
      StarterPack.builder(StarterPack.Tier.fromName(pack[0])).securityReviewer(Boolean.parseBoolean(pack[1])).build().writeTo(home);
      return home;
    }
    Path project = project(home);
    if (!k.project().isEmpty()) {
      Files.createDirectories(project);
      Process git = new ProcessBuilder("git", "init", "-q", project.toString()).redirectErrorStream(true).start();
      assertEquals(0, git.waitFor(), "git init");
      writeAll(project, k.project(), home, project);
    }
    writeAll(home, Map.of("config.toml", k.config()), home, project);
    writeAll(home, k.files(), home, project);
    return home;
  }

  private static Path project(Path home) {
    return home.resolveSibling(home.getFileName() + "-project");
  }

  private static void writeAll(Path root, Map<String, String> files, Path home, Path project) throws Exception {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      String text = f.getValue().replace("$CODEX_HOME", home.toRealPath().toString())
          .replace("$PROJECT", Files.exists(project) ? project.toRealPath().toString() : project.toString());
      Files.writeString(p, text, StandardCharsets.UTF_8);
    }
  }

  private static final Pattern IN_KEY = Pattern.compile("in `([^`]+)`");
  private static final Pattern IGNORED = Pattern.compile("`([^`]+)` is ignored");
  private static final Pattern DEPRECATED = Pattern.compile("`\\[features\\]\\.([a-z0-9_]+)` is deprecated");
  private static final Pattern ROLE = Pattern.compile("Ignoring malformed agent role definition: (.*)");
  private static final Pattern PROJECT_STRIPPED = Pattern.compile("Ignored unsupported project-local config keys in .*?: (.*?)\\. If you want");
  private static final Pattern ERROR_KEY = Pattern.compile("(?m)^Error: ([a-z_]+(?:\\.[a-z0-9_]+)+) ");
  private static final Pattern PROFILE_BESIDE_TABLE = Pattern.compile("--profile `([^`]+)` cannot be used while");

  /**
   * Codex's verdict: refused (and the key it names), or loaded with the keys its startup warnings
   * name. It runs in the case's project when it has one. With a profile, only whether it refuses:
   * {@code doctor} and {@code features list} take no {@code --profile}.
   */
  private Verdict codex(Path home, Case k) throws Exception {
    Path cwd = k.project().isEmpty() ? dir : project(home);
    if (!k.profile().isEmpty()) {
      PinnedCodex.Output loaded = PinnedCodex.run(home, cwd, List.of("-p", k.profile(), "debug", "prompt-input", "hi"));
      return loaded.exitCode() == 0 ? new Verdict(true, Set.of()) : new Verdict(false, refusedKey(loaded.err()));
    }
    PinnedCodex.Output listed = PinnedCodex.run(home, cwd, List.of("features", "list"));
    if (listed.exitCode() != 0) {
      return new Verdict(false, refusedKey(listed.err()));
    }
    PinnedCodex.Output doctor = PinnedCodex.run(home, cwd, List.of("doctor", "--json"));
    JsonNode load = JSON.readTree(doctor.out()).path("checks").path("config.load");
    assertTrue(!load.isMissingNode(), "codex doctor --json has no config.load check: " + doctor.out() + doctor.err());
    Set<String> keys = new TreeSet<>();
    JsonNode warnings = load.path("details").path("startup warning");
    List<String> texts = new ArrayList<>();
    if (warnings.isTextual()) {
      texts.add(warnings.asText());
    } else {
      warnings.forEach(w -> texts.add(w.asText()));
    }
    for (String w : texts) {
      Matcher m = IGNORED.matcher(w);
      while (m.find()) {
        keys.add(m.group(1));
      }
      Matcher d = DEPRECATED.matcher(w);
      while (d.find()) {
        keys.add("features." + d.group(1));
      }
      Matcher r = ROLE.matcher(w);
      if (r.find()) {
        keys.add(roleKey(r.group(1)));
      }
      Matcher stripped = PROJECT_STRIPPED.matcher(w);
      if (stripped.find()) {
        keys.addAll(List.of(stripped.group(1).split(", ")));
      }
    }
    if (load.path("status").asText().equals("fail")) {
      return new Verdict(false, keys);
    }
    return new Verdict(true, keys);
  }

  /** The key Codex names when it refuses a configuration, or "(file)" for the file as a whole. */
  private static Set<String> refusedKey(String err) {
    Matcher m = IN_KEY.matcher(err);
    if (m.find()) {
      return Set.of(m.group(1));
    }
    Matcher profile = PROFILE_BESIDE_TABLE.matcher(err);
    if (profile.find()) {
      return Set.of("profiles." + profile.group(1));
    }
    if (err.contains("legacy `profile = ")) {
      return Set.of("profile");
    }
    if (err.contains("TOML parse error")) {
      return Set.of("(file)");
    }
    Matcher first = ERROR_KEY.matcher(err);
    if (first.find()) {
      return Set.of(first.group(1));
    }
    Matcher dotted = Pattern.compile("\\n\\s+([a-z_]+(?:\\.[a-z0-9_]+)+) ").matcher(err);
    return dotted.find() ? Set.of(dotted.group(1)) : Set.of();
  }

  /** The key a role warning is about: the [agents] table, or "agents" for a role file. */
  private static String roleKey(String message) {
    Matcher m = Pattern.compile("^(agents\\.[a-z0-9_]+)").matcher(message);
    if (m.find()) {
      return m.group(1);
    }
    Matcher role = Pattern.compile("agent role `([^`]+)`").matcher(message);
    if (role.find()) {
      return "agents." + role.group(1);
    }
    if (message.contains("duplicate field")) {
      return "agents";
    }
    return "agents (role file)";
  }

  /** Orchestra's verdict on the folder as a user's CODEX_HOME: refused on an error; the keys of its warnings and errors. */
  private Verdict orchestra(Path home, Case k) {
    CodexConfig.Builder b = CodexConfig.builder().environment(Map.of()).codexHome(home).homeDirectory(dir);
    if (!k.profile().isEmpty()) {
      b.profile(k.profile());
    }
    if (!k.project().isEmpty()) {
      b.workingDirectory(project(home));
    }
    List<Diagnostic> found = b.build().verify();
    Set<String> keys = new TreeSet<>();
    boolean loads = true;
    for (Diagnostic d : found) {
      if (d.severity() == Diagnostic.Severity.NOTE) {
        continue;
      }
      loads &= !d.isError();
      keys.add(d.keyPath().isEmpty() ? "(file)" : d.keyPath());
    }
    return new Verdict(loads, keys);
  }

  /** Empty when they agree: same load verdict, and each key one side flags is flagged by the other (or under it, or over it). */
  static String compare(Verdict codex, Verdict ours, Set<String> execOnly) {
    List<String> out = new ArrayList<>();
    if (codex.loads() != ours.loads()) {
      out.add(codex.loads() ? "Codex loads it, Orchestra refuses" : "Codex refuses it, Orchestra loads");
    }
    Set<String> expected = new TreeSet<>(codex.flagged());
    expected.addAll(execOnly);
    for (String k : expected) {
      if (ours.flagged().stream().noneMatch(o -> related(o, k))) {
        out.add("Orchestra does not flag " + k);
      }
    }
    for (String o : ours.flagged()) {
      if (expected.stream().noneMatch(k -> related(o, k))) {
        out.add("Codex does not flag " + o);
      }
    }
    return String.join("; ", out);
  }

  /**
   * Whether Orchestra's key names what Codex's names: the same setting, or a key inside it (Codex
   * names a feature's table, Orchestra the bad key in it). Codex names {@code agents.max_threads}
   * by the key it is an alias of.
   */
  private static boolean related(String ours, String codex) {
    // Codex prints a quoted key (a project's path) without its quotes.
    String o = ours.equals("agents.max_threads") ? "agents.max_concurrent_threads_per_session" : ours.replace("\"", "");
    return o.equals(codex) || o.startsWith(codex + ".");
  }
}
