package dev.orchestra.examples;

import dev.orchestra.gate.Gate;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's embedding example, compiled and run by a test: a one-task plan, a scripted model,
 * a real command gate and a review gate.
 */
public final class RunWithScriptedModel {
  private RunWithScriptedModel() {}

  static final String PLAN_JSON =
      "{\"tasks\":[{\"id\":\"T1\",\"title\":\"Add a version file\",\"acceptance\":[\"VERSION exists\"],"
          + "\"dependsOn\":[],\"writeScope\":[\"VERSION\"],\"role\":\"implementer\"}],\"later\":[],\"risks\":[]}";
  static final String DONE_JSON = "{\"whatChanged\":[\"added VERSION\"],\"commandsRun\":[],\"result\":\"done\"}";
  static final String SHIP_JSON =
      "{\"mustFix\":[],\"regressionRisks\":[],\"missingTests\":[],\"verdict\":\"ship\",\"outOfScope\":[]}";

  /**
   * Runs the example in a workspace.
   *
   * @param workspace an existing folder
   * @return the run's result
   */
  public static RunResult run(Path workspace) {
    ScriptedModelProvider model = new ScriptedModelProvider(); // or any ModelProvider
    model.on("orchestrator").reply(Reply.text(PLAN_JSON));
    model.on("implementer")
        .reply(Reply.toolCall("write_file", "{\"path\":\"VERSION\",\"content\":\"1.0\\n\"}"))
        .otherwise(Reply.text(DONE_JSON));
    model.on("reviewer").otherwise(Reply.text(SHIP_JSON));
    model.on("release_manager").otherwise(Reply.text("{}"));

    try (Orchestrator orchestra =
        Orchestrator.builder()
            .workspace(workspace)
            .modelProvider(model)
            .explorationProbes(List.of()) // no explorers in this small example
            .addGate(Gate.command("test", "-f", "VERSION").build()) // a real process
            .addGate(Gate.review())
            .addListener(event -> System.out.println(event.kind()))
            .build()) {
      RunResult result = orchestra.run("Add a VERSION file");
      System.out.println(result.stopReason() + ": " + result.message());
      return result;
    }
  }

  /**
   * Runs the example in a new temporary folder.
   *
   * @param args ignored
   * @throws Exception when the folder cannot be made
   */
  public static void main(String[] args) throws Exception {
    run(Files.createTempDirectory("orchestra-example-"));
  }
}
