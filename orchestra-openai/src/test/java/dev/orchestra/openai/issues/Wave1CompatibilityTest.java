package dev.orchestra.openai.issues;

import dev.orchestra.model.WireApi;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.openai.OpenAiProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 12, checked by the compiler: code written against wave 1 (547aaac) that uses a signature
 * of orchestra-openai that later changed still compiles, its imports changed only. Nothing here
 * runs (OpenAiProviderSettingsTest runs the adapters); removing one breaks the build. It lives
 * outside the module's package so that it sees only what a user's program sees.
 */
@SuppressWarnings({"removal", "unused"})
final class Wave1CompatibilityTest {
  private Wave1CompatibilityTest() {}

  /** Every public member of wave 1's {@code OpenAiProviderSettings}, and {@code fromSettings}. */
  static OpenAiProvider settings(Map<String, String> environment) {
    OpenAiProviderSettings full =
        new OpenAiProviderSettings("n", URI.create("https://h/v1"), "KEY", WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 1, 2,
            Duration.ofSeconds(3), 4, Duration.ofSeconds(5));
    OpenAiProviderSettings shorter =
        new OpenAiProviderSettings("n", URI.create("https://h/v1"), "", WireApi.CHAT_COMPLETIONS, Map.of(), Map.of(), Map.of(), 1, 2,
            Duration.ofSeconds(3));
    String name = full.name();
    URI baseUrl = full.baseUrl();
    String envKeyVariable = full.envKeyVariable();
    Optional<String> envKey = full.envKey();
    WireApi wireApi = full.wireApi();
    Map<String, String> queryParams = full.queryParams();
    Map<String, String> httpHeaders = full.httpHeaders();
    Map<String, String> envHttpHeaders = full.envHttpHeaders();
    int requestMaxRetries = full.requestMaxRetries();
    int streamMaxRetries = full.streamMaxRetries();
    Duration streamIdleTimeout = full.streamIdleTimeout();
    int requestsPerPeriod = full.requestsPerPeriod();
    Duration rateLimitPeriod = full.rateLimitPeriod();
    OpenAiProviderSettings openAi = OpenAiProviderSettings.openAi();
    OpenAiProviderSettings read = OpenAiProviderSettings.fromMap(Map.of("base_url", "http://localhost:8000/v1"));
    return OpenAiProvider.fromSettings(read, environment);
  }
}
