package dev.orchestra.issues;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Json;
import dev.orchestra.Orchestrator;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * A run meant to be killed, in a child JVM started by {@link Issue13WorktreesTest}: T1 writes
 * a.txt, then T2 (which depends on it) writes b.txt. Once T2's commit is journalled, it prints
 * {@link #COMMITTED} and the commit, and waits for its SIGKILL: T2's end and merge never happen.
 */
public final class WorktreeKillableRun {
  static final String COMMITTED = "COMMITTED ";

  private WorktreeKillableRun() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(Json.plan(
        List.of(Json.task("T1", "Write a.txt", List.of("a.txt"), List.of()), Json.task("T2", "Write b.txt", List.of("b.txt"), List.of("T1"))),
        List.of(), List.of())));
    model.on("implementer").otherwise(Reply.answer(req -> {
      if (req.messages().get(req.messages().size() - 1) instanceof Message.ToolResult) {
        return ModelResponse.text(Json.implemented("wrote"), new TokenUsage(10, 5, 0, 0));
      }
      String file = req.taskId().equals("T1") ? "a.txt" : "b.txt";
      return new ModelResponse("", List.of(new ToolCall("w", "write_file", Json.writeArgs(file, req.taskId() + "\n"))), new TokenUsage(10, 5, 0, 0));
    }));
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(model)
            .explorationProbes(List.of())
            .budgetPolicy(BudgetPolicy.fixed(2))
            .addListener(e -> {
              if (e instanceof OrchestraEvent.TaskCommitted c && c.taskId().equals("T2")) {
                System.out.println(COMMITTED + c.commit());
                System.out.flush();
                try {
                  Thread.sleep(120_000); // the parent kills this process now
                } catch (InterruptedException x) {
                  Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(3); // never reached unless the parent forgot us
              }
            })
            .build()) {
      o.run("Write a.txt, then b.txt");
    }
  }
}
