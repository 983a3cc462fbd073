/**
 * Finding the local commands that mirror a repository's CI. Not part of Orchestra's API.
 *
 * <p>{@link dev.orchestra.internal.ci.CiDiscovery#scan} reads GitHub Actions workflows and the
 * conventions of common build tools, runs nothing, and returns {@link
 * dev.orchestra.internal.ci.CiCommands}: each {@link dev.orchestra.internal.ci.CiCommand} with its
 * {@link dev.orchestra.internal.ci.CommandKind}, the steps it left out and why, and the files it
 * read. The package-private {@code StepClassifier} decides what a piece of workflow shell is. Public
 * only because the CI gate in {@code dev.orchestra.gate} and the explorers' briefs in {@code
 * dev.orchestra} use it.
 */
package dev.orchestra.internal.ci;
