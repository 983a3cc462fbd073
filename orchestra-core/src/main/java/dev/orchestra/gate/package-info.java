/**
 * Quality gates: what judges a finished batch and turns problems into the next round's tasks.
 *
 * <p>A {@link dev.orchestra.gate.Gate} looks at a {@link dev.orchestra.gate.Batch} through a
 * {@link dev.orchestra.gate.GateContext} and returns a {@link dev.orchestra.gate.GateResult}: a
 * {@link dev.orchestra.gate.Verdict} and {@link dev.orchestra.gate.Finding}s ranked by {@link
 * dev.orchestra.gate.Severity}. The built-in gates are made through {@code Gate}'s factories: a
 * {@link dev.orchestra.gate.CommandGate} that runs a real command, the CI gate that finds and runs
 * a repository's own checks, and the review, QA and security gates that ask a role for a verdict.
 * Those last two kinds, and the check that decides whether a change needs a security review, are
 * package-private.
 */
package dev.orchestra.gate;
