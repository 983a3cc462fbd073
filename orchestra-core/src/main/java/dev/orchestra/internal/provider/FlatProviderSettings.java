package dev.orchestra.internal.provider;

import dev.orchestra.OrchestraException;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flattened string form of a {@code [model_providers.<id>]} table that wave 1's map-based
 * factories took ({@code ModelProviderFactory.create(Map, Map)}, {@code
 * OpenAiProviderSettings.fromMap}). {@link #read} only turns strings into the types of {@link
 * ProviderConfig.Builder}, and {@link #write} writes a configuration's values back under the same
 * keys; every default, limit and allowed value is the builder's.
 */
public final class FlatProviderSettings {
  private static final String NAME = "name";
  private static final String BASE_URL = "base_url";
  private static final String ENV_KEY = "env_key";
  private static final String ENV_KEY_INSTRUCTIONS = "env_key_instructions";
  private static final String WIRE_API = "wire_api";
  private static final String REQUEST_MAX_RETRIES = "request_max_retries";
  private static final String STREAM_MAX_RETRIES = "stream_max_retries";
  private static final String STREAM_IDLE_TIMEOUT_MS = "stream_idle_timeout_ms";
  private static final String REQUESTS_PER_PERIOD = "requests_per_period";
  private static final String RATE_LIMIT_PERIOD_MS = "rate_limit_period_ms";
  private static final String QUERY_PARAMS = "query_params.";
  private static final String HTTP_HEADERS = "http_headers.";
  private static final String ENV_HTTP_HEADERS = "env_http_headers.";

  private FlatProviderSettings() {}

  /**
   * Reads {@code name}, {@code base_url}, {@code env_key}, {@code env_key_instructions}, {@code
   * wire_api}, the three retry and timeout keys, {@code requests_per_period}, {@code
   * rate_limit_period_ms}, and {@code query_params.<k>}, {@code http_headers.<k>}, {@code
   * env_http_headers.<k>}; other keys are ignored.
   *
   * @param id the configuration's id
   * @param settings the flattened settings
   * @return the configuration
   * @throws OrchestraException naming the key when a value is invalid
   */
  public static ProviderConfig read(String id, Map<String, String> settings) {
    ProviderConfig.Builder b = ProviderConfig.builder(id);
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, String> envHeaders = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      try {
        switch (key) {
          case NAME -> b.name(value);
          case BASE_URL -> b.baseUrl(url(value));
          case ENV_KEY -> b.envKey(value);
          case ENV_KEY_INSTRUCTIONS -> b.envKeyInstructions(value);
          case WIRE_API -> b.wireApi(WireApi.fromConfigValue(value).orElseThrow(() -> new IllegalArgumentException(
              "wire_api must be one of " + WireApi.allowedValues() + ", got '" + value + "'")));
          case REQUEST_MAX_RETRIES -> b.requestMaxRetries(integer(key, value));
          case STREAM_MAX_RETRIES -> b.streamMaxRetries(integer(key, value));
          case STREAM_IDLE_TIMEOUT_MS -> b.streamIdleTimeout(Duration.ofMillis(integer(key, value)));
          case REQUESTS_PER_PERIOD -> b.requestsPerPeriod(integer(key, value));
          case RATE_LIMIT_PERIOD_MS -> b.rateLimitPeriod(Duration.ofMillis(integer(key, value)));
          default -> {
            if (key.startsWith(QUERY_PARAMS)) {
              query.put(key.substring(QUERY_PARAMS.length()), value);
            } else if (key.startsWith(HTTP_HEADERS)) {
              headers.put(key.substring(HTTP_HEADERS.length()), value);
            } else if (key.startsWith(ENV_HTTP_HEADERS)) {
              envHeaders.put(key.substring(ENV_HTTP_HEADERS.length()), value);
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

  /**
   * Writes every value of a configuration under the keys {@link #read} reads, so that reading the
   * result back under the same id gives an equal configuration (durations are written in whole
   * milliseconds, as the keys hold them). The id itself is not written: the flattened form never
   * had it.
   *
   * @param config the configuration
   * @return the flattened settings, in the order {@link #read} documents them; unmodifiable
   */
  public static Map<String, String> write(ProviderConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(NAME, config.name());
    config.baseUrl().ifPresent(u -> out.put(BASE_URL, u.toString()));
    config.envKey().ifPresent(v -> out.put(ENV_KEY, v));
    config.envKeyInstructions().ifPresent(i -> out.put(ENV_KEY_INSTRUCTIONS, i));
    out.put(WIRE_API, config.wireApi().configValue());
    out.put(REQUEST_MAX_RETRIES, Integer.toString(config.requestMaxRetries()));
    out.put(STREAM_MAX_RETRIES, Integer.toString(config.streamMaxRetries()));
    out.put(STREAM_IDLE_TIMEOUT_MS, Long.toString(config.streamIdleTimeout().toMillis()));
    out.put(REQUESTS_PER_PERIOD, Integer.toString(config.requestsPerPeriod()));
    out.put(RATE_LIMIT_PERIOD_MS, Long.toString(config.rateLimitPeriod().toMillis()));
    config.queryParams().forEach((k, v) -> out.put(QUERY_PARAMS + k, v));
    config.httpHeaders().forEach((k, v) -> out.put(HTTP_HEADERS + k, v));
    config.envHttpHeaders().forEach((k, v) -> out.put(ENV_HTTP_HEADERS + k, v));
    return Collections.unmodifiableMap(out);
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
