package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.Orchestrator;
import dev.orchestra.Sleeper;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.RoleAnswers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, waits and the server's rate-limit windows, in fake time: the provider waits on a
 * sleeper that advances a manual clock and records every wait, so the tests assert the exact
 * waits and never sleep for them.
 */
final class OpenAiProviderRetryTest {
  static final List<String[]> NO_CALLS = List.of();
  static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

  FakeOpenAiServer server;
  ManualClock clock;
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  final List<String> signals = Collections.synchronizedList(new ArrayList<>());
  final ProviderSignals recording =
      new ProviderSignals() {
        @Override
        public void rateLimited(String cause) {
          signals.add("rate_limited: " + cause);
        }

        @Override
        public void unstable(String cause) {
          signals.add("unstable: " + cause);
        }
      };

  @BeforeEach
  void start() throws Exception {
    server = FakeOpenAiServer.start();
    clock = new ManualClock(T0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Sleeper recordingSleeper() {
    Sleeper advance = clock.sleeper();
    return d -> {
      waits.add(d);
      advance.sleep(d);
    };
  }

  OpenAiProvider.Builder provider(RetryPolicy policy) {
    return OpenAiProvider.builder()
        .baseUrl(server.baseUrl())
        .noApiKey()
        .retryPolicy(policy)
        .clock(clock)
        .sleeper(recordingSleeper())
        .random(seeded(7));
  }

  static RandomGenerator seeded(long seed) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  static RetryPolicy policy(int requestRetries, int streamRetries) {
    return new RetryPolicy(requestRetries, streamRetries, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(120));
  }

  @Test
  void backoffDoublesUpToTheCeilingWithJitterBelowIt() throws Exception {
    for (int i = 0; i < 5; i++) {
      server.enqueue(FakeReply.error(500, "server_error", null, "down"));
    }
    try (OpenAiProvider p = provider(policy(4, 0)).build()) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().endsWith("(after 5 attempts)"), e.getMessage());
    }
    assertEquals(5, server.requestCount());
    long[] nominal = {100, 200, 400, 400};
    assertEquals(4, waits.size(), "one wait before each retry: " + waits);
    for (int i = 0; i < 4; i++) {
      long ms = waits.get(i).toMillis();
      assertTrue(ms >= nominal[i] * 3 / 4 && ms <= nominal[i], "retry " + (i + 1) + " waited " + ms + " ms, nominal " + nominal[i]);
    }
    assertNotEquals(waits.get(2), waits.get(3), "jittered below the ceiling: " + waits);
    assertEquals(4, signals.size(), "each absorbed failure is signalled, the thrown one is not: " + signals);
    assertTrue(signals.stream().allMatch(s -> s.startsWith("unstable: HTTP 500")), signals.toString());
  }

  @Test
  void theSameSeedGivesTheSameWaits() throws Exception {
    List<List<Duration>> runs = new ArrayList<>();
    for (long seed : new long[] {42, 42, 43}) {
      waits.clear();
      server.enqueue(FakeReply.error(503, "server_error", null, "busy"), FakeReply.error(503, "server_error", null, "busy"),
          FakeReply.responsesJson("ok", NO_CALLS, 1, 1));
      try (OpenAiProvider p = provider(policy(4, 0)).stream(false).random(seeded(seed)).build()) {
        p.respond(Requests.simple("gpt-5.4"), recording);
      }
      runs.add(List.copyOf(waits));
    }
    assertEquals(2, runs.get(0).size());
    assertEquals(runs.get(0), runs.get(1));
    assertNotEquals(runs.get(0), runs.get(2));
  }

  @Test
  void theServersWaitIsTakenExactlyInOrderOfPrecedence() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(7).atOffset(ZoneOffset.UTC));
    server.enqueue(
        FakeReply.error(429, "requests", "rate_limit_exceeded", "Please try again in 900ms.")
            .withHeader("retry-after-ms", "30").withHeader("retry-after", "20"),
        FakeReply.error(429, "requests", "rate_limit_exceeded", "Please try again in 900ms.").withHeader("retry-after", "2.5"),
        FakeReply.error(503, "server_error", null, "overloaded").withHeader("retry-after", date),
        FakeReply.error(429, "tokens", "rate_limit_exceeded", "Rate limit reached on tokens per min (TPM). Please try again in 1.5s."),
        FakeReply.responsesJson("done", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(4, 0)).stream(false).build()) {
      assertEquals("done", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    // retry-after-ms, retry-after in seconds, retry-after as an HTTP date (7 s from the clock's
    // now, which the sleeps have moved by 2.53 s), the message's "try again in"
    assertEquals(List.of(Duration.ofMillis(30), Duration.ofMillis(2500), Duration.ofMillis(4470), Duration.ofMillis(1500)), waits);
    assertEquals(4, signals.size());
    assertTrue(signals.get(0).startsWith("rate_limited: HTTP 429"), signals.get(0));
    assertTrue(signals.get(2).startsWith("unstable: HTTP 503"), signals.get(2));
  }

  @Test
  void aWaitBeyondTheCeilingIsThrownWithTheServersWaitAndNotSlept() throws Exception {
    server.enqueue(FakeReply.error(429, "requests", "rate_limit_exceeded", "slow down").withHeader("retry-after-ms", "121000"));
    try (OpenAiProvider p = provider(policy(4, 0)).build()) {
      RateLimitedException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(Duration.ofSeconds(121), e.retryAfter().orElseThrow());
      assertTrue(e.retriesSpent(), "the orchestrator must not sleep the two minutes either");
    }
    assertEquals(1, server.requestCount());
    assertTrue(waits.isEmpty());
    assertTrue(signals.isEmpty(), "the orchestrator sees the thrown failure itself");
  }

  @Test
  void withNoRetriesConfiguredTheCallersOwnRetriesStillApply() throws Exception {
    server.enqueue(FakeReply.error(429, "requests", "rate_limit_exceeded", "slow down").withHeader("retry-after-ms", "50"));
    try (OpenAiProvider p = provider(policy(0, 0)).build()) {
      RateLimitedException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertFalse(e.retriesSpent(), "this provider did not retry, so the orchestrator may");
      assertTrue(e.isRetriable());
    }
  }

  @Test
  void xShouldRetryFalseStopsARetryOfA429() throws Exception {
    server.enqueue(FakeReply.error(429, "requests", "rate_limit_exceeded", "Please try again in 1s.").withHeader("x-should-retry", "false"));
    try (OpenAiProvider p = provider(policy(4, 0)).build()) {
      RateLimitedException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(Duration.ofSeconds(1), e.retryAfter().orElseThrow());
      assertTrue(e.retriesSpent(), "the server said not to retry; the orchestrator must not either");
    }
    assertEquals(1, server.requestCount());
  }

  // ------------------------------------------------------------------ request and stream retries

  @Test
  void brokenStreamsTakeTheStreamRetriesNotTheRequestRetries() throws Exception {
    FakeReply full = FakeReply.responsesStream("the whole answer", NO_CALLS, 1, 1);
    server.enqueue(full.cutAfter(100), full.cutAfter(200), full);
    try (OpenAiProvider p = provider(policy(0, 2)).build()) {
      assertEquals("the whole answer", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(3, server.requestCount());
    assertEquals(2, signals.size());
    assertTrue(signals.stream().allMatch(s -> s.contains("closed before response.completed")), signals.toString());
  }

  @Test
  void withoutStreamRetriesABrokenStreamFailsAtOnceWhileHttpErrorsAreStillRetried() throws Exception {
    FakeReply full = FakeReply.responsesStream("answer", NO_CALLS, 1, 1);
    server.enqueue(FakeReply.error(502, "server_error", null, "bad gateway"), full.cutAfter(150), full);
    try (OpenAiProvider p = provider(policy(3, 0)).build()) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().contains("closed before response.completed") && e.getMessage().endsWith("(after 2 attempts)"), e.getMessage());
    }
    assertEquals(2, server.requestCount());
  }

  @Test
  void aFailedStreamEventCountsAsAStreamRetry() throws Exception {
    String failed = "{\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"oops\"}}}";
    server.enqueue(FakeReply.sse(List.of(failed)), FakeReply.sse(List.of(failed)));
    try (OpenAiProvider p = provider(policy(5, 1)).build()) {
      assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(2, server.requestCount(), "one stream retry, not the five request retries");
  }

  @Test
  void settingsRetryCountsReachTheProvider() throws Exception {
    FakeReply full = FakeReply.responsesStream("answer", NO_CALLS, 1, 1);
    server.enqueue(full.cutAfter(90), full.cutAfter(90), full);
    ProviderConfig s = ProviderConfig.builder("local").baseUrl(server.baseUrl()).requestMaxRetries(3).streamMaxRetries(1).build();
    try (OpenAiProvider p = OpenAiProvider.fromConfig(s, Map.of())) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().endsWith("(after 2 attempts)"), e.getMessage());
    }
    assertEquals(2, server.requestCount());
  }

  // ------------------------------------------------------------------ the server's rate-limit headers

  @Test
  void noRequestsLeftHoldsTheNextRequestUntilTheWindowResets() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("first", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "60").withHeader("x-ratelimit-remaining-requests", "0")
            .withHeader("x-ratelimit-reset-requests", "1m30s"),
        FakeReply.responsesJson("second", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      assertTrue(waits.isEmpty());
      assertEquals("second", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(List.of(Duration.ofSeconds(90)), waits);
    assertEquals(List.of("rate_limited: the server's rate-limit headers hold POST /responses for 90000 ms"), signals, "a long hold is reported to the budget");
  }

  @Test
  void aWindowResetFurtherAwayThanTheCeilingFailsAtOnceInsteadOfSleeping() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("first", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "60").withHeader("x-ratelimit-remaining-requests", "0")
            .withHeader("x-ratelimit-reset-requests", "30h"));
    try (OpenAiProvider p = provider(policy(4, 0)).stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      RateLimitedException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(Duration.ofHours(30), e.retryAfter().orElseThrow());
      assertTrue(e.retriesSpent());
      assertTrue(e.getMessage().contains("maxServerWait"), e.getMessage());
    }
    assertEquals(1, server.requestCount(), "the held request was never sent");
    assertTrue(waits.isEmpty(), waits.toString());
  }

  @Test
  void requestsSpreadNearTheEndOfTheWindowEachTakeTheirOwnSlot() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("a", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "100").withHeader("x-ratelimit-remaining-requests", "3")
            .withHeader("x-ratelimit-reset-requests", "800ms"));
    server.dispatcher(req -> FakeReply.responsesJson("b", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      for (int i = 0; i < 3; i++) {
        p.respond(Requests.simple("gpt-5.4"), recording);
      }
    }
    // Three left for 800 ms: one every 200 ms. Each waits for its own slot, not the same moment.
    assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200)), waits);
  }

  @Test
  void nearTheEndOfTheWindowTheRestIsSpreadUntilTheReset() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("a", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "100").withHeader("x-ratelimit-remaining-requests", "3")
            .withHeader("x-ratelimit-reset-requests", "800ms"),
        FakeReply.responsesJson("b", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "100").withHeader("x-ratelimit-remaining-requests", "50")
            .withHeader("x-ratelimit-reset-requests", "1s"),
        FakeReply.responsesJson("c", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).build()) {
      for (int i = 0; i < 3; i++) {
        p.respond(Requests.simple("gpt-5.4"), recording);
      }
    }
    assertEquals(List.of(Duration.ofMillis(200)), waits, "3 left for 800 ms: the next waits 800 / 4; with 50 of 100 left, none");
  }

  @Test
  void noTokensLeftHoldsUntilTheTokenWindowResets() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("a", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-remaining-tokens", "0").withHeader("x-ratelimit-reset-tokens", "1m26.4s"),
        FakeReply.responsesJson("b", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      p.respond(Requests.simple("gpt-5.4"), recording);
    }
    assertEquals(List.of(Duration.ofMillis(86_400)), waits);
  }

  @Test
  void azuresUnknownValuesAndOddFormsPauseNothing() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("a", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-tokens", "-1").withHeader("x-ratelimit-remaining-tokens", "-1")
            .withHeader("x-ratelimit-reset-tokens", "0").withHeader("x-ratelimit-remaining-requests", "0")
            .withHeader("x-ratelimit-reset-requests", "soon"),
        FakeReply.responsesJson("b", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      p.respond(Requests.simple("gpt-5.4"), recording);
    }
    assertTrue(waits.isEmpty(), waits.toString());
  }

  @Test
  void theServersLimitsAreIgnoredWhenNotFollowed() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("a", NO_CALLS, 1, 1).withHeader("x-ratelimit-remaining-requests", "0").withHeader("x-ratelimit-reset-requests", "1s"),
        FakeReply.responsesJson("b", NO_CALLS, 1, 1));
    RateLimit off = new RateLimit(0, Duration.ofSeconds(1), Duration.ofSeconds(1), false);
    try (OpenAiProvider p = provider(policy(0, 0)).stream(false).rateLimit(off).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      p.respond(Requests.simple("gpt-5.4"), recording);
    }
    assertTrue(waits.isEmpty(), waits.toString());
  }

  // ------------------------------------------------------------------ through the orchestrator

  static final String KEY = "sk-test-ORCHESTRA-0123456789abcdef";
  @TempDir Path ws;

  /**
   * Runs a one-task plan through an orchestrator on the same fake clock, the implementer's calls
   * answered in turn by {@code implementer} (then by a report), and returns every event.
   */
  List<OrchestraEvent> orchestrate(OpenAiProvider provider, List<FakeReply> implementer, List<Duration> orchestratorWaits) {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    server.dispatcher(
        req -> {
          if (req.body().contains("You own the plan")) {
            return FakeReply.responsesStream(RoleAnswers.plan(RoleAnswers.independentTasks(1)), NO_CALLS, 1, 1);
          }
          int n = calls.getAndIncrement();
          return n < implementer.size() ? implementer.get(n) : FakeReply.responsesStream(RoleAnswers.implementation("done"), NO_CALLS, 1, 1);
        });
    List<OrchestraEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (provider;
        Orchestrator orchestra =
            Orchestrator.builder()
                .workspace(ws)
                .modelProvider(provider)
                .explorationProbes(List.of())
                .roles(BuiltInRoles.minimalTeam())
                .clock(clock)
                .sleeper(orchestratorWaits::add)
                .addListener(events::add)
                .build()) {
      orchestra.run("Write one file");
    }
    return List.copyOf(events);
  }

  static <T extends OrchestraEvent> List<T> of(List<OrchestraEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * The provider's own retries reach the run as RetryScheduled events naming the call and the
   * provider, with the waits the provider took; the failures it absorbed are not model-call
   * failures of the run, and the orchestrator waits for nothing.
   */
  @Test
  void theProvidersRetriesAreEventsOfTheRunAndJournalLinesWithoutTheKey() throws Exception {
    OpenAiProvider provider = provider(policy(4, 0)).apiKey(ApiKey.of(KEY)).build();
    List<Duration> orchestratorWaits = new ArrayList<>();
    List<OrchestraEvent> events =
        orchestrate(
            provider,
            List.of(
                FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for key " + KEY + ".").withHeader("retry-after-ms", "1500"),
                FakeReply.error(500, "server_error", null, "The server had an error")),
            orchestratorWaits);
    List<OrchestraEvent.RetryScheduled> retries = of(events, OrchestraEvent.RetryScheduled.class);
    assertEquals(2, retries.size(), retries.toString());
    OrchestraEvent.RetryScheduled first = retries.get(0);
    assertEquals(List.of("openai", "implementer", "T1", "RATE_LIMITED", "1500", "2"),
        List.of(first.retriedBy(), first.role(), first.taskId(), first.failure().name(), String.valueOf(first.delayMillis()),
            String.valueOf(first.attempt())));
    assertTrue(first.cause().startsWith("HTTP 429 from POST /responses"), first.cause());
    assertFalse(first.cause().contains(KEY), "no secret in the event: " + first.cause());
    OrchestraEvent.RetryScheduled second = retries.get(1);
    assertEquals(List.of("openai", "TRANSIENT", "3"), List.of(second.retriedBy(), second.failure().name(), String.valueOf(second.attempt())));
    assertEquals(List.of(Duration.ofMillis(1500), Duration.ofMillis(second.delayMillis())), waits.stream().map(d -> Duration.ofMillis(d.toMillis())).toList(),
        "the events announce the waits the provider took");
    assertTrue(second.delayMillis() >= 150 && second.delayMillis() <= 200, "the second retry's backoff: " + second);
    assertEquals(List.of(), orchestratorWaits, "the orchestrator did not retry what the provider absorbed");
    assertTrue(of(events, OrchestraEvent.ModelCallFinished.class).stream().allMatch(m -> m.outcome().equals("ok")), events.toString());
    String journal = Files.readString(ws.resolve(".orchestra/journal.jsonl"));
    assertEquals(2, journal.lines().filter(l -> l.contains("\"type\":\"retry_scheduled\"") && l.contains("\"retriedBy\":\"openai\"")).count(), journal);
    assertFalse(journal.contains(KEY));
  }

  /** No double retrying: a failure this provider gave up on is final, and the run ends with it. */
  @Test
  void aFailureThisProviderRetriedIsNotRetriedByTheOrchestratorAgain() throws Exception {
    List<FakeReply> down = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      down.add(FakeReply.error(500, "server_error", null, "down"));
    }
    List<Duration> orchestratorWaits = new ArrayList<>();
    List<OrchestraEvent> events = orchestrate(provider(policy(2, 0)).build(), down, orchestratorWaits);
    assertEquals(1 + 3, server.requestCount(), "the plan, then one attempt and the provider's two retries");
    assertEquals(List.of(), orchestratorWaits);
    List<OrchestraEvent.RetryScheduled> retries = of(events, OrchestraEvent.RetryScheduled.class);
    assertEquals(List.of("openai 2", "openai 3"), retries.stream().map(r -> r.retriedBy() + " " + r.attempt()).toList());
    assertEquals(List.of("ok", "transient"), of(events, OrchestraEvent.ModelCallFinished.class).stream().map(OrchestraEvent.ModelCallFinished::outcome).toList());
  }

  /** With no retries of its own, the provider leaves them to the orchestrator, whose events say so. */
  @Test
  void withoutRetriesOfItsOwnTheProviderLeavesThemToTheOrchestrator() throws Exception {
    List<Duration> orchestratorWaits = new ArrayList<>();
    List<OrchestraEvent> events =
        orchestrate(
            provider(policy(0, 0)).build(),
            List.of(FakeReply.error(429, "requests", "rate_limit_exceeded", "slow down").withHeader("retry-after", "2")),
            orchestratorWaits);
    assertEquals(List.of(Duration.ofSeconds(2)), orchestratorWaits, "the orchestrator took the server's wait");
    assertTrue(waits.isEmpty(), "the provider waited for nothing: " + waits);
    List<OrchestraEvent.RetryScheduled> retries = of(events, OrchestraEvent.RetryScheduled.class);
    assertEquals(1, retries.size(), retries.toString());
    assertEquals(List.of("orchestrator", "RATE_LIMITED", "2"),
        List.of(retries.get(0).retriedBy(), retries.get(0).failure().name(), String.valueOf(retries.get(0).attempt())));
  }

  // ------------------------------------------------------------------ request timeout

  /** Headers later than the request timeout: retried as transient, and named once retries run out. */
  @Test
  void aRequestTimeoutIsRetriedAndNamedWhenTheRetriesRunOut() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(FakeReply.responsesJson("too late", NO_CALLS, 1, 1).withDelay(Duration.ofSeconds(3)));
    }
    try (OpenAiProvider p = provider(policy(2, 0)).stream(false).requestTimeout(Duration.ofMillis(150)).build()) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().startsWith("no answer from POST /responses within PT0.15S"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(after 3 attempts)"), e.getMessage());
    }
    assertEquals(3, server.requestCount(), "a timeout takes the request retries");
    assertEquals(2, waits.size(), "backoff before each retry, on the sleeper: " + waits);
    assertEquals(
        List.of("unstable: no answer from POST /responses within PT0.15S", "unstable: no answer from POST /responses within PT0.15S"), signals);
  }

  @Test
  void aStreamedRequestThatTimesOutOnceIsAnsweredByTheRetry() throws Exception {
    server.enqueue(
        FakeReply.responsesStream("too late", NO_CALLS, 1, 1).withDelay(Duration.ofSeconds(3)),
        FakeReply.responsesStream("in time", NO_CALLS, 1, 1));
    // A second to answer in time: roomy on a busy machine, well inside the 3 s delay.
    try (OpenAiProvider p = provider(policy(1, 0)).requestTimeout(Duration.ofSeconds(1)).build()) {
      assertEquals("in time", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(2, server.requestCount());
    assertEquals(List.of("unstable: no answer from POST /responses within PT1S"), signals);
  }

  // ------------------------------------------------------------------ interrupts and close

  @Test
  void anInterruptWhileWaitingForHeadersEndsTheCallWithoutRetry() throws Exception {
    server.enqueue(FakeReply.responsesJson("late", NO_CALLS, 1, 1).withDelay(Duration.ofSeconds(10)));
    assertInterruptStops(OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().stream(false).build());
  }

  @Test
  void anInterruptWhileReadingAStreamEndsTheCallWithoutRetry() throws Exception {
    server.enqueue(FakeReply.responsesStream("slow", NO_CALLS, 1, 1).stallAfter(80, Duration.ofSeconds(10)));
    assertInterruptStops(OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().build());
  }

  @Test
  void anInterruptDuringABackoffEndsTheCall() throws Exception {
    server.enqueue(FakeReply.error(500, "server_error", null, "down"));
    assertInterruptStops(
        OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey()
            .retryPolicy(new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10))).build());
  }

  private void assertInterruptStops(OpenAiProvider p) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                p.respond(Requests.simple("gpt-5.4"), recording);
              } catch (Throwable t) {
                thrown.set(t);
              }
              flag.set(Thread.currentThread().isInterrupted());
            });
    try (p) {
      caller.start();
      while (server.requestCount() < 1) {
        Thread.sleep(5);
      }
      Thread.sleep(100);
      long t0 = System.nanoTime();
      caller.interrupt();
      caller.join(5_000);
      assertFalse(caller.isAlive(), "the call ended after the interrupt");
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 3_000);
    }
    assertTrue(thrown.get() instanceof TransientModelException, String.valueOf(thrown.get()));
    assertTrue(thrown.get().getMessage().contains("interrupted"), thrown.get().getMessage());
    assertEquals(Boolean.TRUE, flag.get(), "the interrupt flag stays set");
    assertEquals(1, server.requestCount(), "not retried");
  }

  @Test
  void aClosedProviderAnswersNothing() throws Exception {
    OpenAiProvider p = provider(policy(0, 0)).build();
    p.close();
    p.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    assertTrue(e.getMessage().contains("closed"));
    assertEquals(0, server.requestCount());
  }

  @Test
  void theClientSideLimiterFailsAsRateLimitedWhenNoPermitComesInTime() throws Exception {
    for (int i = 0; i < 2; i++) {
      server.enqueue(FakeReply.responsesJson("ok", NO_CALLS, 1, 1));
    }
    RateLimit oneAMinute = new RateLimit(1, Duration.ofMinutes(1), Duration.ofMillis(50), true);
    try (OpenAiProvider p = provider(policy(3, 3)).stream(false).rateLimit(oneAMinute).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      ModelProviderException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().startsWith("the client-side rate limit (1 per PT1M)"), e.getMessage());
    }
    assertEquals(1, server.requestCount());
  }
}
