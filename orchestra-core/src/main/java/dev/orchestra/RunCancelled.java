package dev.orchestra;

/** Thrown on an agent's thread when the run was cancelled under it: the task will run again. */
final class RunCancelled extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunCancelled() {
    super("cancelled", null, false, false);
  }
}
