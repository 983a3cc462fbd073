package dev.orchestra.openai;

import dev.orchestra.OrchestraException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's settings in the shape of Codex's {@code [model_providers.<id>]} table, in plain Java
 * types so a configuration reader can fill them without depending on this module. Immutable.
 *
 * @param name the provider's display name
 * @param baseUrl the API root
 * @param envKeyVariable the environment variable holding the API key, or an empty string for none
 * @param wireApi the API to speak
 * @param queryParams query parameters for every request (Azure's {@code api-version})
 * @param httpHeaders fixed headers
 * @param envHttpHeaders headers whose values come from environment variables: header -> variable;
 *     a header whose variable is unset or blank is not sent
 * @param requestMaxRetries retries of a request that failed before its answer started (0..100)
 * @param streamMaxRetries retries of a stream that broke after it started (0..100)
 * @param streamIdleTimeout how long a stream may stay silent; positive
 * @param requestsPerPeriod a client-side limit of requests per {@code rateLimitPeriod}, or 0 for
 *     none (not a Codex key; the server's advertised limits are followed either way)
 * @param rateLimitPeriod the period of {@code requestsPerPeriod}; positive
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
    Duration streamIdleTimeout,
    int requestsPerPeriod,
    Duration rateLimitPeriod) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException when a retry count is outside 0..100, a duration is not
   *     positive or the request limit is negative
   */
  public OpenAiProviderSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(envKeyVariable, "envKeyVariable");
    Objects.requireNonNull(wireApi, "wireApi");
    queryParams = Map.copyOf(queryParams);
    httpHeaders = Map.copyOf(httpHeaders);
    envHttpHeaders = Map.copyOf(envHttpHeaders);
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    Objects.requireNonNull(rateLimitPeriod, "rateLimitPeriod");
    if (requestMaxRetries < 0 || requestMaxRetries > 100 || streamMaxRetries < 0 || streamMaxRetries > 100) {
      throw new IllegalArgumentException(
          "retry counts must be between 0 and 100, got request " + requestMaxRetries + ", stream " + streamMaxRetries);
    }
    if (streamIdleTimeout.isNegative() || streamIdleTimeout.isZero()) {
      throw new IllegalArgumentException("streamIdleTimeout must be positive, got " + streamIdleTimeout);
    }
    if (requestsPerPeriod < 0 || rateLimitPeriod.isNegative() || rateLimitPeriod.isZero()) {
      throw new IllegalArgumentException(
          "requestsPerPeriod must not be negative and rateLimitPeriod must be positive, got " + requestsPerPeriod + " per " + rateLimitPeriod);
    }
  }

  /**
   * Creates settings without a client-side request limit.
   *
   * @param name the provider's display name
   * @param baseUrl the API root
   * @param envKeyVariable the API key's variable, or an empty string for none
   * @param wireApi the API to speak
   * @param queryParams query parameters for every request
   * @param httpHeaders fixed headers
   * @param envHttpHeaders environment-sourced headers: header -> variable
   * @param requestMaxRetries retries of a failed request
   * @param streamMaxRetries retries of a broken stream
   * @param streamIdleTimeout how long a stream may stay silent
   * @throws IllegalArgumentException as the canonical constructor
   */
  public OpenAiProviderSettings(
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
    this(name, baseUrl, envKeyVariable, wireApi, queryParams, httpHeaders, envHttpHeaders, requestMaxRetries, streamMaxRetries,
        streamIdleTimeout, 0, Duration.ofSeconds(1));
  }

  /** Returns the API key variable, if the provider uses one. */
  public Optional<String> envKey() {
    return envKeyVariable.isBlank() ? Optional.empty() : Optional.of(envKeyVariable);
  }

  /**
   * Returns OpenAI's own settings, as Codex's built-in {@code openai} provider: api.openai.com,
   * {@code OPENAI_API_KEY}, the Responses API, {@code OpenAI-Organization} and {@code
   * OpenAI-Project} from {@code OPENAI_ORGANIZATION} and {@code OPENAI_PROJECT} when set, 4
   * request and 5 stream retries, a 5-minute stream idle timeout.
   *
   * @return the settings
   */
  public static OpenAiProviderSettings openAi() {
    return new OpenAiProviderSettings(
        "OpenAI", OpenAiProvider.DEFAULT_BASE_URL, "OPENAI_API_KEY", WireApi.RESPONSES, Map.of(), Map.of(),
        Map.of("OpenAI-Organization", "OPENAI_ORGANIZATION", "OpenAI-Project", "OPENAI_PROJECT"), 4, 5, Duration.ofMinutes(5));
  }

  /**
   * Reads settings by Codex's key names: {@code name}, {@code base_url}, {@code env_key}, {@code
   * wire_api}, {@code request_max_retries}, {@code stream_max_retries}, {@code
   * stream_idle_timeout_ms}, and {@code query_params.<k>}, {@code http_headers.<k>}, {@code
   * env_http_headers.<k>} for the tables; and two keys of Orchestra's own, {@code
   * requests_per_period} and {@code rate_limit_period_ms} (default 1000), for a client-side
   * limit. Missing keys take OpenAI's values, except that a provider with its own {@code base_url}
   * sends no key unless {@code env_key} names one, and no OpenAI organization headers. Retry
   * counts above 100 are read as 100, as Codex does.
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
    boolean ownServer = settings.containsKey("base_url");
    URI base;
    try {
      base = ownServer ? URI.create(settings.get("base_url").strip()) : d.baseUrl();
    } catch (IllegalArgumentException e) {
      throw new OrchestraException("base_url is not a URL: " + settings.get("base_url"), e);
    }
    try {
      base = httpUrl(base, "base_url");
    } catch (IllegalArgumentException e) {
      throw new OrchestraException(e.getMessage(), e);
    }
    WireApi wire =
        settings.containsKey("wire_api")
            ? WireApi.fromConfigValue(settings.get("wire_api"))
                .orElseThrow(() -> new OrchestraException("wire_api must be 'responses' or 'chat', got '" + settings.get("wire_api") + "'"))
            : d.wireApi();
    String envKey = settings.containsKey("env_key") ? settings.get("env_key").strip() : ownServer ? "" : d.envKeyVariable();
    if (!ownServer && envHeaders.isEmpty()) {
      envHeaders.putAll(d.envHttpHeaders());
    }
    long idleMs = integer(settings, "stream_idle_timeout_ms", d.streamIdleTimeout().toMillis(), Long.MAX_VALUE);
    if (idleMs <= 0) {
      throw new OrchestraException("stream_idle_timeout_ms must be positive, got " + idleMs);
    }
    long periodMs = integer(settings, "rate_limit_period_ms", 1000, Long.MAX_VALUE);
    if (periodMs <= 0) {
      throw new OrchestraException("rate_limit_period_ms must be positive, got " + periodMs);
    }
    return new OpenAiProviderSettings(
        settings.getOrDefault("name", d.name()),
        base,
        envKey,
        wire,
        query,
        headers,
        envHeaders,
        (int) Math.min(100, integer(settings, "request_max_retries", d.requestMaxRetries(), Long.MAX_VALUE)),
        (int) Math.min(100, integer(settings, "stream_max_retries", d.streamMaxRetries(), Long.MAX_VALUE)),
        Duration.ofMillis(idleMs),
        (int) integer(settings, "requests_per_period", 0, Integer.MAX_VALUE),
        Duration.ofMillis(periodMs));
  }

  /** A non-negative integer setting, at most {@code max}. */
  private static long integer(Map<String, String> s, String key, long dflt, long max) {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new OrchestraException(key + " must be an integer, got '" + v + "'", e);
    }
    if (n < 0 || n > max) {
      throw new OrchestraException(key + " must be between 0 and " + max + ", got " + n);
    }
    return n;
  }

  /**
   * Returns the settings with the values of headers and query parameters left out and the base
   * URL without any user-info part: they may hold tokens.
   */
  @Override
  public String toString() {
    return "OpenAiProviderSettings[name=" + name + ", baseUrl=" + withoutUserInfo(baseUrl) + ", envKeyVariable=" + envKeyVariable
        + ", wireApi=" + wireApi + ", queryParams=" + queryParams.keySet() + ", httpHeaders=" + httpHeaders.keySet()
        + ", envHttpHeaders=" + envHttpHeaders + ", requestMaxRetries=" + requestMaxRetries + ", streamMaxRetries=" + streamMaxRetries
        + ", streamIdleTimeout=" + streamIdleTimeout + ", requestsPerPeriod=" + requestsPerPeriod + ", rateLimitPeriod=" + rateLimitPeriod + "]";
  }

  /** The URL with any {@code user:password@} part taken out, for messages. */
  /**
   * Checks a base URL and returns it with its scheme in lower case ({@code HTTP://} is the same
   * URL as {@code http://}, and the provider picks its executor by scheme).
   *
   * @throws IllegalArgumentException when it is not an absolute http or https URL with a host,
   *     or has a query or fragment (the endpoint's path is appended to it); the message names
   *     {@code what} and leaves out any user-info
   */
  static URI httpUrl(URI url, String what) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(what + " must be an http or https URL with a host, got '" + withoutUserInfo(url) + "'");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          what + " must not have a query or fragment (query parameters go in query_params), got '" + withoutUserInfo(url) + "'");
    }
    return scheme.equals(url.getScheme()) ? url : URI.create(scheme + url.toString().substring(url.getScheme().length()));
  }

  static String withoutUserInfo(URI url) {
    if (url.getRawUserInfo() == null) {
      return url.toString();
    }
    return url.toString().replace(url.getRawUserInfo() + "@", "");
  }
}
