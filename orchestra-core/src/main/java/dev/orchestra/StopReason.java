package dev.orchestra;

/** Why a run stopped. Every {@link RunResult} carries one. */
public enum StopReason {
  /** Every task is done and every gate passed. */
  GREEN,
  /** One-batch mode: the first batch and its gates ran, as asked. */
  ONE_BATCH_COMPLETE,
  /** The round limit was reached before the gates went green. */
  ITERATION_LIMIT,
  /** The token limit was reached. */
  TOKEN_LIMIT,
  /** The wall-time limit was reached. */
  TIME_LIMIT,
  /** A round finished no task and produced no new task: going on would loop. */
  NO_PROGRESS,
  /**
   * A finding came back after it was fixed: its task was done and a later run of its gate no
   * longer reported it, then the gate reported it again. (A fix that has not worked yet is not a
   * regression: it goes back to work, up to the attempt limit.)
   */
  FINDINGS_REGRESSED,
  /**
   * A finding stayed open through its attempt limit (and a new plan for it): its task and the
   * gate's last report are in Next and Risks. Resume with a higher limit, or edit plan.md.
   */
  ATTEMPTS_EXHAUSTED,
  /**
   * The work is done and no gate failed, but a gate checked nothing (no CI command was found, say):
   * the summary says how to name the checks.
   */
  NOT_VERIFIED,
  /** The gates passed but some tasks failed or are blocked. */
  TASKS_FAILED,
  /** The provider's quota is used up; resume when it is refilled. */
  QUOTA_EXHAUSTED,
  /** The provider refused the credentials. */
  AUTHENTICATION_FAILED,
  /** The run was cancelled; resume to continue. */
  CANCELLED,
  /**
   * plan.md was edited into a form that cannot be read (the message names the line), or that does
   * not fit the run's plan (the message names the task).
   */
  PLAN_INVALID,
  /** An unexpected error stopped the run; the message says which. */
  FAILED;

  /** Returns whether the run ended with everything green. */
  public boolean isGreen() {
    return this == GREEN;
  }
}
