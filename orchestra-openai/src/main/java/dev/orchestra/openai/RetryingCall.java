package dev.orchestra.openai;

import dev.orchestra.Sleeper;
import dev.orchestra.internal.retry.Retrier;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the provider carries out a request: attempts under the core's {@link Retrier}, each one first
 * held for the server's rate-limit window, then given a permit by the client-side limiter (so a
 * held request holds no permit), then sent by the {@link HttpAttempt}. Every retry is reported
 * through the call's {@link ProviderSignals}; once the retry gives up, the failure thrown says how
 * often it was tried and whether it is final. One instance serves every call of its provider;
 * thread-safe.
 */
final class RetryingCall {
  // Logged as the provider, where its users look for it.
  private static final Logger log = LoggerFactory.getLogger(OpenAiProvider.class);

  private final String name;
  private final String where;
  private final Retrier retrier;
  private final ServerRateWindow window;
  private final Duration maxServerWait;
  private final RateLimiter limiter; // null: no client-side limit
  private final RateLimit rateLimit;
  private final Sleeper sleeper;
  private final HttpAttempt http;
  private final StreamResult streamListener; // null: none

  /**
   * Creates the call.
   *
   * @param name the provider's name, for logs
   * @param where the request as failures and logs name it
   * @param retrier the provider's retry
   * @param window the server's rate-limit window
   * @param maxServerWait the longest hold for the window that is sat out
   * @param limiter the client-side limiter, or null for none
   * @param rateLimit the client-side limit, as its failure names it
   * @param sleeper waits for the window
   * @param http one attempt
   * @param streamListener told of answer text as it streams in, or null
   */
  RetryingCall(
      String name,
      String where,
      Retrier retrier,
      ServerRateWindow window,
      Duration maxServerWait,
      RateLimiter limiter,
      RateLimit rateLimit,
      Sleeper sleeper,
      HttpAttempt http,
      StreamResult streamListener) {
    this.name = Objects.requireNonNull(name, "name");
    this.where = Objects.requireNonNull(where, "where");
    this.retrier = Objects.requireNonNull(retrier, "retrier");
    this.window = Objects.requireNonNull(window, "window");
    this.maxServerWait = Objects.requireNonNull(maxServerWait, "maxServerWait");
    this.limiter = limiter;
    this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.http = Objects.requireNonNull(http, "http");
    this.streamListener = streamListener;
  }

  /**
   * Sends the request, retrying as the retry decides, and returns the complete answer.
   *
   * @param json the encoded request
   * @param signals told of every failure a retry absorbs and of each retry
   * @return the answer
   * @throws ModelProviderException the last failure, once the retry gave up
   */
  ModelResponse run(byte[] json, ProviderSignals signals) {
    AtomicBoolean delivered = new AtomicBoolean();
    StreamResult sink =
        streamListener == null
            ? null
            : delta -> {
              delivered.set(true);
              streamListener.textDelta(delta);
            };
    Retrier.Attempt<ModelResponse> attempt =
        () -> {
          holdForServerWindow(signals);
          takePermit();
          try {
            return http.send(json, sink);
          } catch (Failure f) {
            // Text that reached the caller cannot be taken back: that answer is not tried again.
            throw delivered.get() ? f.notRetriable() : f;
          }
        };
    try {
      return retrier.call(attempt, (failed, delay, next) -> retrying(failed.failure(), delay, next, signals));
    } catch (Retrier.GaveUp g) {
      log.debug("{}: {} failed after {} attempt(s) ({}): {}", name, where, g.attempts(), g.reason(), g.getMessage());
      throw finalFailure(g.last().failure(), g.attempts(), g.isFinal());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientModelException("interrupted while waiting to retry " + where);
    }
  }

  /**
   * Holds a request while the server has said that nothing remains in its window, or spaces it
   * when little remains. A hold longer than {@code maxServerWait} is not sat out: the request fails
   * at once as rate limited, carrying the wait, as a too-long retry-after does.
   */
  private void holdForServerWindow(ProviderSignals signals) throws Failure {
    Duration wait = window.reserve(maxServerWait);
    if (wait.compareTo(maxServerWait) > 0) {
      throw new Failure(
          new RateLimitedException(
              "the server's rate-limit window for " + where + " resets in " + wait + ", longer than the retry policy's maxServerWait " + maxServerWait,
              wait),
          false,
          wait);
    }
    if (wait.isZero()) {
      return;
    }
    log.debug("{}: holding {} for {} ms, as the server's rate-limit headers asked", name, where, wait.toMillis());
    if (wait.compareTo(Duration.ofSeconds(1)) >= 0) {
      signals.rateLimited("the server's rate-limit headers hold " + where + " for " + wait.toMillis() + " ms");
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(new TransientModelException("interrupted while waiting for the server's rate-limit window"), false, null);
    }
  }

  /** Takes a permit from the client-side limiter, waiting as long as it allows; not retried when none comes. */
  private void takePermit() throws Failure {
    if (limiter == null || limiter.acquirePermission()) {
      return;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new Failure(new TransientModelException("interrupted while waiting for the client-side rate limit's permit"), false, null);
    }
    throw new RateLimitedException(
        "the client-side rate limit (" + rateLimit.requestsPerPeriod() + " per " + rateLimit.period() + ") gave no permit within "
            + rateLimit.maxWait(),
        rateLimit.period());
  }

  /**
   * Reports a failure a retry absorbs: to the thread budget as a rate limit or instability, and as
   * a scheduled retry. The failure finally thrown is not reported: the orchestrator sees it itself.
   */
  private void retrying(ModelProviderException failure, Duration delay, int nextAttempt, ProviderSignals signals) {
    String cause = failure.getMessage();
    if (failure.kind() == ModelProviderException.Kind.RATE_LIMITED) {
      signals.rateLimited(cause);
    } else {
      signals.unstable(cause);
    }
    signals.retryScheduled(failure, delay, nextAttempt);
    log.debug("{}: retrying {} in {} ms after: {}", name, where, delay.toMillis(), cause);
  }

  /**
   * The failure thrown once the retry gave up: saying how often it was tried when that was more
   * than once, and {@linkplain ModelProviderException#isFinal() final} when this provider's retry
   * decided, so that the orchestrator does not multiply its attempts with its own.
   */
  private static ModelProviderException finalFailure(ModelProviderException e, int attempts, boolean isFinal) {
    if (attempts <= 1 && !isFinal) {
      return e;
    }
    String m = attempts <= 1 ? e.getMessage() : e.getMessage() + " (after " + attempts + " attempts)";
    return switch (e.kind()) {
      case RATE_LIMITED -> new RateLimitedException(m, ((RateLimitedException) e).retryAfter().orElse(null), e, isFinal);
      case TRANSIENT -> new TransientModelException(m, e, isFinal);
      case QUOTA_EXHAUSTED -> attempts <= 1 ? e : new QuotaExhaustedException(m, e);
      case REJECTED -> attempts <= 1 ? e : new RejectedRequestException(m, e);
      case AUTHENTICATION -> attempts <= 1 ? e : new AuthenticationException(m, e);
    };
  }
}
