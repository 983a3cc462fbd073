package dev.orchestra.temporal;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.temporal.internal.RunActivitiesImpl;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs Orchestra's workflows and activities in this JVM for one team: the roles, gates, agents and
 * model of an {@link Orchestrator} built as for a run in one JVM, working in its workspace.
 *
 * <p>Every worker of a task queue must be built with the same team. A worker runs the workflows and
 * the agents' tasks of its queue and, unless built with {@code keepsDesks(false)}, also keeps runs'
 * desks (journal, plan.md, planner, gates, finish, in its orchestrator's workspace): a run's desk
 * stays with the worker that opened it, whose own queue its later calls go to, until the run
 * finishes. Should that worker be gone for five minutes, the run fails saying so.
 *
 * <p>By default the workers of a queue share the runs' folder (their orchestrators' workspace is
 * one folder every machine sees). Built with {@link Builder#gitRemote}, they share only a git
 * remote: each works in a clone of its own, and every agent's task in a worktree of that clone.
 *
 * <p>Thread-safe. {@link #close()} stops polling and closes the desks of runs that did not finish
 * here; it does not close the orchestrator, which stays the caller's.
 */
public final class OrchestraWorker implements AutoCloseable {
  /** The task queue when none is given. */
  public static final String DEFAULT_TASK_QUEUE = "orchestra";

  private final String taskQueue;
  private final int slots;
  private final boolean keepsDesks;
  private final boolean stickyWorkflows;
  private final String ownDeskQueue;
  private final RunActivitiesImpl activities;
  private WorkerFactory factory;

  private OrchestraWorker(Builder b) {
    this.taskQueue = b.taskQueue;
    this.slots = b.slots;
    this.keepsDesks = b.keepsDesks;
    this.stickyWorkflows = b.stickyWorkflows;
    this.ownDeskQueue = desksQueue(taskQueue) + "-" + UUID.randomUUID();
    this.activities =
        new RunActivitiesImpl(EngineHost.of(b.orchestrator), b.heartbeatEvery, ownDeskQueue, Optional.ofNullable(b.gitRemote).map(GitRemote::new));
  }

  /** The queue the workers of {@code taskQueue} that keep desks poll for a run's first desk call. */
  static String desksQueue(String taskQueue) {
    return taskQueue + "-desks";
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
   * Creates this worker's Temporal workers in a factory the caller made and starts (a test
   * environment's, or one shared with other workflows): one for the task queue (workflows and
   * agents' tasks, at most {@code slots} tasks at once) and, when it keeps desks, one for the queue
   * of runs' first desk calls and one for its own.
   *
   * @param factory a factory not started yet
   */
  public synchronized void registerOn(WorkerFactory factory) {
    WorkerOptions.Builder options = WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(slots);
    if (!stickyWorkflows) {
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    activities.signalThrough(factory.getWorkflowClient());
    Worker tasks = factory.newWorker(taskQueue, options.build());
    tasks.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
    tasks.registerActivitiesImplementations(activities);
    if (keepsDesks) {
      factory.newWorker(desksQueue(taskQueue)).registerActivitiesImplementations(activities);
      factory.newWorker(ownDeskQueue).registerActivitiesImplementations(activities);
    }
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
    registerOn(f);
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
    private boolean keepsDesks = true;
    private String gitRemote;
    private boolean stickyWorkflows = true;

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
     * Sets how often a task's activity, or a desk call, heartbeats; 1 s by default, the first one
     * interval after it starts (Temporal counts the heartbeat timeout from the start, so a call
     * shorter than this sends none). Temporal's SDK passes a heartbeat on to the server at most
     * every 80% of the run's heartbeat timeout, so frequent calls cost little; keep this well under
     * that timeout ({@link TemporalOrchestrator.Builder#heartbeatTimeout}).
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

    /**
     * Sets whether this worker keeps runs' desks; true by default. A worker that does not runs
     * workflows and agents' tasks only; its orchestrator's workspace must still be the runs' folder
     * (the agents write there, and the desk's gates check it), as every worker's must, or a clone of
     * the runs' {@link #gitRemote}.
     *
     * @param keepsDesks whether it keeps desks
     * @return this builder
     */
    public Builder keepsDesks(boolean keepsDesks) {
      this.keepsDesks = keepsDesks;
      return this;
    }

    /**
     * Sets the git remote the runs' clones share: a URL or path git can fetch from and push to, and
     * of which this worker's orchestrator workspace is a clone. Runs whose desk this worker opens are
     * then shared through it, and need no folder in common: every agent's task works in a worktree
     * of its worker's clone, made from the run's branch {@code orchestra/<run-id>} as the remote has
     * it, and pushes its commit on the task's branch; the desk fetches the branches waiting (together),
     * merges each into the run's branch, pushes it once for them, and runs the gates on it. The run's result is that branch
     * on the remote; no clone's checkout is moved. Every worker of the queue must be built with the
     * remote (each with its own clone), and the team with {@code Isolation.worktrees()}, the default.
     * Unset by default: the workers share the runs' folder.
     *
     * @param urlOrPath the remote, as {@code git fetch} takes it; credentials in a URL are never logged
     * @return this builder
     * @throws IllegalArgumentException when it is blank or starts with {@code -}
     */
    public Builder gitRemote(String urlOrPath) {
      this.gitRemote = new GitRemote(Objects.requireNonNull(urlOrPath, "urlOrPath")).url();
      return this;
    }

    /**
     * Sets whether Temporal sends a run's workflow tasks to the worker that has the workflow in its
     * cache (sticky execution); true by default, and right for a Temporal server. Set false with
     * Temporal's Java test server ({@link LocalTemporalServer}): it never moves a workflow off the
     * sticky queue of a worker that died, so the run would wait for ever (measured: a worker
     * SIGKILLed while holding the workflow stalled the run for ten minutes, until the test gave up).
     * Without it every workflow task replays the run's history, which costs CPU as the run grows.
     *
     * @param sticky whether workflow tasks stick to the worker that has the workflow cached
     * @return this builder
     */
    public Builder stickyWorkflows(boolean sticky) {
      this.stickyWorkflows = sticky;
      return this;
    }

    /**
     * Builds the worker, not started.
     *
     * @throws IllegalArgumentException with a {@link #gitRemote}, when the team's tasks share one
     *     tree ({@code Isolation.shared()}) or its workspace is not a clone (a git work tree with a commit)
     */
    public OrchestraWorker build() {
      if (gitRemote != null) {
        EngineHost.of(orchestrator).checkAtRemote(new GitRemote(gitRemote));
      }
      return new OrchestraWorker(this);
    }
  }
}
