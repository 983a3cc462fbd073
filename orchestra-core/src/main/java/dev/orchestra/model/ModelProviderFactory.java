package dev.orchestra.model;

import dev.orchestra.internal.provider.FlatProviderSettings;
import java.util.Map;

/**
 * Makes a {@link ModelProvider} by name, for discovery through {@link java.util.ServiceLoader}: a
 * provider module lists its factory in {@code META-INF/services/dev.orchestra.model.ModelProviderFactory},
 * and {@link ModelProviders#create} finds it without a compile-time reference.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe, and override
 * {@link #create(ProviderConfig, Map)}.
 */
public interface ModelProviderFactory {

  /** Returns the name users ask for, for example {@code openai}. */
  String name();

  /**
   * Makes a provider. Factories override this method.
   *
   * <p>The default implementation is there only so that a factory written before this method
   * existed, which overrides the deprecated {@link #create(Map, Map)} instead, still compiles and
   * works: it writes the configuration's values under Codex's key names (every key that method
   * reads, durations in whole milliseconds; not the id) and calls that method.
   *
   * @param config the provider's settings, as a configuration reader made them
   * @param environment where to read environment variables such as the API key from
   * @return the provider
   * @throws dev.orchestra.OrchestraException when the provider cannot be made from these
   *     settings, for example because the key variable is unset; the message names the setting or
   *     variable
   * @throws UnsupportedOperationException when the factory overrides neither this method nor the
   *     deprecated one
   */
  default ModelProvider create(ProviderConfig config, Map<String, String> environment) {
    if (declaredHere("create", Map.class, Map.class)) {
      throw new UnsupportedOperationException(
          getClass().getName() + " overrides neither create(ProviderConfig, Map) nor the deprecated create(Map, Map)");
    }
    return create(FlatProviderSettings.write(config), environment);
  }

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

  /** Whether this factory's public method of that signature is the one declared here. */
  private boolean declaredHere(String method, Class<?>... parameters) {
    try {
      return getClass().getMethod(method, parameters).getDeclaringClass() == ModelProviderFactory.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("ModelProviderFactory declares " + method, e);
    }
  }
}
