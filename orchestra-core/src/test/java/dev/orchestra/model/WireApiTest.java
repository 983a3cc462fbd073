package dev.orchestra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code wire_api} has one spelling per API, Codex's. */
final class WireApiTest {
  @Test
  void codexsValuesNameTheTwoApis() {
    assertEquals(Optional.of(WireApi.RESPONSES), WireApi.fromConfigValue("responses"));
    assertEquals(Optional.of(WireApi.CHAT_COMPLETIONS), WireApi.fromConfigValue("chat"));
    assertEquals("responses, chat", WireApi.allowedValues());
    for (WireApi w : WireApi.values()) {
      assertEquals(Optional.of(w), WireApi.fromConfigValue(w.configValue()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Chat", " chat", "chat_completions", "chat-completions", "RESPONSES", ""})
  void noOtherSpellingIsRead(String value) {
    assertEquals(Optional.empty(), WireApi.fromConfigValue(value));
  }
}
