package dev.orchestra.toml;

import static dev.orchestra.toml.Fixtures.codexHome;
import static dev.orchestra.toml.Fixtures.isolated;
import static dev.orchestra.toml.Fixtures.mkdirs;
import static dev.orchestra.toml.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.role.ReasoningEffort;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Role declaration, discovery, renaming and merging across layers. */
final class AgentRoleTest {
  @TempDir Path root;

  private Path home() {
    return codexHome(root);
  }

  @Test
  void declaredRoleReadsItsRoleFile() {
    write(home().resolve("config.toml"), "[agents.reviewer]\ndescription = \"  Reviews.  \"\nconfig_file = \"agents/reviewer.toml\"\n"
        + "nickname_candidates = [\" Ada \", \"Grace Hopper\", \"x-1_b\"]\n");
    write(home().resolve("agents/reviewer.toml"), "model = \"gpt-5.4\"\nmodel_reasoning_effort = \"xhigh\"\n");
    AgentRole r = isolated(root).build().load().role("reviewer").orElseThrow();
    assertEquals("Reviews.", r.description(), "descriptions are trimmed");
    assertEquals(List.of("Ada", "Grace Hopper", "x-1_b"), r.nicknameCandidates());
    assertEquals("gpt-5.4", r.settings().model().orElseThrow());
    assertEquals(ReasoningEffort.XHIGH, r.settings().reasoningEffort().orElseThrow());
    assertEquals(home().resolve("agents/reviewer.toml"), r.configFile().orElseThrow());
    assertEquals(home().resolve("config.toml"), r.source());
  }

  @Test
  void aRoleFileBecomesCodexOverridesForEveryKeyOrchestraDoesNotPassItself() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "name = \"researcher\"\nmodel = \"gpt-5.4\"\nsandbox_mode = \"danger-full-access\"\n"
            + "developer_instructions = \"Dig.\"\nmodel_verbosity = \"low\"\n"
            + "[mcp_servers.docs]\ncommand = \"docs-server\"\nargs = [\"--port\", \"0\"]\nenv = { TOKEN_FILE = \"/x \\\"y\\\"\" }\n"
            + "startup_timeout_sec = 20\n"
            + "[mcp_servers.\"odd.name\"]\nurl = \"http://127.0.0.1:1/mcp\"\n"
            + "[mcp_servers.local]\ncommand = \"./bin/serve\"\ncwd = \"tools\"\n"
            + "[[skills.config]]\npath = \"/skills/a\"\nenabled = false\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    assertEquals(
        List.of(
            "model_verbosity=\"low\"",
            "mcp_servers.docs.command=\"docs-server\"",
            "mcp_servers.docs.args=[\"--port\", \"0\"]",
            "mcp_servers.docs.startup_timeout_sec=20",
            "mcp_servers.docs.env_vars=[\"TOKEN_FILE\"]",
            "mcp_servers.\"odd.name\".url=\"http://127.0.0.1:1/mcp\"",
            "mcp_servers.local.command=\"" + home().resolve("agents/bin/serve") + "\"",
            "mcp_servers.local.cwd=\"" + home().resolve("agents/tools") + "\"",
            "skills.config=[{path = \"/skills/a\", enabled = false}]"),
        r.codexOverrides(),
        "the model, sandbox and instructions come from the role (capped by the ceiling), not again from its file");
  }

  @Test
  void mcpServerVariablesLeaveTheCommandLineForTheEnvironment() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "[mcp_servers.docs]\ncommand = \"docs-server\"\nenv_vars = [\"HOME_TOKEN\", { name = \"REMOTE\", source = \"remote\" }]\n"
            + "env = { API_TOKEN = \"s3cret-value\", MODE = \"fast\" }\n"
            + "[mcp_servers.search]\ncommand = \"search-server\"\nenv = { MODE = \"fast\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    assertEquals(
        List.of(
            "mcp_servers.docs.command=\"docs-server\"",
            "mcp_servers.docs.env_vars=[\"HOME_TOKEN\", {name = \"REMOTE\", source = \"remote\"}, \"API_TOKEN\", \"MODE\"]",
            "mcp_servers.search.command=\"search-server\"",
            "mcp_servers.search.env_vars=[\"MODE\"]"),
        r.codexOverrides());
    assertEquals(Map.of("API_TOKEN", "s3cret-value", "MODE", "fast"), r.codexEnvironment());
    assertFalse(String.join(" ", r.codexOverrides()).contains("s3cret"), "a token never goes on a command line");
  }

  @Test
  void staticHeadersOfAnHttpMcpServerLeaveTheCommandLineForTheEnvironment() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "[mcp_servers.docs-api]\nurl = \"https://mcp.example/api\"\n"
            + "http_headers = { Authorization = \"Bearer s3cret-token\", X-Team = \"core\" }\n"
            + "env_http_headers = { X-Org = \"ORG_ID\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    String auth = CodexOverrides.variable("MCP", "docs-api", "Authorization");
    String team = CodexOverrides.variable("MCP", "docs-api", "X-Team");
    assertTrue(auth.matches("ORCHESTRA_MCP_DOCS_API_AUTHORIZATION_[0-9A-F]{8}"), auth);
    assertEquals(
        List.of(
            "mcp_servers.docs-api.url=\"https://mcp.example/api\"",
            "mcp_servers.docs-api.env_http_headers.Authorization=\"" + auth + "\"",
            "mcp_servers.docs-api.env_http_headers.X-Team=\"" + team + "\"",
            "mcp_servers.docs-api.env_http_headers.X-Org=\"ORG_ID\""),
        r.codexOverrides());
    assertEquals(Map.of(auth, "Bearer s3cret-token", team, "core"), r.codexEnvironment());
    assertFalse(String.join(" ", r.codexOverrides()).contains("s3cret"), "a token never goes on a command line");
  }

  @Test
  void aProvidersStaticHeadersAndTokenLeaveTheCommandLineForTheEnvironment() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "model_provider = \"corp\"\n[model_providers.corp]\nname = \"Corp\"\nbase_url = \"https://llm.example/v1\"\n"
            + "experimental_bearer_token = \"s3cret-token\"\nhttp_headers = { X-Api-Key = \"s3cret-key\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    String token = CodexOverrides.variable("PROVIDER", "corp", "BEARER_TOKEN");
    String header = CodexOverrides.variable("PROVIDER", "corp", "X-Api-Key");
    assertEquals(
        List.of(
            "model_provider=\"corp\"",
            "model_providers.corp.name=\"Corp\"",
            "model_providers.corp.base_url=\"https://llm.example/v1\"",
            "model_providers.corp.env_key=\"" + token + "\"",
            "model_providers.corp.env_http_headers.X-Api-Key=\"" + header + "\""),
        r.codexOverrides());
    assertEquals(Map.of(token, "s3cret-token", header, "s3cret-key"), r.codexEnvironment());
    assertFalse(String.join(" ", r.codexOverrides()).contains("s3cret"), "a token never goes on a command line");
  }

  @Test
  void aProvidersTokenBesideItsEnvKeyAndOtelHeadersAreRefusedWithoutValues() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(home().resolve("agents/r.toml"),
        "[model_providers.corp]\nname = \"Corp\"\nbase_url = \"https://llm.example/v1\"\nenv_key = \"CORP_KEY\"\n"
            + "experimental_bearer_token = \"s3cret-token\"\n");
    AgentRole both = isolated(root).build().load().role("researcher").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class, both::codexOverrides);
    assertTrue(e.getMessage().contains("model_providers.corp.experimental_bearer_token and model_providers.corp.env_key"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    write(home().resolve("agents/r.toml"), "[otel.exporter.otlp-http]\nendpoint = \"https://otel.example\"\nheaders = { x-key = \"s3cret\" }\n");
    AgentRole otel = isolated(root).build().load().role("researcher").orElseThrow();
    IllegalStateException o = assertThrows(IllegalStateException.class, otel::codexOverrides);
    assertTrue(o.getMessage().contains("[otel] exporter headers"), o.getMessage());
    assertFalse(o.getMessage().contains("s3cret"), o.getMessage());
  }

  @Test
  void headerVariablesOfPairsThatReadAlikeDiffer() {
    List<String> names =
        List.of(
            CodexOverrides.variable("MCP", "a-b", "c"), CodexOverrides.variable("MCP", "a", "b-c"), CodexOverrides.variable("MCP", "Docs", "h"),
            CodexOverrides.variable("MCP", "docs", "h"), CodexOverrides.variable("MCP", "\u00e9", "\u00fc"), CodexOverrides.variable("MCP", "\u00e8", "\u00f6"));
    assertEquals(names.size(), new java.util.HashSet<>(names).size(), names.toString());
    assertFalse(CodexOverrides.variable("MCP", "corp", "X-Proxy").endsWith("_PROXY"), "not a name Codex reads as its proxy");
  }

  @Test
  void aHeaderGivenBothStaticallyAndFromTheEnvironmentIsRefusedNamingBothKeys() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "[mcp_servers.web]\nurl = \"https://mcp.example/api\"\nhttp_headers = { Authorization = \"Bearer s3cret\" }\n"
            + "env_http_headers = { authorization = \"MY_TOKEN\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::codexOverrides);
    assertTrue(e.getMessage().contains("mcp_servers.web.http_headers.Authorization and mcp_servers.web.env_http_headers.Authorization"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void aHeaderValueNoEnvironmentCanHoldIsRefusedWithoutTheValue() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(home().resolve("agents/r.toml"), "[mcp_servers.web]\nurl = \"https://mcp.example/api\"\nhttp_headers = { Authorization = \"s3cret\\u0000x\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::codexEnvironment);
    assertTrue(e.getMessage().contains("mcp_servers.web.http_headers.Authorization") && e.getMessage().contains("NUL"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void twoMcpServersGivingOneVariableDifferentValuesAreRefusedWithoutTheValues() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Digs.\"\nconfig_file = \"agents/r.toml\"\n");
    write(
        home().resolve("agents/r.toml"),
        "[mcp_servers.a]\ncommand = \"a\"\nenv = { TOKEN = \"one-secret\" }\n[mcp_servers.b]\ncommand = \"b\"\nenv = { TOKEN = \"two-secret\" }\n");
    AgentRole r = isolated(root).build().load().role("researcher").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::codexEnvironment);
    assertTrue(e.getMessage().contains("mcp_servers.a.env.TOKEN and mcp_servers.b.env.TOKEN"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void roleWithoutConfigFileHasEmptySettings() {
    write(home().resolve("config.toml"), "[agents.helper]\ndescription = \"Helps.\"\n");
    AgentRole r = isolated(root).build().load().role("helper").orElseThrow();
    assertTrue(r.configFile().isEmpty());
    assertTrue(r.settings().model().isEmpty());
  }

  @Test
  void roleFileMetadataOverridesTheTableAndItsNameRenamesTheRole() {
    write(home().resolve("config.toml"), "[agents.researcher]\ndescription = \"Old.\"\nconfig_file = \"agents/r.toml\"\n");
    write(home().resolve("agents/r.toml"), "name = \"archivist\"\ndescription = \"Keeps records.\"\nnickname_candidates = [\"Dewey\"]\n");
    LoadedConfig config = isolated(root).build().load();
    assertTrue(config.role("researcher").isEmpty(), "the old name is gone");
    AgentRole a = config.role("archivist").orElseThrow();
    assertEquals("Keeps records.", a.description());
    assertEquals(List.of("Dewey"), a.nicknameCandidates());
  }

  @Test
  void rolesAreDiscoveredUnderAgentsRecursivelyAndSorted() {
    write(home().resolve("config.toml"), "[agents.declared]\ndescription = \"D.\"\nconfig_file = \"agents/declared.toml\"\n");
    write(home().resolve("agents/declared.toml"), "model = \"m\"\n");
    write(home().resolve("agents/b.toml"), "name = \"beta\"\ndescription = \"B.\"\ndeveloper_instructions = \"Do B.\"\n");
    write(home().resolve("agents/nested/a.toml"), "name = \"alpha\"\ndescription = \"A.\"\ndeveloper_instructions = \"Do A.\"\n");
    write(home().resolve("agents/notes.md"), "not a role");
    LoadedConfig config = isolated(root).build().load();
    assertEquals(List.of("declared", "beta", "alpha"), config.roles().stream().map(AgentRole::name).toList());
    assertEquals("Do A.", config.role("alpha").orElseThrow().settings().developerInstructions().orElseThrow());
    assertTrue(config.diagnostics().isEmpty(), Fixtures.keys(config.diagnostics()));
  }

  @Test
  void discoveredFilesNeedNameDescriptionAndInstructions() {
    write(home().resolve("agents/incomplete.toml"), "description = \"No name.\"\n");
    List<Diagnostic> found = isolated(root).build().verify();
    List<String> keys = found.stream().map(Diagnostic::keyPath).toList();
    assertEquals(List.of("name", "developer_instructions"), keys);
    assertTrue(found.stream().allMatch(Diagnostic::isError), found.toString());
    assertTrue(found.get(0).message().contains("role 'incomplete' cannot be loaded"));
    assertTrue(found.stream().allMatch(d -> d.line() == 1 && d.column() == 1),
        "a missing key is reported at the top of the file: " + found);
    assertThrows(CodexConfigException.class, () -> isolated(root).build().load());
  }

  @Test
  void duplicateNameInOneLayerKeepsTheFirst() {
    write(home().resolve("config.toml"), "[agents.one]\ndescription = \"First.\"\nconfig_file = \"agents/x.toml\"\n"
        + "[agents.two]\ndescription = \"Second.\"\nconfig_file = \"agents/y.toml\"\n");
    write(home().resolve("agents/x.toml"), "name = \"same\"\n");
    write(home().resolve("agents/y.toml"), "name = \"same\"\n");
    LoadedConfig config = isolated(root).build().load();
    assertEquals(1, config.roles().size());
    assertEquals("First.", config.role("same").orElseThrow().description());
    assertTrue(config.diagnostics().stream().anyMatch(d -> d.message().contains("defined twice")));
  }

  @Test
  void higherLayerReplacesARoleAndFillsMissingFieldsFromBelow() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    write(home().resolve("config.toml"), "[projects.\"" + repo + "\"]\ntrust_level = \"trusted\"\n"
        + "[agents.reviewer]\ndescription = \"User reviewer.\"\nconfig_file = \"agents/reviewer.toml\"\nnickname_candidates = [\"Uma\"]\n"
        + "[agents.explorer]\ndescription = \"User explorer.\"\n");
    write(home().resolve("agents/reviewer.toml"), "model = \"user-model\"\n");
    write(repo.resolve(".codex/config.toml"), "[agents.reviewer]\nnickname_candidates = [\"Rex\"]\n"
        + "[agents.explorer]\ndescription = \"Repo explorer.\"\nconfig_file = \"agents/explorer.toml\"\n");
    write(repo.resolve(".codex/agents/explorer.toml"), "model = \"repo-model\"\n");
    LoadedConfig config = isolated(root).workingDirectory(repo).build().load();
    AgentRole reviewer = config.role("reviewer").orElseThrow();
    assertEquals("User reviewer.", reviewer.description(), "filled from the lower layer");
    assertEquals(List.of("Rex"), reviewer.nicknameCandidates(), "the higher layer's own value wins");
    assertEquals("user-model", reviewer.settings().model().orElseThrow(), "config_file filled from below");
    AgentRole explorer = config.role("explorer").orElseThrow();
    assertEquals("Repo explorer.", explorer.description());
    assertEquals("repo-model", explorer.settings().model().orElseThrow());
  }

  @Test
  void roleWithoutDescriptionAfterMergingCannotBeLoaded() {
    write(home().resolve("config.toml"), "[agents.ghost]\nconfig_file = \"agents/ghost.toml\"\n");
    write(home().resolve("agents/ghost.toml"), "model = \"m\"\n");
    CodexConfigException e = assertThrows(CodexConfigException.class, () -> isolated(root).build().load());
    Diagnostic d = e.diagnostics().get(0);
    assertTrue(d.isError() && d.keyPath().equals("agents.ghost") && d.message().contains("has no description"), d.toString());
  }

  @Test
  void projectRolesAreDiscoveredOnlyWhenTheProjectIsTrusted() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    write(repo.resolve(".codex/agents/scout.toml"), "name = \"scout\"\ndescription = \"S.\"\ndeveloper_instructions = \"Look.\"\n");
    assertTrue(isolated(root).workingDirectory(repo).build().load().roles().isEmpty());
    assertEquals(List.of("scout"), isolated(root).workingDirectory(repo).trustProject(true).build().load()
        .roles().stream().map(AgentRole::name).toList());
  }
}
