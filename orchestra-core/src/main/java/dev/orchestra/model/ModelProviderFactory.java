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
   * @param settings provider settings by Codex's key names (for example {@code base_url}, {@code
   *     env_key}, {@code wire_api}); unknown keys are ignored
   * @param environment where to read environment variables such as the API key from
   * @return the provider
   * @throws dev.orchestra.OrchestraException when the settings are invalid or a required key is
   *     missing; the message names the setting or variable
   */
  ModelProvider create(Map<String, String> settings, Map<String, String> environment);
}
