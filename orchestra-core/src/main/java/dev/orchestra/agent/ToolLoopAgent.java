package dev.orchestra.agent;

import dev.orchestra.plan.Task;
import dev.orchestra.role.Role;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The default agent: request -> tool calls -> results -> ... -> final structured answer. An answer
 * that does not fit the role's form gets one repair request, then the agent fails with {@link
 * AgentException.Reason#MALFORMED_ANSWER}; a refusal ends the task as a {@link RoleReport.Refusal}.
 */
final class ToolLoopAgent implements Agent {
  static final ToolLoopAgent INSTANCE = new ToolLoopAgent();

  private ToolLoopAgent() {}

  @Override
  public RoleReport run(Role role, Task task, AgentContext context) {
    List<Message> messages = new ArrayList<>();
    messages.add(Message.user(taskMessage(role, task, context)));
    ModelRequest.Builder base =
        ModelRequest.builder()
            .role(role.name())
            .taskId(task.id())
            .model(role.model().orElse(context.defaultModel()))
            .reasoningEffort(role.reasoningEffort())
            .instructions(role.instructions())
            .tools(context.tools().specs());
    Reports.schemaFor(role.name()).ifPresent(base::responseSchema);
    boolean repaired = false;
    int turns = context.maxTurns();
    for (int turn = 1; turn <= turns; turn++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new AgentException(AgentException.Reason.INTERRUPTED, role.name() + " on " + task.id() + " was interrupted");
      }
      ModelResponse response = context.call(base.messages(messages).build());
      if (response.isRefusal()) {
        // A refusal is final, even beside tool calls: nothing the model declined is run.
        return new RoleReport.Refusal(role.name(), response.refusal());
      }
      if (response.hasToolCalls()) {
        messages.add(new Message.Assistant(response.text(), response.toolCalls(), response.reasoning()));
        for (ToolCall call : response.toolCalls()) {
          messages.add(context.tools().execute(call));
        }
        continue;
      }
      try {
        return Reports.parse(role.name(), response.text(), context.tools().changedFiles());
      } catch (Reports.ParseException e) {
        if (repaired) {
          throw new AgentException(
              AgentException.Reason.MALFORMED_ANSWER,
              role.name() + " on task " + task.id() + " gave an answer that does not parse, even after a"
                  + " repair attempt: " + e.getMessage());
        }
        repaired = true;
        if (turn == turns) {
          turns++; // the repair gets its turn even when the answer came on the last one
        }
        messages.add(new Message.Assistant(response.text(), List.of()));
        messages.add(
            Message.user(
                "Your answer could not be read: " + e.getMessage() + ". Answer again. "
                    + Reports.answerFormat(role.name()).orElse("")));
      }
    }
    throw new AgentException(
        AgentException.Reason.TURN_LIMIT,
        role.name() + " on task " + task.id() + " gave no final answer within " + turns + " turns");
  }

  private static String taskMessage(Role role, Task task, AgentContext context) {
    StringBuilder m = new StringBuilder();
    m.append("Task ").append(task.id()).append(": ").append(task.title()).append('\n');
    if (!task.acceptanceCriteria().isEmpty()) {
      m.append("\nAcceptance criteria:\n");
      task.acceptanceCriteria().forEach(c -> m.append("- ").append(c).append('\n'));
    }
    if (role.sandboxMode().allowsWrites() && !task.writeScope().isEmpty()) {
      m.append("\nYou may write only: ").append(String.join(", ", task.writeScope())).append('\n');
    }
    if (!context.skills().isEmpty()) {
      m.append("\nSkills you can load with load_skill when they help:\n");
      context.skills().forEach(s -> m.append("- ").append(s.name()).append(": ").append(s.description()).append('\n'));
    }
    if (!context.brief().isBlank()) {
      m.append("\nContext:\n").append(context.brief().strip()).append('\n');
    }
    if (!role.outputSections().isEmpty()) {
      m.append("\nFinish with your report (").append(String.join(" / ", role.outputSections())).append(").\n");
    }
    // Stated here as well as in the request's structured-output setting, which many servers ignore.
    Reports.answerFormat(role.name()).ifPresent(f -> m.append(f).append('\n'));
    return m.toString();
  }
}
