package dev.orchestra;

/**
 * Root of every exception Orchestra throws for a failure a user or a remote service can cause.
 *
 * <p>Unchecked, like the JDK's own runtime exceptions: callers catch the subclass they can act on.
 * Programming errors (a null argument, a builder misuse) stay plain JDK exceptions such as
 * {@link IllegalArgumentException} and {@link IllegalStateException}.
 *
 * <p>Messages never contain an API key or any other secret.
 */
public class OrchestraException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what failed and where.
   *
   * @param message the message
   */
  public OrchestraException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message the message
   * @param cause the cause
   */
  public OrchestraException(String message, Throwable cause) {
    super(message, cause);
  }
}
