package dev.orchestra.role;

import dev.orchestra.internal.io.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The one implementation of {@link Role}: an immutable value. */
final class RoleDefinition implements Role {

  private final String name;
  private final String description;
  private final String model; // null: the orchestrator's default model
  private final ReasoningEffort reasoningEffort;
  private final ApprovalPolicy approvalPolicy;
  private final SandboxMode sandboxMode;
  private final String instructions;
  private final List<String> tools;
  private final List<String> outputSections;

  RoleDefinition(
      String name,
      String description,
      String model,
      ReasoningEffort reasoningEffort,
      ApprovalPolicy approvalPolicy,
      SandboxMode sandboxMode,
      String instructions,
      List<String> tools,
      List<String> outputSections) {
    this.name = checkName(name);
    this.description = Objects.requireNonNull(description, "description");
    this.model = model;
    this.reasoningEffort = Objects.requireNonNull(reasoningEffort, "reasoningEffort");
    this.approvalPolicy = Objects.requireNonNull(approvalPolicy, "approvalPolicy");
    this.sandboxMode = Objects.requireNonNull(sandboxMode, "sandboxMode");
    this.instructions = Objects.requireNonNull(instructions, "instructions");
    this.tools = List.copyOf(tools);
    this.outputSections = List.copyOf(outputSections);
  }

  static String checkName(String name) {
    return Text.checkRoleName(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  @Override
  public ReasoningEffort reasoningEffort() {
    return reasoningEffort;
  }

  @Override
  public ApprovalPolicy approvalPolicy() {
    return approvalPolicy;
  }

  @Override
  public SandboxMode sandboxMode() {
    return sandboxMode;
  }

  @Override
  public String instructions() {
    return instructions;
  }

  @Override
  public List<String> tools() {
    return tools;
  }

  @Override
  public List<String> outputSections() {
    return outputSections;
  }

  @Override
  public Role.Builder toBuilder() {
    Role.Builder b = new Role.Builder(name);
    b.description = description;
    b.model = model;
    b.reasoningEffort = reasoningEffort;
    b.approvalPolicy = approvalPolicy;
    b.sandboxMode = sandboxMode;
    b.instructions = instructions;
    b.tools = tools;
    b.outputSections = outputSections;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoleDefinition r
        && name.equals(r.name)
        && description.equals(r.description)
        && Objects.equals(model, r.model)
        && reasoningEffort.equals(r.reasoningEffort)
        && approvalPolicy == r.approvalPolicy
        && sandboxMode == r.sandboxMode
        && instructions.equals(r.instructions)
        && tools.equals(r.tools)
        && outputSections.equals(r.outputSections);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, description, model, reasoningEffort, approvalPolicy, sandboxMode, instructions, tools,
        outputSections);
  }

  @Override
  public String toString() {
    return "Role[" + name + ", model=" + (model == null ? "(default)" : model) + ", effort="
        + reasoningEffort + ", sandbox=" + sandboxMode.configValue() + ", approval="
        + approvalPolicy.configValue() + "]";
  }
}
