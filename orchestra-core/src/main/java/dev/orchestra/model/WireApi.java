package dev.orchestra.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which OpenAI-style API a provider speaks: Codex's {@code wire_api}. Moved here from {@code
 * dev.orchestra.openai} so that a configuration reader and a provider module share one type.
 */
public enum WireApi {
  /** {@code POST /responses}: Codex's wire format and the default; {@code wire_api = "responses"}. */
  RESPONSES("responses"),
  /**
   * {@code POST /chat/completions}, for OpenAI-compatible servers that only have it (vLLM, Ollama,
   * LM Studio); {@code wire_api = "chat"}. Current Codex refuses the value; Orchestra speaks it.
   */
  CHAT_COMPLETIONS("chat");

  private final String configValue;

  WireApi(String configValue) {
    this.configValue = configValue;
  }

  /** Returns the value as written in {@code config.toml}: {@code responses} or {@code chat}. */
  public String configValue() {
    return configValue;
  }

  /**
   * Returns the API a {@code wire_api} value names, spelled exactly as Codex spells it.
   *
   * @param value the value as written in a configuration file
   * @return the API, or empty when the value is not one of {@link #allowedValues()}
   */
  public static Optional<WireApi> fromConfigValue(String value) {
    return Arrays.stream(values()).filter(w -> w.configValue.equals(value)).findFirst();
  }

  /** Returns the allowed configuration values, comma separated, for messages: {@code responses, chat}. */
  public static String allowedValues() {
    return Arrays.stream(values()).map(WireApi::configValue).collect(Collectors.joining(", "));
  }
}
