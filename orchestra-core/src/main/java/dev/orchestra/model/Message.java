package dev.orchestra.model;

import java.util.List;
import java.util.Objects;

/** One item of a conversation with a model. */
public sealed interface Message {

  /** What kind of message this is, for exhaustive switches. */
  enum Kind {
    /** Instructions from the harness, above the user. */
    DEVELOPER,
    /** Input from the user or the orchestrator. */
    USER,
    /** A previous answer of the model. */
    ASSISTANT,
    /** The result of a tool call. */
    TOOL_RESULT
  }

  /** Returns this message's kind. */
  Kind kind();

  /**
   * Returns a user message.
   *
   * @param text the text
   * @return the message
   */
  static Message user(String text) {
    return new User(text);
  }

  /**
   * Instructions from the harness.
   *
   * @param text the text
   */
  record Developer(String text) implements Message {
    /** Validates the text. */
    public Developer {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public Kind kind() {
      return Kind.DEVELOPER;
    }
  }

  /**
   * Input from the user or the orchestrator.
   *
   * @param text the text
   */
  record User(String text) implements Message {
    /** Validates the text. */
    public User {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public Kind kind() {
      return Kind.USER;
    }
  }

  /**
   * A previous answer of the model: text, tool calls, or both, with the reasoning that led to it.
   *
   * @param text the text, possibly empty
   * @param toolCalls the tool calls it made, possibly empty
   * @param reasoning the reasoning items of that answer, sent back to the provider; possibly empty
   */
  record Assistant(String text, List<ToolCall> toolCalls, List<ReasoningItem> reasoning) implements Message {
    /** Validates and copies the components. */
    public Assistant {
      Objects.requireNonNull(text, "text");
      toolCalls = List.copyOf(toolCalls);
      reasoning = List.copyOf(reasoning);
    }

    /**
     * Creates an answer without reasoning items.
     *
     * @param text the text
     * @param toolCalls the tool calls
     */
    public Assistant(String text, List<ToolCall> toolCalls) {
      this(text, toolCalls, List.of());
    }

    @Override
    public Kind kind() {
      return Kind.ASSISTANT;
    }
  }

  /**
   * The result of one tool call.
   *
   * @param callId the id of the {@link ToolCall} this answers
   * @param output the output the model sees
   * @param error whether the tool failed
   */
  record ToolResult(String callId, String output, boolean error) implements Message {
    /** Validates the components. */
    public ToolResult {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(output, "output");
    }

    @Override
    public Kind kind() {
      return Kind.TOOL_RESULT;
    }
  }
}
