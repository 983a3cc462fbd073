package dev.orchestra.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Sleeper;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry loop in fake time: attempts, waits on the injected sleeper, what the listener hears. */
final class RetrierTest {
  static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
  static final RetryRule RULE = new RetryRule(3, 1, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(2));

  final ManualClock clock = new ManualClock(T0);
  final List<Duration> waits = new ArrayList<>();
  final List<String> heard = new ArrayList<>();
  final Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };
  final Retrier retrier = new Retrier(RULE, sleeper, () -> 0.0);

  /** An attempt that fails with the queued failures in turn, then answers. */
  static Retrier.Attempt<String> failing(Deque<AttemptFailure> failures, int[] calls) {
    return () -> {
      calls[0]++;
      AttemptFailure next = failures.poll();
      if (next != null) {
        throw next;
      }
      return "answer";
    };
  }

  Retrier.Listener recording() {
    return (f, wait, next) -> heard.add(f.failure().kind() + " then attempt " + next + " after " + wait.toMillis() + " ms at " + clock.instant());
  }

  @Test
  void retriesUntilAnAnswerWaitingInFakeTime() throws Exception {
    Deque<AttemptFailure> failures = new ArrayDeque<>(List.of(
        new AttemptFailure(new TransientModelException("HTTP 500"), true, null, false),
        new AttemptFailure(new RateLimitedException("HTTP 429", Duration.ofSeconds(2)), true, Duration.ofSeconds(2), false),
        new AttemptFailure(new TransientModelException("stream cut"), true, null, true)));
    int[] calls = {0};
    assertEquals("answer", retrier.call(failing(failures, calls), recording()));
    assertEquals(4, calls[0]);
    // Backoff for the 1st and 3rd retries (jitter 0: three quarters), the server's 2 s for the 2nd.
    assertEquals(List.of(Duration.ofMillis(75), Duration.ofSeconds(2), Duration.ofMillis(300)), waits);
    assertEquals(
        List.of(
            "TRANSIENT then attempt 2 after 75 ms at " + T0,
            "RATE_LIMITED then attempt 3 after 2000 ms at " + T0.plusMillis(75),
            "TRANSIENT then attempt 4 after 300 ms at " + T0.plusMillis(2075)),
        heard,
        "told before each wait, not after");
  }

  @Test
  void givingUpCarriesTheLastFailureTheAttemptsAndWhetherItIsFinal() {
    Deque<AttemptFailure> failures = new ArrayDeque<>();
    for (int i = 0; i < 5; i++) {
      failures.add(new AttemptFailure(new TransientModelException("HTTP 503 #" + i), true, null, false));
    }
    int[] calls = {0};
    Retrier.GaveUp g = assertThrows(Retrier.GaveUp.class, () -> retrier.call(failing(failures, calls), recording()));
    assertEquals(4, calls[0], "the first attempt and three request retries");
    assertEquals(4, g.attempts());
    assertEquals("HTTP 503 #3", g.last().failure().getMessage());
    assertEquals(RetryDecision.Reason.OUT_OF_RETRIES, g.reason());
    assertTrue(g.isFinal());
    assertEquals(3, waits.size());
  }

  @Test
  void aFailureThatRulesOutRetryingEndsTheCallAtOnce() {
    AttemptFailure rejected = new AttemptFailure(new RejectedRequestException("HTTP 400"), false, null, false);
    int[] calls = {0};
    Retrier.GaveUp g = assertThrows(Retrier.GaveUp.class, () -> retrier.call(failing(new ArrayDeque<>(List.of(rejected)), calls), recording()));
    assertSame(rejected, g.last());
    assertEquals(1, g.attempts());
    assertEquals(1, calls[0]);
    assertTrue(waits.isEmpty() && heard.isEmpty());
  }

  @Test
  void uncheckedExceptionsPassThroughUntouched() {
    IllegalStateException closed = new IllegalStateException("closed");
    IllegalStateException thrown =
        assertThrows(IllegalStateException.class, () -> retrier.call(() -> { throw closed; }, recording()));
    assertSame(closed, thrown);
  }

  @Test
  void anInterruptBeforeTheWaitEndsTheCallWithoutWaiting() {
    Deque<AttemptFailure> failures = new ArrayDeque<>(List.of(new AttemptFailure(new TransientModelException("HTTP 500"), true, null, false)));
    int[] calls = {0};
    Retrier.Attempt<String> interrupting =
        () -> {
          Thread.currentThread().interrupt();
          return failing(failures, calls).run();
        };
    try {
      assertThrows(InterruptedException.class, () -> retrier.call(interrupting, recording()));
      assertFalse(Thread.currentThread().isInterrupted(), "an InterruptedException clears the flag");
    } finally {
      Thread.interrupted();
    }
    assertEquals(1, calls[0]);
    assertTrue(waits.isEmpty(), waits.toString());
  }

  @Test
  void jitterIsDrawnFromTheInjectedSource() throws Exception {
    double[] samples = {0.0, 0.5, 0.99};
    int[] next = {0};
    Retrier seeded = new Retrier(RULE, sleeper, () -> samples[next[0]++]);
    Deque<AttemptFailure> failures = new ArrayDeque<>();
    for (int i = 0; i < 3; i++) {
      failures.add(new AttemptFailure(new TransientModelException("HTTP 500"), true, null, false));
    }
    seeded.call(failing(failures, new int[1]), recording());
    assertEquals(List.of(Duration.ofMillis(75), Duration.ofMillis(175), Duration.ofNanos((long) (400_000_000L * (0.75 + 0.25 * 0.99)))), waits);
  }
}
