package dev.orchestra.agent;

import dev.orchestra.OrchestraException;
import java.util.Objects;

/**
 * An agent could not finish its task: no final answer within its turns, or one that never fit its
 * role's form even after a repair. {@link #reason()} says which.
 */
public final class AgentException extends OrchestraException {
  private static final long serialVersionUID = 1L;

  /** Why an agent could not finish. */
  public enum Reason {
    /** The answer did not fit the role's form (not JSON, a required field missing), even after one repair. */
    MALFORMED_ANSWER,
    /** No final answer within the agent's turn limit. */
    TURN_LIMIT,
    /** The agent's thread was interrupted (the run was cancelled). */
    INTERRUPTED,
    /** Another reason, in the message. */
    OTHER
  }

  private final Reason reason;

  /**
   * Creates the exception with {@link Reason#OTHER}.
   *
   * @param message what went wrong, naming the role and task
   */
  public AgentException(String message) {
    this(Reason.OTHER, message);
  }

  /**
   * Creates the exception.
   *
   * @param reason why the agent could not finish
   * @param message what went wrong, naming the role and task
   */
  public AgentException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Returns why the agent could not finish. */
  public Reason reason() {
    return reason;
  }
}
