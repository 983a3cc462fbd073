package dev.orchestra.temporal.internal;

import java.util.Objects;

/**
 * What starts a run's workflow.
 *
 * @param runId the run's id, as its events name it
 * @param goal what the run is to achieve
 */
public record RunRequest(String runId, String goal) {
  /** Validates the components. */
  public RunRequest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(goal, "goal");
  }
}
