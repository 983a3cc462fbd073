package dev.orchestra.internal.retry;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Decides what is retried, how often and after how long: the one place for model calls, used by
 * the orchestrator for providers that do not retry and by providers that do.
 *
 * <p>Only failures that allow another try are retried: rate limits and transient failures, unless
 * the server said otherwise, which a provider reads into the {@link AttemptFailure} (see {@link
 * AttemptFailure#of} for a failure as the core's exceptions classify it). The wait is the server's ({@code retry-after-ms}, {@code retry-after} and the like, already
 * read into the failure), taken as given; a server wait longer than {@code maxServerWait} is not
 * waited for. Without a server wait, the backoff starts at {@code initialBackoff}, doubles with each
 * retry up to {@code maxBackoff}, and is cut by a jitter of up to a quarter, so that calls that
 * failed together do not all come back together. Two budgets, as Codex's {@code
 * request_max_retries} and {@code stream_max_retries}: a failure before an answer started takes
 * one of {@code maxRetries}, a failure of an answer that had started to stream one of {@code
 * maxStreamRetries}.
 *
 * <p>Pure: {@link #decide} is a function of the retries taken so far, the failure and a jitter
 * sample; it neither waits nor reads a clock.
 *
 * @param maxRetries retries of failures before an answer started, at least 0
 * @param maxStreamRetries retries of failures inside a started answer, at least 0
 * @param initialBackoff the first backoff, not negative
 * @param maxBackoff the longest backoff, at least {@code initialBackoff}
 * @param maxServerWait the longest server wait that is honoured, not negative
 */
public record RetryRule(int maxRetries, int maxStreamRetries, Duration initialBackoff, Duration maxBackoff, Duration maxServerWait) {

  /** A ceiling on server waits that no server reaches: every wait is honoured. */
  public static final Duration NO_CEILING = ChronoUnit.FOREVER.getDuration();

  /** Validates the rule. */
  public RetryRule {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxServerWait, "maxServerWait");
    if (maxRetries < 0 || maxStreamRetries < 0) {
      throw new IllegalArgumentException("retry counts must not be negative, got " + maxRetries + " and " + maxStreamRetries);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxServerWait.isNegative()) {
      throw new IllegalArgumentException(
          "backoffs must not be negative and maxBackoff must be at least initialBackoff, got initialBackoff " + initialBackoff
              + ", maxBackoff " + maxBackoff + ", maxServerWait " + maxServerWait);
    }
  }

  /**
   * The retries a call has taken so far, per budget.
   *
   * @param requestRetries retries of failures before an answer started
   * @param streamRetries retries of failures inside a started answer
   */
  public record Taken(int requestRetries, int streamRetries) {
    /** No retries yet. */
    public static final Taken NONE = new Taken(0, 0);

    /** Validates the counts. */
    public Taken {
      if (requestRetries < 0 || streamRetries < 0) {
        throw new IllegalArgumentException("retry counts must not be negative");
      }
    }

    /** Returns the retries of both kinds. */
    public int total() {
      return requestRetries + streamRetries;
    }

    Taken plusOne(boolean inStream) {
      return inStream ? new Taken(requestRetries, streamRetries + 1) : new Taken(requestRetries + 1, streamRetries);
    }
  }

  /**
   * Decides about one failed attempt.
   *
   * @param taken the retries taken before this failure
   * @param failed the failure
   * @param jitter a sample in [0, 1) that picks the backoff's jitter; unused for a server wait
   * @return a retry after a wait, or giving up
   */
  public RetryDecision decide(Taken taken, AttemptFailure failed, double jitter) {
    if (!failed.retriable()) {
      return new RetryDecision.GiveUp(RetryDecision.Reason.NOT_RETRIABLE, true);
    }
    if (failed.serverWait().map(w -> w.compareTo(maxServerWait) > 0).orElse(false)) {
      return new RetryDecision.GiveUp(RetryDecision.Reason.WAIT_TOO_LONG, true);
    }
    boolean inStream = failed.inStream();
    if ((inStream ? taken.streamRetries() : taken.requestRetries()) >= (inStream ? maxStreamRetries : maxRetries)) {
      // Final once this call has retried at all: a caller's retries would multiply ours.
      return new RetryDecision.GiveUp(RetryDecision.Reason.OUT_OF_RETRIES, taken.total() > 0);
    }
    Duration wait = failed.serverWait().orElseGet(() -> backoff(taken.total() + 1, jitter));
    return new RetryDecision.Retry(wait, taken.plusOne(inStream));
  }

  /**
   * The backoff before a retry: {@code initialBackoff} doubled for each retry before it, at most
   * {@code maxBackoff}, times a factor between 0.75 and 1 picked by the jitter sample.
   *
   * @param retry which retry, from 1
   * @param jitter a sample in [0, 1)
   * @return the wait
   */
  public Duration backoff(int retry, double jitter) {
    if (retry < 1 || !(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("retry must be at least 1 and jitter in [0, 1), got " + retry + " and " + jitter);
    }
    long ceiling = saturatedNanos(maxBackoff);
    long first = saturatedNanos(initialBackoff);
    int doublings = Math.min(retry - 1, 62);
    long nominal = first > ceiling >> doublings ? ceiling : first << doublings;
    return Duration.ofNanos((long) (nominal * (0.75 + 0.25 * jitter)));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
