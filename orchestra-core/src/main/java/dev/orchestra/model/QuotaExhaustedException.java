package dev.orchestra.model;

/** The account's quota or spending limit is used up; retrying will not help. */
public final class QuotaExhaustedException extends ModelProviderException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, never containing a secret
   */
  public QuotaExhaustedException(String message) {
    super(message, null);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause
   */
  public QuotaExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.QUOTA_EXHAUSTED;
  }
}
