/**
 * The one retry of model calls, shared by the orchestrator and the providers that retry
 * themselves: {@link dev.orchestra.internal.retry.RetryRule} decides (which failures, how many
 * retries, how long to wait) as a pure function, and {@link dev.orchestra.internal.retry.Retrier}
 * runs the attempts and waits on an injected {@link dev.orchestra.Sleeper}. Not part of
 * Orchestra's API: public only because {@code orchestra-openai} uses it.
 */
package dev.orchestra.internal.retry;
