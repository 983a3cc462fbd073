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
  /** A finding came back after the task that fixed it was done: going on would loop. */
  FINDINGS_REGRESSED,
  /** The gates passed but some tasks failed or are blocked. */
  TASKS_FAILED,
  /** The provider's quota is used up; resume when it is refilled. */
  QUOTA_EXHAUSTED,
  /** The provider refused the credentials. */
  AUTHENTICATION_FAILED,
  /** The run was cancelled; resume to continue. */
  CANCELLED,
  /** plan.md was edited into a form that cannot be read; the message names the line. */
  PLAN_INVALID,
  /** An unexpected error stopped the run; the message says which. */
  FAILED;

  /** Returns whether the run ended with everything green. */
  public boolean isGreen() {
    return this == GREEN;
  }
}
