/**
 * The model-provider SPI: what Orchestra needs from a model and how a provider reports back.
 *
 * <p>{@link dev.orchestra.model.ModelProvider} answers one {@link dev.orchestra.model.ModelRequest}
 * (instructions, {@link dev.orchestra.model.Message}s, {@link dev.orchestra.model.ToolSpec}s) with a
 * {@link dev.orchestra.model.ModelResponse}, and fails with one of the sealed {@link
 * dev.orchestra.model.ModelProviderException}s so the orchestrator knows whether trying again can
 * help. {@link dev.orchestra.model.ProviderSignals} carries what a provider saw of the service's
 * health back to the thread budget. {@link dev.orchestra.model.ProviderConfig} is the typed form
 * of Codex's {@code [model_providers.<id>]} table that provider modules are made from, through a
 * {@link dev.orchestra.model.ModelProviderFactory} found explicitly by {@link
 * dev.orchestra.model.ModelProviders}. Provider modules such as {@code orchestra-openai} implement
 * this package; nothing in it calls a network.
 */
package dev.orchestra.model;
