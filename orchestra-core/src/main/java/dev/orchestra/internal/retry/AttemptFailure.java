package dev.orchestra.internal.retry;

import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.RateLimitedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One failed attempt, as the retry decision sees it: the typed failure, whether the failure itself
 * allows another try (a server may say it does not), the wait the server asked for, and whether it
 * happened inside an answer that had started to stream (those take the stream retries).
 *
 * <p>Checked, so an attempt says in its signature that it reports failures this way; it carries
 * no stack trace, as it never leaves the retry.
 */
public class AttemptFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ModelProviderException failure;
  private final boolean retriable;
  private final Duration serverWait; // null: none given
  private final boolean inStream;

  /**
   * Creates the failure.
   *
   * @param failure the typed failure a caller would see
   * @param retriable whether another try may mend it: as a rule for rate limits and transient
   *     failures, never for the same request sent again to the same failure; the server may say
   *     otherwise either way
   * @param serverWait the wait the server asked for, or null when it gave none
   * @param inStream whether the failure came after the answer had started to stream
   */
  public AttemptFailure(ModelProviderException failure, boolean retriable, Duration serverWait, boolean inStream) {
    super(Objects.requireNonNull(failure, "failure").getMessage(), null, false, false);
    if (serverWait != null && serverWait.isNegative()) {
      throw new IllegalArgumentException("serverWait must not be negative, got " + serverWait);
    }
    this.failure = failure;
    this.retriable = retriable;
    this.serverWait = serverWait;
    this.inStream = inStream;
  }

  /**
   * Returns a failure as the core's exceptions classify it: retriable when it {@linkplain
   * ModelProviderException#isRetriable() is} (a rate limit or a transient failure that its provider
   * did not make {@linkplain ModelProviderException#isFinal() final}), with a rate limit's wait.
   *
   * @param failure the provider's failure
   * @return the failed attempt
   */
  public static AttemptFailure of(ModelProviderException failure) {
    Duration wait = failure instanceof RateLimitedException r ? r.retryAfter().orElse(null) : null;
    return new AttemptFailure(failure, failure.isRetriable(), wait, false);
  }

  /** Returns the typed failure. */
  public ModelProviderException failure() {
    return failure;
  }

  /** Returns false when the failure itself rules out another try. */
  public boolean retriable() {
    return retriable;
  }

  /** Returns the wait the server asked for, when it gave one. */
  public Optional<Duration> serverWait() {
    return Optional.ofNullable(serverWait);
  }

  /** Returns whether the failure came after the answer had started to stream. */
  public boolean inStream() {
    return inStream;
  }
}
