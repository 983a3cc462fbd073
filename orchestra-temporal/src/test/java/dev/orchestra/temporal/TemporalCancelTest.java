package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.store.RunLock;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling a run on Temporal: workflow cancellation, as {@code cancel()} in one JVM. */
final class TemporalCancelTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-cancel";

  @TempDir Path dir;
  @Test
  void aCancelStopsTheRunningAgentsAndFinishesCancelledWithNoActivityLeftRunning() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    CountDownLatch working = new CountDownLatch(2);
    CountDownLatch stopped = new CountDownLatch(2);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator")
        .reply(
            Reply.text(
                RoleAnswers.plan(
                    List.of(
                        Task.builder("T1", "Wait one").writeScope("a.txt").role("implementer").build(),
                        Task.builder("T2", "Wait two").writeScope("b.txt").role("implementer").build(),
                        Task.builder("T3", "After").writeScope("c.txt").dependsOn("T1").role("implementer").build()))));
    // Each agent works until it is stopped: only the cancel ends it.
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  working.countDown();
                  try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    stopped.countDown();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted"); // as a real provider's call ends
                  }
                  return ModelResponse.text(RoleAnswers.implementation("not stopped"), TokenUsage.ZERO);
                }));
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).heartbeatEvery(Duration.ofMillis(100)).build()) {
      worker.registerOn(env.getWorkerFactory());
      env.start();
      // Temporal tells an activity of a cancel at its next heartbeat that reaches the server, which it
      // sends at most every 80% of the heartbeat timeout: a short timeout keeps the test short.
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(env.getWorkflowClient()).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).build();
      String runId = temporal.start("Wait until cancelled");
      assertTrue(working.await(30, TimeUnit.SECONDS), "both agents started");
      String status = temporal.status(runId);
      assertTrue(status.contains("T1") && status.contains("T2"), status);

      long cancelledAt = System.nanoTime();
      temporal.cancel(runId);
      OrchestraEvent.RunFinished end = temporal.await(runId);
      System.out.printf("cancel to finish: %d ms%n", (System.nanoTime() - cancelledAt) / 1_000_000);

      assertEquals(StopReason.CANCELLED.name(), end.stopReason(), end.message());
      assertTrue(stopped.await(0, TimeUnit.SECONDS), "both agents were interrupted before the run finished");
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
      for (String id : List.of("T1", "T2")) {
        assertTrue(
            journal.stream().anyMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals(id) && f.status() == TaskStatus.TODO),
            id + " ends to be done again: " + journal);
      }
      assertTrue(journal.stream().noneMatch(e -> e instanceof OrchestraEvent.TaskStarted s && s.taskId().equals("T3")), "nothing new started");
      // A workflow closed as cancelled still tells a listener the whole journal, its finish last.
      List<OrchestraEvent> told = new java.util.ArrayList<>();
      assertEquals(end, temporal.await(runId, told::add));
      assertEquals(journal, told);
      assertTrue(journal.get(journal.size() - 1) instanceof OrchestraEvent.RunFinished, "the finish is journalled last");

      // No activity was left running: every one scheduled was closed before the workflow completed.
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      List<HistoryEvent> events = history.getEvents();
      long scheduled = events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).count();
      long closed =
          events.stream()
              .filter(
                  e ->
                      e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                          || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
                          || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
                          || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
              .count();
      assertEquals(scheduled, closed, "activities scheduled and closed");
      assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, events.get(events.size() - 1).getEventType(), "Temporal closes a cancelled workflow as cancelled");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      HistoryFixturesTest.record("cancelled-run", history);
    }
  }

  @Test
  void aCancelReachesTheGatesTheDeskRunsAndKillsTheirProcesses() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"));
    model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    // The round's CI check runs until it is killed; it names its child so the test can look for it.
    Gate slowCheck = Gate.ci(List.of("sleep 120 & echo $! > .check.pid; wait"));
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addGate(slowCheck).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write a.txt");
      long pid = awaitCheck(ws);
      try {
        long cancelledAt = System.nanoTime();
        temporal.cancel(runId);
        OrchestraEvent.RunFinished end = temporal.await(runId);
        long tookMs = (System.nanoTime() - cancelledAt) / 1_000_000;

        assertEquals(StopReason.CANCELLED.name(), end.stopReason(), end.message());
        assertTrue(tookMs < 60_000, "the cancel did not wait for the check to end by itself: " + tookMs + " ms");
        for (int i = 0; i < 100 && alive(pid); i++) {
          Thread.sleep(20);
        }
        assertTrue(!alive(pid), "the check's process was killed");
        List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
        assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.CANCELLED).count(),
            "one stop, fed at the desk: " + journal);
        WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
        assertTrue(history.getEvents().stream().anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("InterruptDesk")),
            "the cancel went to the desk");
        WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
        HistoryFixturesTest.record("cancelled-at-desk-run", history);
      } finally {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // a failed test leaves no check behind
      }
    }
  }

  @Test
  void aRunTerminatedWhileItsDeskRunsAGateLeavesNoProcessAndReleasesTheWorkspace() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(writing("T1", "a.txt"));
    model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    Gate slowCheck = Gate.ci(List.of("sleep 120 & echo $! > .check.pid; wait"));
    try (Orchestrator team = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addGate(slowCheck).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).heartbeatEvery(Duration.ofMillis(100)).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write a.txt");
      long pid = awaitCheck(ws);
      try {
        // Terminated, not cancelled: the workflow ends at once and never tells its desk.
        env.getWorkflowClient().newUntypedWorkflowStub(TemporalOrchestrator.workflowId(runId)).terminate("by a person, in the test");
        for (int i = 0; i < 1500 && alive(pid); i++) {
          Thread.sleep(20);
        }
        assertTrue(!alive(pid), "the check's process was killed once Temporal gave the desk's call up");
        // The desk closed: the workspace's run lock is free for the next run.
        RunLock lock = null;
        for (int i = 0; i < 1500 && lock == null; i++) {
          try {
            lock = RunLock.acquire(ws, ws.resolve(".orchestra").resolve("run.lock"), "next", java.time.Instant.now());
          } catch (RuntimeException held) {
            Thread.sleep(20);
          }
        }
        assertTrue(lock != null, "the terminated run's desk released the workspace");
        lock.close();
      } finally {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /**
   * A cancel while the workflow waits for its desk to confirm a task's end it fed ahead of the desk:
   * the command that waits behind the confirmation (through a git remote, the task's integration,
   * without which the run cannot finish) is not dropped, and the run ends CANCELLED as in one JVM.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aCancelWhileTheDeskConfirmsAnEndFedAheadOfItEndsTheRunCancelled() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path clone = TestRemotes.cloneOf(remote, dir, "desk");
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // The desk's listener holds the desk's call about T1's end until the workflow has taken the cancel.
    OrchestraListener holdAtT1 =
        e -> {
          if (e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && holding.getCount() > 0) {
            holding.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try (Orchestrator team = SyntheticTeam.build(clone, 1, 2, 10, 4, id -> {}, "true", holdAtT1);
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).gitRemote(remote.toString()).build()) {
      TemporalOrchestrator temporal = serve(worker);
      String runId = temporal.start("Write f1.txt");
      assertTrue(holding.await(60, TimeUnit.SECONDS), "the desk was given T1's end");
      temporal.cancel(runId);
      awaitCancelTaken(runId);
      release.countDown();
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.CANCELLED.name(), end.stopReason(), end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(clone);
      assertEquals(
          1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && f.status() == TaskStatus.DONE).count(),
          "T1 done once: " + journal);
      assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.StopRequested s && s.reason() == StopReason.CANCELLED).count(),
          "one stop: " + journal);
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      // The cancel came while the workflow waited for the desk's answer about T1's end: the
      // integration waiting behind that answer was carried out after it.
      long cancelAt = history.getEvents().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
          .findFirst().orElseThrow().getEventId();
      long answeredAt = TemporalRunTest.tasksEndedAnswered(history, "T1");
      assertTrue(cancelAt < answeredAt, "cancel at event " + cancelAt + ", the desk answered T1's end at " + answeredAt);
      assertTrue(history.getEvents().stream().anyMatch(e -> e.getEventId() > answeredAt && e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("CarryOut")),
          "the command that waited behind the answer went to the desk");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      HistoryFixturesTest.record("cancelled-while-ends-unconfirmed", history);
    } finally {
      release.countDown();
    }
  }

  /** Waits until the run's workflow completed a workflow task after its cancel was requested: it took the cancel. */
  private void awaitCancelTaken(String runId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean requested = false;
      for (HistoryEvent e : env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)).getEvents()) {
        requested |= e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
        if (requested && e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the workflow never took the cancel");
  }

  /** Waits for the slow check to start and returns its process id. */
  private static long awaitCheck(Path ws) throws Exception {
    Path pidFile = ws.resolve(".check.pid");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(pidFile), "the check started");
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  /** Alive and not a zombie (an orphan killed where nothing reaps it stays one). */
  private static boolean alive(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    if (Files.exists(stat)) {
      String s = Files.readString(stat);
      return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
