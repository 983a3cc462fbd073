package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.internal.ChildJvm;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker that keeps a run's desk is killed (SIGKILL) while the desk runs the round's CI check.
 * The desk's calls heartbeat, so the workflow, on the worker left, hears of the loss within the
 * heartbeat timeout (not at the call's two-hour timeout), opens the desk again on the worker left
 * from the run's journal, and sends the check again there: the run ends GREEN.
 */
final class DeskWorkerKillTest {
  private static final String QUEUE = "orchestra-desk-kill";
  /** The round's CI check: the first one runs until it is killed and names its process; the next passes. */
  private static final String CHECK = "if [ -e .check.pid ]; then exit 0; fi; sleep 120 & echo $! > .check.pid; wait";

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // without the desk's heartbeats the run would wait two hours
  void aDeskWorkerKilledDuringAGateMovesTheDeskToTheWorkerLeftAndTheRunEndsGreen() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path pidFile = ws.resolve(".check.pid");
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      // One task of two calls (a write, then the answer), and the check above.
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, ws.toString(), "true", "2", "1", "2", "10", "12", "false", CHECK);
          Orchestrator team = SyntheticTeam.build(ws, 1, 2, 10, 12, id -> {}, CHECK);
          // Not sticky: Temporal's test server never moves a workflow off a dead worker's sticky queue.
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).stickyWorkflows(false).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(5)).build();
        String runId = temporal.start("Write f1.txt");
        long check = awaitPid(pidFile);
        try {
          left.start(client); // only now: the run's desk is on the worker about to die
          desk.kill();
          OrchestraEvent.RunFinished end = temporal.await(runId);

          assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
          assertEquals("T1\n", Files.readString(ws.resolve("f1.txt")));
          List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
          assertEquals(
              1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && f.status() == TaskStatus.DONE).count());
          // The lost desk journalled the check's start; the run never heard of it, so that line went
          // when the desk was opened again, and the check that ran there is the one journalled.
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateStarted).count(), "one check start: " + journal);
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateFinished).count(), "one check end: " + journal);
          assertTrue(journal.get(journal.size() - 1) instanceof OrchestraEvent.RunFinished, "the finish is journalled last");

          WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
          HistoryEvent timedOut =
              history.getEvents().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT).findFirst().orElseThrow();
          assertEquals(
              TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
              timedOut.getActivityTaskTimedOutEventAttributes().getFailure().getTimeoutFailureInfo().getTimeoutType());
          assertEquals(
              1,
              history.getEvents().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                  && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("ReopenDesk")).count(),
              "the desk was opened again once");
          WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
          HistoryFixturesTest.record("desk-moved", history);
        } finally {
          ProcessHandle.of(check).ifPresent(ProcessHandle::destroyForcibly); // the killed worker's check, orphaned
        }
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * A person's plan edit goes to the desk for the round's plan check; the desk merges it, journals
   * the merge, and its worker hangs there and is killed. The desk opened again on the worker left
   * is cut back to before the check and given the edit again (the lost desk took it along): the
   * edit is merged once, the task it adds runs once, and the run ends GREEN.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aPlanEditGivenToADeskLostDuringItsCheckIsGivenAgainToTheDeskOpenedAgain() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    // The round's check waits for the test's word, so the edit is in before the round's plan check.
    String check = "touch .check.started; while [ ! -e .go ]; do sleep 0.05; done";
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, ws.toString(), "true", "2", "1", "2", "10", "12", "false", check, "",
                  "edit:T2");
          Orchestrator team = SyntheticTeam.build(ws, 1, 2, 10, 12, id -> {}, check);
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).stickyWorkflows(false).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(5)).build();
        String runId = temporal.start("Write f1.txt");
        try {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!Files.exists(ws.resolve(".check.started")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertTrue(Files.exists(ws.resolve(".check.started")), "the round's check started");
          dev.orchestra.plan.Plan seen = temporal.plan(runId).orElseThrow();
          List<dev.orchestra.plan.Task> withT2 = new java.util.ArrayList<>(seen.tasks());
          withT2.add(dev.orchestra.plan.Task.builder("T2", "Write f2.txt").writeScope("f2.txt").role("implementer").acceptanceCriteria("f2.txt exists").build());
          temporal.editPlan(runId, seen, dev.orchestra.plan.Plan.builder(seen.goal()).tasks(withT2).build());
        } finally {
          Files.writeString(ws.resolve(".go"), ""); // the check ends, whatever happened: its shell must not loop on
        }
        desk.await("holding edit:T2", 60);
        left.start(client);
        desk.kill();
        OrchestraEvent.RunFinished end = temporal.await(runId);

        assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
        assertEquals("T2\n", Files.readString(ws.resolve("f2.txt")), "the task the edit added ran");
        List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
        assertEquals(
            1, journal.stream().filter(e -> e instanceof OrchestraEvent.PlanUpdated u && u.addedTaskIds().contains("T2")).count(),
            "the edit was merged once (the lost desk's merge was cut back): " + journal);
        assertEquals(
            1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T2") && f.status() == TaskStatus.DONE).count());
        WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
        java.util.function.ToLongFunction<String> scheduled = activity -> history.getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(activity)).count();
        assertEquals(1, scheduled.applyAsLong("ReopenDesk"), "the desk was opened again once");
        assertEquals(2, scheduled.applyAsLong("EditPlan"), "the edit went to the lost desk, then to the one opened again");
        WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * The same with workers that share only a git remote: the worker left has a clone of its own,
   * which lacks the run's journal, so the workflow stages its own account of the journal there
   * (claimDesk, stageJournal) before the desk is opened again; the run's branch comes from the
   * remote, and the run ends GREEN with the journal and plan.md in the worker left's clone.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aDeskWorkerKilledDuringAGateMovesTheDeskToAnotherCloneOfTheRemoteAndTheRunEndsGreen() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path lostClone = TestRemotes.cloneOf(remote, dir, "lost");
    Path leftClone = TestRemotes.cloneOf(remote, dir, "left");
    Path pidFile = dir.resolve("check.pid");
    String check = checkNamingItsProcessIn(pidFile);
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, lostClone.toString(), "true", "2", "1", "2", "10", "12", "false", check,
                  remote.toString());
          Orchestrator team = SyntheticTeam.build(leftClone, 1, 2, 10, 12, id -> {}, check);
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).stickyWorkflows(false).gitRemote(remote.toString()).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(5)).build();
        String runId = temporal.start("Write f1.txt");
        long checkPid = awaitPid(pidFile);
        try {
          left.start(client);
          desk.kill();
          OrchestraEvent.RunFinished end = temporal.await(runId);

          assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
          assertEquals("T1\n", TestRemotes.git(remote, "show", "orchestra/" + runId + ":f1.txt"));
          List<OrchestraEvent> journal = InMemoryTemporalTest.journal(leftClone);
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
          assertEquals(
              1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && f.status() == TaskStatus.DONE).count());
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateStarted).count(), "one check start: " + journal);
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateFinished).count(), "one check end: " + journal);
          assertTrue(journal.get(journal.size() - 1) instanceof OrchestraEvent.RunFinished, "the finish is journalled last");
          assertTrue(Files.readString(leftClone.resolve("plan.md")).contains("T1"), "plan.md is in the clone that took over");

          WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
          for (String activity : List.of("ClaimDesk", "StageJournal", "ReopenDesk")) {
            assertEquals(
                1,
                history.getEvents().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                    && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(activity)).count(),
                activity + " once");
          }
          WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
          HistoryFixturesTest.record("desk-moved-clone", history);
        } finally {
          ProcessHandle.of(checkPid).ifPresent(ProcessHandle::destroyForcibly);
        }
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * The desk's worker dies while the desk feeds a task's end the workflow fed already (the workflow
   * feeds an end before it asks the desk, so the next tasks leave at once). The lost desk journalled
   * the end and then hung, as a worker does that dies between the two; the desk opened again on the
   * worker left starts from the journal as it stood before that end, is given the end again, and
   * answers what the workflow fed: the end is journalled once and the run ends GREEN.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aDeskWorkerLostWhileItFedATaskEndTheWorkflowFedFirstIsGivenTheEndAgainOnTheWorkerLeft() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      // One task of two calls (a write, then the answer); the desk hangs once it journalled the task's end.
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, ws.toString(), "true", "2", "1", "2", "10", "12", "false", "true", "",
                  "T1");
          Orchestrator team = SyntheticTeam.build(ws, 1, 2, 10, 12, id -> {}, "true");
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).stickyWorkflows(false).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(5)).build();
        String runId = temporal.start("Write f1.txt");
        desk.await("holding T1", 120);
        List<OrchestraEvent> lost = InMemoryTemporalTest.journal(ws);
        assertEquals(1, lost.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")).count(), "the lost desk journalled the end: " + lost);
        left.start(client);
        desk.kill();
        OrchestraEvent.RunFinished end = temporal.await(runId);

        assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
        assertEquals("T1\n", Files.readString(ws.resolve("f1.txt")));
        List<OrchestraEvent> journal = InMemoryTemporalTest.journal(ws);
        assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
        assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")).count(), "one end of T1: " + journal);
        assertTrue(journal.get(journal.size() - 1) instanceof OrchestraEvent.RunFinished, "the finish is journalled last");

        WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
        assertEquals(1, Histories.scheduled(history, "ReopenDesk"), "the desk was opened again once");
        WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
        HistoryFixturesTest.record("desk-lost-during-ends-fed-first", history);
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * Through a git remote: the desk's worker is killed during a gate, another worker claims the desk
   * and is lost too before the desk opened there (its git fetch hangs, then it is killed); a third
   * worker claims it and the run ends GREEN from the workflow's journal.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aWorkerLostAfterItClaimedTheDeskIsFollowedByAnotherClaimAndTheRunEndsGreen() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path lostClone = TestRemotes.cloneOf(remote, dir, "lost");
    Path claimingClone = TestRemotes.cloneOf(remote, dir, "claiming");
    Path leftClone = TestRemotes.cloneOf(remote, dir, "left");
    Path pidFile = dir.resolve("check.pid");
    String check = checkNamingItsProcessIn(pidFile);
    // The claiming worker's git: a fetch hangs, and names its process in `held`.
    Path held = dir.resolve("held");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    String git = java.util.Arrays.stream(System.getenv("PATH").split(":")).map(d -> Path.of(d, "git")).filter(Files::isExecutable)
        .findFirst().orElseThrow().toString();
    Path wrapper = Files.writeString(
        bin.resolve("git"),
        "#!/bin/sh\ncase \" $* \" in *\" fetch \"*) echo $$ > " + held + "; exec sleep 120;; esac\nexec " + git + " \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, dir.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try (ChildJvm desk =
              new ChildJvm(
                  TestWorkerMain.class, dir.resolve("desk.log"), target, QUEUE, lostClone.toString(), "true", "2", "1", "2", "10", "12", "false", check,
                  remote.toString());
          Orchestrator team = SyntheticTeam.build(leftClone, 1, 2, 10, 12, id -> {}, check);
          OrchestraWorker left = OrchestraWorker.builder(team).taskQueue(QUEUE).stickyWorkflows(false).gitRemote(remote.toString()).build()) {
        desk.await("ready", 60);
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(5)).build();
        String runId = temporal.start("Write f1.txt");
        long checkPid = awaitPid(pidFile);
        long fetchPid = -1;
        try (ChildJvm claiming =
                new ChildJvm(
                    TestWorkerMain.class, dir.resolve("claiming.log"), java.util.Map.of("PATH", bin + ":" + System.getenv("PATH")), target, QUEUE,
                    claimingClone.toString(), "true", "2", "1", "2", "10", "12", "false", check, remote.toString())) {
          claiming.await("ready", 60);
          desk.kill();
          fetchPid = awaitPid(held); // the claiming worker is opening the desk: its fetch hangs
          left.start(client);
          claiming.kill();
          OrchestraEvent.RunFinished end = temporal.await(runId);

          assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
          assertEquals("T1\n", TestRemotes.git(remote, "show", "orchestra/" + runId + ":f1.txt"));
          List<OrchestraEvent> journal = InMemoryTemporalTest.journal(leftClone);
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
          assertEquals(
              1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1") && f.status() == TaskStatus.DONE).count());
          assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.GateFinished).count(), "one check end: " + journal);
          WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
          assertEquals(2, Histories.scheduled(history, "ClaimDesk"), "claimed twice");
          assertEquals(2, Histories.scheduled(history, "ReopenDesk"), "opened twice, once where it opened");
          WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
          HistoryFixturesTest.record("desk-claimed-again", history);
        } finally {
          ProcessHandle.of(checkPid).ifPresent(ProcessHandle::destroyForcibly);
          if (fetchPid < 0 && Files.exists(held) && !Files.readString(held).isBlank()) {
            fetchPid = Long.parseLong(Files.readString(held).strip()); // a fetch that hung after the test gave up waiting
          }
          if (fetchPid > 0) {
            ProcessHandle.of(fetchPid).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * The round's CI check for runs through a remote: the first runs until it is killed and names its
   * process in {@code pidFile}, outside every clone (each desk checks in a worktree of its own); the
   * next passes.
   */
  private static String checkNamingItsProcessIn(Path pidFile) {
    return "if [ -e " + pidFile + " ]; then exit 0; fi; sleep 120 & echo $! > " + pidFile + "; wait";
  }

  /** Waits for a process to name itself in {@code pidFile} (the desk's CI check, a hanging fetch); returns its id. */
  private static long awaitPid(Path pidFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(pidFile), pidFile + " names a process");
    return Long.parseLong(Files.readString(pidFile).strip());
  }
}
