package dev.orchestra.openai;

import java.time.Duration;
import java.util.Objects;

/**
 * A client-side limit on requests: at most {@code requestsPerPeriod} requests start in each
 * {@code period}; a request waits up to {@code maxWait} for a permit. Independently, when {@code
 * followServer} is set, the provider reads the {@code x-ratelimit-remaining-requests} and {@code
 * x-ratelimit-reset-requests} headers and holds new requests until the server's window resets
 * once it says none remain.
 *
 * @param requestsPerPeriod requests per period, or 0 for no client-side limit
 * @param period the period
 * @param maxWait the longest a request waits for a permit before failing as rate limited
 * @param followServer whether to follow the limits the server advertises
 */
public record RateLimit(int requestsPerPeriod, Duration period, Duration maxWait, boolean followServer) {

  /** Validates the limit. */
  public RateLimit {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(maxWait, "maxWait");
    if (requestsPerPeriod < 0) {
      throw new IllegalArgumentException("requestsPerPeriod must not be negative");
    }
    if (period.isNegative() || period.isZero() || maxWait.isNegative()) {
      throw new IllegalArgumentException("period must be positive and maxWait not negative");
    }
  }

  /** Returns the default: no client-side limit, follow the server's headers. */
  public static RateLimit followServerOnly() {
    return new RateLimit(0, Duration.ofSeconds(1), Duration.ofMinutes(2), true);
  }

  /**
   * Returns a limit of so many requests per period that also follows the server.
   *
   * @param requests requests per period
   * @param period the period
   * @return the limit
   */
  public static RateLimit of(int requests, Duration period) {
    return new RateLimit(requests, period, Duration.ofMinutes(2), true);
  }
}
