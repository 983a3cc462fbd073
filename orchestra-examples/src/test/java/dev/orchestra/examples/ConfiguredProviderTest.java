package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import dev.orchestra.toml.CodexConfig;
import dev.orchestra.toml.CodexConfigException;
import dev.orchestra.toml.Diagnostic;
import dev.orchestra.toml.LoadedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The provider {@code orchestra run} builds from a {@code [model_providers.<id>]} table, seen from
 * a loopback server: the URL it posts to, its query, its headers and its key. These expectations
 * were first recorded on the path that flattened the table into strings and parsed them again; the
 * typed path must send the very same requests.
 */
final class ConfiguredProviderTest {
  private static final List<String[]> NO_CALLS = List.of();

  @TempDir Path tmp;

  private LoadedConfig load(String toml, Map<String, String> env) throws IOException {
    Path codexHome = Files.createDirectories(tmp.resolve("home/.codex"));
    Files.writeString(codexHome.resolve("config.toml"), toml);
    return CodexConfig.builder().homeDirectory(tmp.resolve("home")).codexHome(codexHome).environment(env).build().load();
  }

  private static ModelRequest request() {
    return ModelRequest.builder().role("implementer").taskId("T1").model("gpt-5.4").messages(List.of(Message.user("Say hi"))).build();
  }

  /** What the server must see. */
  record Expected(String path, String query, Map<String, String> headers, List<String> absentHeaders) {}

  static Stream<Arguments> tables() {
    return Stream.of(
        Arguments.of(
            "Azure-like: key, query, fixed and environment headers",
            "model_provider = \"azure\"\n[model_providers.azure]\nname = \"Azure\"\nbase_url = \"BASE/openai/v1\"\n"
                + "env_key = \"AZURE_KEY\"\nquery_params = { api-version = \"2025-04-01-preview\" }\n"
                + "http_headers = { X-Team = \"orchestra\" }\nenv_http_headers = { X-Trace = \"TRACE_ID\", X-Unset = \"UNSET_VAR\" }\n",
            null,
            new Expected("/openai/v1/responses", "api-version=2025-04-01-preview",
                Map.of("authorization", "Bearer sk-azure", "x-team", "orchestra", "x-trace", "t-1"), List.of("x-unset", "api-key"))),
        Arguments.of(
            "Chat Completions with no key for a local server",
            "model_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \"BASE/v1/\"\nwire_api = \"chat\"\n",
            null,
            new Expected("/v1/chat/completions", "", Map.of(), List.of("authorization", "openai-organization"))),
        Arguments.of(
            "--wire-api chat over the table's responses",
            "model_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \"BASE/v1\"\nwire_api = \"responses\"\n"
                + "env_key = \"LOCAL_KEY\"\n",
            "chat",
            new Expected("/v1/chat/completions", "", Map.of("authorization", "Bearer sk-local"), List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tables")
  void theTableDecidesUrlQueryHeadersAndKey(String name, String toml, String wireApi, Expected expected) throws Exception {
    Map<String, String> env = Map.of("AZURE_KEY", "sk-azure", "LOCAL_KEY", "sk-local", "TRACE_ID", "t-1", "OPENAI_ORGANIZATION", "org-1");
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      String base = "http://127.0.0.1:" + server.baseUrl().getPort();
      boolean chat = expected.path().endsWith("/chat/completions");
      server.enqueue(chat ? FakeReply.chatStream("ok", NO_CALLS, 1, 1) : FakeReply.responsesStream("ok", NO_CALLS, 1, 1));
      LoadedConfig loaded = load(toml.replace("BASE", base), env);
      try (OpenAiProvider provider = Main.RunCommand.provider(loaded, wireApi, env)) {
        assertEquals("ok", provider.respond(request(), ProviderSignals.NONE).text());
      }
      RecordedRequest sent = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertEquals("POST", sent.method());
      assertEquals(expected.path(), sent.path());
      assertEquals(expected.query(), sent.query());
      expected.headers().forEach((header, value) -> assertEquals(Optional.of(value), sent.header(header), header));
      expected.absentHeaders().forEach(header -> assertTrue(sent.header(header).isEmpty(), header + " was sent: " + sent));
    }
  }

  @Test
  void withoutAProviderTheRunTalksToOpenAiWithItsKey() throws Exception {
    LoadedConfig loaded = load("model = \"gpt-5.4\"\n", Map.of());
    try (OpenAiProvider provider = Main.RunCommand.provider(loaded, null, Map.of("OPENAI_API_KEY", "sk-openai"))) {
      assertEquals("OpenAiProvider[OpenAI, https://api.openai.com/v1, responses, key ApiKey[redacted]]", provider.toString());
    }
  }

  @Test
  void aBadValueStopsTheLoadNamingFileLineAndKey() throws Exception {
    Path file = tmp.resolve("home/.codex/config.toml");
    for (String[] bad : List.of(
        new String[] {"request_max_retries = \"3\"", "model_providers.local.request_max_retries", "must be an integer"},
        // Refused by the provider only when it was made, with no file or line, before the table was typed.
        new String[] {"base_url = \"localhost:8000/v1\"", "model_providers.local.base_url", "must be an http or https URL with a host"})) {
      CodexConfigException e =
          assertThrows(CodexConfigException.class, () -> load("model_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\n" + bad[0] + "\n", Map.of()));
      Diagnostic d = e.diagnostics().get(0);
      assertEquals(List.of(file, 4, bad[1]), List.of(d.file(), d.line(), d.keyPath()), d.toString());
      assertTrue(d.message().contains(bad[2]) && e.getMessage().contains(file + ":4"), e.getMessage());
    }
  }

  @Test
  void codexsBuiltInLocalProvidersNeedNoTable() throws Exception {
    try (OpenAiProvider provider = Main.RunCommand.provider(load("model_provider = \"ollama\"\n", Map.of()), null, Map.of("OPENAI_API_KEY", "sk-openai"))) {
      assertEquals("OpenAiProvider[Ollama, http://localhost:11434/v1, responses, no key]", provider.toString());
    }
  }

  @Test
  void aMissingKeyNamesTheVariableAndTheTablesInstructions() throws Exception {
    LoadedConfig loaded =
        load("model_provider = \"corp\"\n[model_providers.corp]\nname = \"Corp\"\nbase_url = \"https://llm.corp.example/v1\"\n"
            + "env_key = \"CORP_KEY\"\nenv_key_instructions = \"ask #platform for one\"\n", Map.of());
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> Main.RunCommand.provider(loaded, null, Map.of()));
    assertEquals("no API key for provider 'Corp': set the CORP_KEY environment variable (ask #platform for one)", e.getMessage());
  }

  @Test
  void theTablesRetryCountReachesTheProvider() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.enqueue(
          FakeReply.error(500, "server_error", null, "boom"), FakeReply.error(500, "server_error", null, "boom"),
          FakeReply.error(500, "server_error", null, "boom"));
      LoadedConfig loaded =
          load("model_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \"" + server.baseUrl()
              + "\"\nrequest_max_retries = 1\nstream_idle_timeout_ms = 5000\n", Map.of());
      try (OpenAiProvider provider = Main.RunCommand.provider(loaded, null, Map.of())) {
        TransientModelException e = assertThrows(TransientModelException.class, () -> provider.respond(request(), ProviderSignals.NONE));
        assertTrue(e.getMessage().endsWith("(after 2 attempts)"), e.getMessage());
      }
      assertEquals(2, server.requestCount(), "one request retry, as the table says");
    }
  }
}
