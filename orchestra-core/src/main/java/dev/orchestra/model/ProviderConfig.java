package dev.orchestra.model;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One model provider's settings: Codex's {@code [model_providers.<id>]} table, typed. It is the
 * only model of that table: {@code orchestra-toml} reads {@code config.toml} into it, and a
 * provider module makes its provider from it ({@link ModelProviderFactory#create(ProviderConfig,
 * Map)}). The defaults and limits below are the only ones; a reader of a file and a provider both
 * take them from here.
 *
 * <table>
 *   <caption>Settings, their Codex keys and defaults</caption>
 *   <tr><th>setting</th><th>key</th><th>when not set</th></tr>
 *   <tr><td>{@link #name()}</td><td>{@code name}</td><td>the id</td></tr>
 *   <tr><td>{@link #baseUrl()}</td><td>{@code base_url}</td><td>empty: the provider's own server (for the OpenAI provider
 *       OpenAI's API, with its key and organisation headers)</td></tr>
 *   <tr><td>{@link #envKey()}</td><td>{@code env_key}</td><td>empty</td></tr>
 *   <tr><td>{@link #envKeyInstructions()}</td><td>{@code env_key_instructions}</td><td>empty</td></tr>
 *   <tr><td>{@link #wireApi()}</td><td>{@code wire_api}</td><td>{@link WireApi#RESPONSES}</td></tr>
 *   <tr><td>{@link #queryParams()}</td><td>{@code query_params}</td><td>none</td></tr>
 *   <tr><td>{@link #httpHeaders()}</td><td>{@code http_headers}</td><td>none</td></tr>
 *   <tr><td>{@link #envHttpHeaders()}</td><td>{@code env_http_headers}</td><td>none</td></tr>
 *   <tr><td>{@link #requestMaxRetries()}</td><td>{@code request_max_retries}</td><td>4, at most {@value #MAX_RETRIES}</td></tr>
 *   <tr><td>{@link #streamMaxRetries()}</td><td>{@code stream_max_retries}</td><td>5, at most {@value #MAX_RETRIES}</td></tr>
 *   <tr><td>{@link #streamIdleTimeout()}</td><td>{@code stream_idle_timeout_ms}</td><td>300 000 ms</td></tr>
 *   <tr><td>{@link #requestsPerPeriod()}</td><td>{@code requests_per_period} (Orchestra's own)</td><td>0: no client-side limit</td></tr>
 *   <tr><td>{@link #rateLimitPeriod()}</td><td>{@code rate_limit_period_ms} (Orchestra's own)</td><td>1000 ms</td></tr>
 * </table>
 *
 * <p>The builder refuses a value no provider could use with an {@link IllegalArgumentException}
 * whose message starts with the Codex key, for example {@code base_url must be an http or https
 * URL with a host, ...}, so that a reader of a file can put the file, line and table in front.
 *
 * <p>The configuration holds no secret itself (the API key is read from {@link #envKey()} by the
 * provider), but header and query values may be tokens: {@link #toString()} shows their names only,
 * and the base URL without any user-info part.
 *
 * <p>Immutable and thread-safe; two configurations are equal when every setting is.
 */
public final class ProviderConfig {
  /** The most retries of either kind; larger values are read as this, as Codex does. */
  public static final int MAX_RETRIES = 100;

  /** Codex's {@code request_max_retries} when the table has none. */
  public static final int DEFAULT_REQUEST_MAX_RETRIES = 4;

  /** Codex's {@code stream_max_retries} when the table has none. */
  public static final int DEFAULT_STREAM_MAX_RETRIES = 5;

  /** Codex's {@code stream_idle_timeout_ms} when the table has none: five minutes. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /** Headers an HTTP client sets itself, which a configuration cannot set (lower case). */
  private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final String id;
  private final String name;
  private final URI baseUrl; // null: the provider's own server
  private final String envKey; // null: no key variable
  private final String envKeyInstructions; // null: none
  private final WireApi wireApi;
  private final Map<String, String> queryParams;
  private final Map<String, String> httpHeaders;
  private final Map<String, String> envHttpHeaders;
  private final int requestMaxRetries;
  private final int streamMaxRetries;
  private final Duration streamIdleTimeout;
  private final int requestsPerPeriod;
  private final Duration rateLimitPeriod;

  private ProviderConfig(Builder b) {
    this.id = b.id;
    this.name = b.name == null ? b.id : b.name;
    this.baseUrl = b.baseUrl;
    this.envKey = b.envKey;
    this.envKeyInstructions = b.envKeyInstructions;
    this.wireApi = b.wireApi;
    this.queryParams = frozen(b.queryParams);
    this.httpHeaders = frozen(b.httpHeaders);
    this.envHttpHeaders = frozen(b.envHttpHeaders);
    this.requestMaxRetries = b.requestMaxRetries;
    this.streamMaxRetries = b.streamMaxRetries;
    this.streamIdleTimeout = b.streamIdleTimeout;
    this.requestsPerPeriod = b.requestsPerPeriod;
    this.rateLimitPeriod = b.rateLimitPeriod;
  }

  private static Map<String, String> frozen(Map<String, String> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /**
   * Returns a builder with every default.
   *
   * @param id the provider's id, the key under {@code [model_providers]}, for example {@code azure}
   * @return a new builder
   * @throws IllegalArgumentException when the id is blank
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Returns a builder holding these settings, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.name = name;
    b.baseUrl = baseUrl;
    b.envKey = envKey;
    b.envKeyInstructions = envKeyInstructions;
    b.wireApi = wireApi;
    b.queryParams.putAll(queryParams);
    b.httpHeaders.putAll(httpHeaders);
    b.envHttpHeaders.putAll(envHttpHeaders);
    b.requestMaxRetries = requestMaxRetries;
    b.streamMaxRetries = streamMaxRetries;
    b.streamIdleTimeout = streamIdleTimeout;
    b.requestsPerPeriod = requestsPerPeriod;
    b.rateLimitPeriod = rateLimitPeriod;
    return b;
  }

  /** Returns the provider's id, the key under {@code [model_providers]}. */
  public String id() {
    return id;
  }

  /** Returns the display name ({@code name}), used in logs, events and messages. */
  public String name() {
    return name;
  }

  /**
   * Returns {@code base_url}, the API root that paths such as {@code /responses} are appended to:
   * an http or https URL with a host and no query or fragment. Empty means the provider's own
   * server; for the OpenAI provider that is OpenAI's API, and then also OpenAI's key variable and
   * organisation headers unless {@link #envKey()} and {@link #envHttpHeaders()} say otherwise.
   */
  public Optional<URI> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /**
   * Returns {@code env_key}, the environment variable holding the API key. When it is set, a
   * missing or blank variable stops the provider from being made; when it is not, no key is sent
   * (except to the provider's own server, see {@link #baseUrl()}).
   */
  public Optional<String> envKey() {
    return Optional.ofNullable(envKey);
  }

  /** Returns {@code env_key_instructions}: what to tell a user whose key variable is not set. */
  public Optional<String> envKeyInstructions() {
    return Optional.ofNullable(envKeyInstructions);
  }

  /** Returns {@code wire_api}, the API the provider speaks. */
  public WireApi wireApi() {
    return wireApi;
  }

  /** Returns {@code query_params}, added to every request in this order (Azure's {@code api-version}). */
  public Map<String, String> queryParams() {
    return queryParams;
  }

  /** Returns {@code http_headers}, sent with every request. */
  public Map<String, String> httpHeaders() {
    return httpHeaders;
  }

  /**
   * Returns {@code env_http_headers}: header name to the environment variable holding its value. A
   * header whose variable is unset or blank is not sent.
   */
  public Map<String, String> envHttpHeaders() {
    return envHttpHeaders;
  }

  /** Returns {@code request_max_retries}: retries of a request that failed before its answer began. */
  public int requestMaxRetries() {
    return requestMaxRetries;
  }

  /** Returns {@code stream_max_retries}: retries of an answer stream that broke after it began. */
  public int streamMaxRetries() {
    return streamMaxRetries;
  }

  /** Returns {@code stream_idle_timeout_ms}: how long an answer may stay silent; positive. */
  public Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  /**
   * Returns {@code requests_per_period}, Orchestra's own key (Codex ignores it): at most this many
   * requests start in each {@link #rateLimitPeriod()}; 0 for no client-side limit. The server's
   * advertised limits are followed either way.
   */
  public int requestsPerPeriod() {
    return requestsPerPeriod;
  }

  /** Returns {@code rate_limit_period_ms}, Orchestra's own key: the period of {@link #requestsPerPeriod()}. */
  public Duration rateLimitPeriod() {
    return rateLimitPeriod;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ProviderConfig)) {
      return false;
    }
    ProviderConfig c = (ProviderConfig) o;
    return id.equals(c.id) && name.equals(c.name) && Objects.equals(baseUrl, c.baseUrl) && Objects.equals(envKey, c.envKey)
        && Objects.equals(envKeyInstructions, c.envKeyInstructions) && wireApi == c.wireApi && queryParams.equals(c.queryParams)
        && httpHeaders.equals(c.httpHeaders) && envHttpHeaders.equals(c.envHttpHeaders) && requestMaxRetries == c.requestMaxRetries
        && streamMaxRetries == c.streamMaxRetries && streamIdleTimeout.equals(c.streamIdleTimeout)
        && requestsPerPeriod == c.requestsPerPeriod && rateLimitPeriod.equals(c.rateLimitPeriod);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, baseUrl, envKey, envKeyInstructions, wireApi, queryParams, httpHeaders, envHttpHeaders,
        requestMaxRetries, streamMaxRetries, streamIdleTimeout, requestsPerPeriod, rateLimitPeriod);
  }

  /**
   * Returns the settings with the values of headers and query parameters left out and the base URL
   * without its user-info part: they may hold tokens.
   */
  @Override
  public String toString() {
    return "ProviderConfig[id=" + id + ", name=" + name + ", baseUrl=" + (baseUrl == null ? "(provider's own)" : withoutUserInfo(baseUrl))
        + ", envKey=" + envKey + ", wireApi=" + wireApi.configValue() + ", queryParams=" + queryParams.keySet()
        + ", httpHeaders=" + httpHeaders.keySet() + ", envHttpHeaders=" + envHttpHeaders + ", requestMaxRetries=" + requestMaxRetries
        + ", streamMaxRetries=" + streamMaxRetries + ", streamIdleTimeout=" + streamIdleTimeout
        + (requestsPerPeriod > 0 ? ", requestsPerPeriod=" + requestsPerPeriod + " per " + rateLimitPeriod : "") + "]";
  }

  private static String withoutUserInfo(URI url) {
    return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
  }

  /**
   * Builds {@link ProviderConfig}s. Every setter checks its value at once, so a reader of a file can
   * tell which key was wrong; a later call of the same setter replaces the earlier value, which is
   * how {@link #toBuilder()} derives a copy. Not thread-safe.
   */
  public static final class Builder {
    private final String id;
    private String name;
    private URI baseUrl;
    private String envKey;
    private String envKeyInstructions;
    private WireApi wireApi = WireApi.RESPONSES;
    private final Map<String, String> queryParams = new LinkedHashMap<>();
    private final Map<String, String> httpHeaders = new LinkedHashMap<>();
    private final Map<String, String> envHttpHeaders = new LinkedHashMap<>();
    private int requestMaxRetries = DEFAULT_REQUEST_MAX_RETRIES;
    private int streamMaxRetries = DEFAULT_STREAM_MAX_RETRIES;
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private int requestsPerPeriod;
    private Duration rateLimitPeriod = Duration.ofSeconds(1);

    private Builder(String id) {
      this.id = nonBlank(id, "the provider id");
    }

    /**
     * Sets the display name; default the id.
     *
     * @param name the name
     * @return this builder
     * @throws IllegalArgumentException when it is blank
     */
    public Builder name(String name) {
      this.name = nonBlank(name, "name");
      return this;
    }

    /**
     * Sets the API root; default none, meaning the provider's own server.
     *
     * @param url an http or https URL with a host and no query or fragment (query parameters go
     *     in {@link #queryParams}); the scheme may be in any case and is kept in lower case
     * @return this builder
     * @throws IllegalArgumentException when the URL is not such a URL; the message leaves out any
     *     user-info part
     */
    public Builder baseUrl(URI url) {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
        throw new IllegalArgumentException("base_url must be an http or https URL with a host, got '" + withoutUserInfo(url) + "'");
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "base_url must not have a query or fragment (query parameters go in query_params), got '" + withoutUserInfo(url) + "'");
      }
      this.baseUrl = scheme.equals(url.getScheme()) ? url : URI.create(scheme + url.toString().substring(url.getScheme().length()));
      return this;
    }

    /**
     * Sets the environment variable that holds the API key; default none.
     *
     * @param variable the variable's name
     * @return this builder
     * @throws IllegalArgumentException when it is blank
     */
    public Builder envKey(String variable) {
      this.envKey = nonBlank(variable, "env_key");
      return this;
    }

    /**
     * Sets what to tell a user whose key variable is not set, for example where to get a key.
     *
     * @param instructions the text
     * @return this builder
     */
    public Builder envKeyInstructions(String instructions) {
      this.envKeyInstructions = Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /**
     * Sets the API the provider speaks; default {@link WireApi#RESPONSES}.
     *
     * @param api the API
     * @return this builder
     */
    public Builder wireApi(WireApi api) {
      this.wireApi = Objects.requireNonNull(api, "api");
      return this;
    }

    /**
     * Replaces the query parameters added to every request; they are sent in the map's order.
     *
     * @param params name to value
     * @return this builder
     */
    public Builder queryParams(Map<String, String> params) {
      Map<String, String> copy = new LinkedHashMap<>();
      params.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, "value")));
      queryParams.clear();
      queryParams.putAll(copy);
      return this;
    }

    /**
     * Adds a header sent with every request.
     *
     * @param name the header's name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException when the name is not an HTTP token, names a header the HTTP
     *     client sets itself ({@code Connection}, {@code Content-Length}, {@code Expect}, {@code
     *     Host}, {@code Upgrade}), or the value holds a line break or another control character;
     *     the message names the header, never its value
     */
    public Builder httpHeader(String name, String value) {
      checkHeaderName(name, "http_headers");
      Objects.requireNonNull(value, "value");
      if (!validHeaderValue(value)) {
        throw new IllegalArgumentException(
            "http_headers: the value of '" + name + "' cannot be sent: it holds a line break or another control character");
      }
      httpHeaders.put(name, value);
      return this;
    }

    /**
     * Replaces the headers sent with every request.
     *
     * @param headers name to value
     * @return this builder
     * @throws IllegalArgumentException as {@link #httpHeader}; then no header is changed
     */
    public Builder httpHeaders(Map<String, String> headers) {
      Builder check = new Builder(id);
      headers.forEach(check::httpHeader);
      httpHeaders.clear();
      httpHeaders.putAll(check.httpHeaders);
      return this;
    }

    /**
     * Adds a header whose value is read from an environment variable when the provider is made; it
     * is not sent when the variable is unset or blank.
     *
     * @param header the header's name
     * @param variable the variable's name
     * @return this builder
     * @throws IllegalArgumentException when the header could not be set (as {@link #httpHeader}) or
     *     the variable's name is blank
     */
    public Builder envHttpHeader(String header, String variable) {
      checkHeaderName(header, "env_http_headers");
      envHttpHeaders.put(header, nonBlank(variable, "env_http_headers: the variable of '" + header + "'"));
      return this;
    }

    /**
     * Replaces the headers whose values come from environment variables.
     *
     * @param headers header name to variable name
     * @return this builder
     * @throws IllegalArgumentException as {@link #envHttpHeader}; then no header is changed
     */
    public Builder envHttpHeaders(Map<String, String> headers) {
      Builder check = new Builder(id);
      headers.forEach(check::envHttpHeader);
      envHttpHeaders.clear();
      envHttpHeaders.putAll(check.envHttpHeaders);
      return this;
    }

    /**
     * Sets the retries of a request that failed before its answer began; default 4.
     *
     * @param retries 0 or more; more than {@value ProviderConfig#MAX_RETRIES} is read as {@value
     *     ProviderConfig#MAX_RETRIES}
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder requestMaxRetries(long retries) {
      this.requestMaxRetries = retries("request_max_retries", retries);
      return this;
    }

    /**
     * Sets the retries of an answer stream that broke after it began; default 5.
     *
     * @param retries 0 or more; more than {@value ProviderConfig#MAX_RETRIES} is read as {@value
     *     ProviderConfig#MAX_RETRIES}
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder streamMaxRetries(long retries) {
      this.streamMaxRetries = retries("stream_max_retries", retries);
      return this;
    }

    /**
     * Sets how long an answer may stay silent before it is dropped (and retried); default five
     * minutes.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException when it is not positive
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive(timeout, "stream_idle_timeout_ms");
      return this;
    }

    /**
     * Sets a client-side limit: at most this many requests start per {@link #rateLimitPeriod};
     * default 0, no limit.
     *
     * @param requests 0 or more
     * @return this builder
     * @throws IllegalArgumentException when negative or above {@link Integer#MAX_VALUE}
     */
    public Builder requestsPerPeriod(long requests) {
      if (requests < 0 || requests > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("requests_per_period must be between 0 and " + Integer.MAX_VALUE + ", got " + requests);
      }
      this.requestsPerPeriod = (int) requests;
      return this;
    }

    /**
     * Sets the period of {@link #requestsPerPeriod}; default one second.
     *
     * @param period a positive duration
     * @return this builder
     * @throws IllegalArgumentException when it is not positive
     */
    public Builder rateLimitPeriod(Duration period) {
      this.rateLimitPeriod = positive(period, "rate_limit_period_ms");
      return this;
    }

    /** Returns the configuration. */
    public ProviderConfig build() {
      return new ProviderConfig(this);
    }

    private static int retries(String key, long retries) {
      if (retries < 0) {
        throw new IllegalArgumentException(key + " must be 0 or more, got " + retries);
      }
      return (int) Math.min(retries, MAX_RETRIES);
    }

    private static Duration positive(Duration d, String key) {
      Objects.requireNonNull(d, key);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(key + " must be positive, got " + d.toMillis() + " ms");
      }
      return d;
    }

    private static String nonBlank(String s, String what) {
      Objects.requireNonNull(s, what);
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return s;
    }

    private static void checkHeaderName(String name, String key) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || !name.chars().allMatch(Builder::tokenChar)) {
        throw new IllegalArgumentException(key + ": '" + name + "' is not a valid HTTP header name");
      }
      if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(key + ": '" + name + "' cannot be set: the HTTP client sets it itself");
      }
    }

    /** RFC 9110 {@code tchar}: the characters of a header name. */
    private static boolean tokenChar(int c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Visible ASCII, space, tab and obs-text (0x80-0xFF); no other control characters, no line breaks. */
    private static boolean validHeaderValue(String value) {
      return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff));
    }
  }
}
