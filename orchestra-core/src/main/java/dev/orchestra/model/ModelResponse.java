package dev.orchestra.model;

import java.util.List;
import java.util.Objects;

/**
 * A model's complete answer to one request.
 *
 * @param text the answer's text, possibly empty when the model only called tools
 * @param toolCalls the tools the model wants called, in order; empty for a final answer
 * @param usage the tokens the request used
 * @param finishReason why the model stopped
 * @param reasoning the reasoning items the provider returned, to send back with the next turn;
 *     empty when there are none
 * @param refusal the model's refusal to answer, in its own words (Chat Completions' {@code
 *     refusal}, the Responses API's {@code refusal} content); empty when it did not refuse. A
 *     refusal is an answer of its own kind, never an empty text: see {@link #isRefusal()}.
 */
public record ModelResponse(
    String text,
    List<ToolCall> toolCalls,
    TokenUsage usage,
    FinishReason finishReason,
    List<ReasoningItem> reasoning,
    String refusal) {

  /** Why a model stopped generating. */
  public enum FinishReason {
    /** It finished its answer. */
    COMPLETED,
    /** It stopped to have tools called. */
    TOOL_CALLS,
    /** It hit the output token limit; the answer is cut. */
    LENGTH,
    /** A content filter stopped it; the answer is cut. */
    CONTENT_FILTER,
    /** Another reason the provider gave. */
    OTHER
  }

  /** Validates and copies the components. */
  public ModelResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(finishReason, "finishReason");
    reasoning = List.copyOf(reasoning);
    Objects.requireNonNull(refusal, "refusal");
  }

  /**
   * Creates a response that is not a refusal.
   *
   * @param text the text
   * @param toolCalls the tool calls
   * @param usage the tokens used
   * @param finishReason why the model stopped
   * @param reasoning the reasoning items
   */
  public ModelResponse(
      String text, List<ToolCall> toolCalls, TokenUsage usage, FinishReason finishReason, List<ReasoningItem> reasoning) {
    this(text, toolCalls, usage, finishReason, reasoning, "");
  }

  /**
   * Creates a response without reasoning items.
   *
   * @param text the text
   * @param toolCalls the tool calls
   * @param usage the tokens used
   * @param finishReason why the model stopped
   */
  public ModelResponse(String text, List<ToolCall> toolCalls, TokenUsage usage, FinishReason finishReason) {
    this(text, toolCalls, usage, finishReason, List.of(), "");
  }

  /**
   * Creates a response that finished normally: {@link FinishReason#TOOL_CALLS} when it has tool
   * calls, else {@link FinishReason#COMPLETED}.
   *
   * @param text the text
   * @param toolCalls the tool calls
   * @param usage the tokens used
   */
  public ModelResponse(String text, List<ToolCall> toolCalls, TokenUsage usage) {
    this(text, toolCalls, usage, toolCalls.isEmpty() ? FinishReason.COMPLETED : FinishReason.TOOL_CALLS, List.of(), "");
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

  /**
   * Returns a refusal: the model declined to answer.
   *
   * @param refusal the refusal, in the model's words; not blank
   * @param usage the tokens used
   * @return the response
   * @throws IllegalArgumentException when the refusal is blank
   */
  public static ModelResponse refusal(String refusal, TokenUsage usage) {
    if (refusal.isBlank()) {
      throw new IllegalArgumentException("a refusal needs its text");
    }
    return new ModelResponse("", List.of(), usage, FinishReason.COMPLETED, List.of(), refusal);
  }

  /** Returns whether the model refused to answer; {@link #refusal()} says in what words. */
  public boolean isRefusal() {
    return !refusal.isEmpty();
  }

  /** Returns whether the model asked for tool calls rather than giving a final answer. */
  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }
}
