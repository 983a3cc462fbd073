package dev.orchestra.internal.exec;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.engine.Command;
import java.util.Map;

/** Carries out one agent's task for an engine that decides elsewhere. Thread-safe. */
public interface TaskExecutor {

  /**
   * Runs the task to its end; blocks meanwhile. Whatever its agent does (a refusal, a failure, a
   * rate limit, an unexpected error) ends the task as the in-process engine would end it, in the
   * result's events.
   *
   * @param command the state machine's command
   * @param goal the run's goal as the machine has it now
   * @param explorations the explorers' reports so far, by probe task id, for a plan task's brief;
   *     copied at once (no null keys or values)
   * @return what happened, in order
   * @throws IllegalArgumentException for a task that resolves a merge conflict (see {@link
   *     EngineHost#tasks})
   */
  default TaskResult run(Command.RunTask command, String goal, Map<String, RoleReport.Exploration> explorations) {
    return run(command, goal, explorations, (index, health) -> { });
  }

  /**
   * Runs the task as {@link #run(Command.RunTask, String, Map)} does, telling {@code healthSoFar} of
   * each model call's or attempt's outcome as it happens, on the thread that made the call: a
   * deciding engine may step its thread budget then rather than at the task's end. The result's
   * health holds the same outcomes, in the same order (the index a listener was given is the
   * outcome's place there). A listener that throws is logged, and the task goes on.
   *
   * @param healthSoFar told {@code (index, outcome)} for each outcome, in order
   */
  TaskResult run(
      Command.RunTask command, String goal, Map<String, RoleReport.Exploration> explorations, HealthListener healthSoFar);

  /** Told of a task's model-call outcomes as they happen; see {@link #run(Command.RunTask, String, Map, HealthListener)}. */
  @FunctionalInterface
  interface HealthListener {
    /**
     * An outcome happened.
     *
     * @param index its place among the task's outcomes, from 0
     * @param health the outcome
     */
    void happened(int index, TaskResult.Health health);
  }
}
