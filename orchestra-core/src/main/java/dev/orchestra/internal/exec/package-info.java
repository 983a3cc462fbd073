/**
 * Carrying out a run's commands away from the engine that decides them. Not part of Orchestra's
 * API.
 *
 * <p>{@link dev.orchestra.internal.exec.EngineHost} is what an orchestrator built with {@code
 * Orchestrator.builder()} offers another engine: a {@link dev.orchestra.internal.exec.TaskExecutor}
 * runs one agent's task (a {@code RunTask} command of the run's state machine) with the team's
 * roles, agents and model, and returns what happened as a {@link
 * dev.orchestra.internal.exec.TaskResult} (the task's events, ending with its {@code TaskFinished})
 * instead of feeding a state machine of its own. A {@link dev.orchestra.internal.exec.RunDesk}
 * keeps the rest of a run with its workspace (journal, plan.md, listeners, planner, gates, finish)
 * and answers every call with the events to feed, in order: the engine that decides feeds its
 * machine those and no others, so the desk's copy of the machine and its own agree. These types are public only so that another Orchestra module (the planned {@code
 * orchestra-temporal}, whose activities run tasks on any worker) can use them; users should not.
 */
package dev.orchestra.internal.exec;
