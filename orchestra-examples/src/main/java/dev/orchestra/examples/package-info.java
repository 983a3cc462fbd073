/**
 * The {@code orchestra} command line and one-class recipes for using Orchestra.
 *
 * <p>{@link dev.orchestra.examples.Main} is the command line ({@code init}, {@code verify}, {@code
 * roles}, {@code run}, {@code resume}, {@code demo}) shipped as {@code orchestra.jar}; its {@code
 * demo} runs the real orchestrator and OpenAI provider offline, against a fake OpenAI server that
 * plays a scripted session (the package-private {@code Demo}, {@code DemoModelServer} and {@code
 * DemoScript}). The public classes beside it are recipes, each short and run by a test: {@link
 * dev.orchestra.examples.RunWithScriptedModel} (the README's example), {@link
 * dev.orchestra.examples.CustomGate}, {@link dev.orchestra.examples.LoadCodexConfig}, {@link
 * dev.orchestra.examples.ProgressView} and {@link dev.orchestra.examples.RuleBasedModelProvider}.
 */
package dev.orchestra.examples;
