package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twelve agents at once, each reporting a model call, a tool call and another model call: none of
 * their events is lost, each agent's keep their order in the journal, and the run's usage is the
 * sum of its model calls'.
 */
final class ConcurrentEventsTest {
  @TempDir Path ws;

  @Test
  void reportedEventsAreAllJournalledInEachAgentsOrder() throws Exception {
    int n = 400;
    ScriptedModelProvider model = KillableRun.model(n, Duration.ZERO);
    RunResult r;
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).budgetPolicy(BudgetPolicy.fixed(12)).build()) {
      r = o.run("Write the files");
    }
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());

    Map<String, StringBuilder> perTask = new HashMap<>();
    long input = 0;
    long output = 0;
    JsonNode finished = null;
    for (JsonNode e : Journal.read(ws.resolve(".orchestra/journal.jsonl"))) {
      String type = e.get("type").asText();
      String task = e.path("taskId").asText("");
      if (!task.startsWith("T")) {
        if (type.equals("model_call_finished")) {
          input += e.get("usage").get("inputTokens").asLong();
          output += e.get("usage").get("outputTokens").asLong();
        } else if (type.equals("run_finished")) {
          finished = e;
        }
        continue;
      }
      String mark =
          switch (type) {
            case "task_started" -> "S";
            case "model_call_finished" -> "M";
            case "tool_called" -> "W";
            case "task_finished" -> "F";
            default -> "?";
          };
      perTask.computeIfAbsent(task, k -> new StringBuilder()).append(mark);
      if (type.equals("model_call_finished")) {
        input += e.get("usage").get("inputTokens").asLong();
        output += e.get("usage").get("outputTokens").asLong();
      }
    }
    assertEquals(n, perTask.size());
    perTask.forEach((task, marks) -> assertEquals("SMWMF", marks.toString(), "the events of " + task + ", in journal order"));
    assertEquals(input, finished.get("usage").get("inputTokens").asLong());
    assertEquals(output, finished.get("usage").get("outputTokens").asLong());
    assertEquals(input, r.usage().inputTokens());
  }
}
