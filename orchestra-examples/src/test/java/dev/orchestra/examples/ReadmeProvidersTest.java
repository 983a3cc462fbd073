package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orchestra.openai.ApiKey;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.model.WireApi;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's provider snippets compile and build what they say (no request is sent). */
final class ReadmeProvidersTest {
  @Test
  void theReadmeProvidersBuild() {
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-readme-openai", "AZURE_OPENAI_API_KEY", "sk-readme-azure");
    try (OpenAiProvider openai = OpenAiProvider.builder().environment(env).build();
        OpenAiProvider azure =
            OpenAiProvider.builder()
                .baseUrl(URI.create("https://my-team.openai.azure.com/openai/v1"))
                .apiKey(ApiKey.fromEnvironment(env, "AZURE_OPENAI_API_KEY").orElseThrow())
                .queryParams(Map.of("api-version", "2025-04-01-preview"))
                .build();
        OpenAiProvider ollama =
            OpenAiProvider.builder().baseUrl(URI.create("http://localhost:11434/v1")).noApiKey().wireApi(WireApi.CHAT_COMPLETIONS).build()) {
      assertEquals("openai", openai.name());
      assertFalse(azure.toString().contains("sk-readme-azure"));
      assertEquals("OpenAiProvider[openai, http://localhost:11434/v1, chat_completions, no key]", ollama.toString());
    }
  }
}
