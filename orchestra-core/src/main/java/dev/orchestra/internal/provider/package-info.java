/**
 * The flattened string form of a {@code [model_providers.<id>]} table that wave 1's map-based
 * factories took, read into and written from {@link dev.orchestra.model.ProviderConfig} by {@link
 * dev.orchestra.internal.provider.FlatProviderSettings}. Not part of Orchestra's API: public only
 * because the deprecated wave-1 adapters in {@code dev.orchestra.model} and {@code
 * orchestra-openai} go through it.
 */
package dev.orchestra.internal.provider;
