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

  ModelProviderException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Returns the kind of failure. */
  public abstract Kind kind();

  /** Returns whether the same request may succeed if tried again later. */
  public boolean isRetriable() {
    return kind() == Kind.RATE_LIMITED || kind() == Kind.TRANSIENT;
  }
}
