/**
 * Orchestra's entry point and its engine.
 *
 * <p>Users meet a handful of types here: {@link dev.orchestra.Orchestrator} (built with {@link
 * dev.orchestra.Orchestrator#builder()}) runs or resumes a goal and returns a {@link
 * dev.orchestra.RunResult} that says, with a {@link dev.orchestra.StopReason}, why the run
 * stopped; {@link dev.orchestra.Bounds} limits a run; {@link dev.orchestra.BudgetPolicy} decides
 * how many agents run at once as the provider's health changes; {@link dev.orchestra.Sleeper} is
 * the injected wait; {@link dev.orchestra.OrchestraException} is the root of Orchestra's
 * exceptions.
 *
 * <p>Everything else in this package is the package-private engine that carries a run out: the
 * loop around the run's state machine (which lives in {@code dev.orchestra.internal.engine}), the
 * agents' and gates' runners, model calls with their retries, the live thread budget and resume.
 * The run's records on disk (journal, plan.md, run lock) are in {@code
 * dev.orchestra.internal.store}.
 */
package dev.orchestra;
