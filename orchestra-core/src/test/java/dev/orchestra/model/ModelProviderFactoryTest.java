package dev.orchestra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.internal.provider.FlatProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A factory written before {@link ModelProviderFactory#create(ProviderConfig, Map)} existed (wave
 * 1, issue 12) still works: discovery hands it the configuration's values by Codex's key names.
 */
final class ModelProviderFactoryTest {
  private static final ModelProvider MADE = (request, signals) -> {
    throw new UnsupportedOperationException("made only");
  };

  /** Wave 1's shape: only the map-based method is overridden. */
  @SuppressWarnings("removal")
  static final class Wave1Factory implements ModelProviderFactory {
    Map<String, String> settings;
    Map<String, String> environment;

    @Override
    public String name() {
      return "wave1";
    }

    @Override
    public ModelProvider create(Map<String, String> settings, Map<String, String> environment) {
      this.settings = settings;
      this.environment = environment;
      return MADE;
    }
  }

  /** Overrides neither create method. */
  static final class Neither implements ModelProviderFactory {
    @Override
    public String name() {
      return "neither";
    }
  }

  @Test
  void aWave1FactoryIsHandedEveryValueByCodexsKeys() {
    ProviderConfig config =
        ProviderConfig.builder("azure").name("Azure").baseUrl(URI.create("https://x.example/openai/v1")).envKey("AZURE_KEY")
            .envKeyInstructions("ask ops").wireApi(WireApi.CHAT_COMPLETIONS).queryParams(Map.of("api-version", "2025-04-01"))
            .httpHeader("X-Team", "a").envHttpHeader("X-Trace", "TRACE").requestMaxRetries(2).streamMaxRetries(3)
            .streamIdleTimeout(Duration.ofSeconds(2)).requestsPerPeriod(10).rateLimitPeriod(Duration.ofMillis(500)).build();
    Wave1Factory factory = new Wave1Factory();
    Map<String, String> environment = Map.of("AZURE_KEY", "k");

    assertSame(MADE, factory.create(config, environment));

    Map<String, String> expected = new HashMap<>();
    expected.put("name", "Azure");
    expected.put("base_url", "https://x.example/openai/v1");
    expected.put("env_key", "AZURE_KEY");
    expected.put("env_key_instructions", "ask ops");
    expected.put("wire_api", "chat");
    expected.put("query_params.api-version", "2025-04-01");
    expected.put("http_headers.X-Team", "a");
    expected.put("env_http_headers.X-Trace", "TRACE");
    expected.put("request_max_retries", "2");
    expected.put("stream_max_retries", "3");
    expected.put("stream_idle_timeout_ms", "2000");
    expected.put("requests_per_period", "10");
    expected.put("rate_limit_period_ms", "500");
    assertEquals(expected, factory.settings);
    assertEquals(environment, factory.environment);
  }

  @Test
  void whatAWave1FactoryIsHandedReadsBackIntoTheSameConfiguration() {
    ProviderConfig full =
        ProviderConfig.builder("corp").name("Corp").baseUrl(URI.create("http://localhost:8000/v1")).envKey("CORP_KEY")
            .queryParams(Map.of("a", "1", "b", "2")).httpHeader("X-One", "1").envHttpHeader("X-Two", "TWO").requestMaxRetries(250)
            .streamMaxRetries(0).streamIdleTimeout(Duration.ofMillis(1500)).requestsPerPeriod(3).rateLimitPeriod(Duration.ofSeconds(7)).build();
    for (ProviderConfig config : new ProviderConfig[] {full, ProviderConfig.builder("bare").build()}) {
      Wave1Factory factory = new Wave1Factory();
      factory.create(config, Map.of());
      assertEquals(config, FlatProviderSettings.read(config.id(), factory.settings), config.toString());
    }
  }

  @Test
  @SuppressWarnings("removal")
  void aFactoryThatOverridesNeitherMethodSaysSoInsteadOfLooping() {
    Neither neither = new Neither();
    UnsupportedOperationException typed =
        assertThrows(UnsupportedOperationException.class, () -> neither.create(ProviderConfig.builder("x").build(), Map.of()));
    assertEquals(Neither.class.getName() + " overrides neither create(ProviderConfig, Map) nor the deprecated create(Map, Map)", typed.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> neither.create(Map.of(), Map.of()));
  }
}
