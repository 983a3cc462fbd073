package dev.orchestra.role;

import java.util.Objects;

/**
 * Decides whether an agent may do something its approval policy says to ask about: an IDE shows a
 * dialog, a harness asks its user, a test answers. Called on an agent's thread; may block (the
 * orchestrator waits at most its approval timeout, then counts the request as denied).
 */
@FunctionalInterface
public interface ApprovalHandler {

  /** Denies everything, without asking anyone: the default. */
  ApprovalHandler DENY_ALL = request -> Decision.deny("default", "no approval handler is configured");

  /**
   * Decides one request.
   *
   * @param request what the agent wants to do and why approval is needed
   * @return the decision
   * @throws InterruptedException when the run is cancelled while waiting; counts as denied
   */
  Decision decide(Request request) throws InterruptedException;

  /**
   * What an agent wants to do.
   *
   * @param runId the run
   * @param taskId the task the agent works on
   * @param role the agent's role
   * @param action the tool, for example {@code run_command} or {@code write_file}
   * @param detail what exactly: the command line or the path
   * @param reason why approval is needed, for example "the read-only sandbox does not allow it"
   */
  record Request(String runId, String taskId, String role, String action, String detail, String reason) {
    /** Validates the components. */
    public Request {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(action);
      Objects.requireNonNull(detail);
      Objects.requireNonNull(reason);
    }
  }

  /**
   * A decision.
   *
   * @param approved whether the action may go ahead
   * @param decidedBy who decided, for example a user name, {@code "timeout"} or {@code "policy"}
   * @param reason why, one line; may be empty
   */
  record Decision(boolean approved, String decidedBy, String reason) {
    /** Validates the components. */
    public Decision {
      Objects.requireNonNull(decidedBy);
      Objects.requireNonNull(reason);
    }

    /**
     * Returns an approval.
     *
     * @param decidedBy who approved
     * @return the decision
     */
    public static Decision approve(String decidedBy) {
      return new Decision(true, decidedBy, "");
    }

    /**
     * Returns a denial.
     *
     * @param decidedBy who denied
     * @param reason why
     * @return the decision
     */
    public static Decision deny(String decidedBy, String reason) {
      return new Decision(false, decidedBy, reason);
    }
  }
}
