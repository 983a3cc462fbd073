package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose workflow continues as new at every round boundary (a history of one event is "long"
 * here): each workflow run reads the journal back from the desk and goes on, and the run ends as
 * one that never continued would, its events told once and in order across the workflow runs.
 */
final class TemporalContinueAsNewTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-continue";

  @TempDir Path dir;

  @Test
  void aRunContinuedAsNewAtEveryRoundBoundaryEndsGreenAsIfItNeverHadAndEveryWorkflowRunReplays() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"), writing("T2", "b.txt"), writing("T3", "c.txt", "T1"));
    model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new RoleReport.Exploration(List.of("src/"), List.of(), List.of("sh check.sh"), List.of()))));
    for (String id : List.of("T1", "T2", "T3")) {
      String file = (char) ('a' + id.charAt(1) - '1') + ".txt";
      model.on("implementer", id)
          .reply(Reply.toolCall("write_file", "{\"path\":\"" + file + "\",\"content\":\"" + id + "\\n\"}"))
          .reply(Reply.text(RoleAnswers.implementation("wrote " + file)));
    }
    try (Orchestrator team =
            Orchestrator.builder()
                .workspace(ws)
                .modelProvider(model)
                .explorationProbes(List.of("where are the tests?"))
                .addGate(Gate.command("sh", "-c", "test -f a.txt && test -f b.txt && test -f c.txt").build())
                .build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.continueAsNewAfter(1));

      String runId = temporal.start("Write a.txt, b.txt and c.txt");
      // Waited for without queries: Temporal's in-memory test server, queried while a workflow run
      // continues as new, sometimes loses the end of that run's history (the run itself goes on).
      OrchestraEvent.RunFinished end = temporal.await(runId);
      List<OrchestraEvent> told = new ArrayList<>();
      assertEquals(end, temporal.await(runId, told::add), "told by the newest workflow run, from the run's first event");

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      for (String id : List.of("T1", "T2", "T3")) {
        assertEquals(id + "\n", Files.readString(ws.resolve((char) ('a' + id.charAt(1) - '1') + ".txt")));
      }
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
      List<String> done =
          journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE)
              .map(e -> ((OrchestraEvent.TaskFinished) e).taskId()).sorted().toList();
      assertEquals(List.of("T1", "T2", "T3", "explore-1", "plan", "release"), done, "every task done once");
      assertEquals(journal, told, "the listener was told the journal, event for event, including what earlier workflow runs did");
      // The explorer reported before the first continuation; the tasks, started after it, were
      // briefed with its report all the same (it came along with the continuation).
      for (String id : List.of("T1", "T2", "T3")) {
        String brief = String.valueOf(model.requests("implementer", id).get(0).messages());
        assertTrue(brief.contains("sh check.sh"), id + "'s brief: " + brief);
      }

      // Every workflow run of the chain, newest first, replays; all but the newest continued as new.
      List<WorkflowExecutionHistory> chain = Histories.chain(env.getWorkflowClient(), runId);
      assertTrue(chain.size() >= 3, "continued at the round's start and at its end: " + chain.size() + " workflow runs");
      for (int i = 0; i < chain.size(); i++) {
        List<HistoryEvent> events = chain.get(i).getEvents();
        EventType last = events.get(events.size() - 1).getEventType();
        assertEquals(
            i == 0 ? EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED : EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, last,
            "workflow run " + i + " (newest first) ends: " + events.subList(Math.max(0, events.size() - 8), events.size()).stream().map(HistoryEvent::getEventType).toList());
        WorkflowReplayer.replayWorkflowExecution(chain.get(i), RunWorkflowImpl.class);
      }
      HistoryFixturesTest.record("continued-first", chain.get(chain.size() - 1));
      HistoryFixturesTest.record("continued-last", chain.get(0));
    }
  }

  /**
   * A workflow run continues as new only between rounds: a run whose workflow run's history passes
   * 80% of the limit Temporal ends it at stops FAILED there, saying why, instead of going on until
   * Temporal ends the workflow with nothing journalled (here at once, with a limit of one byte).
   */
  @Test
  void aRunWhoseHistoryNearsTheLimitStopsFailedSayingWhy() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"));
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.historySizeLimit(1));
      String runId = temporal.start("Write a.txt");
      OrchestraEvent.RunFinished end = temporal.await(runId);
      assertEquals(StopReason.FAILED.name(), end.stopReason(), end.message());
      assertTrue(end.message().contains("history takes") && end.message().contains("limit of 1 bytes") && end.message().contains("historySizeLimit"),
          end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      assertTrue(journal.stream().noneMatch(e -> e instanceof OrchestraEvent.TaskStarted t && t.taskId().equals("T1")), "nothing started after the stop: " + journal);
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
    }
  }
}
