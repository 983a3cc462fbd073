package dev.orchestra.openai;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed requests are retried: rate limits (429 throttling), timeouts, 408, 409 and 5xx
 * answers and dropped connections, never rejected requests or an exhausted quota. The wait is the
 * server's ({@code retry-after-ms}, then {@code retry-after}, then the "try again in" text), else
 * exponential backoff with jitter; a server that asks for more than {@code maxServerWait} is not
 * waited for.
 *
 * @param maxRetries retries after the first attempt (0 for none)
 * @param initialBackoff the first backoff
 * @param maxBackoff the longest backoff
 * @param maxServerWait the longest server-requested wait that is honoured
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxServerWait) {

  /** Validates the policy. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxServerWait, "maxServerWait");
    if (maxRetries < 0 || maxRetries > 100) {
      throw new IllegalArgumentException("maxRetries must be between 0 and 100, got " + maxRetries);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxServerWait.isNegative()) {
      throw new IllegalArgumentException("backoffs must be positive and maxBackoff >= initialBackoff");
    }
  }

  /** Returns the defaults: 4 retries (Codex's), 0.5 s doubling to 8 s, server waits up to 120 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(120));
  }

  /** Returns a policy that never retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(0, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(120));
  }

  /**
   * Returns this policy with another retry count.
   *
   * @param retries the retries
   * @return the policy
   */
  public RetryPolicy withMaxRetries(int retries) {
    return new RetryPolicy(retries, initialBackoff, maxBackoff, maxServerWait);
  }
}
