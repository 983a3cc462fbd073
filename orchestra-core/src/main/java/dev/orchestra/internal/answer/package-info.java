/**
 * The built-in roles' JSON answers as records ({@link dev.orchestra.internal.answer.Answers}): the
 * one place their fields are named. The agent package derives the schema, the prompt's template and
 * the parser from them, and {@code dev.orchestra.testing.RoleAnswers} writes them. Public only so
 * that the testing package can build them; not part of Orchestra's API.
 */
package dev.orchestra.internal.answer;
