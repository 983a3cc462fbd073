/**
 * What an agent is told besides its task ({@link dev.orchestra.internal.brief.Briefs}): the goal,
 * the repository's CI commands, what the explorers found, what earlier attempts tried, and the
 * conflicts a task is to resolve, each capped in length. Not part of Orchestra's API: public only
 * because the engine in {@code dev.orchestra} uses it.
 */
package dev.orchestra.internal.brief;
