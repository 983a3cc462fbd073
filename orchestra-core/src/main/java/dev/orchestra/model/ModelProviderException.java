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

  private final boolean isFinal;

  ModelProviderException(String message, Throwable cause) {
    this(message, cause, false);
  }

  ModelProviderException(String message, Throwable cause, boolean isFinal) {
    super(message, cause);
    this.isFinal = isFinal;
  }

  /** Returns the kind of failure. */
  public abstract Kind kind();

  /**
   * Returns whether this failure is final: the provider that threw it retries on its own, and its
   * retry has already decided about this failure, either by retrying it as far as its policy
   * allows or by ruling another try out (the server said not to retry, asked for a longer wait
   * than the provider honours, or part of the answer had already reached the caller). A final
   * failure is not retried by the orchestrator: the provider has the last word, and a second
   * layer of retries would multiply its attempts and waits.
   *
   * <p>A provider that retries but was configured with no retries for this kind of failure throws
   * it as not final, so that the caller's retries still apply.
   */
  public boolean isFinal() {
    return isFinal;
  }

  /**
   * Returns {@link #isFinal()}, under the name it had first.
   *
   * @return whether this failure is final
   */
  public boolean retriesSpent() {
    return isFinal;
  }

  /**
   * Returns whether trying the same request again later may succeed and is worth doing: a rate
   * limit or a transient failure that is not {@linkplain #isFinal() final}.
   */
  public boolean isRetriable() {
    return (kind() == Kind.RATE_LIMITED || kind() == Kind.TRANSIENT) && !isFinal;
  }
}
