package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.plan.Task;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desk of the code before desks handed their own stops back: it fed a stop of its own right after
 * a task's end the workflow fed ahead of it, in the same call. Nothing was fed in the workflow
 * since, so the workflow feeds the stop in the same place, and the run stops FAILED as the desk's
 * journal says, rather than failing as a disagreement.
 */
final class DeskOwnLinesTest {
  private static final String QUEUE = "orchestra-own-lines";

  @TempDir Path dir;

  @Test
  void aStopAnOlderDeskFedAfterTheEndsIsFedInTheSamePlaceWhenNothingWasFedSince() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"), Reply.text(RoleAnswers.implementation("wrote a.txt")));
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build();
        RunActivitiesImpl real = new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), QUEUE + "-own", Optional.empty())) {
      AtomicInteger added = new AtomicInteger();
      RunActivities older = new ActivitiesBetween(real) {
        @Override
        public DeskReply tasksEnded(String runId, List<TaskEnd> ends) {
          DeskReply reply = real.tasksEnded(runId, ends);
          if (added.getAndIncrement() > 0) {
            return reply;
          }
          // As an older desk did: its own stop fed right after the ends, in the same answer.
          OrchestraEvent stop = new OrchestraEvent.StopRequested(runId, Instant.now(), StopReason.FAILED, "cannot write plan.md (an older desk)");
          List<String> lines = new ArrayList<>(reply.events());
          lines.addAll(real.observe(runId, List.of(Wire.event(stop))).events());
          return new DeskReply(lines, reply.health());
        }
      };
      ActivitiesBetween.serve(env, QUEUE, older);
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).build();
      String runId = temporal.start("Write a.txt");
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.FAILED.name(), end.stopReason(), end.message());
      assertTrue(end.message().contains("an older desk"), end.message());
      List<OrchestraEvent> told = new ArrayList<>();
      temporal.await(runId, told::add);
      int t1 = -1;
      int stop = -1;
      for (int i = 0; i < told.size(); i++) {
        if (told.get(i) instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")) {
          t1 = i;
        } else if (told.get(i) instanceof OrchestraEvent.StopRequested) {
          stop = i;
        }
      }
      assertTrue(t1 >= 0 && stop == t1 + 1, "the stop right after T1's end, where the desk fed it: " + told);
      io.temporal.common.WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
      assertTrue(
          history.getEvents().stream().filter(e -> e.hasMarkerRecordedEventAttributes())
              .flatMap(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().values().stream())
              .flatMap(p -> p.getPayloadsList().stream())
              .anyMatch(p -> p.getData().toStringUtf8().contains("ends-fed-first")),
          "T1's end was fed ahead of the desk, so the branch was taken");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    } finally {
      env.close();
    }
  }
}
