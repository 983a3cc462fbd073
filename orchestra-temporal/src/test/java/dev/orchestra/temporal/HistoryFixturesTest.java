package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Histories recorded by earlier builds (src/test/resources/histories) replay on today's workflow:
 * a change to the workflow, the state machine, the wire format or the budget's steps that would
 * break runs in flight fails here. When such a change is meant, it needs Temporal versioning
 * (Workflow.getVersion) or a note that in-flight runs must finish first; then refresh the fixtures
 * from target/histories, which the other tests write on every build.
 */
final class HistoryFixturesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/histories");

  /** Writes a history the tests just recorded to target/histories, to refresh a fixture from. */
  static void record(String name, WorkflowExecutionHistory history) throws IOException {
    Path out = Files.createDirectories(Path.of("target/histories")).resolve(name + ".json");
    Files.writeString(out, history.toJson(true), StandardCharsets.UTF_8);
  }

  @Test
  void everyRecordedHistoryReplaysOnTodaysWorkflow() throws Exception {
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(FIXTURES)) {
      fixtures = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(fixtures.isEmpty(), "no history fixtures in " + FIXTURES.toAbsolutePath());
    for (Path f : fixtures) {
      WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(Files.readString(f, StandardCharsets.UTF_8)), RunWorkflowImpl.class);
    }
  }
}
