/**
 * Orchestra's benchmarks: programs run by hand from {@code benchmarks.jar}, not published.
 *
 * <p>{@link dev.orchestra.benchmarks.Benchmarks} picks one by name: {@code core} (scheduling and
 * orchestration overhead, plan.md persistence), {@code toml} (loading and verifying configurations
 * of many roles), {@code openai} (a 429 storm through the orchestrator, and the OpenAI provider's
 * overhead beside OpenAI's own Java SDK) or {@code sensitivity} (the security gate's trigger on a
 * labelled corpus of diffs). They print figures that depend on the machine and assert nothing.
 */
package dev.orchestra.benchmarks;
