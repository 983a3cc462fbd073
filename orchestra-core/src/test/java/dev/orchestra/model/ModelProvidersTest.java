package dev.orchestra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.OrchestraException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery hands the factory the typed settings; the deprecated string form reads into the same type. */
final class ModelProvidersTest {
  private final ClassLoader loader = getClass().getClassLoader();

  @BeforeEach
  void forget() {
    RecordingProviderFactory.MADE.clear();
  }

  @Test
  void theFactoryGetsTheTypedSettingsAsGiven() {
    ProviderConfig config = ProviderConfig.builder("local").baseUrl(URI.create("http://localhost:8000/v1")).wireApi(WireApi.CHAT_COMPLETIONS).build();
    ModelProviders.create("recording", loader, config, Map.of());
    assertEquals(config, RecordingProviderFactory.MADE.get(0));
  }

  @Test
  void anUnknownNameListsTheFactoriesFound() {
    OrchestraException e =
        assertThrows(OrchestraException.class, () -> ModelProviders.create("anthropic", loader, ProviderConfig.builder("x").build(), Map.of()));
    assertEquals("no model provider named 'anthropic'; found: recording", e.getMessage());
  }

  @Test
  @SuppressWarnings("removal")
  void theDeprecatedStringFormReadsIntoTheSameTypeWithTheSameDefaultsAndCaps() {
    Map<String, String> flat = new LinkedHashMap<>();
    flat.put("name", "Azure");
    flat.put("base_url", "https://x.example/openai/v1");
    flat.put("env_key", "AZURE_KEY");
    flat.put("wire_api", "chat");
    flat.put("query_params.api-version", "2025-04-01");
    flat.put("http_headers.X-Team", "a");
    flat.put("env_http_headers.X-Trace", "TRACE");
    flat.put("request_max_retries", "250");
    flat.put("stream_idle_timeout_ms", "2000");
    flat.put("unknown_key", "ignored");
    ModelProviders.create("recording", loader, flat, Map.of());
    ProviderConfig expected =
        ProviderConfig.builder("recording").name("Azure").baseUrl(URI.create("https://x.example/openai/v1")).envKey("AZURE_KEY")
            .wireApi(WireApi.CHAT_COMPLETIONS).queryParams(Map.of("api-version", "2025-04-01")).httpHeader("X-Team", "a")
            .envHttpHeader("X-Trace", "TRACE").requestMaxRetries(100).streamIdleTimeout(Duration.ofSeconds(2)).build();
    assertEquals(expected, RecordingProviderFactory.MADE.get(0));
    new RecordingProviderFactory().create(Map.of(), Map.of());
    assertEquals(ProviderConfig.builder("recording").build(), RecordingProviderFactory.MADE.get(1), "nothing set: every default");
  }

  @Test
  @SuppressWarnings("removal")
  void theDeprecatedStringFormNamesTheKeyOfABadValue() {
    for (Map.Entry<String, String> bad : Map.of(
        "request_max_retries", "three", "stream_max_retries", "-1", "stream_idle_timeout_ms", "0", "wire_api", "chat_completions",
        "base_url", "localhost:8000", "http_headers.Host", "x").entrySet()) {
      OrchestraException e = assertThrows(OrchestraException.class, () -> ModelProviders.create("recording", loader, Map.of(bad.getKey(), bad.getValue()), Map.of()));
      String key = bad.getKey().startsWith("http_headers.") ? "http_headers" : bad.getKey();
      assertTrue(e.getMessage().startsWith(key), bad + ": " + e.getMessage());
    }
  }
}
