package dev.orchestra.openai;

import dev.orchestra.model.WireApi;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One HTTP exchange of the provider, without retries: sends the request to the {@link Endpoint},
 * reads the whole answer or its stream, and maps every failure to a {@link Failure} (the typed
 * failure, whether it may be retried, the server's wait, whether the stream had started).
 *
 * <p>The request timeout covers only the wait for the headers; after that every read waits at most
 * the idle timeout. Until the server has answered once, a failure to connect at all is a wrong base
 * URL or a server that is not running: rejected, never retried; after that, a restarting server,
 * transient. Thread-safe; one instance serves every call of its provider.
 */
final class HttpAttempt {
  private final HttpClient http;
  private final Endpoint endpoint;
  private final ApiKey apiKey; // null: none sent
  private final Map<String, String> headers;
  private final WireApi wireApi;
  private final boolean stream;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration streamIdleTimeout;
  private final long idleNanos;
  private final Clock clock;
  private final Consumer<HttpHeaders> answered;
  // Set once the server has answered anything. Until then, failing to connect at all means a
  // wrong base URL or a server that is not running: a configuration error, not retried.
  private final AtomicBoolean answeredOnce = new AtomicBoolean();

  /**
   * Creates the attempt.
   *
   * @param http the client, whose connect timeout is {@code connectTimeout}
   * @param endpoint where requests go and how they are authorised
   * @param headers extra headers for every request
   * @param wireApi how answers are decoded
   * @param stream whether answers are streamed
   * @param connectTimeout the client's connect timeout, as failures name it
   * @param requestTimeout the longest wait for an answer's headers
   * @param streamIdleTimeout the longest silence of a body
   * @param clock reads {@code retry-after} dates
   * @param answered given every answer's headers, whatever the status (the server's rate-limit
   *     window reads them)
   */
  HttpAttempt(
      HttpClient http,
      Endpoint endpoint,
      Map<String, String> headers,
      WireApi wireApi,
      boolean stream,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration streamIdleTimeout,
      Clock clock,
      Consumer<HttpHeaders> answered) {
    this.http = Objects.requireNonNull(http, "http");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.apiKey = endpoint.apiKey();
    this.headers = Map.copyOf(headers);
    this.wireApi = Objects.requireNonNull(wireApi, "wireApi");
    this.stream = stream;
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.streamIdleTimeout = Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    this.idleNanos = saturatedNanos(streamIdleTimeout);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.answered = Objects.requireNonNull(answered, "answered");
  }

  /**
   * Sends the request once and returns the whole answer, or throws the failure it maps to.
   *
   * @param json the request body
   * @param sink told of answer text as it streams in, or null
   * @return the answer
   * @throws Failure when the exchange failed; whether it may be retried is decided by the caller's
   *     retry from what the failure says
   */
  ModelResponse send(byte[] json, StreamResult sink) throws Failure {
    String where = endpoint.where();
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(endpoint.uri())
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (stream) {
      rb.header("Accept", "text/event-stream");
    }
    endpoint.authorize(rb);
    headers.forEach(rb::header);
    HttpRequest req = rb.build();
    try {
      // The request timeout covers only the wait for the headers: a body that stalls half way
      // would hold the call for ever. A non-streamed body must arrive whole within the idle
      // timeout (collected in one go: it is fast); a stream is read through BodyStream, whose
      // every read waits at most the idle timeout.
      HttpResponse<Flow.Publisher<List<ByteBuffer>>> resp = http.send(req, HttpResponse.BodyHandlers.ofPublisher());
      answeredOnce.set(true);
      answered.accept(resp.headers());
      if (!stream) {
        String text = wholeBody(resp.body(), where);
        if (resp.statusCode() / 100 != 2) {
          throw ErrorMapper.fromHttp(resp.statusCode(), resp.headers(), text, where, apiKey, clock);
        }
        JsonNode node = parseJson(text, where);
        return wireApi == WireApi.RESPONSES ? ResponsesWire.decode(node, where, apiKey) : ChatWire.decode(node);
      }
      BodyStream body = new BodyStream(streamIdleTimeout);
      resp.body().subscribe(body);
      if (resp.statusCode() / 100 != 2) {
        String text;
        try (body) {
          text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
        throw ErrorMapper.fromHttp(resp.statusCode(), resp.headers(), text, where, apiKey, clock);
      }
      // From here on a failure is one of a started stream: it counts against the stream retries.
      try {
        return readStream(body, where, sink);
      } catch (Failure f) {
        throw f.asInStream();
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw interrupted(where);
        }
        throw new Failure(
            new TransientModelException("the stream from " + where + " broke: " + endpoint.redact(e.getClass().getSimpleName() + ": " + e.getMessage())), true, null)
            .asInStream();
      }
    } catch (HttpConnectTimeoutException e) {
      throw cannotConnect("no connection within " + connectTimeout.toMillis() + " ms");
    } catch (HttpTimeoutException e) {
      throw new Failure(new TransientModelException("no answer from " + where + " within " + requestTimeout), true, null);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(where);
      }
      Optional<String> notConnected = connectFailure(e);
      if (notConnected.isPresent()) {
        throw cannotConnect(notConnected.get());
      }
      throw new Failure(
          new TransientModelException("connection to " + where + " failed: " + endpoint.redact(e.getClass().getSimpleName() + ": " + e.getMessage())), true, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(where);
    }
  }

  /**
   * Why no connection could be made at all, when that is what failed: the JDK's client reports a
   * refused connection as a {@link ConnectException} without a message (its cause a closed
   * channel), an unknown host as one caused by an unresolved address. Empty for failures on a
   * connection that was made (reset, closed, no bytes), which are a server's trouble.
   */
  static Optional<String> connectFailure(IOException e) {
    boolean connect = false;
    String message = null;
    int depth = 0;
    for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return Optional.of("unknown host");
      }
      if (t instanceof NoRouteToHostException) {
        return Optional.of("no route to host");
      }
      connect |= t instanceof ConnectException;
      if (message == null && t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage().strip().toLowerCase(Locale.ROOT);
      }
    }
    if (!connect) {
      return Optional.empty();
    }
    return Optional.of(message == null ? "connection refused" : message);
  }

  /**
   * A failure to connect at all. Before the server has ever answered this provider it is a
   * configuration error, not retried: the base URL is wrong or the server is not running. After
   * that it is a server restarting, retried as any transient failure.
   */
  private Failure cannotConnect(String why) {
    String message = endpoint.redact("cannot connect to " + endpoint.hostAndPort() + " (" + BaseUrls.withoutUserInfo(endpoint.baseUrl()) + "): " + why);
    if (!answeredOnce.get()) {
      return new Failure(new RejectedRequestException(message + "; is base_url right and the server running?"), false, null);
    }
    return new Failure(new TransientModelException(message), true, null);
  }

  /**
   * The longest non-streamed body taken (64 MiB): a model's whole answer is kilobytes, and a
   * server that sends more must not fill the heap. Streamed answers have no such limit.
   */
  static final long MAX_WHOLE_BODY_BYTES = 64L << 20;

  /** Collects a non-streamed body, failing (retriably) when it has not all come within the idle timeout. */
  private String wholeBody(Flow.Publisher<List<ByteBuffer>> publisher, String where) throws Failure, InterruptedException {
    WholeBody collector = new WholeBody(MAX_WHOLE_BODY_BYTES);
    publisher.subscribe(collector);
    try {
      return new String(collector.result().get(idleNanos, TimeUnit.NANOSECONDS), StandardCharsets.UTF_8);
    } catch (java.util.concurrent.TimeoutException e) {
      collector.cancel();
      throw new Failure(new TransientModelException("the answer from " + where + " did not arrive whole within " + streamIdleTimeout), true, null);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof WholeBody.TooLarge) {
        // The same request would get the same answer: not retried.
        throw new Failure(new TransientModelException("the answer from " + where + " is too long: " + c.getMessage()), false, null);
      }
      throw new Failure(
          new TransientModelException("the answer from " + where + " broke: " + endpoint.redact(c.getClass().getSimpleName() + ": " + c.getMessage())), true, null);
    } catch (InterruptedException e) {
      collector.cancel();
      throw e;
    }
  }

  private static Failure interrupted(String where) {
    return new Failure(new TransientModelException("interrupted while waiting for " + where), false, null);
  }

  private JsonNode parseJson(String body, String where) throws Failure {
    try {
      JsonNode n = ResponsesWire.JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new Failure(new TransientModelException("the answer from " + where + " is not a JSON object"), true, null);
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Failure(new TransientModelException("the answer from " + where + " is not valid JSON: " + e.getOriginalMessage()), true, null);
    }
  }

  /**
   * Reads a stream: a stream silent for longer than the idle timeout fails (retried), and an
   * interrupt of the calling thread ends the read (not retried).
   */
  private ModelResponse readStream(BodyStream body, String where, StreamResult sink) throws Failure, IOException {
    try (body) {
      SseReader reader = new SseReader(body);
      if (wireApi == WireApi.RESPONSES) {
        ResponsesWire.Assembler a = new ResponsesWire.Assembler(where, apiKey, sink);
        SseReader.Event e;
        while ((e = reader.next()) != null) {
          if (a.accept(e)) {
            break; // nothing after the terminal event is trusted
          }
        }
        return a.result();
      }
      ChatWire.Assembler a = new ChatWire.Assembler(where, apiKey, sink);
      SseReader.Event e;
      while ((e = reader.next()) != null) {
        if (a.accept(e)) {
          break;
        }
      }
      return a.result();
    } catch (BodyStream.Idle e) {
      throw new Failure(new TransientModelException("the stream from " + where + " was idle for " + streamIdleTimeout), true, null);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
