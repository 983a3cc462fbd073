package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's cancel reaches the planner's desk call before the desk started carrying it out (the
 * call still queued, or on its way): the desk answers that it carries out nothing, so the workflow
 * asks again, later, until the command is under way and is interrupted. The run ends CANCELLED
 * instead of waiting for a planner that may think for hours.
 */
final class DeskInterruptQueuedTest {
  private static final String QUEUE = "orchestra-interrupt-queued";

  @TempDir Path dir;

  @Test
  void aCancelThatReachesTheDeskBeforeItsCommandIsAskedAgainUntilTheCommandIsInterrupted() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    // The planner thinks until it is interrupted, as a real provider's call ends on a cancel.
    model.on("orchestrator")
        .otherwise(
            Reply.answer(
                req -> {
                  try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                  }
                  throw new AssertionError("the planner's call was not interrupted");
                }));
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build();
        RunActivitiesImpl real = new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), QUEUE + "-own", Optional.empty())) {
      CountDownLatch planning = new CountDownLatch(1);
      List<Boolean> interrupts = new CopyOnWriteArrayList<>();
      RunActivities late = new ActivitiesBetween(real) {
        @Override
        public DeskReply carryOut(String runId, String command) {
          if (Wire.command(command).kind() == Command.Kind.ASK_PLANNER) {
            planning.countDown();
            // The call reaches the desk only after the cancel asked it twice in vain.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (interrupts.size() < 2 && System.nanoTime() < deadline) {
              try {
                Thread.sleep(10);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
              }
            }
          }
          return real.carryOut(runId, command);
        }

        @Override
        public boolean interruptDesk(String runId) {
          boolean interrupted = real.interruptDesk(runId);
          interrupts.add(interrupted);
          return interrupted;
        }
      };
      ActivitiesBetween.serve(env, QUEUE, late);
      WorkflowClient client = env.getWorkflowClient();
      dev.orchestra.temporal.TemporalOrchestrator temporal = dev.orchestra.temporal.TemporalOrchestrator.builder(client).taskQueue(QUEUE).build();
      String runId = temporal.start("Plan something");
      assertTrue(planning.await(30, TimeUnit.SECONDS), "the planner's call was sent");
      temporal.cancel(runId);
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.CANCELLED.name(), end.stopReason(), end.message());
      assertTrue(interrupts.size() >= 3, "asked until the command was under way: " + interrupts);
      assertEquals(List.of(false, false), interrupts.subList(0, 2), "the first two found nothing to interrupt: " + interrupts);
      assertEquals(true, interrupts.get(interrupts.size() - 1), "the last interrupted the planner: " + interrupts);
      WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(dev.orchestra.temporal.TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
    } finally {
      env.close();
    }
  }
}
