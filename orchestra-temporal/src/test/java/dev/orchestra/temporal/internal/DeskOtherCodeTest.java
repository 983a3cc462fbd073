package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desk whose worker runs other code than the workflow's: its answer about a task's end, which the
 * workflow fed ahead of it, holds the end's lines in another order. The workflow does not take it
 * (its machine and the desk's would drift apart unnoticed): the run's workflow fails with {@code
 * DeskDisagrees}, naming the first line that differs and what to do.
 */
final class DeskOtherCodeTest {
  private static final String QUEUE = "orchestra-other-code";

  @TempDir Path dir;

  @Test
  void aDeskAnswerThatDiffersFromWhatTheWorkflowFedFailsTheRunNamingTheLine() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"), Reply.text(RoleAnswers.implementation("wrote a.txt")));
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build();
        RunActivitiesImpl real = new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), QUEUE + "-own", Optional.empty())) {
      AtomicInteger swapped = new AtomicInteger();
      RunActivities other = new OtherCode(real, swapped);
      real.signalThrough(env.getWorkflowClient());
      ActivitiesBetween.serve(env, QUEUE, other);
      WorkflowClient client = env.getWorkflowClient();
      RunWorkflow run = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("other-code").build());
      WorkflowFailedException failed =
          assertThrows(WorkflowFailedException.class, () -> run.run(new RunRequest("other-code", "Write a.txt", QUEUE + "-desks", 10_000, 0, false, 0)));

      ApplicationFailure why = assertInstanceOf(ApplicationFailure.class, failed.getCause());
      assertEquals("DeskDisagrees", why.getType(), why.getOriginalMessage());
      assertTrue(why.getOriginalMessage().contains("the first that differs is line") && why.getOriginalMessage().contains("runs other code than the workflow's"),
          why.getOriginalMessage());
      assertEquals(1, swapped.get(), "one answer altered, and the run failed at it");
      WorkflowReplayer.replayWorkflowExecution(client.fetchHistory("other-code"), RunWorkflowImpl.class);
    } finally {
      env.close();
    }
  }

  /** The desk's activities, but for its answers about task ends, whose first two lines trade places. */
  private static final class OtherCode extends ActivitiesBetween {
    private final AtomicInteger swapped;

    OtherCode(RunActivities real, AtomicInteger swapped) {
      super(real);
      this.swapped = swapped;
    }

    @Override
    public DeskReply tasksEnded(String runId, List<TaskEnd> ends) {
      DeskReply reply = real.tasksEnded(runId, ends);
      if (reply.events().size() < 2) {
        return reply;
      }
      List<String> lines = new ArrayList<>(reply.events());
      lines.set(0, reply.events().get(1));
      lines.set(1, reply.events().get(0));
      swapped.incrementAndGet();
      return new DeskReply(lines, reply.health(), reply.stops());
    }
  }
}
