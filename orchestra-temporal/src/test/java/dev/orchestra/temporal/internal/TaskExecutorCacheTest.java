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
      RunActivities call = stub(env);

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

  @Test
  void aRunWithATaskStillRunningHereIsKeptHoweverLongAgoItStarted() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("implementer", "T1").reply(Reply.answer(request -> {
      asked.countDown();
      try {
        answer.await(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return dev.orchestra.model.ModelResponse.text(RoleAnswers.implementation("nothing to change"), dev.orchestra.model.TokenUsage.ZERO);
    }));
    for (String id : List.of("T2", "T3")) {
      model.on("implementer", id).reply(Reply.text(RoleAnswers.implementation("nothing to change")));
    }
    // Two environments on one worker: each runs one activity at a time.
    TestActivityEnvironment first = TestActivityEnvironment.newInstance();
    try {
      TestActivityEnvironment second = TestActivityEnvironment.newInstance();
      java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
      try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).build();
          RunActivitiesImpl worker = new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), "own-queue", Optional.empty())) {
        first.registerActivitiesImplementations(worker);
        second.registerActivitiesImplementations(worker);
        RunActivities call = stub(second);
        java.util.concurrent.Future<?> t1 = caller.submit(() -> {
          runTask(stub(first), ws, "run-1", "T1");
          return null;
        });
        try {
          assertEquals(true, asked.await(1, java.util.concurrent.TimeUnit.MINUTES), "T1's agent asked its model");
          worker.runTasksKept = Duration.ZERO; // as if half an hour went by since T1 started
          Thread.sleep(2);
          runTask(call, ws, "run-2", "T2");
          assertEquals(Set.of("run-1", "run-2"), worker.cachedRuns(), "run-1's task still runs here");
        } finally {
          answer.countDown(); // T1 ends before the worker and the team close, whatever happened above
          t1.get(1, java.util.concurrent.TimeUnit.MINUTES);
        }
        Thread.sleep(2);
        runTask(call, ws, "run-2", "T3");
        assertEquals(Set.of("run-2"), worker.cachedRuns(), "once T1 ended, run-1 is let go like any other");
      } finally {
        caller.shutdownNow();
        caller.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        second.close();
      }
    } finally {
      first.close();
    }
  }

  private static RunActivities stub(TestActivityEnvironment env) {
    return env.newActivityStub(
        RunActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
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
