package dev.orchestra.model;

/** The service rejected the request itself; sending it again unchanged will fail again. */
public final class RejectedRequestException extends ModelProviderException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, never containing a secret
   */
  public RejectedRequestException(String message) {
    super(message, null);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause
   */
  public RejectedRequestException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.REJECTED;
  }
}
