package dev.orchestra.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.Sleeper;
import dev.orchestra.internal.retry.Retrier;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.model.WireApi;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A {@link ModelProvider} for OpenAI and OpenAI-compatible servers (Azure OpenAI, vLLM, Ollama, LM
 * Studio) on the JDK's HTTP client: the Responses API by default, Chat Completions on request,
 * streamed over server-sent events or not, assembled into the same {@link ModelResponse} either way.
 *
 * <p>Failures map to the core's typed failures: 401/403 authentication; 400/404/422 rejected (never
 * retried); 429 throttling rate limited, with the server's wait; an exhausted quota (never
 * retried); 408, 409, 5xx, timeouts, dropped connections and idle streams transient. Until the
 * server has answered once, a failure to connect at all (connection refused, unknown host, no
 * route, connect timeout) is a wrong base URL or a server that is not running: it fails at once
 * as rejected, naming the host and port, and is never retried; after that, a refused connection
 * is a restarting server, transient as the rest. Retries (Orchestra's one retry for model calls,
 * outermost) use the server's wait or exponential backoff with jitter (see {@link RetryPolicy});
 * every attempt takes a permit from the client-side rate limiter (resilience4j RateLimiter, see
 * {@link RateLimit}), and the provider holds requests while the server says none remain. Every
 * failure a retry absorbs is reported through {@link ProviderSignals}, which drives the
 * orchestrator's thread budget, and each retry as {@link ProviderSignals#retryScheduled}; the
 * failure finally thrown is not, because the orchestrator sees it itself. Once this provider's
 * retry has decided about a failure, the failure is {@linkplain ModelProviderException#isFinal()
 * final}: the orchestrator does not retry it again.
 *
 * <p>The API key is read from the environment ({@code OPENAI_API_KEY} unless configured otherwise)
 * and never appears in a log line, an exception message or {@link #toString()}.
 *
 * <p>Thread-safe; one instance serves many threads. {@link #respond} blocks until the answer is
 * complete; an interrupt stops it with a {@link TransientModelException} and the thread's
 * interrupt flag set. A closed provider answers nothing. The HTTP client's own work runs on its
 * selector thread over plain HTTP and on its own pool over HTTPS, unless an executor is given
 * (see {@link Builder#executor}).
 */
public final class OpenAiProvider implements ModelProvider, AutoCloseable {
  /** OpenAI's API root. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");

  /** The variable holding the key for OpenAI's own API. */
  private static final String OPENAI_KEY_VARIABLE = "OPENAI_API_KEY";

  /** Codex's headers for OpenAI's own API, from environment variables: header -> variable. */
  private static final Map<String, String> OPENAI_ENV_HEADERS =
      Map.of("OpenAI-Organization", "OPENAI_ORGANIZATION", "OpenAI-Project", "OPENAI_PROJECT");

  private final String name;
  private final URI baseUrl;
  private final ApiKey apiKey; // null: send no key (e.g. Ollama)
  private final WireApi wireApi;
  private final boolean developerAsSystem;
  private final boolean stream;
  private final boolean azure;
  private final Predicate<String> reasoningModels;
  private final RandomGenerator random;
  private final HttpClient http;
  private final RetryingCall call;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiProvider(Builder b) {
    this.name = b.name;
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.wireApi = b.wireApi;
    this.developerAsSystem = b.developerAsSystem;
    this.stream = b.stream;
    this.azure = b.azure != null ? b.azure : isAzureHost(b.baseUrl);
    this.reasoningModels = b.reasoningModels;
    this.random = b.random != null ? b.random : RandomGenerator.of("L64X128MixRandom");
    Clock given = b.clock;
    LongSupplier nanoTime =
        b.clockGiven
            ? () -> {
              Instant now = given.instant();
              return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            : System::nanoTime; // monotonic unless a test clock was given
    ServerRateWindow window = new ServerRateWindow(name, nanoTime);
    Endpoint endpoint = new Endpoint(baseUrl, wireApi, b.queryParams, apiKey, azure);
    // HTTP/1.1, no redirects followed (the client's default), no authenticator: a request goes
    // to the scheme of the base URL and no other, so a plain-HTTP provider never does TLS.
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.connectTimeout).version(HttpClient.Version.HTTP_1_1);
    Executor executor = b.executor != null ? b.executor : defaultExecutor(b.baseUrl);
    if (executor != null) {
      hb.executor(executor);
    }
    this.http = hb.build();
    RateLimit rateLimit = b.rateLimit;
    Consumer<HttpHeaders> answered = rateLimit.followServer() ? window::observe : headers -> {};
    HttpAttempt attempt =
        new HttpAttempt(http, endpoint, b.headers, wireApi, stream, b.connectTimeout, b.requestTimeout, b.streamIdleTimeout, b.clock, answered);
    RateLimiter limiter =
        rateLimit.requestsPerPeriod() > 0
            ? RateLimiter.of(
                name + "-requests",
                RateLimiterConfig.custom()
                    .limitForPeriod(rateLimit.requestsPerPeriod())
                    .limitRefreshPeriod(rateLimit.period())
                    .timeoutDuration(rateLimit.maxWait())
                    .build())
            : null;
    // One retry per provider, not per request: the rule holds no state of a call.
    Retrier retrier = new Retrier(b.retryPolicy.rule(), b.sleeper, this::jitter);
    this.call =
        new RetryingCall(
            name, endpoint.where(), retrier, window, b.retryPolicy.maxServerWait(), limiter, rateLimit, b.sleeper, attempt, b.streamListener);
  }

  /** A jitter sample for the retry's backoff, from the builder's generator. */
  private double jitter() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  /**
   * The HTTP client's executor when none is given: over plain HTTP the client's own selector
   * thread ({@code Runnable::run}), which then reads the responses and hands the bodies to this
   * provider's subscribers ({@link WholeBody}, {@link BodyStream}), which only copy or queue bytes
   * and never block, and completes the futures that {@code send} waits on (no stage of ours
   * depends on them). That saves a hand-off to a pool thread per response, which is most of the
   * client's overhead on loopback. Over HTTPS the client's own pool (null), because there the
   * executor also runs the TLS handshakes, and a slow one (a trust manager checking revocation)
   * on the selector thread would hold every other request and the timeouts.
   *
   * <p>One more thing may run there over plain HTTP: when a connection is refused, the JDK's client
   * retries it once and looks the host up again on the thread that saw the refusal, normally an
   * answer from the JDK's address cache, which the first attempt has just filled (on the calling
   * thread).
   */
  static Executor defaultExecutor(URI baseUrl) {
    return "http".equals(baseUrl.getScheme()) ? Runnable::run : null;
  }

  /** The HTTP client's executor, empty for the client's own pool; for tests. */
  Optional<Executor> httpExecutor() {
    return http.executor();
  }

  /**
   * Returns a builder with OpenAI's defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a provider made from a {@code [model_providers.<id>]} table: its name, base URL, wire
   * API, query parameters, fixed and environment-sourced headers, request and stream retries,
   * stream idle timeout and client-side rate limit.
   *
   * <p>A configuration without a base URL talks to OpenAI's API ({@link #DEFAULT_BASE_URL}); then,
   * unless the configuration says otherwise, the key is read from {@code OPENAI_API_KEY} and the
   * {@code OpenAI-Organization} and {@code OpenAI-Project} headers from {@code
   * OPENAI_ORGANIZATION} and {@code OPENAI_PROJECT}. A configuration with a base URL sends a key
   * only when it names an {@code env_key}.
   *
   * @param config the settings
   * @param environment where the API key and environment-sourced headers are read from
   * @return the provider
   * @throws AuthenticationException when the key variable is unset or blank; the message names the
   *     variable (and adds the configuration's {@code env_key_instructions})
   * @throws IllegalArgumentException when an environment-sourced header's value cannot be sent;
   *     the message names the header, never its value
   */
  public static OpenAiProvider fromConfig(ProviderConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(environment, "environment");
    ProviderConfig c = withOpenAiDefaults(config);
    Builder b = builder().name(c.name()).baseUrl(c.baseUrl().orElseThrow()).wireApi(c.wireApi());
    b.queryParams(c.queryParams());
    Map<String, String> h = new LinkedHashMap<>(c.httpHeaders());
    c.envHttpHeaders().forEach((header, variable) -> {
      String v = environment.get(variable);
      if (v != null && !v.isBlank()) {
        h.put(header, v);
      }
    });
    b.headers(h);
    b.retryPolicy(RetryPolicy.defaults().withMaxRetries(c.requestMaxRetries()).withMaxStreamRetries(c.streamMaxRetries()));
    b.streamIdleTimeout(c.streamIdleTimeout());
    if (c.requestsPerPeriod() > 0) {
      b.rateLimit(RateLimit.of(c.requestsPerPeriod(), c.rateLimitPeriod()));
    }
    Optional<String> envKey = c.envKey();
    if (envKey.isPresent()) {
      b.apiKey(
          ApiKey.fromEnvironment(environment, envKey.get())
              .orElseThrow(() -> new AuthenticationException(
                  "no API key for provider '" + c.name() + "': set the " + envKey.get() + " environment variable"
                      + c.envKeyInstructions().map(i -> " (" + i + ")").orElse(""))));
    } else {
      b.noApiKey();
    }
    return b.build();
  }

  /**
   * Returns a provider made from wave 1's settings record: {@link #fromConfig} of {@link
   * OpenAiProviderSettings#toConfig()}.
   *
   * @param settings the settings
   * @param environment where the API key and environment-sourced headers are read from
   * @return the provider
   * @throws AuthenticationException as {@link #fromConfig}
   * @deprecated use {@link #fromConfig} with a {@link ProviderConfig}
   */
  @Deprecated(forRemoval = true)
  @SuppressWarnings("removal") // the settings record is the deprecated type this bridges from
  public static OpenAiProvider fromSettings(OpenAiProviderSettings settings, Map<String, String> environment) {
    return fromConfig(settings.toConfig(), environment);
  }

  /**
   * The configuration as {@link #fromConfig} reads it: one without a base URL is OpenAI's own API,
   * so it gets {@link #DEFAULT_BASE_URL}, and unless it names them, {@code OPENAI_API_KEY} as its
   * key variable and the {@code OpenAI-Organization} and {@code OpenAI-Project} headers from {@code
   * OPENAI_ORGANIZATION} and {@code OPENAI_PROJECT}. One with a base URL is returned as it is.
   */
  static ProviderConfig withOpenAiDefaults(ProviderConfig config) {
    if (config.baseUrl().isPresent()) {
      return config;
    }
    ProviderConfig.Builder b = config.toBuilder().baseUrl(DEFAULT_BASE_URL);
    if (config.envKey().isEmpty()) {
      b.envKey(OPENAI_KEY_VARIABLE);
    }
    if (config.envHttpHeaders().isEmpty()) {
      b.envHttpHeaders(OPENAI_ENV_HEADERS);
    }
    return b.build();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Closes the provider: calls in flight finish, later calls throw {@link IllegalStateException}.
   * Idempotent. The HTTP client's connections close when it is collected, as the JDK's client
   * has no close method before Java 21; an executor given to the builder is not shut down.
   */
  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return "OpenAiProvider[" + name + ", " + BaseUrls.withoutUserInfo(baseUrl) + ", " + wireApi.name().toLowerCase(Locale.ROOT)
        + (apiKey == null ? ", no key" : ", key " + apiKey) + "]";
  }

  // ---------------------------------------------------------------- one request

  /**
   * Sends one request, retrying as the {@link RetryPolicy} allows, and returns the complete answer.
   * Blocks; safe to call from many threads at once.
   *
   * @param request the request
   * @param signals told of every rate limit and instability a retry absorbed, and of each retry
   * @return the answer
   * @throws AuthenticationException on 401 and 403
   * @throws RejectedRequestException on 400, 404, 422 and other 4xx, a request too large for the
   *     rate limit, a context-length failure, a request that cannot be encoded, or, before the
   *     server has ever answered this provider, a failure to connect to it at all (the message
   *     names the host and port)
   * @throws RateLimitedException on throttling the retries did not absorb (with the server's wait,
   *     when it gave one), or when the client-side limiter gave no permit in time
   * @throws QuotaExhaustedException when the account's quota or credit is used up
   * @throws TransientModelException on 408, 409, 5xx, timeouts, dropped connections, refused
   *     connections once the server has answered, broken or idle streams the retries did not
   *     absorb, and on interrupt
   * @throws IllegalStateException when the provider is closed
   */
  @Override
  public ModelResponse respond(ModelRequest request, ProviderSignals signals) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(signals, "signals");
    if (closed.get()) {
      throw new IllegalStateException("the model provider '" + name + "' is closed");
    }
    WireOptions options = new WireOptions(developerAsSystem, azure, stream, reasoningModels.test(request.model()), azure);
    ObjectNode body;
    try {
      body = wireApi == WireApi.RESPONSES ? ResponsesWire.encode(request, options) : ChatWire.encode(request, options);
    } catch (IllegalArgumentException e) {
      throw new RejectedRequestException("cannot send the request: " + e.getMessage(), e);
    }
    return call.run(body.toString().getBytes(StandardCharsets.UTF_8), signals);
  }

  static boolean isAzureHost(URI uri) {
    return Endpoint.isAzureHost(uri);
  }

  /** The default test for models that take a reasoning effort: GPT-5 and the o-series. */
  static boolean defaultReasoningModel(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    return m.startsWith("gpt-5") || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.contains("codex");
  }

  // ---------------------------------------------------------------- builder

  /** Builds {@link OpenAiProvider}s. Not thread-safe. */
  public static final class Builder {
    private String name = "openai";
    private URI baseUrl = DEFAULT_BASE_URL;
    private ApiKey apiKey;
    private boolean keySet;
    private WireApi wireApi = WireApi.RESPONSES;
    private boolean developerAsSystem;
    private boolean stream = true;
    private Boolean azure;
    private final Map<String, String> queryParams = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofMinutes(10);
    private Duration streamIdleTimeout = Duration.ofMinutes(5);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private RateLimit rateLimit = RateLimit.followServerOnly();
    private Predicate<String> reasoningModels = OpenAiProvider::defaultReasoningModel;
    private RandomGenerator random;
    private Executor executor;
    private StreamResult streamListener;
    private Map<String, String> environment = System.getenv();
    private Clock clock = Clock.systemUTC();
    private boolean clockGiven;
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    /**
     * Sets the provider's name in events and logs; default {@code openai}.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the API root, for example {@code http://localhost:11434/v1} for Ollama; default {@link
     * #DEFAULT_BASE_URL}.
     *
     * @param baseUrl the root; paths such as {@code /responses} are appended, so it has no query
     *     (use {@link #queryParams}) and no fragment; the scheme is taken in any case
     * @return this builder
     * @throws IllegalArgumentException when it is not an http or https URL with a host, or has a
     *     query or fragment
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      this.baseUrl = BaseUrls.httpUrl(baseUrl, "baseUrl");
      return this;
    }

    /**
     * Sets the API key.
     *
     * @param key the key
     * @return this builder
     */
    public Builder apiKey(ApiKey key) {
      this.apiKey = Objects.requireNonNull(key, "key");
      this.keySet = true;
      return this;
    }

    /**
     * Sends no API key: for local servers that need none.
     *
     * @return this builder
     */
    public Builder noApiKey() {
      this.apiKey = null;
      this.keySet = true;
      return this;
    }

    /**
     * Sets the environment the API key ({@code OPENAI_API_KEY}) is read from when no key is set;
     * default {@link System#getenv()}.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Chooses the API; default {@link WireApi#RESPONSES}.
     *
     * @param api the API
     * @return this builder
     */
    public Builder wireApi(WireApi api) {
      this.wireApi = Objects.requireNonNull(api, "api");
      return this;
    }

    /**
     * Sends developer messages with the {@code system} role, for servers that reject {@code
     * developer}.
     *
     * @param asSystem true to rewrite
     * @return this builder
     */
    public Builder developerRoleAsSystem(boolean asSystem) {
      this.developerAsSystem = asSystem;
      return this;
    }

    /**
     * Streams answers over server-sent events; default true. A non-streamed answer (and an error
     * body) longer than 64 MiB fails as a transient error that is not retried.
     *
     * @param stream whether to stream
     * @return this builder
     */
    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    /**
     * Treats the server as Azure OpenAI ({@code api-key} header, {@code store: true}); default:
     * detected from the host name.
     *
     * @param azure whether it is Azure
     * @return this builder
     */
    public Builder azure(boolean azure) {
      this.azure = azure;
      return this;
    }

    /**
     * Adds query parameters to every request, for example Azure's {@code api-version}.
     *
     * @param params the parameters
     * @return this builder
     */
    public Builder queryParams(Map<String, String> params) {
      queryParams.putAll(params);
      return this;
    }

    /**
     * Adds headers to every request.
     *
     * @param extra the headers
     * @return this builder
     * @throws IllegalArgumentException when a name or value is not a valid HTTP header, or the
     *     name is one the JDK's client sets itself ({@code Host}, {@code Content-Length},
     *     {@code Connection}, ...); the message names the header, never its value
     */
    public Builder headers(Map<String, String> extra) {
      for (Map.Entry<String, String> h : extra.entrySet()) {
        try {
          HttpRequest.newBuilder().header(h.getKey(), h.getValue());
        } catch (IllegalArgumentException e) {
          // The JDK's message may quote the value, which may be a token: name the header only.
          throw new IllegalArgumentException(
              "the HTTP header '" + h.getKey() + "' cannot be sent by this provider: it is not a valid header, or one the HTTP client sets itself");
        }
      }
      headers.putAll(extra);
      return this;
    }

    /**
     * Sets the time to open a connection; default 30 s.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the longest a request may take to start answering; default 10 minutes.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets how long a response body may stay silent before it is dropped and retried; default 5
     * minutes (Codex's {@code stream_idle_timeout_ms}). It applies to streams and, since the request
     * timeout covers only the wait for the headers, to non-streamed answers too, whose body must
     * arrive whole within it.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive(timeout, "streamIdleTimeout");
      return this;
    }

    /**
     * Sets the retry policy; default {@link RetryPolicy#defaults()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the client-side rate limit; default {@link RateLimit#followServerOnly()}.
     *
     * @param limit the limit
     * @return this builder
     */
    public Builder rateLimit(RateLimit limit) {
      this.rateLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sets which models are sent a reasoning effort; default GPT-5 and the o-series.
     *
     * @param test true for models that take {@code reasoning.effort}
     * @return this builder
     */
    public Builder reasoningModels(Predicate<String> test) {
      this.reasoningModels = Objects.requireNonNull(test, "test");
      return this;
    }

    /**
     * Sets the randomness of backoff jitter; default a new generator.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the clock that times the server's rate-limit windows and reads {@code retry-after}
     * dates. By default dates are read on the system clock and windows are timed on
     * {@link System#nanoTime()}, which a change of the wall clock does not disturb; tests give a
     * {@code dev.orchestra.testing.ManualClock}, which then times both.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.clockGiven = true;
      return this;
    }

    /**
     * Sets how the provider waits between retries and for the server's rate-limit window; default
     * {@link Sleeper#SYSTEM}. Tests give a sleeper that advances a manual clock instead.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Runs the HTTP client's work (reading responses, delivering their bodies, and over HTTPS the
     * TLS handshakes) on this executor. The provider never shuts it down.
     *
     * <p>By default that depends on the base URL. Over plain HTTP ({@code http://}: local model
     * servers such as vLLM, Ollama or LM Studio) it runs on the client's selector thread, as with
     * {@code Runnable::run}, which saves a hand-off per response (about a third more requests per
     * second on loopback): the provider's body subscribers only copy or queue bytes, never block,
     * and call nothing of the caller's (stream listeners run on the requesting thread); no
     * redirect is followed, so such a provider never does TLS. Over HTTPS it runs on the client's
     * own pool: the selector thread would also do the handshakes, and a slow one (a trust manager
     * checking revocation) would hold every other request and its timeout. Give {@code
     * Runnable::run} for HTTPS only if that is acceptable; give a pool to keep plain HTTP off the
     * selector thread.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Receives answer text as it streams in. Once any text was delivered, a failure later in that
     * stream is not retried: the caller has already seen part of the answer.
     *
     * @param listener called on the requesting thread for each text delta
     * @return this builder
     */
    public Builder onTextDelta(java.util.function.Consumer<String> listener) {
      Objects.requireNonNull(listener, "listener");
      this.streamListener = listener::accept;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    /**
     * Returns the provider.
     *
     * @return a new provider
     * @throws AuthenticationException when no key was set and {@code OPENAI_API_KEY} is unset;
     *     the message says which variable to set
     */
    public OpenAiProvider build() {
      if (!keySet) {
        apiKey =
            ApiKey.fromEnvironment(environment, OPENAI_KEY_VARIABLE)
                .orElseThrow(() -> new AuthenticationException(
                    "no OpenAI API key: set the OPENAI_API_KEY environment variable (or configure a key, or noApiKey() for a local server)"));
      }
      return new OpenAiProvider(this);
    }
  }
}
