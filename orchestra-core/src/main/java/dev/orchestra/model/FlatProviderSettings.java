package dev.orchestra.model;

import dev.orchestra.OrchestraException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the flattened string form of a {@code [model_providers.<id>]} table that the deprecated
 * {@link ModelProviderFactory#create(Map, Map)} takes. It only turns strings into the types of
 * {@link ProviderConfig.Builder}; every default, limit and allowed value is the builder's.
 */
final class FlatProviderSettings {
  private FlatProviderSettings() {}

  /**
   * Reads {@code name}, {@code base_url}, {@code env_key}, {@code env_key_instructions}, {@code
   * wire_api}, the three retry and timeout keys, {@code requests_per_period}, {@code
   * rate_limit_period_ms}, and {@code query_params.<k>}, {@code http_headers.<k>}, {@code
   * env_http_headers.<k>}; other keys are ignored.
   *
   * @throws OrchestraException naming the key when a value is invalid
   */
  static ProviderConfig read(String id, Map<String, String> settings) {
    ProviderConfig.Builder b = ProviderConfig.builder(id);
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, String> envHeaders = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      try {
        switch (key) {
          case "name" -> b.name(value);
          case "base_url" -> b.baseUrl(url(value));
          case "env_key" -> b.envKey(value);
          case "env_key_instructions" -> b.envKeyInstructions(value);
          case "wire_api" -> b.wireApi(WireApi.fromConfigValue(value).orElseThrow(() -> new IllegalArgumentException(
              "wire_api must be one of " + WireApi.allowedValues() + ", got '" + value + "'")));
          case "request_max_retries" -> b.requestMaxRetries(integer(key, value));
          case "stream_max_retries" -> b.streamMaxRetries(integer(key, value));
          case "stream_idle_timeout_ms" -> b.streamIdleTimeout(Duration.ofMillis(integer(key, value)));
          case "requests_per_period" -> b.requestsPerPeriod(integer(key, value));
          case "rate_limit_period_ms" -> b.rateLimitPeriod(Duration.ofMillis(integer(key, value)));
          default -> {
            if (key.startsWith("query_params.")) {
              query.put(key.substring("query_params.".length()), value);
            } else if (key.startsWith("http_headers.")) {
              headers.put(key.substring("http_headers.".length()), value);
            } else if (key.startsWith("env_http_headers.")) {
              envHeaders.put(key.substring("env_http_headers.".length()), value);
            }
          }
        }
      } catch (IllegalArgumentException ex) {
        throw new OrchestraException(ex.getMessage(), ex);
      }
    }
    try {
      return b.queryParams(query).httpHeaders(headers).envHttpHeaders(envHeaders).build();
    } catch (IllegalArgumentException ex) {
      throw new OrchestraException(ex.getMessage(), ex);
    }
  }

  private static URI url(String value) {
    try {
      return new URI(value.strip());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("base_url is not a URL: " + e.getReason());
    }
  }

  private static long integer(String key, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
    }
  }
}
