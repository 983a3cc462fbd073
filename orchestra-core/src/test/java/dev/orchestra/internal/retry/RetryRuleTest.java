package dev.orchestra.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The retry decision as a table: failure, retries taken, server wait in, decision out. */
final class RetryRuleTest {
  /** Two request retries, one stream retry, backoff 100 ms doubling to 400 ms, server waits up to 2 min. */
  static final RetryRule RULE = new RetryRule(2, 1, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(2));

  static AttemptFailure failed(ModelProviderException e, boolean retriable, Duration serverWait, boolean inStream) {
    return new AttemptFailure(e, retriable, serverWait, inStream);
  }

  static final TransientModelException DOWN = new TransientModelException("HTTP 500");
  static final RateLimitedException SLOW = new RateLimitedException("HTTP 429", null);

  static Stream<Arguments> giveUps() {
    RetryRule.Taken none = RetryRule.Taken.NONE;
    return Stream.of(
        Arguments.of("rejected", none, AttemptFailure.of(new RejectedRequestException("bad")), RetryDecision.Reason.NOT_RETRIABLE, true),
        Arguments.of("quota", none, AttemptFailure.of(new QuotaExhaustedException("spent")), RetryDecision.Reason.NOT_RETRIABLE, true),
        Arguments.of("auth", none, AttemptFailure.of(new AuthenticationException("who")), RetryDecision.Reason.NOT_RETRIABLE, true),
        Arguments.of("server said no", none, failed(SLOW, false, Duration.ofSeconds(1), false), RetryDecision.Reason.NOT_RETRIABLE, true),
        Arguments.of("wait over the ceiling", none, failed(SLOW, true, Duration.ofSeconds(121), false), RetryDecision.Reason.WAIT_TOO_LONG, true),
        Arguments.of("request retries spent", new RetryRule.Taken(2, 0), failed(DOWN, true, null, false), RetryDecision.Reason.OUT_OF_RETRIES, true),
        Arguments.of("stream retries spent", new RetryRule.Taken(0, 1), failed(DOWN, true, null, true), RetryDecision.Reason.OUT_OF_RETRIES, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("giveUps")
  void givesUp(String what, RetryRule.Taken taken, AttemptFailure failure, RetryDecision.Reason reason, boolean isFinal) {
    assertEquals(new RetryDecision.GiveUp(reason, isFinal), RULE.decide(taken, failure, 0.5));
  }

  @Test
  void theServerMayAskForARetryOfWhatLooksHopeless() {
    RetryDecision d = RULE.decide(RetryRule.Taken.NONE, failed(new RejectedRequestException("HTTP 400: flaky"), true, null, false), 0);
    assertEquals(new RetryDecision.Retry(Duration.ofMillis(75), new RetryRule.Taken(1, 0)), d, "x-should-retry: true on a 400");
  }

  @Test
  void aZeroBudgetThatNeverRetriedLeavesTheCallersRetriesToApply() {
    RetryRule noRequestRetries = new RetryRule(0, 3, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(2));
    assertEquals(
        new RetryDecision.GiveUp(RetryDecision.Reason.OUT_OF_RETRIES, false),
        noRequestRetries.decide(RetryRule.Taken.NONE, failed(DOWN, true, null, false), 0.5));
    assertEquals(
        new RetryDecision.GiveUp(RetryDecision.Reason.OUT_OF_RETRIES, true),
        noRequestRetries.decide(new RetryRule.Taken(0, 1), failed(DOWN, true, null, false), 0.5),
        "once a stream retry was made, this call has retried: final");
  }

  @Test
  void eachBudgetCountsItsOwnFailures() {
    RetryRule.Taken afterTwoRequestRetries = new RetryRule.Taken(2, 0);
    RetryDecision d = RULE.decide(afterTwoRequestRetries, failed(DOWN, true, null, true), 0.5);
    assertEquals(new RetryRule.Taken(2, 1), ((RetryDecision.Retry) d).taken(), "a stream failure takes a stream retry");
    d = RULE.decide(new RetryRule.Taken(0, 1), failed(DOWN, true, null, false), 0.5);
    assertEquals(new RetryRule.Taken(1, 1), ((RetryDecision.Retry) d).taken());
  }

  @Test
  void theServersWaitIsTakenAsGivenUpToTheCeiling() {
    for (Duration wait : new Duration[] {Duration.ZERO, Duration.ofMillis(30), Duration.ofMinutes(2)}) {
      RetryDecision d = RULE.decide(RetryRule.Taken.NONE, failed(SLOW, true, wait, false), 0.99);
      assertEquals(new RetryDecision.Retry(wait, new RetryRule.Taken(1, 0)), d);
    }
    RetryDecision transientWithHint = RULE.decide(RetryRule.Taken.NONE, failed(DOWN, true, Duration.ofSeconds(3), false), 0.1);
    assertEquals(Duration.ofSeconds(3), ((RetryDecision.Retry) transientWithHint).delay(), "a 503's retry-after counts too");
  }

  @Test
  void backoffDoublesPerRetryUpToTheCeilingAndJitterCutsUpToAQuarter() {
    RetryRule wide = new RetryRule(10, 0, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(2));
    long[] nominal = {100, 200, 400, 400, 400};
    for (int retry = 1; retry <= nominal.length; retry++) {
      Duration full = Duration.ofMillis(nominal[retry - 1]);
      assertEquals(full.multipliedBy(3).dividedBy(4), wide.backoff(retry, 0));
      assertEquals(full.multipliedBy(7).dividedBy(8), wide.backoff(retry, 0.5));
      Duration top = wide.backoff(retry, 1 - Math.ulp(1.0));
      assertTrue(top.compareTo(full) <= 0 && top.compareTo(full.minusNanos(2)) >= 0, "retry " + retry + ": " + top);
    }
    RetryDecision third = wide.decide(new RetryRule.Taken(1, 1), failed(DOWN, true, null, false), 0);
    assertEquals(Duration.ofMillis(300), ((RetryDecision.Retry) third).delay(), "the third retry, of either budget: 400 ms less a quarter");
  }

  @Test
  void backoffSaturatesInsteadOfOverflowing() {
    Duration twoCenturies = Duration.ofDays(365 * 200L);
    RetryRule huge = new RetryRule(100, 0, twoCenturies, RetryRule.NO_CEILING, RetryRule.NO_CEILING);
    for (int retry : new int[] {1, 2, 63, 64, 100}) {
      Duration d = huge.backoff(retry, 0.5);
      assertTrue(!d.isNegative() && d.compareTo(twoCenturies.dividedBy(2)) >= 0, "retry " + retry + ": " + d);
    }
    RetryRule tiny = new RetryRule(100, 0, Duration.ofNanos(1), Duration.ofSeconds(30), RetryRule.NO_CEILING);
    assertEquals(Duration.ofSeconds(30).multipliedBy(3).dividedBy(4), tiny.backoff(100, 0), "capped, not shifted out");
  }

  @Test
  void noCeilingHonoursAnyWait() {
    RetryRule patient = new RetryRule(1, 0, Duration.ofMillis(500), Duration.ofSeconds(30), RetryRule.NO_CEILING);
    RetryDecision d = patient.decide(RetryRule.Taken.NONE, failed(SLOW, true, Duration.ofHours(1), false), 0.5);
    assertEquals(Duration.ofHours(1), ((RetryDecision.Retry) d).delay());
  }

  @Test
  void aProvidersFinalFailureIsNotRetriedAgain() {
    RetryRule patient = new RetryRule(4, 0, Duration.ofMillis(500), Duration.ofSeconds(30), RetryRule.NO_CEILING);
    RateLimitedException decided = new RateLimitedException("429 after 5 attempts", Duration.ofHours(1), null, true);
    assertEquals(
        new RetryDecision.GiveUp(RetryDecision.Reason.NOT_RETRIABLE, true),
        patient.decide(RetryRule.Taken.NONE, AttemptFailure.of(decided), 0.5));
    RetryDecision open = patient.decide(RetryRule.Taken.NONE, AttemptFailure.of(new RateLimitedException("429", Duration.ofSeconds(2))), 0.5);
    assertEquals(Duration.ofSeconds(2), ((RetryDecision.Retry) open).delay(), "a rate limit's wait reaches the rule");
  }

  @Test
  void badRulesAndSamplesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RetryRule(-1, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RetryRule(1, 0, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RULE.backoff(0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> RULE.backoff(1, 1.0));
  }
}
