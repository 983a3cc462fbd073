package dev.orchestra.temporal;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.temporal.internal.RunRequest;
import dev.orchestra.temporal.internal.RunWorkflow;
import dev.orchestra.temporal.internal.Wire;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * Starts runs on Temporal: each run is a workflow on a task queue that {@link OrchestraWorker}s poll,
 * decided by the same state machine as a run in one JVM, with the journal and plan.md written in the
 * workspace of the worker that keeps the run's desk.
 *
 * <p>Thread-safe; holds nothing but the client. A run's workflow id is {@code "orchestra-" + runId}.
 */
public final class TemporalOrchestrator {
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String WORKFLOW_ID_PREFIX = "orchestra-";

  private final WorkflowClient client;
  private final String taskQueue;
  private final SecureRandom random = new SecureRandom();

  private TemporalOrchestrator(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /**
   * Returns an orchestrator that starts runs on {@code taskQueue}.
   *
   * @param client the client of the Temporal service
   * @param taskQueue the queue the team's {@link OrchestraWorker}s poll
   * @return the orchestrator
   */
  public static TemporalOrchestrator of(WorkflowClient client, String taskQueue) {
    Objects.requireNonNull(client, "client");
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException("the task queue must not be blank");
    }
    return new TemporalOrchestrator(client, taskQueue);
  }

  /**
   * Starts a run and returns at once.
   *
   * @param goal what the run is to achieve, not blank
   * @return the run's id
   * @throws io.temporal.client.WorkflowException when Temporal refuses the start
   */
  public String start(String goal) {
    if (goal == null || goal.isBlank()) {
      throw new IllegalArgumentException("the goal must not be blank");
    }
    String runId = RUN_ID_TIME.format(Clock.systemUTC().instant()) + "-" + String.format(Locale.ROOT, "%06x", random.nextInt(1 << 24));
    RunWorkflow workflow =
        client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(WORKFLOW_ID_PREFIX + runId).build());
    WorkflowClient.start(workflow::run, new RunRequest(runId, goal));
    return runId;
  }

  /**
   * Waits for a run's end; blocks meanwhile.
   *
   * @param runId a run {@link #start} started
   * @return its {@code RunFinished} event
   * @throws io.temporal.client.WorkflowFailedException when the workflow failed instead of finishing
   *     (its cause says why), or was cancelled before its finish
   */
  public OrchestraEvent.RunFinished await(String runId) {
    String line = client.newUntypedWorkflowStub(WORKFLOW_ID_PREFIX + runId).getResult(String.class);
    return (OrchestraEvent.RunFinished) Wire.event(line);
  }

  /**
   * Runs to the end: {@link #start} then {@link #await}.
   *
   * @param goal what the run is to achieve
   * @return its {@code RunFinished} event
   */
  public OrchestraEvent.RunFinished run(String goal) {
    return await(start(goal));
  }

  /**
   * Returns where a run stands, as its state machine describes it.
   *
   * @param runId the run
   * @return a few lines for people
   */
  public String status(String runId) {
    return client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).status();
  }

  /**
   * Returns the workflow id of a run, to find it in Temporal's tools.
   *
   * @param runId the run
   * @return its workflow id
   */
  public static String workflowId(String runId) {
    return WORKFLOW_ID_PREFIX + runId;
  }

  /** Returns the stub of a run's workflow, for Temporal's own operations on it. */
  WorkflowStub stub(String runId) {
    return client.newUntypedWorkflowStub(WORKFLOW_ID_PREFIX + runId);
  }
}
