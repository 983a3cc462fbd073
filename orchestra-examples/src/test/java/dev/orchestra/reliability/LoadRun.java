package dev.orchestra.reliability;

import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * The load scenario alone, for a child JVM started with a small {@code -Xmx}: it prints the run's
 * stop reason, so the test sees that the whole plan fits in that heap.
 */
final class LoadRun {
  private LoadRun() {}

  public static void main(String[] args) {
    Path ws = Path.of(args[0]);
    int tasks = Integer.parseInt(args[1]);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(ReliabilityTest.plan(tasks)));
    model.on("implementer").otherwise(Reply.text(ReliabilityTest.DONE));
    model.on("release_manager").otherwise(Reply.text("{}"));
    try (Orchestrator o = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build()) {
      RunResult r = o.run("Load");
      System.out.println("STOP " + r.stopReason() + " " + r.plan().tasks().size());
    }
  }
}
