package dev.orchestra.model;

import java.util.Objects;

/**
 * A piece of a model's reasoning, as a provider returned it: a summary people may read, and the
 * provider's own form of the item, opaque to Orchestra, to send back unchanged on the next turn
 * (OpenAI's stateless Responses API keeps reasoning across tool calls this way).
 *
 * @param summary the reasoning summary's text, possibly empty
 * @param providerData the item as the provider gave it (for OpenAI, the JSON of a {@code reasoning}
 *     item with its {@code encrypted_content}); never shown to people, possibly empty
 */
public record ReasoningItem(String summary, String providerData) {
  /** Validates the components. */
  public ReasoningItem {
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(providerData, "providerData");
  }

  @Override
  public String toString() {
    return "ReasoningItem[" + summary.length() + " chars of summary]";
  }
}
