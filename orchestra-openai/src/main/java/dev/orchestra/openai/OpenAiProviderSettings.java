package dev.orchestra.openai;

import dev.orchestra.OrchestraException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's settings in the shape of Codex's {@code [model_providers.<id>]} table, in plain Java
 * types so a configuration reader can fill them without depending on this module.
 *
 * @param name the provider's display name
 * @param baseUrl the API root
 * @param envKeyVariable the environment variable holding the API key, or an empty string for none
 * @param wireApi the API to speak
 * @param queryParams query parameters for every request (Azure's {@code api-version})
 * @param httpHeaders fixed headers
 * @param envHttpHeaders headers whose values come from environment variables: header -> variable
 * @param requestMaxRetries retries of a failed request
 * @param streamMaxRetries retries of a dropped stream (counted with the request's retries here)
 * @param streamIdleTimeout how long a stream may stay silent
 */
public record OpenAiProviderSettings(
    String name,
    URI baseUrl,
    String envKeyVariable,
    WireApi wireApi,
    Map<String, String> queryParams,
    Map<String, String> httpHeaders,
    Map<String, String> envHttpHeaders,
    int requestMaxRetries,
    int streamMaxRetries,
    Duration streamIdleTimeout) {

  /** Validates and copies the components. */
  public OpenAiProviderSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(envKeyVariable, "envKeyVariable");
    Objects.requireNonNull(wireApi, "wireApi");
    queryParams = Map.copyOf(queryParams);
    httpHeaders = Map.copyOf(httpHeaders);
    envHttpHeaders = Map.copyOf(envHttpHeaders);
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    if (requestMaxRetries < 0 || requestMaxRetries > 100 || streamMaxRetries < 0 || streamMaxRetries > 100) {
      throw new IllegalArgumentException("retry counts must be between 0 and 100");
    }
  }

  /** Returns the API key variable, if the provider uses one. */
  public Optional<String> envKey() {
    return envKeyVariable.isBlank() ? Optional.empty() : Optional.of(envKeyVariable);
  }

  /** Returns OpenAI's own settings: api.openai.com, {@code OPENAI_API_KEY}, the Responses API. */
  public static OpenAiProviderSettings openAi() {
    return new OpenAiProviderSettings(
        "OpenAI", OpenAiProvider.DEFAULT_BASE_URL, "OPENAI_API_KEY", WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 4, 5,
        Duration.ofMinutes(5));
  }

  /**
   * Reads settings by Codex's key names: {@code name}, {@code base_url}, {@code env_key}, {@code
   * wire_api}, {@code request_max_retries}, {@code stream_max_retries}, {@code
   * stream_idle_timeout_ms}, and {@code query_params.<k>}, {@code http_headers.<k>}, {@code
   * env_http_headers.<k>} for the tables. Missing keys take OpenAI's values.
   *
   * @param settings the flattened table
   * @return the settings
   * @throws OrchestraException naming the key when a value is invalid
   */
  public static OpenAiProviderSettings fromMap(Map<String, String> settings) {
    OpenAiProviderSettings d = openAi();
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, String> envHeaders = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith("query_params.")) {
        query.put(k.substring("query_params.".length()), v);
      } else if (k.startsWith("http_headers.")) {
        headers.put(k.substring("http_headers.".length()), v);
      } else if (k.startsWith("env_http_headers.")) {
        envHeaders.put(k.substring("env_http_headers.".length()), v);
      }
    });
    URI base;
    try {
      base = settings.containsKey("base_url") ? URI.create(settings.get("base_url")) : d.baseUrl();
    } catch (IllegalArgumentException e) {
      throw new OrchestraException("base_url is not a URL: " + settings.get("base_url"), e);
    }
    WireApi wire =
        settings.containsKey("wire_api")
            ? WireApi.fromConfigValue(settings.get("wire_api"))
                .orElseThrow(() -> new OrchestraException("wire_api must be 'responses' or 'chat', got '" + settings.get("wire_api") + "'"))
            : d.wireApi();
    String envKey = settings.containsKey("env_key") ? settings.get("env_key") : settings.containsKey("base_url") ? "" : d.envKeyVariable();
    return new OpenAiProviderSettings(
        settings.getOrDefault("name", d.name()),
        base,
        envKey,
        wire,
        query,
        headers,
        envHeaders,
        integer(settings, "request_max_retries", d.requestMaxRetries()),
        integer(settings, "stream_max_retries", d.streamMaxRetries()),
        settings.containsKey("stream_idle_timeout_ms")
            ? Duration.ofMillis(integer(settings, "stream_idle_timeout_ms", 0))
            : d.streamIdleTimeout());
  }

  private static int integer(Map<String, String> s, String key, int dflt) {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new OrchestraException(key + " must be an integer, got '" + v + "'", e);
    }
  }
}
