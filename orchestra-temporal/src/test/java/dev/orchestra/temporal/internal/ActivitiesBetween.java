package dev.orchestra.temporal.internal;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;

/**
 * A worker's activities as another worker would run them: each call goes to {@code real}, but for
 * those a test overrides (a desk running other code, a call that reaches the desk late).
 */
class ActivitiesBetween implements RunActivities {
  final RunActivities real;

  ActivitiesBetween(RunActivities real) {
    this.real = real;
  }

  /**
   * Holds the calling activity as a worker that hangs would hold it (no heartbeat, no answer) until
   * {@code released} or a minute passes, then returns the failure to throw, which nobody hears.
   */
  static IllegalStateException hang(java.util.concurrent.CountDownLatch released) {
    try {
      released.await(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("the test is over");
  }

  /**
   * Registers the run's workflow and {@code activities} on a test server's workers as an
   * OrchestraWorker that keeps desks would, for {@code queue} (its desk queues {@code queue-desks}
   * and {@code queue-own}, the latter to be the activities' own desk queue), and starts the server.
   */
  static void serve(TestWorkflowEnvironment env, String queue, RunActivities activities) {
    Worker tasks = env.newWorker(queue);
    tasks.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
    tasks.registerActivitiesImplementations(activities);
    env.newWorker(queue + "-desks").registerActivitiesImplementations(activities);
    env.newWorker(queue + "-own").registerActivitiesImplementations(activities);
    env.start();
  }

  @Override
  public DeskReply tasksEnded(String runId, List<TaskEnd> ends) {
    return real.tasksEnded(runId, ends);
  }

  @Override
  public String openDesk(String runId, int mergesAtOnce) {
    return real.openDesk(runId, mergesAtOnce);
  }

  @Override
  public String reopenDesk(String runId, int known, String lastEvent, Map<String, String> explorations, int mergesAtOnce) {
    return real.reopenDesk(runId, known, lastEvent, explorations, mergesAtOnce);
  }

  @Override
  public String claimDesk(String runId) {
    return real.claimDesk(runId);
  }

  @Override
  public void routeApprovals(String runId) {
    real.routeApprovals(runId);
  }

  @Override
  public void stageJournal(String runId, int from, List<String> lines) {
    real.stageJournal(runId, from, lines);
  }

  @Override
  public void stageKeptJournal(String runId, int known, String lastEvent) {
    real.stageKeptJournal(runId, known, lastEvent);
  }

  @Override
  public void keepJournal(String runId) {
    real.keepJournal(runId);
  }

  @Override
  public List<String> journalLines(String runId, int from, long maxChars) {
    return real.journalLines(runId, from, maxChars);
  }

  @Override
  public void closeDesk(String runId) {
    real.closeDesk(runId);
  }

  @Override
  public DeskReply observe(String runId, List<String> events) {
    return real.observe(runId, events);
  }

  @Override
  public String runTask(TaskCall call) {
    return real.runTask(call);
  }

  @Override
  public DeskReply carryOut(String runId, String command) {
    return real.carryOut(runId, command);
  }

  @Override
  public boolean interruptDesk(String runId) {
    return real.interruptDesk(runId);
  }

  @Override
  public void editPlan(String runId, String base, String edited) {
    real.editPlan(runId, base, edited);
  }
}
