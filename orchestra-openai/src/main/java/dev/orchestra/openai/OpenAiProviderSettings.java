package dev.orchestra.openai;

import dev.orchestra.OrchestraException;
import dev.orchestra.internal.provider.FlatProviderSettings;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Wave 1's settings of an OpenAI provider, kept so that code written against them still compiles.
 * The record only holds values: it converts them to a {@link ProviderConfig} ({@link #toConfig()}),
 * whose checks, defaults and limits apply, and its components are the values that configuration
 * holds. Immutable.
 *
 * @param name the provider's display name
 * @param baseUrl the API root; an http or https URL with a host and no query or fragment
 * @param envKeyVariable the environment variable holding the API key, or an empty string for none
 * @param wireApi the API to speak
 * @param queryParams query parameters for every request (Azure's {@code api-version})
 * @param httpHeaders fixed headers
 * @param envHttpHeaders headers whose values come from environment variables: header to variable;
 *     a header whose variable is unset or blank is not sent
 * @param requestMaxRetries retries of a request that failed before its answer started; more than
 *     {@value ProviderConfig#MAX_RETRIES} is read as {@value ProviderConfig#MAX_RETRIES}
 * @param streamMaxRetries retries of a stream that broke after it started; capped the same way
 * @param streamIdleTimeout how long a stream may stay silent; positive
 * @param requestsPerPeriod a client-side limit of requests per {@code rateLimitPeriod}, or 0 for
 *     none
 * @param rateLimitPeriod the period of {@code requestsPerPeriod}; positive
 * @deprecated the provider table is modelled once, in core: use {@link ProviderConfig} (from its
 *     builder, or as {@code orchestra-toml} reads it from {@code config.toml}) and {@link
 *     OpenAiProvider#fromConfig}; {@link #toConfig()} converts these settings
 */
@Deprecated(forRemoval = true)
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

  /** Every default of a configuration: OpenAI's own API. */
  private static final ProviderConfig DEFAULTS = ProviderConfig.builder(OpenAiProviderFactory.NAME).build();

  /**
   * Checks the values as {@link ProviderConfig.Builder} does and keeps what the configuration keeps
   * (for example the retry counts capped, the URL's scheme in lower case, a blank key variable as
   * none).
   *
   * @throws IllegalArgumentException when the builder refuses a value; the message starts with the
   *     Codex key
   */
  public OpenAiProviderSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(envKeyVariable, "envKeyVariable");
    ProviderConfig c =
        config(name, baseUrl, envKeyVariable, wireApi, queryParams, httpHeaders, envHttpHeaders, requestMaxRetries, streamMaxRetries,
            streamIdleTimeout, requestsPerPeriod, rateLimitPeriod);
    baseUrl = c.baseUrl().orElseThrow();
    envKeyVariable = c.envKey().orElse("");
    queryParams = c.queryParams();
    httpHeaders = c.httpHeaders();
    envHttpHeaders = c.envHttpHeaders();
    requestMaxRetries = c.requestMaxRetries();
    streamMaxRetries = c.streamMaxRetries();
  }

  /**
   * Creates settings without a client-side request limit (a configuration's default).
   *
   * @param name the provider's display name
   * @param baseUrl the API root
   * @param envKeyVariable the API key's variable, or an empty string for none
   * @param wireApi the API to speak
   * @param queryParams query parameters for every request
   * @param httpHeaders fixed headers
   * @param envHttpHeaders environment-sourced headers: header to variable
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
        streamIdleTimeout, DEFAULTS.requestsPerPeriod(), DEFAULTS.rateLimitPeriod());
  }

  /** Returns the API key variable, if the provider uses one. */
  public Optional<String> envKey() {
    return envKeyVariable.isEmpty() ? Optional.empty() : Optional.of(envKeyVariable);
  }

  /**
   * Returns these settings as the configuration {@link OpenAiProvider#fromConfig} takes, with the
   * id {@code openai}.
   *
   * @return the configuration
   */
  public ProviderConfig toConfig() {
    return config(name, baseUrl, envKeyVariable, wireApi, queryParams, httpHeaders, envHttpHeaders, requestMaxRetries, streamMaxRetries,
        streamIdleTimeout, requestsPerPeriod, rateLimitPeriod);
  }

  /**
   * Returns OpenAI's own settings: a configuration with every default, as {@link
   * OpenAiProvider#fromConfig} reads it (OpenAI's API, {@code OPENAI_API_KEY}, the organisation
   * headers, the default retries and timeout). Its name is the id, {@code openai}.
   *
   * @return the settings
   */
  public static OpenAiProviderSettings openAi() {
    return of(DEFAULTS);
  }

  /**
   * Reads settings by Codex's key names, as the deprecated {@code
   * ModelProviderFactory.create(Map, Map)} does, into a configuration with the id {@code openai}
   * (so its name, when not set, is {@code openai}), and completes it as {@link
   * OpenAiProvider#fromConfig} does: without {@code base_url} it is OpenAI's API, with its key
   * variable and organisation headers unless set. {@code env_key_instructions} is read and dropped:
   * these settings have no component for it.
   *
   * @param settings the flattened table
   * @return the settings
   * @throws OrchestraException naming the key when a value is invalid
   */
  public static OpenAiProviderSettings fromMap(Map<String, String> settings) {
    return of(FlatProviderSettings.read(OpenAiProviderFactory.NAME, settings));
  }

  /** Returns the settings with header and query values left out and no user-info in the URL. */
  @Override
  public String toString() {
    return "OpenAiProviderSettings[" + toConfig() + "]";
  }

  private static OpenAiProviderSettings of(ProviderConfig config) {
    ProviderConfig c = OpenAiProvider.withOpenAiDefaults(config);
    return new OpenAiProviderSettings(
        c.name(), c.baseUrl().orElseThrow(), c.envKey().orElse(""), c.wireApi(), c.queryParams(), c.httpHeaders(), c.envHttpHeaders(),
        c.requestMaxRetries(), c.streamMaxRetries(), c.streamIdleTimeout(), c.requestsPerPeriod(), c.rateLimitPeriod());
  }

  private static ProviderConfig config(
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
    ProviderConfig.Builder b =
        ProviderConfig.builder(OpenAiProviderFactory.NAME).name(name).baseUrl(baseUrl).wireApi(wireApi).queryParams(queryParams)
            .httpHeaders(httpHeaders).envHttpHeaders(envHttpHeaders).requestMaxRetries(requestMaxRetries).streamMaxRetries(streamMaxRetries)
            .streamIdleTimeout(streamIdleTimeout).requestsPerPeriod(requestsPerPeriod).rateLimitPeriod(rateLimitPeriod);
    if (!envKeyVariable.isBlank()) {
      b.envKey(envKeyVariable);
    }
    return b.build();
  }
}
