/**
 * The run's decisions as a deterministic state machine. Not part of Orchestra's API.
 *
 * <p>{@link dev.orchestra.internal.engine.RunMachine} takes a {@link
 * dev.orchestra.internal.engine.RunSpec} (the team's shape and the bounds) and the run's events
 * one at a time, keeps what it knows in a {@link dev.orchestra.internal.engine.RunState}, and
 * answers each event with the events it decides and the {@link dev.orchestra.internal.engine.Command}s
 * an engine is to carry out (run this agent on that task, run the gates, check plan.md, finish). It
 * uses no threads, clocks, randomness or I/O, so resuming is replaying the journal into a fresh
 * machine. Beside it: {@link dev.orchestra.internal.engine.LivePlan}, the plan while a run changes
 * it; {@link dev.orchestra.internal.engine.FindingLedger} and {@link
 * dev.orchestra.internal.engine.FindingTasks}, what becomes of gate findings across rounds; and the
 * package-private round, scheduling and findings steps the machine is made of.
 *
 * <p>The engine that drives it in this JVM is package-private in {@code dev.orchestra}. These types
 * are public only so that another Orchestra module (the planned {@code orchestra-temporal}, which
 * drives the same machine from a Temporal workflow) can drive it too; users should not.
 */
package dev.orchestra.internal.engine;
