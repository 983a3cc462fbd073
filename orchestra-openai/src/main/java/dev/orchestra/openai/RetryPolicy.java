package dev.orchestra.openai;

import dev.orchestra.internal.retry.RetryRule;
import java.time.Duration;
import java.util.Objects;

/**
 * How failed requests are retried: rate limits (429 throttling), timeouts, 408, 409 and 5xx
 * answers and dropped connections, never rejected requests or an exhausted quota. The wait is the
 * server's ({@code retry-after-ms}, then {@code retry-after}, then the "try again in" text), else
 * exponential backoff with jitter; a server that asks for more than {@code maxServerWait} is not
 * waited for: the failure is thrown at once, carrying the server's wait.
 *
 * <p>Two budgets, as Codex's {@code request_max_retries} and {@code stream_max_retries}: a failure
 * before an answer starts (an HTTP error status, a refused or reset connection, a timeout waiting
 * for headers) takes one of {@code maxRetries}; a failure of a stream that had started (cut,
 * silent for too long, closed before its end, or ended by a retryable error event) takes one of
 * {@code maxStreamRetries}. A stream whose text already reached the caller is never retried.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxRetries retries of requests that failed before an answer started (0 for none, at most
 *     100)
 * @param maxStreamRetries retries of streams that failed after they started (0 for none, at most
 *     100)
 * @param initialBackoff the first backoff, doubled for each further retry
 * @param maxBackoff the longest backoff
 * @param maxServerWait the longest server-requested wait that is honoured
 */
public record RetryPolicy(int maxRetries, int maxStreamRetries, Duration initialBackoff, Duration maxBackoff, Duration maxServerWait) {

  /**
   * Validates the policy.
   *
   * @throws IllegalArgumentException when a count is outside 0..100, a duration is negative, or
   *     {@code maxBackoff} is shorter than {@code initialBackoff}
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxServerWait, "maxServerWait");
    if (maxRetries < 0 || maxRetries > 100) {
      throw new IllegalArgumentException("maxRetries must be between 0 and 100, got " + maxRetries);
    }
    if (maxStreamRetries < 0 || maxStreamRetries > 100) {
      throw new IllegalArgumentException("maxStreamRetries must be between 0 and 100, got " + maxStreamRetries);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxServerWait.isNegative()) {
      throw new IllegalArgumentException(
          "backoffs must not be negative and maxBackoff must be at least initialBackoff, got initialBackoff "
              + initialBackoff + ", maxBackoff " + maxBackoff + ", maxServerWait " + maxServerWait);
    }
  }

  /**
   * Creates a policy with the same number of retries for requests and for started streams.
   *
   * @param maxRetries retries of either kind (0 for none, at most 100)
   * @param initialBackoff the first backoff
   * @param maxBackoff the longest backoff
   * @param maxServerWait the longest server-requested wait that is honoured
   * @throws IllegalArgumentException as the canonical constructor
   */
  public RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxServerWait) {
    this(maxRetries, maxRetries, initialBackoff, maxBackoff, maxServerWait);
  }

  /**
   * Returns the defaults: Codex's 4 request and 5 stream retries, backoff from 0.5 s doubling to
   * 8 s (OpenAI's SDKs), server waits honoured up to 120 s (the Python SDK's ceiling).
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(120));
  }

  /** Returns a policy that never retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(0, 0, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(120));
  }

  /**
   * Returns this policy with another number of request retries.
   *
   * @param retries the retries, 0..100
   * @return the policy
   * @throws IllegalArgumentException when the count is out of range
   */
  public RetryPolicy withMaxRetries(int retries) {
    return new RetryPolicy(retries, maxStreamRetries, initialBackoff, maxBackoff, maxServerWait);
  }

  /**
   * Returns this policy with another number of stream retries.
   *
   * @param retries the retries, 0..100
   * @return the policy
   * @throws IllegalArgumentException when the count is out of range
   */
  public RetryPolicy withMaxStreamRetries(int retries) {
    return new RetryPolicy(maxRetries, retries, initialBackoff, maxBackoff, maxServerWait);
  }

  /**
   * Returns this policy with another ceiling on the server's wait.
   *
   * @param ceiling the longest server-requested wait that is honoured
   * @return the policy
   * @throws IllegalArgumentException when the ceiling is negative
   */
  public RetryPolicy withMaxServerWait(Duration ceiling) {
    return new RetryPolicy(maxRetries, maxStreamRetries, initialBackoff, maxBackoff, ceiling);
  }

  /** Returns the rule that the provider's retries follow: this policy's budgets, backoff and ceiling. */
  RetryRule rule() {
    return new RetryRule(maxRetries, maxStreamRetries, initialBackoff, maxBackoff, maxServerWait);
  }
}
