package dev.orchestra.model;

import dev.orchestra.OrchestraException;

/**
 * A model request that failed, classified so callers know whether trying again can help.
 *
 * <p>The five kinds are sealed: a {@code switch} on {@link #kind()} covers them all.
 */
public abstract sealed class ModelProviderException extends OrchestraException
    permits RateLimitedException,
        QuotaExhaustedException,
        TransientModelException,
        RejectedRequestException,
        AuthenticationException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure. */
  public enum Kind {
    /** Throttled; retry after a wait. */
    RATE_LIMITED,
    /** The account's quota or budget is used up; retrying will not help. */
    QUOTA_EXHAUSTED,
    /** A temporary failure (timeout, 5xx, dropped connection); retry. */
    TRANSIENT,
    /** The request itself is wrong (bad parameter, too large); never retry unchanged. */
    REJECTED,
    /** The credentials are missing, wrong or lack permission. */
    AUTHENTICATION
  }

  private final boolean retriesSpent;

  ModelProviderException(String message, Throwable cause) {
    this(message, cause, false);
  }

  ModelProviderException(String message, Throwable cause, boolean retriesSpent) {
    super(message, cause);
    this.retriesSpent = retriesSpent;
  }

  /** Returns the kind of failure. */
  public abstract Kind kind();

  /**
   * Returns whether the provider has already retried this request as far as its own policy allows,
   * or was told by the server not to retry it: a caller should then not retry it again, which
   * would multiply the provider's attempts (and its waits) by its own.
   */
  public boolean retriesSpent() {
    return retriesSpent;
  }

  /**
   * Returns whether trying the same request again later may succeed and is worth doing: a rate
   * limit or a transient failure whose retries the provider has not {@linkplain #retriesSpent()
   * spent}.
   */
  public boolean isRetriable() {
    return (kind() == Kind.RATE_LIMITED || kind() == Kind.TRANSIENT) && !retriesSpent;
  }
}
