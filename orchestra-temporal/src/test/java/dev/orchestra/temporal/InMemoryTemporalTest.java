package dev.orchestra.temporal;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test on Temporal's in-memory test server, one per test method, and the journal runs leave. */
abstract class InMemoryTemporalTest {
  /** The server and its client; started by each test once its workers are registered. */
  TestWorkflowEnvironment env;

  @BeforeEach
  void startServer() {
    env = TestWorkflowEnvironment.newInstance();
  }

  @AfterEach
  void stopServer() {
    env.close();
  }

  /** Reads the journal a run's desk wrote in {@code workspace}. */
  static List<OrchestraEvent> journal(Path workspace) throws IOException {
    return Files.readAllLines(workspace.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
  }
}
