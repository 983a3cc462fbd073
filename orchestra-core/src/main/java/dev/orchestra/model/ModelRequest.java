package dev.orchestra.model;

import dev.orchestra.role.ReasoningEffort;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One request to a model: who asks (role and task), which model, how hard it should think, the
 * instructions, the conversation so far, the tools it may call and, optionally, the JSON Schema its
 * final answer must follow.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()}.
 */
public final class ModelRequest {
  private final String role;
  private final String taskId;
  private final String model;
  private final ReasoningEffort reasoningEffort;
  private final String instructions;
  private final List<Message> messages;
  private final List<ToolSpec> tools;
  private final String responseSchema; // null: free text
  private final int maxOutputTokens; // 0: provider default

  private ModelRequest(Builder b) {
    this.role = requireText(b.role, "role");
    this.taskId = requireText(b.taskId, "taskId");
    this.model = requireText(b.model, "model");
    this.reasoningEffort = Objects.requireNonNull(b.reasoningEffort, "reasoningEffort");
    this.instructions = Objects.requireNonNull(b.instructions, "instructions");
    this.messages = List.copyOf(b.messages);
    this.tools = List.copyOf(b.tools);
    this.responseSchema = b.responseSchema;
    this.maxOutputTokens = b.maxOutputTokens;
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a model request needs at least one message");
    }
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be set and not blank");
    }
    return value;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder pre-filled with this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.role = role;
    b.taskId = taskId;
    b.model = model;
    b.reasoningEffort = reasoningEffort;
    b.instructions = instructions;
    b.messages = messages;
    b.tools = tools;
    b.responseSchema = responseSchema;
    b.maxOutputTokens = maxOutputTokens;
    return b;
  }

  /** Returns the name of the role asking, for example {@code implementer}. */
  public String role() {
    return role;
  }

  /** Returns the id of the task the request works on, for example {@code T3} or {@code plan}. */
  public String taskId() {
    return taskId;
  }

  /** Returns the model to use. */
  public String model() {
    return model;
  }

  /** Returns the reasoning effort. */
  public ReasoningEffort reasoningEffort() {
    return reasoningEffort;
  }

  /** Returns the developer instructions. */
  public String instructions() {
    return instructions;
  }

  /** Returns the conversation so far; never empty. */
  public List<Message> messages() {
    return messages;
  }

  /** Returns the tools the model may call. */
  public List<ToolSpec> tools() {
    return tools;
  }

  /** Returns the JSON Schema the final answer must follow, as JSON text, if any. */
  public Optional<String> responseSchema() {
    return Optional.ofNullable(responseSchema);
  }

  /** Returns the cap on generated tokens, if one is set. */
  public OptionalInt maxOutputTokens() {
    return maxOutputTokens == 0 ? OptionalInt.empty() : OptionalInt.of(maxOutputTokens);
  }

  /** Returns the text of the last user message, or an empty string. */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof Message.User u) {
        return u.text();
      }
    }
    return "";
  }

  @Override
  public String toString() {
    return "ModelRequest[role=" + role + ", task=" + taskId + ", model=" + model + ", effort="
        + reasoningEffort + ", messages=" + messages.size() + ", tools=" + tools.size() + "]";
  }

  /** Builds {@link ModelRequest}s. Not thread-safe. */
  public static final class Builder {
    private String role;
    private String taskId;
    private String model;
    private ReasoningEffort reasoningEffort = ReasoningEffort.MEDIUM;
    private String instructions = "";
    private List<Message> messages = List.of();
    private List<ToolSpec> tools = List.of();
    private String responseSchema;
    private int maxOutputTokens;

    private Builder() {}

    /**
     * Sets the role asking. Required.
     *
     * @param role the role name
     * @return this builder
     */
    public Builder role(String role) {
      this.role = role;
      return this;
    }

    /**
     * Sets the task worked on. Required.
     *
     * @param taskId the task id
     * @return this builder
     */
    public Builder taskId(String taskId) {
      this.taskId = taskId;
      return this;
    }

    /**
     * Sets the model. Required.
     *
     * @param model the model name
     * @return this builder
     */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Sets the reasoning effort; default medium.
     *
     * @param effort the effort
     * @return this builder
     */
    public Builder reasoningEffort(ReasoningEffort effort) {
      this.reasoningEffort = Objects.requireNonNull(effort, "effort");
      return this;
    }

    /**
     * Sets the developer instructions.
     *
     * @param instructions the instructions
     * @return this builder
     */
    public Builder instructions(String instructions) {
      this.instructions = Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /**
     * Sets the conversation. Required: at least one message.
     *
     * @param messages the messages
     * @return this builder
     */
    public Builder messages(List<Message> messages) {
      this.messages = List.copyOf(messages);
      return this;
    }

    /**
     * Sets the tools the model may call.
     *
     * @param tools the tools
     * @return this builder
     */
    public Builder tools(List<ToolSpec> tools) {
      this.tools = List.copyOf(tools);
      return this;
    }

    /**
     * Asks for a final answer that follows a JSON Schema.
     *
     * @param jsonSchema the schema, as JSON text
     * @return this builder
     */
    public Builder responseSchema(String jsonSchema) {
      this.responseSchema = Objects.requireNonNull(jsonSchema, "jsonSchema");
      return this;
    }

    /**
     * Caps the tokens the model may generate.
     *
     * @param maxOutputTokens a positive cap
     * @return this builder
     */
    public Builder maxOutputTokens(int maxOutputTokens) {
      if (maxOutputTokens <= 0) {
        throw new IllegalArgumentException("maxOutputTokens must be positive, got " + maxOutputTokens);
      }
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /**
     * Returns the request.
     *
     * @return a new immutable request
     * @throws IllegalArgumentException when role, task id or model is missing, or there are no
     *     messages
     */
    public ModelRequest build() {
      return new ModelRequest(this);
    }
  }
}
