package dev.orchestra;

/** An agent could not finish its task: no final answer within its turns, or one that never parsed. */
public final class AgentException extends OrchestraException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the role and task
   */
  public AgentException(String message) {
    super(message);
  }
}
