package dev.orchestra;

import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run meant to be killed: started in a child JVM by {@link OrchestratorResumeTest}, it plans N
 * independent tasks and works through them slowly at a budget of 2.
 */
public final class KillableRun {
  private KillableRun() {}

  public static ScriptedModelProvider implementers(Duration delay) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("implementer").otherwise(writeOwnFile().after(delay));
    return model;
  }

  /** Writes out/<task>.txt with a tool call, then reports; two model calls per task. */
  public static Reply writeOwnFile() {
    return Reply.answer(
        req -> {
          boolean afterTool = req.messages().get(req.messages().size() - 1) instanceof Message.ToolResult;
          if (afterTool) {
            return ModelResponse.text(Json.implemented("wrote " + req.taskId()), new TokenUsage(10, 5, 0, 0));
          }
          ToolCall call =
              new ToolCall("w-" + req.taskId(), "write_file", Json.writeArgs("out/" + req.taskId() + ".txt", req.taskId()));
          return new ModelResponse("", List.of(call), new TokenUsage(10, 5, 0, 0));
        });
  }

  /** The whole run's model: an orchestrator that plans {@code n} independent tasks, and implementers. */
  public static ScriptedModelProvider model(int n, Duration delay) {
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      tasks.add(Json.task("T" + i, "Write out/T" + i + ".txt", List.of("out/T" + i + ".txt"), List.of()));
    }
    ScriptedModelProvider model = implementers(delay);
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    return model;
  }

  public static void main(String[] args) {
    Path repo = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    ScriptedModelProvider model = model(n, Duration.ofMillis(60));
    try (Orchestrator orchestra =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(model)
            .explorationProbes(List.of())
            .budgetPolicy(BudgetPolicy.fixed(2))
            .planWriteInterval(Duration.ZERO)
            .build()) {
      RunResult result = args.length > 2 && args[2].equals("resume") ? orchestra.resume() : orchestra.run("Write every output file");
      System.out.println(result);
    }
  }
}
