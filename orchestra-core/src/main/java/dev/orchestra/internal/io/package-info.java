/**
 * Small file, process and text helpers shared across Orchestra. Not part of Orchestra's API.
 *
 * <p>{@link dev.orchestra.internal.io.AtomicFiles} writes a file so that a reader or a crash sees
 * the old content or the new, never a mix: plan.md, the release notes, the journal folder's {@code
 * .gitignore} and the agents' writes in {@code orchestra-core}, config files in {@code
 * orchestra-toml}, and the saved checks of the {@code orchestra-examples} command line. {@link dev.orchestra.internal.io.ProcessRunner} runs a process
 * with a timeout that kills its tree and a capped capture of its output, for {@code
 * gate.CommandGate} and the agents' {@code run_command} tool. {@link dev.orchestra.internal.io.Text}
 * holds the one-line and name rules that plans, roles, findings, answers and the engine share.
 * {@link dev.orchestra.internal.io.PreciseSleep} is the wait behind {@code Sleeper.SYSTEM}: it
 * wakes on time where a plain park wakes late by the timer's slack. Public only
 * because other packages and modules need them.
 */
package dev.orchestra.internal.io;
