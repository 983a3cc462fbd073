package dev.orchestra.model;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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

  /** The settings; an absent optional one is null. A record, so equality is every setting's. */
  private record Values(String id, String name, URI baseUrl, String envKey, String envKeyInstructions, WireApi wireApi,
      Map<String, String> queryParams, Map<String, String> httpHeaders, Map<String, String> envHttpHeaders, int requestMaxRetries,
      int streamMaxRetries, Duration streamIdleTimeout, int requestsPerPeriod, Duration rateLimitPeriod) {}

  private final Values v;

  private ProviderConfig(Builder b) {
    this.v = new Values(b.id, b.name == null ? b.id : b.name, b.baseUrl, b.envKey, b.envKeyInstructions, b.wireApi,
        ProviderValues.frozen(b.queryParams), ProviderValues.frozen(b.httpHeaders), ProviderValues.frozen(b.envHttpHeaders),
        b.requestMaxRetries, b.streamMaxRetries, b.streamIdleTimeout, b.requestsPerPeriod, b.rateLimitPeriod);
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
    Builder b = new Builder(v.id()).name(v.name()).wireApi(v.wireApi()).queryParams(v.queryParams()).httpHeaders(v.httpHeaders())
        .envHttpHeaders(v.envHttpHeaders()).requestMaxRetries(v.requestMaxRetries()).streamMaxRetries(v.streamMaxRetries())
        .streamIdleTimeout(v.streamIdleTimeout()).requestsPerPeriod(v.requestsPerPeriod()).rateLimitPeriod(v.rateLimitPeriod());
    baseUrl().ifPresent(b::baseUrl);
    envKey().ifPresent(b::envKey);
    envKeyInstructions().ifPresent(b::envKeyInstructions);
    return b;
  }

  /** Returns the provider's id, the key under {@code [model_providers]}. */
  public String id() {
    return v.id();
  }

  /** Returns the display name ({@code name}), used in logs, events and messages. */
  public String name() {
    return v.name();
  }

  /** Returns {@code base_url}, the API root; empty for the provider's own server (see the table above). */
  public Optional<URI> baseUrl() {
    return Optional.ofNullable(v.baseUrl());
  }

  /** Returns {@code env_key}, the variable holding the API key; when set, a missing or blank variable is an error. */
  public Optional<String> envKey() {
    return Optional.ofNullable(v.envKey());
  }

  /** Returns {@code env_key_instructions}: what to tell a user whose key variable is not set. */
  public Optional<String> envKeyInstructions() {
    return Optional.ofNullable(v.envKeyInstructions());
  }

  /** Returns {@code wire_api}, the API the provider speaks. */
  public WireApi wireApi() {
    return v.wireApi();
  }

  /** Returns {@code query_params}, added to every request in this order (Azure's {@code api-version}). */
  public Map<String, String> queryParams() {
    return v.queryParams();
  }

  /** Returns {@code http_headers}, sent with every request. */
  public Map<String, String> httpHeaders() {
    return v.httpHeaders();
  }

  /** Returns {@code env_http_headers}: header to variable; a header whose variable is unset or blank is not sent. */
  public Map<String, String> envHttpHeaders() {
    return v.envHttpHeaders();
  }

  /** Returns {@code request_max_retries}: retries of a request that failed before its answer began. */
  public int requestMaxRetries() {
    return v.requestMaxRetries();
  }

  /** Returns {@code stream_max_retries}: retries of an answer stream that broke after it began. */
  public int streamMaxRetries() {
    return v.streamMaxRetries();
  }

  /** Returns {@code stream_idle_timeout_ms}: how long an answer may stay silent; positive. */
  public Duration streamIdleTimeout() {
    return v.streamIdleTimeout();
  }

  /** Returns {@code requests_per_period} (Orchestra's own key): requests per {@link #rateLimitPeriod()}; 0 for no limit. */
  public int requestsPerPeriod() {
    return v.requestsPerPeriod();
  }

  /** Returns {@code rate_limit_period_ms}, Orchestra's own key: the period of {@link #requestsPerPeriod()}. */
  public Duration rateLimitPeriod() {
    return v.rateLimitPeriod();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProviderConfig c && v.equals(c.v);
  }

  @Override
  public int hashCode() {
    return v.hashCode();
  }

  /**
   * Returns the settings with the values of headers and query parameters left out and the base URL
   * without its user-info part: they may hold tokens.
   */
  @Override
  public String toString() {
    return "ProviderConfig[id=" + v.id() + ", name=" + v.name() + ", baseUrl=" + (v.baseUrl() == null ? "(provider's own)" : ProviderValues.withoutUserInfo(v.baseUrl()))
        + ", envKey=" + (v.envKey() == null ? "(none)" : v.envKey()) + ", wireApi=" + v.wireApi().configValue() + ", queryParams=" + v.queryParams().keySet()
        + ", httpHeaders=" + v.httpHeaders().keySet() + ", envHttpHeaders=" + v.envHttpHeaders() + ", requestMaxRetries=" + v.requestMaxRetries()
        + ", streamMaxRetries=" + v.streamMaxRetries() + ", streamIdleTimeout=" + v.streamIdleTimeout()
        + (v.requestsPerPeriod() > 0 ? ", requestsPerPeriod=" + v.requestsPerPeriod() + " per " + v.rateLimitPeriod() : "") + "]";
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
      this.id = ProviderValues.nonBlank(id, "the provider id");
    }

    /**
     * Sets the display name; default the id.
     *
     * @param name the name
     * @throws IllegalArgumentException when it is blank
     */
    public Builder name(String name) {
      this.name = ProviderValues.nonBlank(name, "name");
      return this;
    }

    /**
     * Sets the API root; default none, meaning the provider's own server.
     *
     * @param url an http or https URL with a host and no query or fragment (query parameters go
     *     in {@link #queryParams}); the scheme may be in any case and is kept in lower case
     * @throws IllegalArgumentException when the URL is not such a URL; the message leaves out any
     *     user-info part
     */
    public Builder baseUrl(URI url) {
      this.baseUrl = ProviderValues.baseUrl(url);
      return this;
    }

    /**
     * Sets the environment variable that holds the API key; default none.
     *
     * @param variable the variable's name
     * @throws IllegalArgumentException when it is blank
     */
    public Builder envKey(String variable) {
      this.envKey = ProviderValues.nonBlank(variable, "env_key");
      return this;
    }

    /** Sets {@code env_key_instructions}, told to a user whose key variable is not set; default none. */
    public Builder envKeyInstructions(String instructions) {
      this.envKeyInstructions = Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /** Sets {@code wire_api}, the API the provider speaks; default {@link WireApi#RESPONSES}. */
    public Builder wireApi(WireApi api) {
      this.wireApi = Objects.requireNonNull(api, "api");
      return this;
    }

    /**
     * Replaces the query parameters added to every request; they are sent in the map's order.
     *
     * @param params name to value
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
     * @throws IllegalArgumentException when the name is not an HTTP token, names a header the HTTP
     *     client sets itself ({@code Connection}, {@code Content-Length}, {@code Expect}, {@code
     *     Host}, {@code Upgrade}), or the value holds a line break or another control character;
     *     the message names the header, never its value
     */
    public Builder httpHeader(String name, String value) {
      httpHeaders.put(ProviderValues.checkHeaderName(name, "http_headers"), ProviderValues.checkHeaderValue(name, value));
      return this;
    }

    /**
     * Replaces the headers sent with every request.
     *
     * @param headers name to value
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
     * @throws IllegalArgumentException when the header could not be set (as {@link #httpHeader}) or
     *     the variable's name is blank
     */
    public Builder envHttpHeader(String header, String variable) {
      ProviderValues.checkHeaderName(header, "env_http_headers");
      envHttpHeaders.put(header, ProviderValues.nonBlank(variable, "env_http_headers: the variable of '" + header + "'"));
      return this;
    }

    /**
     * Replaces the headers whose values come from environment variables.
     *
     * @param headers header name to variable name
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
     * @throws IllegalArgumentException when negative
     */
    public Builder requestMaxRetries(long retries) {
      this.requestMaxRetries = ProviderValues.retries("request_max_retries", retries);
      return this;
    }

    /**
     * Sets the retries of an answer stream that broke after it began; default 5.
     *
     * @param retries 0 or more; more than {@value ProviderConfig#MAX_RETRIES} is read as {@value
     *     ProviderConfig#MAX_RETRIES}
     * @throws IllegalArgumentException when negative
     */
    public Builder streamMaxRetries(long retries) {
      this.streamMaxRetries = ProviderValues.retries("stream_max_retries", retries);
      return this;
    }

    /**
     * Sets how long an answer may stay silent before it is dropped (and retried); default five
     * minutes.
     *
     * @param timeout a positive duration
     * @throws IllegalArgumentException when it is not positive
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = ProviderValues.positive(timeout, "stream_idle_timeout_ms");
      return this;
    }

    /**
     * Sets a client-side limit: at most this many requests start per {@link #rateLimitPeriod};
     * default 0, no limit.
     *
     * @param requests 0 or more
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
     * @throws IllegalArgumentException when it is not positive
     */
    public Builder rateLimitPeriod(Duration period) {
      this.rateLimitPeriod = ProviderValues.positive(period, "rate_limit_period_ms");
      return this;
    }

    /** Returns the configuration. */
    public ProviderConfig build() {
      return new ProviderConfig(this);
    }
  }
}
