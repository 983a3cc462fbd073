package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fake server's own fault injection, as the provider meets it. */
final class FakeOpenAiServerTest {
  static final ProviderSignals QUIET = new ProviderSignals() {
    @Override
    public void rateLimited(String cause) {}

    @Override
    public void unstable(String cause) {}
  };

  /**
   * capacity(n): with n requests held in the dispatcher, every further concurrent request is
   * answered 429 with the configured retry-after-ms, and no more than n are ever served at once.
   */
  @Test
  void aboveItsCapacityTheServerAnswers429AndServesAtMostNAtOnce() throws Exception {
    int capacity = 2;
    int clients = 6;
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger serving = new AtomicInteger();
    AtomicInteger mostServing = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(clients);
    try (FakeOpenAiServer server = FakeOpenAiServer.start();
        OpenAiProvider p =
            OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().stream(false)
                .retryPolicy(new RetryPolicy(0, 0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1))).build()) {
      server.capacity(capacity, Duration.ofMillis(40));
      server.dispatcher(req -> {
        mostServing.accumulateAndGet(serving.incrementAndGet(), Math::max);
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          serving.decrementAndGet();
        }
        return FakeReply.responsesJson("served", List.of(), 1, 1);
      });
      List<Future<ModelResponse>> calls = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        calls.add(callers.submit(() -> p.respond(Requests.simple("gpt-4.1"), QUIET)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      // A served request reaches the dispatcher a little after the server counted it in: wait for both.
      while ((server.throttledCount() < clients - capacity || serving.get() < capacity) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(clients - capacity, server.throttledCount(), "every request above the capacity is answered 429");
      assertEquals(capacity, serving.get(), "the first n are being served");
      release.countDown();

      int served = 0;
      int throttled = 0;
      for (Future<ModelResponse> f : calls) {
        try {
          assertEquals("served", f.get(5, TimeUnit.SECONDS).text());
          served++;
        } catch (java.util.concurrent.ExecutionException e) {
          RateLimitedException r = assertInstanceOf(RateLimitedException.class, e.getCause());
          assertEquals(Optional.of(Duration.ofMillis(40)), r.retryAfter(), "the 429 carries the configured wait");
          assertTrue(r.getMessage().contains("HTTP 429"), r.getMessage());
          throttled++;
        }
      }
      assertEquals(capacity, served);
      assertEquals(clients - capacity, throttled);
      assertEquals(clients, server.requestCount());
      assertTrue(mostServing.get() <= capacity, "at most " + capacity + " served at once, saw " + mostServing.get());

      // Capacity frees up once the served requests are done: the server counts a request out
      // just after its last byte, so the first try may still meet a full house.
      String answer;
      try {
        answer = p.respond(Requests.simple("gpt-4.1"), QUIET).text();
      } catch (RateLimitedException justBeforeTheCountDropped) {
        Thread.sleep(100);
        answer = p.respond(Requests.simple("gpt-4.1"), QUIET).text();
      }
      assertEquals("served", answer);
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }
}
