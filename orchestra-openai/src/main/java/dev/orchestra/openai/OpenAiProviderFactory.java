package dev.orchestra.openai;

import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderFactory;
import java.util.Map;

/**
 * Makes {@link OpenAiProvider}s for {@link dev.orchestra.model.ModelProviders#create}, under the
 * name {@code openai}. Settings use Codex's key names (see {@link OpenAiProviderSettings#fromMap}).
 */
public final class OpenAiProviderFactory implements ModelProviderFactory {
  /** Creates the factory; ServiceLoader calls this. */
  public OpenAiProviderFactory() {}

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public ModelProvider create(Map<String, String> settings, Map<String, String> environment) {
    return OpenAiProvider.fromSettings(OpenAiProviderSettings.fromMap(settings), environment);
  }
}
