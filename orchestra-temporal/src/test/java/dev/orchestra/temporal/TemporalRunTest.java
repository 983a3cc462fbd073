package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.NothingToResumeException;
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
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs on Temporal's in-memory test server, with a scripted model and real files. */
final class TemporalRunTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-test";

  @TempDir Path dir;
  @Test
  void aRunOnTemporalEndsGreenWithTheFilesJournalAndPlanOfARunInOneJvmAndItsHistoryReplays() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"), writing("T2", "b.txt"), writing("T3", "c.txt", "T1", "T2"));
    model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new RoleReport.Exploration(List.of("src/"), List.of(), List.of("sh check.sh"), List.of()))));
    for (String id : List.of("T1", "T2", "T3")) {
      String file = (char) ('a' + id.charAt(1) - '1') + ".txt";
      model.on("implementer", id)
          .reply(Reply.toolCall("write_file", "{\"path\":\"" + file + "\",\"content\":\"" + id + "\\n\"}"))
          .reply(Reply.text(RoleAnswers.implementation("wrote " + file)));
    }
    List<OrchestraEvent> heard = Collections.synchronizedList(new ArrayList<>());
    try (Orchestrator team =
            Orchestrator.builder()
                .workspace(ws)
                .modelProvider(model)
                .explorationProbes(List.of("where are the tests?"))
                .addGate(Gate.command("sh", "-c", "test -f a.txt && test -f b.txt && test -f c.txt").build())
                .addListener(heard::add)
                .build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);

      String runId = temporal.start("Write a.txt, b.txt and c.txt");
      List<OrchestraEvent> told = new ArrayList<>();
      OrchestraEvent.RunFinished end = temporal.await(runId, told::add);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertEquals(runId, end.runId());
      for (String id : List.of("T1", "T2", "T3")) {
        assertEquals(id + "\n", Files.readString(ws.resolve((char) ('a' + id.charAt(1) - '1') + ".txt")));
      }
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      List<String> done =
          journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE)
              .map(e -> ((OrchestraEvent.TaskFinished) e).taskId()).sorted().toList();
      assertEquals(List.of("T1", "T2", "T3", "explore-1", "plan", "release"), done, "every task done once");
      assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.GateFinished g && g.verdict() == dev.orchestra.gate.Verdict.PASS), journal.toString());
      assertEquals(journal.size(), heard.size(), "the worker's listeners heard every journalled event");
      assertEquals(journal, told, "the starting JVM's listener was told the journal, event for event");
      List<OrchestraEvent> again = new ArrayList<>();
      assertEquals(end, temporal.await(runId, again::add), "a finished run is told again from its first event");
      assertEquals(journal, again);
      // The files a user reads are those of a run in one JVM: a resume finds a green run, every task done.
      NothingToResumeException nothing = assertThrows(NothingToResumeException.class, team::resume);
      assertTrue(nothing.getMessage().contains(runId), nothing.getMessage());

      // The workflow is deterministic: its recorded history replays.
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      HistoryFixturesTest.record("green-run", history);
      // A task's events cross Temporal in its result and to the desk; the desk's answer refers back to them.
      List<String> answers = tasksEndedAnswers(history);
      assertFalse(answers.isEmpty(), "the run's tasks ended through the desk");
      for (String answer : answers) {
        assertTrue(answer.contains("\"=0\""), "an answer refers to the first line sent: " + answer);
        assertFalse(answer.contains("task_finished"), "no task's end repeated in the answer: " + answer);
      }
      // The workflow feeds a task's end before the desk answers it: T3, which waits for T1 and T2,
      // leaves before the desk answered the later of their ends.
      long t3 = runTaskScheduled(history, "T3");
      long lastEndAnswered = Math.max(tasksEndedAnswered(history, "T1"), tasksEndedAnswered(history, "T2"));
      assertTrue(t3 < lastEndAnswered, "T3 scheduled at event " + t3 + ", the desk answered the ends it waited for at " + lastEndAnswered);
    }
  }

  /**
   * The desk cannot write plan.md while it feeds a task's end the workflow fed ahead of it. The desk
   * does not feed the stop it asks for among the end's lines, where the workflow (which fed the end
   * whole, and may have fed more since) could not put it: it hands the stop back, and the workflow
   * feeds it after everything it fed. The run ends FAILED saying why, the stop journalled after
   * T1's end.
   */
  @Test
  void aDeskThatCannotWritePlanMdWhileItFeedsAnEndFedAheadStopsTheRunNamingWhy() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"));
    // Longer than plan.md's write interval in a batch, so the desk writes it again during T1's end.
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  try {
                    Thread.sleep(400);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return dev.orchestra.model.ModelResponse.text(RoleAnswers.implementation("wrote nothing"), dev.orchestra.model.TokenUsage.ZERO);
                }));
    Path planMd = ws.resolve("plan.md");
    // Once T1 started, plan.md becomes a folder with something in it: no file can be moved onto it.
    dev.orchestra.event.OrchestraListener blockPlan =
        e -> {
          if (e instanceof OrchestraEvent.TaskStarted t && t.taskId().equals("T1")) {
            try {
              Files.delete(planMd);
              Files.writeString(Files.createDirectories(planMd).resolve("blocked"), "");
            } catch (java.io.IOException failed) {
              throw new java.io.UncheckedIOException(failed);
            }
          }
        };
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addListener(blockPlan).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write a.txt");
      OrchestraEvent.RunFinished end = temporal.await(runId);
      assertEquals(StopReason.FAILED.name(), end.stopReason(), end.message());
      assertTrue(end.message().contains("plan.md"), end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      int t1End = -1;
      int stop = -1;
      for (int i = 0; i < journal.size(); i++) {
        if (journal.get(i) instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")) {
          t1End = i;
        } else if (journal.get(i) instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.FAILED && s.message().contains("plan.md")) {
          stop = i;
        }
      }
      assertTrue(t1End >= 0 && stop > t1End, "the desk's stop is journalled, after T1's end: " + journal);
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      List<String> answers = tasksEndedAnswers(history);
      assertTrue(
          answers.stream().anyMatch(a -> a.contains("\"stops\":[\"") && a.contains("stop_requested") && a.contains("plan.md")),
          "the desk handed its stop back in its answer about T1's end: " + answers);
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    }
  }

  /** The id of the event that scheduled a task's (first) {@code RunTask} activity. */
  static long runTaskScheduled(WorkflowExecutionHistory history, String taskId) throws Exception {
    for (io.temporal.api.history.v1.HistoryEvent e : history.getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes() && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("RunTask")) {
        String call = e.getActivityTaskScheduledEventAttributes().getInput().getPayloads(0).getData().toStringUtf8();
        if (taskIdOf(JSON.readTree(call).path("command").asText()).equals(taskId)) {
          return e.getEventId();
        }
      }
    }
    throw new AssertionError("no RunTask scheduled for " + taskId);
  }

  /** The id of the event that completed the {@code TasksEnded} call that gave the desk a task's end. */
  static long tasksEndedAnswered(WorkflowExecutionHistory history, String taskId) throws Exception {
    java.util.Set<Long> carrying = new java.util.HashSet<>();
    for (io.temporal.api.history.v1.HistoryEvent e : history.getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes() && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("TasksEnded")) {
        String ends = e.getActivityTaskScheduledEventAttributes().getInput().getPayloads(1).getData().toStringUtf8();
        for (com.fasterxml.jackson.databind.JsonNode end : JSON.readTree(ends)) {
          if (taskIdOf(end.path("command").asText()).equals(taskId)) {
            carrying.add(e.getEventId());
          }
        }
      } else if (e.hasActivityTaskCompletedEventAttributes() && carrying.contains(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
        return e.getEventId();
      }
    }
    throw new AssertionError("the desk never answered " + taskId + "'s end");
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static String taskIdOf(String command) {
    return ((dev.orchestra.internal.engine.Command.RunTask) dev.orchestra.temporal.internal.Wire.command(command)).task().id();
  }

  /** The results of the {@code TasksEnded} activities in a history, as their payloads' JSON text. */
  static List<String> tasksEndedAnswers(WorkflowExecutionHistory history) {
    java.util.Set<Long> scheduled = new java.util.HashSet<>();
    List<String> answers = new ArrayList<>();
    for (io.temporal.api.history.v1.HistoryEvent e : history.getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes() && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("TasksEnded")) {
        scheduled.add(e.getEventId());
      } else if (e.hasActivityTaskCompletedEventAttributes() && scheduled.contains(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
        answers.add(e.getActivityTaskCompletedEventAttributes().getResult().getPayloads(0).getData().toStringUtf8());
      }
    }
    return answers;
  }
}
