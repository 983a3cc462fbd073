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
   * Creates the exception, saying whether it is final: whether the provider's own retry has
   * already decided about it.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause, or null
   * @param isFinal whether the provider's own retry has already decided about this failure, so
   *     that the orchestrator does not retry it again (see {@link #isFinal()})
   */
  public TransientModelException(String message, Throwable cause, boolean isFinal) {
    super(message, cause, isFinal);
  }

  @Override
  public Kind kind() {
    return Kind.TRANSIENT;
  }
}
