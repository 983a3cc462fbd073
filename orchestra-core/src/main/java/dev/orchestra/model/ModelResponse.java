package dev.orchestra.model;

import java.util.List;
import java.util.Objects;

/**
 * A model's complete answer to one request.
 *
 * @param text the answer's text, possibly empty when the model only called tools
 * @param toolCalls the tools the model wants called, in order; empty for a final answer
 * @param usage the tokens the request used
 */
public record ModelResponse(String text, List<ToolCall> toolCalls, TokenUsage usage) {
  /** Validates and copies the components. */
  public ModelResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(usage, "usage");
  }

  /**
   * Returns a final text answer.
   *
   * @param text the text
   * @param usage the tokens used
   * @return the response
   */
  public static ModelResponse text(String text, TokenUsage usage) {
    return new ModelResponse(text, List.of(), usage);
  }

  /** Returns whether the model asked for tool calls rather than giving a final answer. */
  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }
}
