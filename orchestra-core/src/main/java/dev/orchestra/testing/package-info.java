/**
 * Published fakes for testing an orchestration without a model, a network or an API key.
 *
 * <p>{@link dev.orchestra.testing.ScriptedModelProvider} answers from a script of {@link
 * dev.orchestra.testing.Reply}s and records every request; {@link
 * dev.orchestra.testing.RoleAnswers} writes the built-in roles' answers in the JSON form Orchestra
 * asks models for; {@link dev.orchestra.testing.ManualClock} moves only when told, so retries,
 * budget windows and time bounds run in fake time. Part of the API, for users' tests.
 */
package dev.orchestra.testing;
