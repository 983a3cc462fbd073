package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.OrchestraException;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderFactory;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.WireApi;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wave 1's {@link OpenAiProviderSettings} and {@link OpenAiProvider#fromSettings} (issue 12): kept
 * for code written against them, and made of the new code, {@link ProviderConfig} and {@link
 * OpenAiProvider#fromConfig}.
 */
@SuppressWarnings("removal")
final class OpenAiProviderSettingsTest {
  private static final String KEY = "sk-test-ORCHESTRA-0123456789abcdef";
  private static final List<String[]> NO_CALLS = List.of();

  private FakeOpenAiServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeOpenAiServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aProviderFromWave1sMapAndSettingsAnswersWithEverySetting() throws Exception {
    server.enqueue(FakeReply.responsesStream("azure ok", NO_CALLS, 1, 1));
    Map<String, String> settings =
        Map.of(
            "name", "Azure",
            "base_url", server.baseUrl().toString(),
            "env_key", "AZURE_OPENAI_API_KEY",
            "wire_api", "responses",
            "query_params.api-version", "2025-04-01-preview",
            "http_headers.X-Team", "orchestra",
            "env_http_headers.X-Trace", "TRACE_ID",
            "request_max_retries", "1",
            "stream_idle_timeout_ms", "2000");
    OpenAiProviderSettings s = OpenAiProviderSettings.fromMap(settings);
    try (OpenAiProvider p = OpenAiProvider.fromSettings(s, Map.of("AZURE_OPENAI_API_KEY", KEY, "TRACE_ID", "t-1"))) {
      assertEquals("azure ok", p.respond(Requests.simple("gpt-5.4"), ProviderSignals.NONE).text());
      assertEquals("OpenAiProvider[Azure, " + server.baseUrl() + ", responses, key ApiKey[redacted]]", p.toString());
    }
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("api-version=2025-04-01-preview", r.query());
    assertEquals("orchestra", r.header("x-team").orElseThrow());
    assertEquals("t-1", r.header("x-trace").orElseThrow());
    assertEquals("Bearer " + KEY, r.header("authorization").orElseThrow());
  }

  @Test
  void theMapIsReadAsTheDeprecatedFactoryPathReadsItAndCompletedAsFromConfigCompletesIt() {
    OpenAiProviderSettings own = OpenAiProviderSettings.fromMap(Map.of("base_url", "HTTP://Local:8000/v1", "request_max_retries", "250"));
    assertEquals(URI.create("http://Local:8000/v1"), own.baseUrl(), "the scheme in lower case, as the configuration keeps it");
    assertEquals(Optional.empty(), own.envKey(), "an own server gets no key unless env_key names one");
    assertEquals(Map.of(), own.envHttpHeaders());
    assertEquals(ProviderConfig.MAX_RETRIES, own.requestMaxRetries(), "capped, as the configuration caps it");
    assertEquals(ProviderConfig.DEFAULT_STREAM_MAX_RETRIES, own.streamMaxRetries());

    OpenAiProviderSettings openAi = OpenAiProviderSettings.openAi();
    assertEquals(openAi, OpenAiProviderSettings.fromMap(Map.of()), "no keys: OpenAI's own settings");
    assertEquals(OpenAiProvider.DEFAULT_BASE_URL, openAi.baseUrl());
    assertEquals("OPENAI_API_KEY", openAi.envKeyVariable());
    assertEquals(Map.of("OpenAI-Organization", "OPENAI_ORGANIZATION", "OpenAI-Project", "OPENAI_PROJECT"), openAi.envHttpHeaders());
    assertEquals(OpenAiProvider.withOpenAiDefaults(ProviderConfig.builder("openai").build()), openAi.toConfig());

    OrchestraException e = assertThrows(OrchestraException.class, () -> OpenAiProviderSettings.fromMap(Map.of("stream_max_retries", "three")));
    assertEquals("stream_max_retries must be an integer, got 'three'", e.getMessage());
  }

  @Test
  void withoutAKeyTheProviderIsNotMadeAndTheMessageNamesTheVariable() {
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> OpenAiProvider.fromSettings(OpenAiProviderSettings.openAi(), Map.of()));
    assertEquals("no API key for provider 'openai': set the OPENAI_API_KEY environment variable", e.getMessage());
  }

  @Test
  void theConstructorsCheckAsTheConfigurationBuilderDoes() {
    OpenAiProviderSettings s =
        new OpenAiProviderSettings("corp", URI.create("https://llm.corp.example/v1"), " ", WireApi.CHAT_COMPLETIONS, Map.of("v", "1"), Map.of(),
            Map.of(), 7, 250, Duration.ofSeconds(30));
    assertEquals(ProviderConfig.builder("openai").build().rateLimitPeriod(), s.rateLimitPeriod(), "the shorter constructor: no client-side limit");
    assertEquals(0, s.requestsPerPeriod());
    assertEquals("", s.envKeyVariable(), "a blank variable is none");
    assertEquals(100, s.streamMaxRetries());
    ProviderConfig expected =
        ProviderConfig.builder("openai").name("corp").baseUrl(URI.create("https://llm.corp.example/v1")).wireApi(WireApi.CHAT_COMPLETIONS)
            .queryParams(Map.of("v", "1")).requestMaxRetries(7).streamMaxRetries(100).streamIdleTimeout(Duration.ofSeconds(30)).build();
    assertEquals(expected, s.toConfig());

    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> new OpenAiProviderSettings("corp", URI.create("https://h/v1"), "", WireApi.RESPONSES,
            Map.of(), Map.of(), Map.of(), -1, 0, Duration.ofSeconds(1)));
    assertTrue(negative.getMessage().startsWith("request_max_retries"), negative.getMessage());
    IllegalArgumentException url =
        assertThrows(IllegalArgumentException.class, () -> new OpenAiProviderSettings("corp", URI.create("ftp://h/v1"), "", WireApi.RESPONSES,
            Map.of(), Map.of(), Map.of(), 1, 1, Duration.ofSeconds(1)));
    assertTrue(url.getMessage().startsWith("base_url must "), url.getMessage());
  }

  @Test
  void headerTokensAndUserInfoStayOutOfToString() {
    OpenAiProviderSettings settings =
        new OpenAiProviderSettings(
            "proxy", URI.create("https://user:" + KEY + "@proxy.example.invalid/v1"), "", WireApi.RESPONSES, Map.of("key", KEY),
            Map.of("Authorization", "Bearer " + KEY), Map.of(), 1, 1, Duration.ofSeconds(30));
    assertFalse(settings.toString().contains(KEY), settings.toString());
    assertTrue(settings.toString().contains("httpHeaders=[Authorization]"), settings.toString());
  }

  /** Wave 1's OpenAiProviderFactory, word for word: it overrides only the map-based create. */
  static final class Wave1Factory implements ModelProviderFactory {
    @Override
    public String name() {
      return "openai";
    }

    @Override
    public ModelProvider create(Map<String, String> settings, Map<String, String> environment) {
      return OpenAiProvider.fromSettings(OpenAiProviderSettings.fromMap(settings), environment);
    }
  }

  @Test
  void wave1sFactoryMadeFromATypedConfigurationAnswers() throws Exception {
    server.enqueue(FakeReply.responsesStream("found", NO_CALLS, 1, 1));
    ProviderConfig config = ProviderConfig.builder("local").baseUrl(server.baseUrl()).httpHeader("X-Team", "orchestra").build();
    ModelProvider p = new Wave1Factory().create(config, Map.of());
    try {
      assertEquals("found", p.respond(Requests.simple("gpt-5.4"), ProviderSignals.NONE).text());
    } finally {
      ((OpenAiProvider) p).close();
    }
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("orchestra", r.header("x-team").orElseThrow());
    assertEquals(Optional.empty(), r.header("authorization"), "a local server without env_key gets no key");
  }
}
