package dev.orchestra.role;

import java.util.List;
import java.util.Optional;

/**
 * One job on the team: what it is for, which model runs it, how hard that model thinks, what it
 * may change and which tools it carries.
 *
 * <p>Roles are immutable values. Build one with {@link #builder(String)}, derive a variant with
 * {@link #toBuilder()}, or start from the catalog in {@link BuiltInRoles}. Two roles are equal when
 * all their properties are equal.
 */
public interface Role {

  /** Returns the role's name, for example {@code reviewer}; unique within an orchestrator. */
  String name();

  /** Returns a one-line description of the role's job. */
  String description();

  /**
   * Returns the model this role asks for, or empty to use the orchestrator's default model.
   *
   * @return the model name
   */
  Optional<String> model();

  /** Returns how hard the model should think. */
  ReasoningEffort reasoningEffort();

  /** Returns when an agent in this role must ask before acting. */
  ApprovalPolicy approvalPolicy();

  /** Returns what an agent in this role may change. */
  SandboxMode sandboxMode();

  /** Returns the role's developer instructions, sent with every request the role makes. */
  String instructions();

  /**
   * Returns the names of the tools this role carries. Tools a role's sandbox forbids (writing in a
   * read-only role) are never offered, whatever this list says.
   *
   * @return tool names, possibly empty
   */
  List<String> tools();

  /** Returns the sections the role's answer is made of, for example Done / Next / Risks. */
  List<String> outputSections();

  /** Returns a builder pre-filled with this role's properties. */
  Role.Builder toBuilder();

  /**
   * Returns a builder for a role. Unset properties default to: description empty, model empty
   * (orchestrator default), effort medium, approval never, sandbox read-only, no instructions, no
   * tools, no output sections.
   *
   * @param name the role name: letters, digits, {@code _} or {@code -}
   * @return a new builder
   */
  static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Builds {@link Role} values. Not thread-safe; each {@link #build()} returns a new immutable
   * role.
   */
  final class Builder {
    String name;
    String description = "";
    String model;
    ReasoningEffort reasoningEffort = ReasoningEffort.MEDIUM;
    ApprovalPolicy approvalPolicy = ApprovalPolicy.NEVER;
    SandboxMode sandboxMode = SandboxMode.READ_ONLY;
    String instructions = "";
    List<String> tools = List.of();
    List<String> outputSections = List.of();

    Builder(String name) {
      this.name = RoleDefinition.checkName(name);
    }

    /**
     * Sets the role's name.
     *
     * @param name the role name: letters, digits, {@code _} or {@code -}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = RoleDefinition.checkName(name);
      return this;
    }

    /**
     * Sets the description.
     *
     * @param description one line saying what the role does
     * @return this builder
     */
    public Builder description(String description) {
      this.description = java.util.Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Sets the model.
     *
     * @param model the model name, for example {@code gpt-5.4}
     * @return this builder
     */
    public Builder model(String model) {
      java.util.Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank; use defaultModel() to clear it");
      }
      this.model = model;
      return this;
    }

    /**
     * Clears the model, so the orchestrator's default model is used.
     *
     * @return this builder
     */
    public Builder defaultModel() {
      this.model = null;
      return this;
    }

    /**
     * Sets the reasoning effort.
     *
     * @param effort the effort
     * @return this builder
     */
    public Builder reasoningEffort(ReasoningEffort effort) {
      this.reasoningEffort = java.util.Objects.requireNonNull(effort, "effort");
      return this;
    }

    /**
     * Sets the approval policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder approvalPolicy(ApprovalPolicy policy) {
      this.approvalPolicy = java.util.Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the sandbox mode.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder sandboxMode(SandboxMode mode) {
      this.sandboxMode = java.util.Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the developer instructions.
     *
     * @param instructions the instructions
     * @return this builder
     */
    public Builder instructions(String instructions) {
      this.instructions = java.util.Objects.requireNonNull(instructions, "instructions");
      return this;
    }

    /**
     * Sets the tools the role carries.
     *
     * @param tools tool names
     * @return this builder
     */
    public Builder tools(List<String> tools) {
      this.tools = List.copyOf(tools);
      return this;
    }

    /**
     * Sets the sections of the role's answer.
     *
     * @param sections section names
     * @return this builder
     */
    public Builder outputSections(List<String> sections) {
      this.outputSections = List.copyOf(sections);
      return this;
    }

    /** Returns a new immutable role. */
    public Role build() {
      return new RoleDefinition(
          name,
          description,
          model,
          reasoningEffort,
          approvalPolicy,
          sandboxMode,
          instructions,
          tools,
          outputSections);
    }
  }
}
