package dev.orchestra.temporal.internal;

import java.util.Objects;

/**
 * What starts a run's workflow.
 *
 * @param runId the run's id, as its events name it
 * @param goal what the run is to achieve
 * @param heartbeatTimeoutMillis how long an agent's task may go without a heartbeat before Temporal
 *     runs it again elsewhere; a cancel reaches a task within about this long too
 */
public record RunRequest(String runId, String goal, long heartbeatTimeoutMillis) {
  /** Validates the components. */
  public RunRequest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(goal, "goal");
    if (heartbeatTimeoutMillis < 1) {
      throw new IllegalArgumentException("heartbeatTimeoutMillis must be positive, got " + heartbeatTimeoutMillis);
    }
  }
}
