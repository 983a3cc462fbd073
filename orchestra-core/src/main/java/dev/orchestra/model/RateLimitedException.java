package dev.orchestra.model;

import java.time.Duration;
import java.util.Optional;

/** The service throttled the request; it may succeed after a wait. */
public final class RateLimitedException extends ModelProviderException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter; // null: the server gave no hint

  /**
   * Creates the exception.
   *
   * @param message what was throttled, never containing a secret
   * @param retryAfter how long the server asked to wait, or null when it gave no hint
   * @param cause the underlying cause, or null
   */
  public RateLimitedException(String message, Duration retryAfter, Throwable cause) {
    this(message, retryAfter, cause, false);
  }

  /**
   * Creates the exception, saying whether it is final: whether the provider's own retry has
   * already decided about it.
   *
   * @param message what was throttled, never containing a secret
   * @param retryAfter how long the server asked to wait, or null when it gave no hint
   * @param cause the underlying cause, or null
   * @param isFinal whether the provider's own retry has already decided about this failure, so
   *     that the orchestrator does not retry it again (see {@link #isFinal()})
   */
  public RateLimitedException(String message, Duration retryAfter, Throwable cause, boolean isFinal) {
    super(message, cause, isFinal);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
    this.retryAfter = retryAfter;
  }

  /**
   * Creates the exception without a cause.
   *
   * @param message what was throttled
   * @param retryAfter how long the server asked to wait, or null when it gave no hint
   */
  public RateLimitedException(String message, Duration retryAfter) {
    this(message, retryAfter, null);
  }

  /** Returns how long the server asked to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public Kind kind() {
    return Kind.RATE_LIMITED;
  }
}
