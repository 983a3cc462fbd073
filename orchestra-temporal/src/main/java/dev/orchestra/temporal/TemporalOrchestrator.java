package dev.orchestra.temporal;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.plan.Plan;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.temporal.internal.RunRequest;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.temporal.internal.RunWorkflow;
import dev.orchestra.temporal.internal.Wire;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts runs on Temporal: each run is a workflow on a task queue that {@link OrchestraWorker}s poll,
 * decided by the same state machine as a run in one JVM, with the journal and plan.md written in the
 * workspace of the worker that keeps the run's desk.
 *
 * <p>Only one run at a time per repository folder: a run's desk holds the folder's run lock, and a
 * second run's start fails at its desk. Thread-safe. A run's workflow id is {@code "orchestra-" +
 * runId}. Temporal keeps the run's events (agents' messages and reports among them) in its history:
 * configure a payload codec on the client to encrypt them at rest.
 */
public final class TemporalOrchestrator {
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String WORKFLOW_ID_PREFIX = "orchestra-";
  /** How often {@link #await(String, OrchestraListener)} asks the workflow for new events. */
  private static final long EVENT_POLL_MILLIS = 200;
  private static final Logger log = LoggerFactory.getLogger(TemporalOrchestrator.class);

  private final WorkflowClient client;
  private final String taskQueue;
  private final Duration heartbeatTimeout;
  private final int continueAfterEvents;
  private final boolean approvalsThroughRun;
  private final long historySizeLimit;
  private final SecureRandom random = new SecureRandom();

  private TemporalOrchestrator(Builder b) {
    this.client = b.client;
    this.taskQueue = b.taskQueue;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.continueAfterEvents = b.continueAfterEvents;
    this.approvalsThroughRun = b.approvalsThroughRun;
    this.historySizeLimit = b.historySizeLimit;
  }

  /**
   * Returns a builder of an orchestrator that starts runs through {@code client}.
   *
   * @param client the client of the Temporal service
   * @return the builder
   */
  public static Builder builder(WorkflowClient client) {
    return new Builder(client);
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
    WorkflowClient.start(workflow::run, new RunRequest(runId, goal, OrchestraWorker.desksQueue(taskQueue), heartbeatTimeout.toMillis(), continueAfterEvents, approvalsThroughRun,
            historySizeLimit));
    return runId;
  }

  /**
   * Waits for a run's end; blocks meanwhile. {@link #await(String, OrchestraListener)} also tells a
   * listener of the run's events.
   *
   * @param runId a run {@link #start} started
   * @return its {@code RunFinished} event
   * @throws io.temporal.client.WorkflowFailedException when the workflow failed instead of finishing
   *     (its cause says why), or was cancelled before its finish
   */
  public OrchestraEvent.RunFinished await(String runId) {
    String line;
    try {
      line = stub(runId).getResult(String.class);
    } catch (WorkflowFailedException e) {
      // A cancelled workflow closes as cancelled even when it finished the run: read the finish.
      if (!(e.getCause() instanceof CanceledFailure)) {
        throw e;
      }
      line = client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).finished();
      if (line.isEmpty()) {
        throw e; // cancelled before the run could finish (its desk never answered)
      }
    }
    return (OrchestraEvent.RunFinished) Wire.event(line);
  }

  /**
   * Waits for a run's end as {@link #await(String)} does, telling {@code listener} of every event of
   * the run meanwhile: the run's journal, from its first event to its {@code RunFinished}, each
   * event once and in order, read from the workflow every {@value #EVENT_POLL_MILLIS} ms. The
   * listener is called on this thread; an exception it throws is logged and the run's events go on.
   * A run started earlier is told from its first event, and so is one that already finished.
   *
   * @param runId a run {@link #start} started
   * @param listener told of the run's events
   * @return its {@code RunFinished} event
   * @throws InterruptedException when this thread is interrupted while waiting (the run goes on)
   * @throws io.temporal.client.WorkflowFailedException when the workflow failed instead of finishing
   */
  public OrchestraEvent.RunFinished await(String runId, OrchestraListener listener) throws InterruptedException {
    Objects.requireNonNull(listener, "listener");
    RunWorkflow workflow = client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId);
    // Tells when the workflow closed. The SDK's own poll behind it goes on until then, whatever
    // becomes of this future.
    CompletableFuture<String> ended = stub(runId).getResultAsync(String.class);
    int told = 0;
    int failures = 0;
    while (true) {
      if (ended.isDone() && !closed(ended)) {
        ended = stub(runId).getResultAsync(String.class); // the wait itself failed (a connection): wait again
      }
      boolean closed = ended.isDone(); // before the query: a closed workflow's events are all there
      List<String> lines;
      try {
        lines = workflow.events(told);
      } catch (RuntimeException e) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while reading the events of run " + runId);
        }
        if (closed) {
          log.warn("run {}: its last events could not be read ({}); the listener misses them", runId, e.toString());
          return await(runId);
        }
        // The run's worker busy or restarting: the run goes on, and so does the reading.
        if (++failures % 50 == 1) {
          log.warn("run {}: reading its events failed ({} times so far), trying again: {}", runId, failures, e.toString());
        }
        Thread.sleep(EVENT_POLL_MILLIS);
        continue;
      }
      for (String line : lines) {
        OrchestraEvent event = Wire.event(line);
        told++;
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("run {}: a listener failed on {}", runId, event.kind(), e);
        }
        if (event instanceof OrchestraEvent.RunFinished finished) {
          return finished;
        }
      }
      if (lines.isEmpty()) {
        if (closed) {
          return await(runId); // closed without a finish: fails as await does
        }
        Thread.sleep(EVENT_POLL_MILLIS);
      }
    }
  }

  /** Whether a done result future says the workflow closed (with a result or a workflow failure), not that the wait failed. */
  private static boolean closed(CompletableFuture<String> ended) {
    try {
      ended.getNow(null);
      return true;
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      return e.getCause() instanceof io.temporal.client.WorkflowException;
    }
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
   * Returns where a run stands, as its state machine describes it: phase, round, budget, usage,
   * what runs, and the plan.
   *
   * @param runId the run
   * @return the description, for people
   */
  public String status(String runId) {
    return client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).status();
  }

  /**
   * Returns a run's plan as the workflow has it now (what plan.md on the desk's worker shows, but
   * for its write interval), or empty before the orchestrator planned.
   *
   * @param runId the run
   * @return the plan, or empty
   * @throws io.temporal.client.WorkflowNotFoundException when Temporal knows no such run
   */
  public Optional<Plan> plan(String runId) {
    String markdown = client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).plan();
    return markdown.isEmpty() ? Optional.empty() : Optional.of(Plan.fromMarkdown(markdown, "the plan of run " + runId));
  }

  /**
   * Sends a person's edit of a run's plan, the way editing plan.md in one JVM does: the run merges it
   * at its next plan check (a round's start or end), or at its finish when no check follows. It is merged against {@code base}, the plan the
   * person started from ({@link #plan}), so tasks the run finished meanwhile stay finished unless
   * the edit changed them. Edits sent before one check are merged in the order sent. Returns at
   * once; the run's journal records the merge as a {@code PlanUpdated} "edited by hand". An edit that
   * no longer fits the plan (a task it adds waits for one another edit removed) is left out, logged
   * by the worker that keeps the run's desk; so are all the edits sent before a check when plan.md
   * was edited too and fits only without them. One sent once the finish began is not merged.
   *
   * @param runId the run
   * @param base the plan as the person saw it
   * @param edited the plan as the person left it
   * @throws io.temporal.client.WorkflowNotFoundException when no such run is going on
   */
  public void editPlan(String runId, Plan base, Plan edited) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(edited, "edited");
    client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).editPlan(base.toMarkdown(), edited.toMarkdown());
  }

  /**
   * Cancels a run: its running agents are stopped (each task ends to be done again), nothing new
   * starts, and the run finishes {@code CANCELLED}, with the journal and plan.md written, as a
   * cancel in one JVM does. Returns at once; {@link #await} returns the finish.
   *
   * @param runId the run
   * @throws io.temporal.client.WorkflowNotFoundException when no such run is going on
   */
  public void cancel(String runId) {
    stub(runId).cancel();
  }

  /**
   * Returns the approval requests of a run's agents that wait for a person's answer, oldest first:
   * for runs started with {@link Builder#approvalsThroughRun} (none otherwise).
   *
   * @param runId the run
   * @return the requests, possibly none
   * @throws io.temporal.client.WorkflowNotFoundException when Temporal knows no such run
   */
  public List<PendingApproval> approvals(String runId) {
    List<PendingApproval> out = new ArrayList<>();
    for (String text : client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).approvals()) {
      out.add(new PendingApproval(Wire.pendingApprovalId(text), Wire.pendingApprovalRequest(text)));
    }
    return List.copyOf(out);
  }

  /**
   * Answers an approval request of a run's agent; returns at once. The agent goes on once its worker
   * reads the answer (within about a second) and the journal records it ({@code ApprovalDecided},
   * with {@code decision.decidedBy()}). An answer to a request no longer waiting (answered, or given
   * up at the team's approval timeout) is left out, logged by the workflow.
   *
   * @param runId the run
   * @param approvalId the request's {@link PendingApproval#id}
   * @param decision the answer
   * @throws io.temporal.client.WorkflowNotFoundException when no such run is going on
   */
  public void answerApproval(String runId, String approvalId, ApprovalHandler.Decision decision) {
    Objects.requireNonNull(approvalId, "approvalId");
    Objects.requireNonNull(decision, "decision");
    client.newWorkflowStub(RunWorkflow.class, WORKFLOW_ID_PREFIX + runId).approvalAnswered(approvalId, Wire.decision(decision));
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

  /** Builds a {@link TemporalOrchestrator}. Not thread-safe. */
  public static final class Builder {
    private final WorkflowClient client;
    private String taskQueue = OrchestraWorker.DEFAULT_TASK_QUEUE;
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private int continueAfterEvents = RunWorkflowImpl.DEFAULT_CONTINUE_AFTER_EVENTS;
    private boolean approvalsThroughRun;
    private long historySizeLimit = RunRequest.DEFAULT_HISTORY_SIZE_LIMIT;

    private Builder(WorkflowClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Sets the task queue the team's {@link OrchestraWorker}s poll; {@value
     * OrchestraWorker#DEFAULT_TASK_QUEUE} by default.
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
     * Sets how long an agent's task may go without a heartbeat before Temporal takes it for lost and
     * runs it again on another worker; 10 s by default. A cancel reaches a running agent within
     * about this long too, since Temporal's SDK sends heartbeats at most every 80% of it.
     *
     * @param timeout at least one millisecond
     * @return this builder
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("the heartbeat timeout must be at least 1 ms, got " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * Sets how many events a workflow run's history may grow by before the workflow continues as
     * new, at the next round boundary (a round's plan check with nothing else under way); {@value
     * RunWorkflowImpl#DEFAULT_CONTINUE_AFTER_EVENTS} by default. It also continues once the history
     * grew by 4 MB. The next workflow run reads the run's journal back from the desk, so its history
     * starts with that, not with every activity so far; the journal (a few KB per task) must
     * therefore stay well under the history's limit (see {@link #historySizeLimit}). The run's id,
     * its events, {@link #await}, {@link #cancel} and the queries go on across continuations.
     *
     * @param events at least 1
     * @return this builder
     */
    public Builder continueAsNewAfter(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("the history must be allowed at least 1 event, got " + events);
      }
      this.continueAfterEvents = events;
      return this;
    }

    /**
     * Sets where the approval requests of the agents of runs this orchestrator starts go. False (the
     * default): to the approval handler of the team on the worker each task runs on, as in one JVM.
     * True: to the run's workflow, where a person sees them ({@link TemporalOrchestrator#approvals})
     * and answers them ({@link TemporalOrchestrator#answerApproval}), from any JVM; a request nobody
     * answers within the team's approval timeout is denied, as in one JVM; the wait counts against
     * the task's two hours, so keep that timeout well under them. Requests of the agents the desk
     * runs (the planner, the gates' roles) still go to the desk worker's handler. Workers must know
     * this option (this version or later): an older one answers with its own handler.
     *
     * @param throughRun whether requests go to the run
     * @return this builder
     */
    public Builder approvalsThroughRun(boolean throughRun) {
      this.approvalsThroughRun = throughRun;
      return this;
    }

    /**
     * Sets the size at which the Temporal service ends a workflow run whose history grew past it:
     * the service's {@code limit.historySize.error}, 50 MiB by default, as Temporal's own default.
     * Set it when the service is configured otherwise. A workflow run continued as new reads the
     * run's whole journal back, and a desk moving to another clone of the run's remote is sent it
     * once more, so the journal is kept to 30% of this: at the first round boundary (a round's plan
     * check) after the journal grew past that, the run stops {@code FAILED}, saying so, rather than
     * have Temporal end the workflow with nothing journalled. So does a run whose workflow run's
     * history passes 80% of it where it cannot continue as new (a workflow run continues as new
     * only between rounds, after it grew by 4 MB, or a quarter of this limit when that is less). A
     * desk that would move to another clone when the journal sent there would take the history
     * past this limit is lost ({@code DeskLost}), saying so.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder historySizeLimit(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("the history size limit must be at least 1 byte, got " + bytes);
      }
      this.historySizeLimit = bytes;
      return this;
    }

    /** Builds the orchestrator. */
    public TemporalOrchestrator build() {
      return new TemporalOrchestrator(this);
    }
  }
}
