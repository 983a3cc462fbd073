package dev.orchestra.openai;

import java.util.Locale;
import java.util.Optional;

/** Which OpenAI API a provider speaks. */
public enum WireApi {
  /** {@code POST /responses}: Codex's wire format and the default. */
  RESPONSES,
  /** {@code POST /chat/completions}: for OpenAI-compatible servers that only have it. */
  CHAT_COMPLETIONS;

  /**
   * Reads Codex's {@code wire_api} value: {@code responses} or {@code chat}.
   *
   * @param value the value
   * @return the API, or empty for an unknown value
   */
  public static Optional<WireApi> fromConfigValue(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "responses" -> Optional.of(RESPONSES);
      case "chat", "chat_completions", "chat-completions" -> Optional.of(CHAT_COMPLETIONS);
      default -> Optional.empty();
    };
  }
}
