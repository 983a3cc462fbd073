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
 * @param start which start of a task this is, counting every task start of the run from 1 (0 when
 *     not known): the outcomes its activity signals name it, so that a late signal from an earlier
 *     run of the same task is told apart
 * @param approvalsThroughRun whether the agent's approval requests go to the run's workflow, for a
 *     person to answer ({@code TemporalOrchestrator.approvals}), instead of the worker's own handler
 * @param gitRemote the git remote the run's clones share, as shown (credentials masked): the worker
 *     pushes the task's branch to its own configured remote; empty when the run's agents work in
 *     {@code workspace} (and from a workflow that predates remotes)
 */
public record TaskCall(
    String runId, String command, String goal, Map<String, String> explorations, String workspace, int start, boolean approvalsThroughRun,
    String gitRemote) {
  /** Validates and copies the components. */
  public TaskCall {
    gitRemote = gitRemote == null ? "" : gitRemote;
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(goal, "goal");
    explorations = Map.copyOf(explorations);
  }
}
