package dev.orchestra.temporal.internal;

import java.util.Objects;
import java.util.Optional;

/**
 * What starts a run's workflow, or continues it as new.
 *
 * @param runId the run's id, as its events name it
 * @param goal what the run is to achieve
 * @param deskQueue the task queue of the workers that keep desks: the first that answers keeps the
 *     run's desk, and its calls then go to a queue of that worker's own
 * @param heartbeatTimeoutMillis how long an agent's task may go without a heartbeat before Temporal
 *     runs it again elsewhere; a cancel reaches a task within about this long too
 * @param continueAfterEvents how many events the workflow's history may grow to before it continues
 *     as new at its next round boundary; 0 for the default (a request written before this existed)
 * @param approvalsThroughRun whether its agents' approval requests go to the workflow for a person
 *     to answer, instead of to each worker's own handler (false in a request written before this existed)
 * @param historySizeLimit the size, in bytes, at which the Temporal service ends a workflow run
 *     whose history grew past it; 0 for Temporal's default (a request written before this existed)
 * @param continued where the run stood when its workflow continued as new; null for a new run (the
 *     wire form, which Temporal's JSON fills; read it with {@link #continuation})
 */
public record RunRequest(
    String runId, String goal, String deskQueue, long heartbeatTimeoutMillis, int continueAfterEvents, boolean approvalsThroughRun,
    long historySizeLimit, Continuation continued) {
  /** Validates the components. */
  public RunRequest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(deskQueue, "deskQueue");
    if (heartbeatTimeoutMillis < 1) {
      throw new IllegalArgumentException("heartbeatTimeoutMillis must be positive, got " + heartbeatTimeoutMillis);
    }
    if (continueAfterEvents < 0) {
      throw new IllegalArgumentException("continueAfterEvents must not be negative, got " + continueAfterEvents);
    }
    if (historySizeLimit < 0) {
      throw new IllegalArgumentException("historySizeLimit must not be negative, got " + historySizeLimit);
    }
  }

  /** A new run's request. */
  public RunRequest(
      String runId, String goal, String deskQueue, long heartbeatTimeoutMillis, int continueAfterEvents, boolean approvalsThroughRun,
      long historySizeLimit) {
    this(runId, goal, deskQueue, heartbeatTimeoutMillis, continueAfterEvents, approvalsThroughRun, historySizeLimit, null);
  }

  /** The history size limit in bytes: {@link #historySizeLimit}, or Temporal's default for 0. */
  public long historyLimit() {
    return historySizeLimit > 0 ? historySizeLimit : DEFAULT_HISTORY_SIZE_LIMIT;
  }

  /** Temporal's default limit on a workflow run's history: 50 MiB (the service's {@code limit.historySize.error}). */
  public static final long DEFAULT_HISTORY_SIZE_LIMIT = 50L * 1024 * 1024;

  /** Where the run stood when its workflow continued as new, or empty for a new run. */
  public Optional<Continuation> continuation() {
    return Optional.ofNullable(continued);
  }
}
