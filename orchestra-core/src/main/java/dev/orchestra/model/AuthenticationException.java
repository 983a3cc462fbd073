package dev.orchestra.model;

/** The credentials are missing or wrong, or lack permission for the request. */
public final class AuthenticationException extends ModelProviderException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, never containing a secret
   */
  public AuthenticationException(String message) {
    super(message, null);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, never containing a secret
   * @param cause the underlying cause
   */
  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.AUTHENTICATION;
  }
}
