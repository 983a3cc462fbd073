package dev.orchestra.temporal;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
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

  /**
   * Registers the worker on this test's server, starts the server, and returns an orchestrator that
   * starts runs on the worker's queue.
   */
  TemporalOrchestrator serve(OrchestraWorker worker) {
    return serve(worker, b -> b);
  }

  /** As {@link #serve(OrchestraWorker)}, with the orchestrator's other options set by {@code options}. */
  TemporalOrchestrator serve(OrchestraWorker worker, java.util.function.UnaryOperator<TemporalOrchestrator.Builder> options) {
    worker.registerOn(env.getWorkerFactory());
    env.start();
    return options.apply(TemporalOrchestrator.builder(env.getWorkflowClient()).taskQueue(worker.taskQueue())).build();
  }

  /** A scripted model whose orchestrator plans {@code tasks} once; script the other roles on it. */
  static ScriptedModelProvider planning(Task... tasks) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(tasks))));
    return model;
  }

  /** An implementer's task that writes {@code file}, titled "Write FILE". */
  static Task writing(String id, String file, String... dependsOn) {
    return Task.builder(id, "Write " + file).writeScope(file).dependsOn(dependsOn).role("implementer").build();
  }

  /** Reads the journal a run's desk wrote in {@code workspace}. */
  static List<OrchestraEvent> journal(Path workspace) throws IOException {
    return Files.readAllLines(workspace.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
  }
}
