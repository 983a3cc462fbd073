package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plan.md becomes unwritable in the middle of a batch. The periodic write fails on the
 * coordinating thread: the run must stop starting tasks, wait for the agent still at work, and
 * end FAILED saying why, with no thread dying and no event after RunFinished.
 */
final class PlanWriteFailureTest {
  @TempDir Path ws;

  @Test
  void aFailedPeriodicPlanWriteDoesNotEndTheRunWhileAnAgentStillRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean t2Returned = new AtomicBoolean();
    ScriptedModelProvider model = new ScriptedModelProvider();
    model
        .on("orchestrator")
        .reply(
            Reply.text(
                Json.plan(
                    List.<Task>of(
                        Json.task("T1", "One", List.of("out/T1.txt"), List.of()),
                        Json.task("T2", "Two", List.of("out/T2.txt"), List.of())),
                    List.of(),
                    List.of())));
    model
        .on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  if (req.taskId().equals("T1")) {
                    try { // plan.md can no longer be read or replaced: the next periodic write fails
                      Path plan = ws.resolve("plan.md");
                      for (int attempt = 0; ; attempt++) {
                        try { // the coordinator may write plan.md again between the two steps
                          Files.deleteIfExists(plan);
                          Files.createDirectory(plan);
                          break;
                        } catch (java.nio.file.FileAlreadyExistsException e) {
                          if (attempt == 100) {
                            throw e;
                          }
                        }
                      }
                      Files.writeString(plan.resolve("x"), "x");
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  } else {
                    try {
                      release.await(2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    } finally {
                      t2Returned.set(true);
                    }
                  }
                  return ModelResponse.text(Json.implemented("ok " + req.taskId()), new TokenUsage(1, 1, 0, 0));
                }));
    EventRecorder events = new EventRecorder();
    Thread coordinator = Thread.currentThread();
    // Holds the outbox lock on an agent's thread for a moment, as a slow listener would: the
    // coordinator's writeWaitingPlan then queues plan.md's write behind it, and the agent runs it.
    OrchestraListener slowOnAgents =
        e -> {
          if (Thread.currentThread() != coordinator
              && e instanceof OrchestraEvent.TaskFinished f
              && f.taskId().equals("T1")) {
            try {
              Thread.sleep(300);
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
        };
    List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r);
              t.setUncaughtExceptionHandler((th, x) -> uncaught.add(x));
              return t;
            });
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .explorationProbes(List.of())
            .budgetPolicy(BudgetPolicy.fixed(2))
            .planWriteInterval(Duration.ZERO)
            .executor(pool)
            .addListener(events)
            .addListener(slowOnAgents)
            .build()) {
      RunResult result = o.run("Write both");
      String outcome = result.stopReason() + ": " + result.message();
      boolean agentStillRunning = !t2Returned.get();
      release.countDown();
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      List<OrchestraEvent> all = events.events();
      assertTrue(uncaught.isEmpty(), "plan.md written on an agent's thread, its failure lost there: " + uncaught);
      assertTrue(
          !agentStillRunning,
          "run ended (" + outcome + ") while T2's agent was still running");
      assertEquals(OrchestraEvent.Kind.RUN_FINISHED, all.get(all.size() - 1).kind(),
          "events after RunFinished: " + all.subList(Math.max(0, all.size() - 3), all.size()));
      assertEquals(StopReason.FAILED, result.stopReason(), outcome);
      assertTrue(result.message().contains("plan.md"), outcome);
    }
  }
}
