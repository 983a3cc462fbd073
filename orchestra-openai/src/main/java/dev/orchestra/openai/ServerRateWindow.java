package dev.orchestra.openai;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's rate-limit window, as its {@code x-ratelimit-*} headers describe it, and when the
 * next request may go in it. With no requests (or no tokens) left, nothing goes until the window
 * resets. With under a tenth of the requests left, the rest are spread evenly until the reset, each
 * request taking the next free slot, rather than spent at once and met with 429s. Negative, zero,
 * missing or malformed values (Azure sends -1 and 0) mean unknown: no pause.
 *
 * <p>Times are readings of an injected nanosecond clock (monotonic in production, a manual clock
 * in tests), so the window needs no real time and no sleeping: {@link #reserve} only says how long
 * to wait. Arithmetic saturates, so a reset centuries away is a long wait, never a negative one.
 * Thread-safe.
 */
final class ServerRateWindow {
  // Logged as the provider, where its users look for it.
  private static final Logger log = LoggerFactory.getLogger(OpenAiProvider.class);

  private final String name;
  private final LongSupplier nanoTime;
  // Guarded by this. Long.MIN_VALUE: no such time yet, whatever the clock's origin.
  private long pauseUntil = Long.MIN_VALUE; // nothing goes before
  private long spreadUntil = Long.MIN_VALUE; // requests are spread until
  private long spreadInterval; // one request per this, while spreading; 0: not spreading
  private long nextSlot = Long.MIN_VALUE; // the next free slot, while spreading

  /**
   * Creates a window that knows nothing yet: no request waits.
   *
   * @param name the provider's name, for logs
   * @param nanoTime the clock, in nanoseconds
   */
  ServerRateWindow(String name, LongSupplier nanoTime) {
    this.name = Objects.requireNonNull(name, "name");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Reads the rate-limit headers of an answer, whatever its status.
   *
   * @param headers the answer's headers
   */
  void observe(HttpHeaders headers) {
    long remainingRequests = number(headers, "x-ratelimit-remaining-requests");
    long limitRequests = number(headers, "x-ratelimit-limit-requests");
    long resetRequests = reset(headers, "x-ratelimit-reset-requests");
    long remainingTokens = number(headers, "x-ratelimit-remaining-tokens");
    long resetTokens = reset(headers, "x-ratelimit-reset-tokens");
    long now = nanoTime.getAsLong();
    synchronized (this) {
      if (remainingRequests >= 0 && resetRequests > 0) {
        if (remainingRequests == 0) {
          pauseUntil = Math.max(pauseUntil, plus(now, resetRequests));
        } else if (limitRequests > 0 && remainingRequests <= (limitRequests - 1) / 10) { // under a tenth left
          spreadInterval = resetRequests / (remainingRequests + 1);
          spreadUntil = plus(now, resetRequests);
          nextSlot = Math.max(nextSlot, plus(now, spreadInterval));
          log.debug("{}: {} requests left in the server's window; spacing them {} ms apart", name, remainingRequests,
              TimeUnit.NANOSECONDS.toMillis(spreadInterval));
        } else {
          spreadInterval = 0; // plenty left again
        }
      }
      if (remainingTokens == 0 && resetTokens > 0) {
        pauseUntil = Math.max(pauseUntil, plus(now, resetTokens));
      }
    }
  }

  /**
   * Returns how long the next request must wait before it goes, and takes its slot when requests
   * are being spread. A wait longer than {@code ceiling} takes no slot: that request will not go.
   *
   * @param ceiling the longest wait the caller will sit out
   * @return the wait, zero when the request may go at once
   */
  synchronized Duration reserve(Duration ceiling) {
    long now = nanoTime.getAsLong();
    long start = Math.max(now, pauseUntil);
    boolean spreading = spreadInterval > 0 && start < spreadUntil;
    if (spreading) {
      start = Math.max(start, nextSlot);
    }
    long wait = minus(start, now);
    if (spreading && wait <= nanos(ceiling)) {
      nextSlot = plus(start, spreadInterval);
    }
    return Duration.ofNanos(wait);
  }

  /** A duration in nanoseconds, {@link Long#MAX_VALUE} for one too long to count so. */
  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long plus(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }

  private static long minus(long a, long b) {
    try {
      return Math.subtractExact(a, b);
    } catch (ArithmeticException overflow) {
      return b < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }

  /** A header's integer value, or -1 when it is absent or not an integer. */
  private static long number(HttpHeaders headers, String name) {
    Optional<String> v = headers.firstValue(name);
    if (v.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(v.get().strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A reset header's time in nanoseconds, or 0 when it is absent, zero or malformed. */
  private static long reset(HttpHeaders headers, String name) {
    return headers.firstValue(name).flatMap(ErrorMapper::parseReset).map(ServerRateWindow::nanos).orElse(0L);
  }
}
