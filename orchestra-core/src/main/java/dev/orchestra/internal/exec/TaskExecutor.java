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
  TaskResult run(Command.RunTask command, String goal, Map<String, RoleReport.Exploration> explorations);
}
