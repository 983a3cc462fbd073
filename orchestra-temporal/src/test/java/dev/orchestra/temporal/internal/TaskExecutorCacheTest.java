package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker keeps each run's task executor while the run's tasks come, and lets it go once none has
 * for a while: a worker that keeps no desk never hears that a run ended.
 */
final class TaskExecutorCacheTest {
  @TempDir Path dir;

  @Test
  void aRunWhoseTasksStoppedComingIsForgottenAtAnotherRunsTaskWhileTheRunWhoseTaskCameStays() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    for (String id : List.of("T1", "T2", "T3")) {
      model.on("implementer", id).reply(Reply.text(RoleAnswers.implementation("nothing to change")));
    }
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).build();
        RunActivitiesImpl worker = new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), "own-queue", Optional.empty())) {
      env.registerActivitiesImplementations(worker);
      RunActivities call =
          env.newActivityStub(
              RunActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());

      runTask(call, ws, "run-1", "T1");
      runTask(call, ws, "run-1", "T2");
      assertEquals(Set.of("run-1"), worker.cachedRuns(), "the run's tasks share one executor");
      runTask(call, ws, "run-2", "T3");
      assertEquals(Set.of("run-1", "run-2"), worker.cachedRuns(), "run-1 stopped only a moment ago");

      worker.runTasksKept = Duration.ZERO; // as if half an hour went by
      Thread.sleep(2);
      runTask(call, ws, "run-2", "T3");
      assertEquals(Set.of("run-2"), worker.cachedRuns(), "run-1's went; the run whose task came stays");
    } finally {
      env.close();
    }
  }

  /** Runs a task of {@code runId}, whose desk holds the workspace's run lock as far as this worker can tell. */
  private static void runTask(RunActivities call, Path ws, String runId, String taskId) throws Exception {
    Files.createDirectories(ws.resolve(".orchestra"));
    Files.writeString(ws.resolve(".orchestra/run.lock"), "run " + runId + ", a test's desk\n");
    Task task = Task.builder(taskId, "Look at " + taskId).role("implementer").build();
    String result = call.runTask(
        new TaskCall(runId, Wire.command(new Command.RunTask(task, 1, List.of(), List.of(), "")), "goal", Map.of(), ws.toString(), 1, false, ""));
    assertEquals(taskId, ((dev.orchestra.event.OrchestraEvent.TaskFinished) Wire.result(result).events().get(Wire.result(result).events().size() - 1)).taskId());
  }
}
