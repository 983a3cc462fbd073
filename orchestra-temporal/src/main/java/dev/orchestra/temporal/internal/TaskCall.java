package dev.orchestra.temporal.internal;

import java.util.Map;
import java.util.Objects;

/**
 * One agent's task, as an activity's argument.
 *
 * @param runId the run
 * @param command the state machine's {@code RunTask}, as {@link Wire#command} writes it
 * @param goal the run's goal as the machine has it now
 * @param explorations the explorers' reports so far by probe task id, as {@link Wire#report} writes them
 * @param workspace the folder the run's desk keeps, where its agents must work
 */
public record TaskCall(String runId, String command, String goal, Map<String, String> explorations, String workspace) {
  /** Validates and copies the components. */
  public TaskCall {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(goal, "goal");
    explorations = Map.copyOf(explorations);
  }
}
