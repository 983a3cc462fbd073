package dev.orchestra.openai;

import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderFactory;
import dev.orchestra.model.ProviderConfig;
import java.util.Map;

/**
 * Makes {@link OpenAiProvider}s for {@link dev.orchestra.model.ModelProviders#create}, under the
 * name {@code openai}, with {@link OpenAiProvider#fromConfig}.
 */
public final class OpenAiProviderFactory implements ModelProviderFactory {
  /**
   * The factory's name; also the id of the configuration the deprecated {@link
   * OpenAiProviderSettings} converts to, as the map-based {@code create(Map, Map)} uses it.
   */
  static final String NAME = "openai";

  /** Creates the factory; ServiceLoader calls this. */
  public OpenAiProviderFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ModelProvider create(ProviderConfig config, Map<String, String> environment) {
    return OpenAiProvider.fromConfig(config, environment);
  }
}
