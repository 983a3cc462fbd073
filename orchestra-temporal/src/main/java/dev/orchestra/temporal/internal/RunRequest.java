package dev.orchestra.temporal.internal;

import java.util.Objects;

/**
 * What starts a run's workflow.
 *
 * @param runId the run's id, as its events name it
 * @param goal what the run is to achieve
 * @param deskQueue the task queue of the workers that keep desks: the first that answers keeps the
 *     run's desk, and its calls then go to a queue of that worker's own
 * @param heartbeatTimeoutMillis how long an agent's task may go without a heartbeat before Temporal
 *     runs it again elsewhere; a cancel reaches a task within about this long too
 */
public record RunRequest(String runId, String goal, String deskQueue, long heartbeatTimeoutMillis) {
  /** Validates the components. */
  public RunRequest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(deskQueue, "deskQueue");
    if (heartbeatTimeoutMillis < 1) {
      throw new IllegalArgumentException("heartbeatTimeoutMillis must be positive, got " + heartbeatTimeoutMillis);
    }
  }
}
