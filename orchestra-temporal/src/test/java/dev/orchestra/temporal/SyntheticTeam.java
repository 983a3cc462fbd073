package dev.orchestra.temporal;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Orchestrator;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.gate.Gate;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A team for runs across JVMs: the planner plans {@code tasks} independent tasks, and each task's
 * agent makes {@code calls} model calls of {@code callMillis} each (all but the last write the
 * task's file, the last answers). Every JVM that builds it with the same numbers has the same team.
 */
public final class SyntheticTeam {
  private SyntheticTeam() {}

  /**
   * Builds the team.
   *
   * @param budget how many agents may run at once (fixed)
   */
  public static Orchestrator build(Path workspace, int tasks, int calls, long callMillis, int budget, Consumer<String> taskStarted) {
    return build(workspace, tasks, calls, callMillis, budget, taskStarted, "");
  }

  /**
   * Builds the team, with a CI check of its own.
   *
   * @param budget how many agents may run at once (fixed)
   * @param ciCommand the shell command the round's CI check runs, or empty for the checks the
   *     workspace's build files call for
   */
  public static Orchestrator build(
      Path workspace, int tasks, int calls, long callMillis, int budget, Consumer<String> taskStarted, String ciCommand) {
    return build(workspace, tasks, calls, callMillis, budget, taskStarted, ciCommand, e -> {});
  }

  /**
   * Builds the team, with a CI check and a listener of its own.
   *
   * @param listener told of the run's events where its desk delivers them
   */
  public static Orchestrator build(
      Path workspace, int tasks, int calls, long callMillis, int budget, Consumer<String> taskStarted, String ciCommand,
      OrchestraListener listener) {
    List<Task> plan = new ArrayList<>();
    for (int i = 1; i <= tasks; i++) {
      plan.add(Task.builder("T" + i, "Write f" + i + ".txt").writeScope("f" + i + ".txt").role("implementer").build());
    }
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(plan)));
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  long results = req.messages().stream().filter(m -> m instanceof Message.ToolResult).count();
                  if (results == 0) {
                    taskStarted.accept(req.taskId());
                  }
                  try {
                    Thread.sleep(callMillis);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                  }
                  String file = "f" + req.taskId().substring(1) + ".txt";
                  if (results < calls - 1) {
                    String args = "{\"path\":\"" + file + "\",\"content\":\"" + req.taskId() + "\\n\"}";
                    return new ModelResponse("", List.of(new ToolCall("c" + results, "write_file", args)), TokenUsage.ZERO);
                  }
                  return ModelResponse.text(RoleAnswers.implementation("wrote " + file), TokenUsage.ZERO);
                }));
    Orchestrator.Builder team =
        Orchestrator.builder().workspace(workspace).modelProvider(model).explorationProbes(List.of()).budgetPolicy(BudgetPolicy.fixed(budget))
            .addListener(listener);
    if (!ciCommand.isEmpty()) {
      team.addGate(Gate.ci(List.of(ciCommand)));
    }
    return team.build();
  }

  /**
   * A built-in role given a terminal but read-only and untrusted: each command it runs needs
   * approval. For tests of approvals through a run.
   */
  public static dev.orchestra.role.Role askingToRunCommands(String role) {
    return dev.orchestra.role.BuiltInRoles.get(role).toBuilder()
        .tools(List.of(dev.orchestra.role.BuiltInRoles.TOOL_READ_FILE, dev.orchestra.role.BuiltInRoles.TOOL_RUN_COMMAND))
        .sandboxMode(dev.orchestra.role.SandboxMode.READ_ONLY)
        .approvalPolicy(dev.orchestra.role.ApprovalPolicy.fromConfigValue("untrusted").orElseThrow())
        .build();
  }

  /** A run's approval requests once there is one, or none after 30 s. */
  public static List<PendingApproval> approvalsWaiting(TemporalOrchestrator temporal, String runId) throws InterruptedException {
    List<PendingApproval> waiting = List.of();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (waiting.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      waiting = temporal.approvals(runId);
    }
    return waiting;
  }
}
