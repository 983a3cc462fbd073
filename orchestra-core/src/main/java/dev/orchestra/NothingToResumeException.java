package dev.orchestra;

/**
 * {@link Orchestrator#resume()} found nothing to continue: the last run ended green and every task
 * of plan.md is done. No model was called and neither plan.md nor the journal was written. Start a new run with {@link
 * Orchestrator#run(String)}, or add a task to plan.md and resume.
 */
public final class NothingToResumeException extends OrchestraException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the last run was and why nothing is left
   */
  public NothingToResumeException(String message) {
    super(message);
  }
}
