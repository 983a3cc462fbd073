/**
 * Orchestra on Temporal: a run as a Temporal workflow that drives the same state machine as a run
 * in one JVM, with every agent's task an activity any {@link dev.orchestra.temporal.OrchestraWorker}
 * may take, and the run's journal, plan.md, planner, gates and finish on the worker that keeps its
 * desk. {@link dev.orchestra.temporal.TemporalOrchestrator} starts, follows and waits for runs.
 */
package dev.orchestra.temporal;
