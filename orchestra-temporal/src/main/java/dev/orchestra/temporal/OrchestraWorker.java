package dev.orchestra.temporal;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.temporal.internal.RunActivitiesImpl;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs Orchestra's workflows and activities in this JVM for one team: the roles, gates, agents and
 * model of an {@link Orchestrator} built as for a run in one JVM, working in its workspace.
 *
 * <p>Every worker of a task queue must be built with the same team (the workflow asks any of them
 * for the run's spec). A run's desk (journal, plan.md, planner, gates, finish) stays in the worker
 * that took the run's first call, until the run finishes.
 *
 * <p>Thread-safe. {@link #close()} stops polling and closes the desks of runs that did not finish
 * here; it does not close the orchestrator, which stays the caller's.
 */
public final class OrchestraWorker implements AutoCloseable {
  /** The task queue when none is given. */
  public static final String DEFAULT_TASK_QUEUE = "orchestra";

  private final String taskQueue;
  private final int slots;
  private final RunActivitiesImpl activities;
  private WorkerFactory factory;

  private OrchestraWorker(Builder b) {
    this.taskQueue = b.taskQueue;
    this.slots = b.slots;
    this.activities = new RunActivitiesImpl(EngineHost.of(b.orchestrator), b.heartbeatEvery);
  }

  /**
   * Returns a builder for a worker of a team.
   *
   * @param orchestrator the team, built with {@code Orchestrator.builder()}
   * @return the builder
   * @throws IllegalArgumentException for an orchestrator not built with {@code Orchestrator.builder()}
   */
  public static Builder builder(Orchestrator orchestrator) {
    return new Builder(orchestrator);
  }

  /** Returns the task queue this worker polls. */
  public String taskQueue() {
    return taskQueue;
  }

  /**
   * Registers Orchestra's workflow and activities on a Temporal worker the caller made and starts
   * (a test environment's, or one of a factory with other workflows).
   *
   * @param worker a worker of this worker's task queue, not started yet
   * @throws IllegalArgumentException when the worker polls another task queue
   */
  public void registerOn(Worker worker) {
    if (!worker.getTaskQueue().equals(taskQueue)) {
      throw new IllegalArgumentException("the worker polls task queue '" + worker.getTaskQueue() + "', not '" + taskQueue + "'");
    }
    worker.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
  }

  /**
   * Starts polling with a worker factory of its own on {@code client}.
   *
   * @param client the client of the Temporal service
   * @throws IllegalStateException when already started
   */
  public synchronized void start(WorkflowClient client) {
    Objects.requireNonNull(client, "client");
    if (factory != null) {
      throw new IllegalStateException("the worker of task queue '" + taskQueue + "' is already started");
    }
    WorkerFactory f = WorkerFactory.newInstance(client);
    // One slot over the tasks' for the run's desk, whose calls are short and one at a time.
    registerOn(f.newWorker(taskQueue, WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(slots + 1).build()));
    f.start();
    factory = f;
  }

  @Override
  public synchronized void close() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      factory = null;
    }
    activities.close();
  }

  /** Builds an {@link OrchestraWorker}. Not thread-safe. */
  public static final class Builder {
    private final Orchestrator orchestrator;
    private String taskQueue = DEFAULT_TASK_QUEUE;
    private int slots = 6;
    private Duration heartbeatEvery = Duration.ofSeconds(1);

    private Builder(Orchestrator orchestrator) {
      this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
      EngineHost.of(orchestrator); // fails now for another implementation, not at the first task
    }

    /**
     * Sets the task queue to poll; {@value #DEFAULT_TASK_QUEUE} by default.
     *
     * @param taskQueue the queue's name, not blank
     * @return this builder
     */
    public Builder taskQueue(String taskQueue) {
      if (taskQueue == null || taskQueue.isBlank()) {
        throw new IllegalArgumentException("the task queue must not be blank");
      }
      this.taskQueue = taskQueue;
      return this;
    }

    /**
     * Sets how many agents' tasks this worker runs at once, whatever the run's thread budget; 6 by
     * default.
     *
     * @param slots at least 1
     * @return this builder
     */
    public Builder slots(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("slots must be at least 1, got " + slots);
      }
      this.slots = slots;
      return this;
    }

    /**
     * Sets how often a task's activity heartbeats; 1 s by default. Temporal's SDK passes a heartbeat
     * on to the server at most every 80% of the run's heartbeat timeout, so frequent calls cost little;
     * keep this well under that timeout ({@link TemporalOrchestrator.Builder#heartbeatTimeout}).
     *
     * @param every positive
     * @return this builder
     */
    public Builder heartbeatEvery(Duration every) {
      if (every == null || every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("heartbeatEvery must be positive, got " + every);
      }
      this.heartbeatEvery = every;
      return this;
    }

    /** Builds the worker, not started. */
    public OrchestraWorker build() {
      return new OrchestraWorker(this);
    }
  }
}
