package dev.orchestra.toml;

import static dev.orchestra.toml.Fixtures.codexHome;
import static dev.orchestra.toml.Fixtures.isolated;
import static dev.orchestra.toml.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import dev.orchestra.toml.CodexSettings.McpServer;
import dev.orchestra.toml.CodexSettings.McpTransport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed values of the keys Orchestra uses; everything else kept untouched. */
final class CodexSettingsTest {
  @TempDir Path root;

  private CodexSettings load(String config) {
    write(codexHome(root).resolve("config.toml"), config);
    LoadedConfig loaded = isolated(root).build().load();
    return loaded.settings();
  }

  @Test
  void scalars() {
    CodexSettings s = load("model = \"gpt-5.4\"\nmodel_provider = \"corp\"\nmodel_reasoning_effort = \"XHIGH\"\n"
        + "model_reasoning_summary = \"concise\"\nmodel_verbosity = \"high\"\napproval_policy = \"never\"\n"
        + "sandbox_mode = \"danger-full-access\"\ndeveloper_instructions = \"Be brief.\"\nservice_tier = \"flex\"\n"
        + "[model_providers.corp]\nname = \"Corp\"\n");
    assertEquals("gpt-5.4", s.model().orElseThrow());
    assertEquals("corp", s.modelProvider().orElseThrow());
    assertEquals(ReasoningEffort.XHIGH, s.reasoningEffort().orElseThrow());
    assertEquals(CodexSettings.ReasoningSummary.CONCISE, s.reasoningSummary().orElseThrow());
    assertEquals("concise", s.reasoningSummary().orElseThrow().configValue());
    assertEquals(CodexSettings.Verbosity.HIGH, s.verbosity().orElseThrow());
    assertEquals(ApprovalPolicy.NEVER, s.approvalPolicy().orElseThrow());
    assertEquals(SandboxMode.DANGER_FULL_ACCESS, s.sandboxMode().orElseThrow());
    assertEquals("Be brief.", s.developerInstructions().orElseThrow());
    assertEquals("flex", s.serviceTier().orElseThrow());
    assertTrue(s.granularApproval().isEmpty());
  }

  @Test
  void onFailureReadsAsOnRequestLikeCurrentCodex() {
    assertEquals(ApprovalPolicy.ON_REQUEST, load("approval_policy = \"on-failure\"\n").approvalPolicy().orElseThrow());
  }

  @Test
  void legacyRejectApprovalTableReadsAsGranular() {
    CodexSettings s = load("[approval_policy.reject]\nrules = true\n");
    assertEquals(ApprovalPolicy.ON_REQUEST, s.approvalPolicy().orElseThrow());
    assertEquals(Map.of("rules", true), s.granularApproval());
  }

  @Test
  void sandboxWorkspaceWriteAndShellEnvironmentPolicy() {
    CodexSettings s = load("[sandbox_workspace_write]\nwritable_roots = [\"/data\"]\nnetwork_access = true\nexclude_tmpdir_env_var = true\n"
        + "[shell_environment_policy]\ninherit = \"core\"\nignore_default_excludes = true\nexclude = [\"AWS_*\"]\n"
        + "set = { CI = \"1\" }\ninclude_only = [\"PATH\", \"HOME\"]\nexperimental_use_profile = true\n");
    CodexSettings.SandboxWorkspaceWrite sww = s.sandboxWorkspaceWrite().orElseThrow();
    assertEquals(List.of(Path.of("/data")), sww.writableRoots());
    assertTrue(sww.networkAccess());
    assertTrue(sww.excludeTmpdirEnvVar());
    assertFalse(sww.excludeSlashTmp());
    CodexSettings.ShellEnvironmentPolicy p = s.shellEnvironmentPolicy().orElseThrow();
    assertEquals(new CodexSettings.ShellEnvironmentPolicy("core", true, List.of("AWS_*"), Map.of("CI", "1"), List.of("PATH", "HOME"), true), p);
  }

  @Test
  void modelProvidersWithDefaultsAndCaps() {
    CodexSettings s = load("[model_providers.azure]\nname = \"Azure\"\nbase_url = \"https://x.example/openai\"\nenv_key = \"AZURE_KEY\"\n"
        + "wire_api = \"responses\"\nquery_params = { api-version = \"2025-04-01\" }\nhttp_headers = { X-Team = \"a\" }\n"
        + "env_http_headers = { X-Org = \"ORG_ID\" }\nrequest_max_retries = 250\n"
        + "[model_providers.local]\nname = \"Local\"\nstream_idle_timeout_ms = 1000\nstream_max_retries = 0\n"
        + "[model_providers.amazon-bedrock]\nbase_url = \"https://bedrock.example\"\n");
    ProviderConfig azure = s.providerConfigs().get("azure");
    assertEquals("Azure", azure.name());
    assertEquals(URI.create("https://x.example/openai"), azure.baseUrl().orElseThrow());
    assertEquals("AZURE_KEY", azure.envKey().orElseThrow());
    assertEquals(WireApi.RESPONSES, azure.wireApi());
    assertEquals(Map.of("api-version", "2025-04-01"), azure.queryParams());
    assertEquals(Map.of("X-Team", "a"), azure.httpHeaders());
    assertEquals(Map.of("X-Org", "ORG_ID"), azure.envHttpHeaders());
    assertEquals(100, azure.requestMaxRetries(), "capped at 100");
    assertEquals(5, azure.streamMaxRetries());
    assertEquals(Duration.ofMinutes(5), azure.streamIdleTimeout());
    ProviderConfig local = s.providerConfigs().get("local");
    assertEquals(4, local.requestMaxRetries());
    assertEquals(0, local.streamMaxRetries());
    assertEquals(Duration.ofSeconds(1), local.streamIdleTimeout());
    assertFalse(s.providerConfigs().containsKey("amazon-bedrock"), "the built-in bedrock provider may only be tuned");
    List<Diagnostic> warnings = isolated(root).build().load().diagnostics();
    assertEquals(List.of("model_providers.azure.request_max_retries"), warnings.stream().map(Diagnostic::keyPath).toList());
  }

  /** Wave 1's view of the tables (issue 12): the typed configurations, shown in wave 1's types. */
  @Test
  @SuppressWarnings("removal")
  void wave1sModelProviderViewShowsTheTypedTablesInWave1sTypes() {
    CodexSettings s = load("[model_providers.azure]\nname = \"Azure\"\nbase_url = \"HTTPS://x.example/openai\"\nenv_key = \"AZURE_KEY\"\n"
        + "wire_api = \"chat\"\nquery_params = { z = \"1\", api-version = \"2025-04-01\" }\nhttp_headers = { X-Team = \"a\" }\n"
        + "env_http_headers = { X-Org = \"ORG_ID\" }\nrequest_max_retries = 250\n"
        + "[model_providers.local]\nname = \"Local\"\nstream_idle_timeout_ms = 1000\n");
    Map<String, CodexSettings.ModelProvider> views = s.modelProviders();
    assertEquals(List.of("azure", "local"), List.copyOf(views.keySet()), "file order");
    CodexSettings.ModelProvider azure = views.get("azure");
    assertEquals("azure", azure.id());
    assertEquals("Azure", azure.name());
    assertEquals(Optional.of("https://x.example/openai"), azure.baseUrl(), "as the configuration keeps it");
    assertEquals(Optional.of("AZURE_KEY"), azure.envKey());
    assertEquals("chat", azure.wireApi());
    assertEquals(List.of("z", "api-version"), List.copyOf(azure.queryParams().keySet()));
    assertEquals(Map.of("X-Team", "a"), azure.httpHeaders());
    assertEquals(Map.of("X-Org", "ORG_ID"), azure.envHttpHeaders());
    assertEquals(ProviderConfig.MAX_RETRIES, azure.requestMaxRetries());
    assertEquals(ProviderConfig.DEFAULT_STREAM_MAX_RETRIES, azure.streamMaxRetries());
    assertEquals(ProviderConfig.DEFAULT_STREAM_IDLE_TIMEOUT, azure.streamIdleTimeout());
    assertEquals(s.providerConfigs().get("azure").toString(), azure.toString());
    CodexSettings.ModelProvider local = views.get("local");
    assertEquals(Optional.empty(), local.baseUrl());
    assertEquals(Optional.empty(), local.envKey());
    assertEquals("responses", local.wireApi());
    assertEquals(ProviderConfig.DEFAULT_REQUEST_MAX_RETRIES, local.requestMaxRetries());
    assertEquals(Duration.ofSeconds(1), local.streamIdleTimeout());
    assertThrows(UnsupportedOperationException.class, () -> views.remove("azure"));
  }

  @Test
  void aProviderTableReadsIntoTheConfigTheBuilderMakesFromTheSameValues() {
    CodexSettings s = load("[model_providers.azure]\nname = \"Azure\"\nbase_url = \"HTTPS://x.example/openai/v1\"\n"
        + "env_key = \"AZURE_KEY\"\nenv_key_instructions = \"ask #platform\"\nwire_api = \"chat\"\n"
        + "query_params = { z = \"1\", api-version = \"2025-04-01\" }\nhttp_headers = { X-Team = \"a\" }\n"
        + "env_http_headers = { X-Org = \"ORG_ID\" }\nrequest_max_retries = 1\nstream_max_retries = 2\n"
        + "stream_idle_timeout_ms = 1500\nrequests_per_period = 30\nrate_limit_period_ms = 60000\n");
    ProviderConfig expected =
        ProviderConfig.builder("azure").name("Azure").baseUrl(URI.create("https://x.example/openai/v1")).envKey("AZURE_KEY")
            .envKeyInstructions("ask #platform").wireApi(WireApi.CHAT_COMPLETIONS)
            .queryParams(Map.of("z", "1", "api-version", "2025-04-01")).httpHeader("X-Team", "a").envHttpHeader("X-Org", "ORG_ID")
            .requestMaxRetries(1).streamMaxRetries(2).streamIdleTimeout(Duration.ofMillis(1500)).requestsPerPeriod(30)
            .rateLimitPeriod(Duration.ofMinutes(1)).build();
    ProviderConfig read = s.providerConfigs().get("azure");
    assertEquals(expected, read);
    assertEquals(List.of("z", "api-version"), List.copyOf(read.queryParams().keySet()), "file order");
    assertEquals(ProviderConfig.builder("bare").name("Bare").build(),
        load("[model_providers.bare]\nname = \"Bare\"\n").providerConfigs().get("bare"), "a bare table has the builder's defaults");
  }

  @Test
  void orchestrasRateLimitKeysAreKnownEvenInStrictMode() {
    write(codexHome(root).resolve("config.toml"), "[model_providers.corp]\nname = \"Corp\"\nrequests_per_period = 10\nrate_limit_period_ms = 2000\n");
    assertEquals(List.of(), isolated(root).strict(true).build().verify());
    ProviderConfig corp = isolated(root).strict(true).build().load().settings().providerConfigs().get("corp");
    assertEquals(10, corp.requestsPerPeriod());
    assertEquals(Duration.ofSeconds(2), corp.rateLimitPeriod());
  }

  @Test
  void headersThatCannotBeSentAreLeftOutWithAWarningAsCodexDropsThem() {
    CodexSettings s = load("[model_providers.corp]\nname = \"Corp\"\n"
        + "http_headers = { Host = \"evil.example\", X-Team = \"a\", \"Bad Header\" = \"b\" }\n"
        + "env_http_headers = { X-Trace = \" \", X-Org = \"ORG\" }\n");
    ProviderConfig corp = s.providerConfigs().get("corp");
    assertEquals(Map.of("X-Team", "a"), corp.httpHeaders());
    assertEquals(Map.of("X-Org", "ORG"), corp.envHttpHeaders());
    List<Diagnostic> warnings = isolated(root).build().load().diagnostics();
    assertEquals(List.of("model_providers.corp.http_headers.Host", "model_providers.corp.http_headers.Bad Header",
        "model_providers.corp.env_http_headers.X-Trace"), warnings.stream().map(Diagnostic::keyPath).toList(), warnings.toString());
    assertTrue(warnings.stream().allMatch(d -> d.line() == 3 || d.line() == 4), warnings.toString());
    assertTrue(warnings.get(0).message().contains("the HTTP client sets it itself"), warnings.get(0).toString());
  }

  @Test
  void chatWireApiIsAcceptedForOpenAiCompatibleServers() {
    write(codexHome(root).resolve("config.toml"), "model_provider = \"vllm\"\n[model_providers.vllm]\nname = \"vLLM\"\n"
        + "base_url = \"http://localhost:8000/v1\"\nwire_api = \"chat\"\n[model_providers.corp]\nname = \"Corp\"\n");
    for (boolean strict : List.of(false, true)) {
      List<Diagnostic> found = isolated(root).strict(strict).build().verify();
      assertTrue(found.stream().noneMatch(Diagnostic::isError), "strict=" + strict + ": " + found);
      assertTrue(found.stream().allMatch(d -> d.keyPath().equals("model_providers.vllm.wire_api") && d.message().contains("Codex")),
          "at most a note that Codex itself refuses the value: " + found);
    }
    CodexSettings s = isolated(root).strict(true).build().load().settings();
    assertEquals(WireApi.CHAT_COMPLETIONS, s.providerConfigs().get("vllm").wireApi());
    assertEquals(WireApi.RESPONSES, s.providerConfigs().get("corp").wireApi(), "the default");
  }

  @Test
  void mcpServersStdioAndStreamableHttp() {
    CodexSettings s = load("[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs\"]\nenv = { TOKEN_FILE = \"/t\" }\n"
        + "startup_timeout_ms = 2500\ntool_timeout_sec = 1.5\nenabled_tools = [\"search\"]\n"
        + "[mcp_servers.remote]\nurl = \"https://mcp.example\"\nbearer_token_env_var = \"MCP_TOKEN\"\nstartup_timeout_sec = 3\n"
        + "startup_timeout_ms = 9999\nenabled = false\nrequired = true\ndisabled_tools = [\"delete\"]\n");
    McpServer docs = s.mcpServers().get("docs");
    assertEquals(McpTransport.STDIO, docs.transport());
    assertEquals("npx", docs.command().orElseThrow());
    assertEquals(List.of("-y", "docs"), docs.args());
    assertEquals(Map.of("TOKEN_FILE", "/t"), docs.env());
    assertEquals(Duration.ofMillis(2500), docs.startupTimeout().orElseThrow());
    assertEquals(Duration.ofMillis(1500), docs.toolTimeout().orElseThrow());
    assertEquals(List.of("search"), docs.enabledTools());
    assertTrue(docs.enabled());
    assertTrue(docs.url().isEmpty());
    McpServer remote = s.mcpServers().get("remote");
    assertEquals(McpTransport.STREAMABLE_HTTP, remote.transport());
    assertEquals("https://mcp.example", remote.url().orElseThrow());
    assertEquals("MCP_TOKEN", remote.bearerTokenEnvVar().orElseThrow());
    assertEquals(Duration.ofSeconds(3), remote.startupTimeout().orElseThrow(), "seconds win over milliseconds");
    assertFalse(remote.enabled());
    assertTrue(remote.required());
    assertEquals(List.of("delete"), remote.disabledTools());
  }

  @Test
  void everyOtherKeyIsKeptUntouched() {
    CodexSettings s = load("#:schema https://example.invalid/s.json\nfile_opener = \"vscode\"\nfuture_key = [1, 2]\n"
        + "[tui]\nstatus_line = [\"model\"]\n[notice.model_migrations]\n\"gpt-5\" = \"gpt-5.4\"\n[[skills.config]]\npath = \"/s\"\n");
    assertEquals("vscode", s.otherKeys().get("file_opener"));
    assertEquals(List.of(1L, 2L), s.otherKeys().get("future_key"));
    assertEquals(Map.of("status_line", List.of("model")), s.otherKeys().get("tui"));
    assertEquals(Map.of("model_migrations", Map.of("gpt-5", "gpt-5.4")), s.otherKeys().get("notice"));
    assertEquals(Map.of("config", List.of(Map.of("path", "/s"))), s.otherKeys().get("skills"));
  }
}
