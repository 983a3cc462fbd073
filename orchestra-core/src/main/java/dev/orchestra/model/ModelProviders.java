package dev.orchestra.model;

import dev.orchestra.OrchestraException;
import dev.orchestra.internal.provider.FlatProviderSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds {@link ModelProviderFactory}s with {@link ServiceLoader}. Discovery is explicit: nothing
 * is looked up unless this class is called, and the caller names the class loader (in an IDE
 * plugin the thread's context class loader is often the wrong one).
 */
public final class ModelProviders {
  private ModelProviders() {}

  /**
   * Makes a provider by name.
   *
   * @param name the factory's name, for example {@code openai}
   * @param classLoader where to look for factories
   * @param config the provider's settings
   * @param environment where environment variables are read from
   * @return the provider
   * @throws OrchestraException when no factory, or more than one, has that name (the message lists
   *     the names found), or when the factory cannot make the provider
   */
  public static ModelProvider create(String name, ClassLoader classLoader, ProviderConfig config, Map<String, String> environment) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(environment, "environment");
    return factory(name, classLoader).create(config, environment);
  }

  /**
   * Makes a provider by name from settings flattened into strings (see {@link
   * ModelProviderFactory#create(Map, Map)}).
   *
   * @param name the factory's name, for example {@code openai}
   * @param classLoader where to look for factories
   * @param settings the provider's settings by Codex's key names
   * @param environment where environment variables are read from
   * @return the provider
   * @throws OrchestraException when no factory, or more than one, has that name (the message lists
   *     the names found), or when a setting is invalid
   * @deprecated use {@link #create(String, ClassLoader, ProviderConfig, Map)}
   */
  @Deprecated(forRemoval = true)
  public static ModelProvider create(
      String name, ClassLoader classLoader, Map<String, String> settings, Map<String, String> environment) {
    ModelProviderFactory factory = factory(name, classLoader);
    return factory.create(FlatProviderSettings.read(factory.name(), settings), environment);
  }

  private static ModelProviderFactory factory(String name, ClassLoader classLoader) {
    List<ModelProviderFactory> matches = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>();
    for (ModelProviderFactory f : ServiceLoader.load(ModelProviderFactory.class, classLoader)) {
      names.add(f.name());
      if (f.name().equals(name)) {
        matches.add(f);
      }
    }
    if (matches.isEmpty()) {
      throw new OrchestraException(
          "no model provider named '" + name + "'; found: " + (names.isEmpty() ? "none (is the provider module on the class path?)" : String.join(", ", names)));
    }
    if (matches.size() > 1) {
      throw new OrchestraException(
          "more than one model provider is named '" + name + "': "
              + String.join(", ", matches.stream().map(f -> f.getClass().getName()).toList()));
    }
    return matches.get(0);
  }
}
