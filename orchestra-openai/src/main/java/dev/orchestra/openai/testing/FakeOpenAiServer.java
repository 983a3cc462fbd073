package dev.orchestra.openai.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible server on loopback, for tests and benchmarks: it answers from a queue of
 * {@link FakeReply}s (then from a dispatcher function), records every request, and injects faults
 * on demand: any status with any headers and body, delays, streams cut mid-event or gone silent,
 * dropped connections, and a capacity limit that answers 429 above N concurrent requests.
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *   server.enqueue(FakeReply.responsesJson("hello", List.of(), 10, 2));
 *   OpenAiProvider provider = OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().build();
 *   ...
 *   RecordedRequest sent = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
 * }
 * }</pre>
 *
 * <p>The JDK server writes headers and body separately; without TCP_NODELAY every exchange would
 * stall about 40 ms on Nagle's algorithm and delayed ACKs, so this class turns it on
 * ({@code sun.net.httpserver.nodelay}) unless it was set already. Thread-safe.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Deque<FakeReply> queue = new ArrayDeque<>();
  private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger throttled = new AtomicInteger();
  private volatile Function<RecordedRequest, FakeReply> dispatcher;
  private volatile int capacity; // 0: unlimited
  private volatile Duration capacityRetryAfter = Duration.ofMillis(50);
  private volatile boolean record = true;

  private FakeOpenAiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts a server on a free port of 127.0.0.1.
   *
   * @return the running server
   * @throws IOException when no port can be bound
   */
  public static FakeOpenAiServer start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService ex =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-openai");
              t.setDaemon(true);
              return t;
            });
    s.setExecutor(ex);
    FakeOpenAiServer f = new FakeOpenAiServer(s, ex);
    s.createContext("/", f::handle);
    s.start();
    return f;
  }

  /** Returns the API root to give a provider: {@code http://127.0.0.1:<port>/v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /**
   * Queues replies, used once each in order.
   *
   * @param replies the replies
   * @return this server
   */
  public FakeOpenAiServer enqueue(FakeReply... replies) {
    synchronized (queue) {
      for (FakeReply r : replies) {
        queue.add(Objects.requireNonNull(r));
      }
    }
    return this;
  }

  /**
   * Answers requests the queue does not: the function may block (on a latch, say).
   *
   * @param function makes a reply for a request
   * @return this server
   */
  public FakeOpenAiServer dispatcher(Function<RecordedRequest, FakeReply> function) {
    this.dispatcher = Objects.requireNonNull(function);
    return this;
  }

  /**
   * Answers 429 (with {@code retry-after-ms}) to any request above so many in flight at once.
   *
   * @param maxConcurrent the capacity; 0 for none
   * @param retryAfter the wait the 429s ask for
   * @return this server
   */
  public FakeOpenAiServer capacity(int maxConcurrent, Duration retryAfter) {
    this.capacity = maxConcurrent;
    this.capacityRetryAfter = retryAfter;
    return this;
  }

  /**
   * Stops keeping requests for {@link #takeRequest}: for benchmarks with many requests.
   *
   * @return this server
   */
  public FakeOpenAiServer withoutRecording() {
    this.record = false;
    return this;
  }

  /**
   * Takes the oldest recorded request.
   *
   * @param timeout how long to wait for one
   * @return the request, or empty when none came in time
   * @throws InterruptedException when interrupted while waiting
   */
  public Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Returns how many requests arrived. */
  public int requestCount() {
    return received.get();
  }

  /** Returns how many requests were answered 429 by the capacity limit. */
  public int throttledCount() {
    return throttled.get();
  }

  /** Returns the most requests that were in flight at once. */
  public int maxConcurrency() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    received.incrementAndGet();
    try {
      byte[] in = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      RecordedRequest req =
          new RecordedRequest(
              ex.getRequestMethod(),
              ex.getRequestURI().getPath(),
              ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery(),
              headers,
              new String(in, StandardCharsets.UTF_8));
      if (record) {
        requests.add(req);
      }
      FakeReply reply;
      if (capacity > 0 && now > capacity) {
        throttled.incrementAndGet();
        reply =
            FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached: too many concurrent requests")
                .withHeader("retry-after-ms", String.valueOf(capacityRetryAfter.toMillis()));
      } else {
        reply = next(req);
      }
      send(ex, reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private FakeReply next(RecordedRequest req) {
    synchronized (queue) {
      FakeReply r = queue.poll();
      if (r != null) {
        return r;
      }
    }
    Function<RecordedRequest, FakeReply> d = dispatcher;
    if (d != null) {
      return d.apply(req);
    }
    return FakeReply.error(500, "server_error", "no_reply_scripted", "the fake server has no reply queued for " + req.path());
  }

  private static void send(HttpExchange ex, FakeReply r) throws IOException, InterruptedException {
    if (!r.delay.isZero()) {
      Thread.sleep(r.delay.toMillis());
    }
    if (r.dropConnection) {
      ex.getResponseBody().close();
      return;
    }
    r.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    boolean streaming = r.chunkSize > 0 || r.cutAfterBytes >= 0;
    ex.sendResponseHeaders(r.status, streaming ? 0 : (r.body.length == 0 ? -1 : r.body.length));
    if (r.body.length == 0) {
      return;
    }
    OutputStream out = ex.getResponseBody();
    int limit = r.cutAfterBytes >= 0 ? Math.min(r.cutAfterBytes, r.body.length) : r.body.length;
    int step = r.chunkSize > 0 ? r.chunkSize : limit;
    for (int off = 0; off < limit; off += step) {
      out.write(r.body, off, Math.min(step, limit - off));
      out.flush();
    }
    if (r.stallAfterCut != null) {
      Thread.sleep(r.stallAfterCut.toMillis());
    }
    out.close();
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
