package dev.orchestra.model;

/** A temporary failure: a timeout, a server error, a dropped connection or stream. */
public final class TransientModelException extends ModelProviderException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, never containing a secret
   */
  public TransientModelException(String message) {
    super(message, null);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause
   */
  public TransientModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception, saying whether the provider has already spent its retries on it.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause, or null
   * @param retriesSpent whether the provider already retried as far as its policy allows (see
   *     {@link #retriesSpent()})
   */
  public TransientModelException(String message, Throwable cause, boolean retriesSpent) {
    super(message, cause, retriesSpent);
  }

  @Override
  public Kind kind() {
    return Kind.TRANSIENT;
  }
}
