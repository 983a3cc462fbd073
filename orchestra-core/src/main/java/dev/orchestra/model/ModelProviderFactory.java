package dev.orchestra.model;

import java.util.Map;

/**
 * Makes a {@link ModelProvider} by name, for discovery through {@link java.util.ServiceLoader}: a
 * provider module lists its factory in {@code META-INF/services/dev.orchestra.model.ModelProviderFactory},
 * and {@link ModelProviders#create} finds it without a compile-time reference.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface ModelProviderFactory {

  /** Returns the name users ask for, for example {@code openai}. */
  String name();

  /**
   * Makes a provider.
   *
   * @param config the provider's settings, as a configuration reader made them
   * @param environment where to read environment variables such as the API key from
   * @return the provider
   * @throws dev.orchestra.OrchestraException when the provider cannot be made from these
   *     settings, for example because the key variable is unset; the message names the setting or
   *     variable
   */
  ModelProvider create(ProviderConfig config, Map<String, String> environment);

  /**
   * Makes a provider from settings flattened into strings by Codex's key names (for example {@code
   * base_url}, {@code env_key}, {@code wire_api}, {@code query_params.api-version}); unknown keys
   * are ignored. The strings are turned into a {@link ProviderConfig} whose id is {@link #name()},
   * with its defaults and limits, and given to {@link #create(ProviderConfig, Map)}.
   *
   * @param settings the flattened settings
   * @param environment where to read environment variables such as the API key from
   * @return the provider
   * @throws dev.orchestra.OrchestraException when a value is invalid or the provider cannot be
   *     made; the message names the setting or variable
   * @deprecated strings lose the types and the file positions a configuration reader has; use
   *     {@link #create(ProviderConfig, Map)}
   */
  @Deprecated(forRemoval = true)
  default ModelProvider create(Map<String, String> settings, Map<String, String> environment) {
    return create(FlatProviderSettings.read(name(), settings), environment);
  }
}
