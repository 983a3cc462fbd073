package dev.orchestra.codex;

import dev.orchestra.OrchestraException;

/**
 * The Codex CLI could not be used: not found, or a version this module does not support. The
 * message is one line saying what was looked for, what was found, the supported versions, and how
 * to install the supported one.
 */
public final class CodexUnavailableException extends OrchestraException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the one-line explanation
   */
  public CodexUnavailableException(String message) {
    super(message);
  }
}
