package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which executor runs the HTTP client's work: by default the selector thread over plain HTTP and
 * the client's own pool over HTTPS; and over plain HTTP nothing of the provider's, nor of the
 * caller's, runs there in a way that could hold other requests.
 */
final class OpenAiProviderExecutorTest {
  static final List<String[]> NO_CALLS = List.of();

  FakeOpenAiServer server;
  ExecutorService callers;
  ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    server = FakeOpenAiServer.start();
    callers = Executors.newCachedThreadPool();
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    callers.shutdownNow();
    pool.shutdownNow();
    server.close();
  }

  @Test
  void plainHttpRunsOnTheSelectorThreadAndHttpsOnTheClientsOwnPool() {
    try (OpenAiProvider http = OpenAiProvider.builder().baseUrl(URI.create("http://localhost:11434/v1")).noApiKey().build();
        OpenAiProvider https = OpenAiProvider.builder().baseUrl(URI.create("https://api.openai.com/v1")).noApiKey().build()) {
      Executor plain = http.httpExecutor().orElseThrow();
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      plain.execute(() -> ranOn.set(Thread.currentThread()));
      assertSame(Thread.currentThread(), ranOn.get(), "plain HTTP: the work runs on the thread that hands it over");
      assertTrue(https.httpExecutor().isEmpty(), "HTTPS: the client's own pool");
    }
  }

  @Test
  void theSchemeIsTakenInAnyCaseAndABaseUrlWithAQueryIsRefused() {
    try (OpenAiProvider upper = OpenAiProvider.builder().baseUrl(URI.create("HTTPS://api.openai.com/v1")).noApiKey().build();
        OpenAiProvider plain = OpenAiProvider.builder().baseUrl(URI.create("HTTP://localhost:11434/v1")).noApiKey().build()) {
      assertTrue(upper.httpExecutor().isEmpty(), "HTTPS in capitals is HTTPS: the client's own pool");
      assertTrue(plain.httpExecutor().isPresent());
    }
    IllegalArgumentException query =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> OpenAiProvider.builder().baseUrl(URI.create("http://user:secret@localhost:8000/v1?api-version=1")));
    assertTrue(query.getMessage().contains("query_params"), query.getMessage());
    assertTrue(!query.getMessage().contains("secret"), query.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> OpenAiProvider.builder().baseUrl(URI.create("ftp://localhost/v1")));
  }

  @Test
  void aGivenExecutorWinsForEitherScheme() {
    for (String url : List.of("http://localhost:8000/v1", "https://api.openai.com/v1")) {
      try (OpenAiProvider p = OpenAiProvider.builder().baseUrl(URI.create(url)).noApiKey().executor(pool).build()) {
        assertSame(pool, p.httpExecutor().orElseThrow(), url);
      }
    }
  }

  /**
   * A caller's stream listener that blocks, and a body that stalls, hold only their own requests:
   * the others on the same provider (the same HTTP client and selector thread) are answered
   * meanwhile, and the stalled one fails at its idle timeout, not later.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default executor", "a pool"})
  void aBlockedListenerAndAStalledBodyHoldNoOtherRequest(String executor) throws Exception {
    server.dispatcher(
        req -> {
          if (req.body().contains("\"model\":\"stalls\"")) {
            return FakeReply.responsesStream("never whole", NO_CALLS, 1, 1).stallAfter(40, Duration.ofSeconds(10));
          }
          return FakeReply.responsesStream("hello", NO_CALLS, 1, 1);
        });
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OpenAiProvider.Builder b =
        OpenAiProvider.builder()
            .baseUrl(server.baseUrl())
            .noApiKey()
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(0).withMaxStreamRetries(0))
            .streamIdleTimeout(Duration.ofSeconds(1))
            .onTextDelta(
                delta -> {
                  if (Thread.currentThread().getName().equals("blocking-listener")) {
                    blocked.countDown();
                    try {
                      release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                });
    if (executor.equals("a pool")) {
      b.executor(pool);
    }
    try (OpenAiProvider p = b.build()) {
      AtomicReference<String> blockedAnswer = new AtomicReference<>();
      Thread blocker =
          new Thread(() -> blockedAnswer.set(p.respond(Requests.simple("gpt-4.1"), ProviderSignals.NONE).text()), "blocking-listener");
      blocker.start();
      assertTrue(blocked.await(10, TimeUnit.SECONDS), "the listener was called");

      stallOneWhileEightAreAnswered(p, "idle");
      assertTrue(blocker.isAlive(), "the blocking listener still holds its own request");

      release.countDown();
      blocker.join(10_000);
      assertEquals("hello", blockedAnswer.get());
    } finally {
      release.countDown(); // a failed assertion must not leave the blocker parked
    }
  }

  /** The same for a non-streamed answer, whose body the client's thread collects whole. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default executor", "a pool"})
  void aStalledWholeBodyHoldsNoOtherRequest(String executor) throws Exception {
    server.dispatcher(
        req ->
            req.body().contains("\"model\":\"stalls\"")
                ? FakeReply.responsesJson("never whole", NO_CALLS, 1, 1).stallAfter(20, Duration.ofSeconds(10))
                : FakeReply.responsesJson("hello", NO_CALLS, 1, 1));
    OpenAiProvider.Builder b =
        OpenAiProvider.builder()
            .baseUrl(server.baseUrl())
            .noApiKey()
            .stream(false)
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(0).withMaxStreamRetries(0))
            .streamIdleTimeout(Duration.ofSeconds(1));
    if (executor.equals("a pool")) {
      b.executor(pool);
    }
    try (OpenAiProvider p = b.build()) {
      stallOneWhileEightAreAnswered(p, "did not arrive whole");
    }
  }

  /**
   * Sends one request for the stalling model and eight ordinary ones on the same provider: the
   * eight are answered, and the stalled one fails as transient, saying {@code why}, at its idle
   * timeout rather than when the server gives up.
   */
  private void stallOneWhileEightAreAnswered(OpenAiProvider p, String why) throws Exception {
    long t0 = System.nanoTime();
    Future<?> stalled = callers.submit(() -> p.respond(Requests.simple("stalls"), ProviderSignals.NONE));
    List<Future<String>> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(callers.submit(() -> p.respond(Requests.simple("gpt-4.1"), ProviderSignals.NONE).text()));
    }
    for (Future<String> f : others) {
      assertEquals("hello", f.get(10, TimeUnit.SECONDS));
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> stalled.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof TransientModelException, e.getCause().toString());
    assertTrue(e.getCause().getMessage().contains(why), e.getCause().getMessage());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(seconds < 8, "the stalled request failed at its idle timeout, not when the server gave up: " + seconds + " s");
  }
}
