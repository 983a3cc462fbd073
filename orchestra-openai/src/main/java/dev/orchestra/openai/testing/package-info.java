/**
 * A published fake OpenAI server for tests and benchmarks, so nothing needs a network or a key.
 *
 * <p>{@link dev.orchestra.openai.testing.FakeOpenAiServer} listens on loopback, answers from a
 * queue of {@link dev.orchestra.openai.testing.FakeReply}s or a dispatcher function, injects faults
 * (any status, headers and body, delays, streams cut or gone silent, dropped connections, and 429s
 * above a number of concurrent requests), and records each request as a {@link
 * dev.orchestra.openai.testing.RecordedRequest}.
 */
package dev.orchestra.openai.testing;
