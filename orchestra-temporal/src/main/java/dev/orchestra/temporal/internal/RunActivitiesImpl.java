package dev.orchestra.temporal.internal;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.event.OrchestraEvent;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowTargetOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The activities of a worker, carried out by one orchestrator's team in its workspace. A run's desk
 * stays open in this JVM from {@code openDesk} to the run's finish, or to {@code closeDesk} when the
 * run failed. Thread-safe.
 *
 * <p>Public because Temporal's worker registers it; not Orchestra's API.
 */
public final class RunActivitiesImpl implements RunActivities, AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunActivitiesImpl.class);

  /**
   * How often an agent waiting for a person's approval looks for the answer: a query, which a
   * worker without a cached workflow answers by replaying its history, so not too often.
   */
  private static final Duration APPROVAL_POLL = Duration.ofSeconds(1);

  private final EngineHost host;
  private final String deskQueue;
  private final Duration heartbeatEvery;
  private final Map<String, RunDesk> desks = new ConcurrentHashMap<>();
  /** Each run's task executor on this worker, by run id; guarded by itself. */
  private final Map<String, RunTasks> executors = new HashMap<>();

  /**
   * How long a run's executor stays cached on this worker once none of its tasks runs here: a
   * worker that keeps no desk never hears that a run ended, and would keep every run's for good.
   */
  static final Duration RUN_TASKS_KEPT = Duration.ofMinutes(30);

  /** {@link #RUN_TASKS_KEPT}, but for tests, which cannot wait that long. */
  volatile Duration runTasksKept = RUN_TASKS_KEPT;

  /** A run's executor, how many of the run's tasks run on this worker now, and since when none has ({@link System#nanoTime}). */
  private static final class RunTasks {
    /** Made by the run's first task here, under this holder's own lock: git may take a while, and other runs' tasks must not wait. */
    private TaskExecutor executor;
    /** Guarded by {@link #executors}. */
    int running;
    /** Guarded by {@link #executors}. */
    long idleSince;

    synchronized TaskExecutor executor(java.util.function.Supplier<TaskExecutor> make) {
      if (executor == null) {
        executor = make.get();
      }
      return executor;
    }
  }
  private final ScheduledExecutorService heartbeats;
  /** Runs whose workflow asked a task of theirs to stop: a cancel, which every agent of the run obeys. */
  private final Set<String> cancelledRuns = ConcurrentHashMap.newKeySet();

  /**
   * How long a claim on this worker ({@link #claimDesk}) keeps others out after it was made or last
   * staged to: a workflow stages the journal and reopens the desk within seconds, so an older claim
   * was given up, and its lines go at the next claim.
   */
  static final Duration CLAIM_LASTS = Duration.ofMinutes(10);

  /**
   * A run's claim on this worker's clone: the journal lines staged so far (written under the lock
   * of {@link #claims}; read once staging is over), and when it was made or last staged to ({@link
   * System#nanoTime}). Compared by identity: each claim and each staging makes a new one, so an
   * opening that started from one claim never drops a newer one.
   */
  static final class Claim {
    private final List<String> lines;
    private final long madeAt;

    Claim(List<String> lines, long madeAt) {
      this.lines = lines;
      this.madeAt = madeAt;
    }

    List<String> lines() {
      return lines;
    }

    long madeAt() {
      return madeAt;
    }
  }

  /** {@link #CLAIM_LASTS}, but for tests, which cannot wait that long. */
  volatile Duration claimLasts = CLAIM_LASTS;

  /** Claims on this worker's clone for desks it takes over (see {@link #claimDesk}), by run id; guarded by itself for claiming. */
  private final Map<String, Claim> claims = new ConcurrentHashMap<>();

  /** The git remote this worker's clone shares with the others (runs whose desk it opens go through it), or null. */
  private final GitRemote gitRemote;

  /** See {@link #signalThrough}; null until the worker is registered. */
  private volatile WorkflowClient client;

  /**
   * @param host the team
   * @param heartbeatEvery how often a task's activity tells Temporal it is alive (well inside the
   *     workflow's heartbeat timeout)
   * @param deskQueue the task queue only this worker polls, where a run's desk calls go once it
   *     opened the desk
   */
  public RunActivitiesImpl(EngineHost host, Duration heartbeatEvery, String deskQueue, Optional<GitRemote> gitRemote) {
    this.host = host;
    this.gitRemote = gitRemote.orElse(null);
    this.deskQueue = deskQueue;
    this.heartbeatEvery = heartbeatEvery;
    this.heartbeats =
        Executors.newScheduledThreadPool(
            2, // a heartbeat may block on the server: one slow call must not hold up every task's
            r -> {
              Thread t = new Thread(r, "orchestra-temporal-heartbeat");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String openDesk(String runId, int mergesAtOnce) {
    return deskCall(runId, "openDesk", true, () -> {
      desks.computeIfAbsent(runId, id -> gitRemote != null ? host.deskAtRemote(id, gitRemote, mergesAtOnce) : host.desk(id));
      return team(mergesAtOnce);
    });
  }

  @Override
  public String reopenDesk(String runId, int known, String lastEvent, Map<String, String> explorations, int mergesAtOnce) {
    return deskCall(runId, "reopenDesk", true, () -> {
      // This worker kept the desk the run gave up on (it lost Temporal for a while): that desk may
      // be ahead of the run, so it goes, and the run's journal decides.
      RunDesk reopened;
      Claim claim = null;
      try {
        claim = claims.get(runId); // first: a newer claim may come while the stale desk closes
        RunDesk stale = desks.remove(runId);
        if (stale != null) {
          stale.interrupt(); // its call, given up, may still be carrying out a command: close waits for it
          stale.close();
        }
        Map<String, RoleReport.Exploration> reports = new HashMap<>();
        if (explorations != null) { // a workflow from before they were sent sends none
          explorations.forEach((id, text) -> reports.put(id, (RoleReport.Exploration) Wire.report(text)));
        }
        OrchestraEvent last = Wire.event(lastEvent);
        reopened =
            gitRemote != null
                ? host.reopenDeskAtRemote(runId, gitRemote, known, last, reports, claim == null ? List.of() : claim.lines(), mergesAtOnce)
                : host.reopenDesk(runId, known, last, reports);
      } catch (RuntimeException e) {
        givenUp(runId, claim); // the workflow gives this clone up: other runs may claim it
        throw e;
      }
      synchronized (claims) { // as one step for claimDesk: until the desk is in place, the claim keeps other runs' claims out
        desks.put(runId, reopened);
        claims.remove(runId, claim); // only this call's: the workflow, which gave this call up, may have claimed the clone anew
      }
      return team(mergesAtOnce);
    });
  }

  /**
   * Drops {@code claim}, the claim a desk's opening here started from, once that opening failed:
   * not a newer claim of the same run (the workflow gave the opening up, as lost, and claimed this
   * clone again while it still ran), whose staging would then find no claim.
   */
  void givenUp(String runId, Claim claim) {
    if (claim != null) {
      claims.remove(runId, claim);
    }
  }

  /** The claim on this clone for {@code runId}'s desk, or null: for tests. */
  Claim claimOf(String runId) {
    return claims.get(runId);
  }

  @Override
  public String claimDesk(String runId) {
    return deskCall(runId, "claimDesk", () -> {
      if (gitRemote == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "run " + runId + "'s workers share a git remote, but this worker was built without one: it cannot take the run's desk over",
            "WrongWorkspace");
      }
      synchronized (claims) { // two runs claiming at once: one of them gets this clone
        long now = System.nanoTime();
        claims.values().removeIf(c -> now - c.madeAt() > claimLasts.toNanos());
        java.util.Optional<String> desk = desks.keySet().stream().filter(id -> !id.equals(runId)).findFirst();
        java.util.Optional<String> claimed = claims.keySet().stream().filter(id -> !id.equals(runId)).findFirst();
        if (desk.isPresent() || claimed.isPresent()) {
          // This clone's run lock is, or is about to be, another run's: asked again, the claim may
          // reach a worker that is free.
          throw ApplicationFailure.newFailure(
              "this worker " + (desk.isPresent() ? "keeps the desk of run " + desk.get() : "is taking run " + claimed.get() + "'s desk over")
                  + ": it cannot take run " + runId + "'s over",
              "DeskBusy");
        }
        claims.put(runId, new Claim(new ArrayList<>(), now));
      }
      return deskQueue;
    });
  }

  @Override
  public void routeApprovals(String runId) {
    String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
    deskCall(runId, "routeApprovals", () -> {
      WorkflowClient people = client;
      if (people == null) {
        LOG.warn("run {}: its approvals were to be answered through the run, but this worker has no client to reach it: the team's handler answers", runId);
      } else {
        desk(runId).approvalsBy(new WorkflowApprovals(people, workflowId, APPROVAL_POLL));
      }
      return null;
    });
  }

  @Override
  public void stageJournal(String runId, int from, List<String> lines) {
    deskCall(runId, "stageJournal", () -> {
      stage(runId, from, lines);
      return null;
    });
  }

  @Override
  public void stageKeptJournal(String runId, int known, String lastEvent) {
    deskCall(runId, "stageKeptJournal", () -> {
      if (gitRemote == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "run " + runId + "'s journal is kept on its git remote, but this worker was built without one", "WrongWorkspace");
      }
      // The claim this call stages into, taken before the fetch: a call Temporal gave up on while it
      // fetched must not stage into a claim the workflow made since.
      Claim claim;
      synchronized (claims) {
        claim = claims.get(runId);
        if (claim == null || !claim.lines().isEmpty()) {
          throw ApplicationFailure.newNonRetryableFailure(
              "run " + runId + "'s journal was to be staged from its git remote, but this worker holds "
                  + (claim == null ? "no claim (or one that lapsed after " + claimLasts + ")" : claim.lines().size() + " lines for it already"),
              "DeskLost");
        }
      }
      try {
        List<String> kept =
            host.journalKeptAtRemote(runId, gitRemote)
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                    "the git remote " + gitRemote + " keeps no copy of run " + runId + "'s journal (when the run last continued as new,"
                        + " its desk could not push one, or ran older code)",
                    "DeskLost"));
        if (known < 1 || kept.size() < known || !kept.get(known - 1).equals(lastEvent)) {
          throw ApplicationFailure.newNonRetryableFailure(
              "the copy of run " + runId + "'s journal on the git remote " + gitRemote + " holds " + kept.size() + " lines, not the run's first "
                  + known + " ending with the event the workflow last fed (it was kept before the run's last continuation)",
              "DeskLost");
        }
        synchronized (claims) {
          if (claims.get(runId) != claim) {
            throw ApplicationFailure.newNonRetryableFailure(
                "run " + runId + "'s desk was claimed again on this worker while its journal came from the git remote", "DeskLost");
          }
          stage(runId, 0, kept.subList(0, known));
        }
      } catch (RuntimeException e) {
        givenUp(runId, claim); // the workflow tries each staging once: a claim it cannot use would keep other runs' desks out
        throw e;
      }
      return null;
    });
  }

  /** Adds journal lines to the run's claim, the first of them its {@code from}-th; see {@link #stageJournal}. */
  private void stage(String runId, int from, List<String> lines) {
    synchronized (claims) {
      Claim claim = claims.get(runId);
      if (claim == null || claim.lines().size() != from) {
        throw ApplicationFailure.newNonRetryableFailure(
            "run " + runId + "'s journal lines from " + from + " arrived, but this worker holds "
                + (claim == null ? "no claim (or one that lapsed after " + claimLasts + ")" : claim.lines().size() + " lines"),
            "DeskLost");
      }
      claim.lines().addAll(lines);
      claims.put(runId, new Claim(claim.lines(), System.nanoTime())); // staging keeps the claim alive
    }
  }

  @Override
  public void keepJournal(String runId) {
    deskCall(runId, "keepJournal", () -> {
      desk(runId).keepJournalAtRemote();
      return null;
    });
  }

  /** What a desk opened here answers: the team's spec (isolated when runs go through a remote), where the desk is, and the remote. */
  private String team(int mergesAtOnce) {
    return gitRemote != null
        // The remote as shown, never its credentials: the answer stays in the run's history. Workers
        // use their own remote; the workflow only needs to know there is one.
        ? Wire.team(host.specAtRemote(mergesAtOnce), host.budgetPolicy(), deskQueue, host.workspace().toString(), gitRemote.toString())
        : Wire.team(host.spec(), host.budgetPolicy(), deskQueue, host.workspace().toString(), "");
  }

  @Override
  public List<String> journalLines(String runId, int from, long maxChars) {
    return deskCall(runId, "journalLines", () -> desk(runId).journalLines(from, maxChars));
  }

  @Override
  public void closeDesk(String runId) {
    deskCall(runId, "closeDesk", () -> {
      RunDesk desk = desks.remove(runId);
      if (desk != null) {
        desk.close();
      }
      forget(runId);
      return null;
    });
  }

  @Override
  public DeskReply observe(String runId, List<String> events) {
    return deskCall(runId, "observe", () -> reply(desk(runId).observe(Wire.readEvents(events))));
  }

  @Override
  public DeskReply tasksEnded(String runId, List<TaskEnd> ends) {
    return deskCall(runId, "tasksEnded", () -> feedEnds(runId, ends));
  }

  private DeskReply feedEnds(String runId, List<TaskEnd> ends) {
    RunDesk desk = desk(runId);
    List<OrchestraEvent> fed = new ArrayList<>();
    List<TaskResult.Health> health = new ArrayList<>();
    List<OrchestraEvent.StopRequested> stops = new ArrayList<>();
    List<String> referable = TaskEnd.referable(ends);
    for (TaskEnd end : ends) {
      TaskResult r = Wire.result(end.result());
      List<OrchestraEvent> events = new ArrayList<>(r.events());
      if (!events.isEmpty()) {
        events.addAll(events.size() - 1, Wire.readEvents(end.budgetChanges())); // before the task's end
      }
      RunDesk.Answer a = desk.taskEnded((Command.RunTask) Wire.command(end.command()), new TaskResult(events, List.of(), r.risks(), r.report()));
      fed.addAll(a.events());
      health.addAll(a.health());
      stops.addAll(a.stops().stream().limit(stops.isEmpty() ? 1 : 0).toList()); // the first is the one to feed
    }
    DeskReply answer = reply(new RunDesk.Answer(fed, health, stops));
    return referable.isEmpty() ? answer : new DeskReply(Wire.referTo(referable, answer.events()), answer.health(), answer.stops());
  }

  @Override
  public DeskReply carryOut(String runId, String command) {
    Command c = Wire.command(command);
    return deskCall(runId, "carryOut " + c.kind(), () -> {
      DeskReply events = reply(desk(runId).carryOut(c));
      if (c.kind() == Command.Kind.FINISH) {
        desks.remove(runId); // the finish closed it
        forget(runId);
      }
      return events;
    });
  }

  @Override
  public boolean interruptDesk(String runId) {
    return deskCall(runId, "interruptDesk", () -> {
      RunDesk desk = desks.get(runId);
      return desk != null && desk.interrupt(); // closed meanwhile: its command is over
    });
  }

  @Override
  public void editPlan(String runId, String base, String edited) {
    Plan from;
    Plan to;
    try {
      from = Plan.fromMarkdown(base, "the plan the edit started from");
      to = Plan.fromMarkdown(edited, "the edited plan");
    } catch (PlanFormatException e) {
      throw ApplicationFailure.newNonRetryableFailure("run " + runId + ": a plan edit that is not a plan: " + e.getMessage(), "PlanFormat");
    }
    deskCall(runId, "editPlan", () -> {
      desk(runId).editPlan(from, to);
      return null;
    });
  }

  /**
   * Sets the client the worker polls with: a model call's trouble (a rate limit, a transient
   * failure) is then signalled to the task's run as it happens, so the run's budget steps down at
   * once; successes go with the task's result.
   */
  public void signalThrough(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public String runTask(TaskCall call) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Command.RunTask command = (Command.RunTask) Wire.command(call.command());
    if (call.gitRemote().isEmpty()) {
      checkWorkspace(call);
    } else if (gitRemote == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + call.runId() + "'s clones share a git remote, but this worker was built without one (OrchestraWorker.Builder.gitRemote):"
              + " workers of a task queue must all name the runs' remote",
          "WrongWorkspace");
    }
    Map<String, RoleReport.Exploration> explorations = new HashMap<>();
    call.explorations().forEach((id, text) -> explorations.put(id, (RoleReport.Exploration) Wire.report(text)));
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicBoolean ended = new AtomicBoolean();
    Thread worker = Thread.currentThread();
    ScheduledFuture<?> beat =
        heartbeat(
            context,
            "run " + call.runId() + ": task " + command.task().id(),
            e -> {
              // Cancelled (the run was), timed out or gone: the agent stops.
              if (e instanceof ActivityCanceledException) {
                cancelledRuns.add(call.runId());
              }
              // Under the lock the activity's end takes: never an interrupt for the thread's next activity.
              synchronized (ended) {
                if (!ended.get() && cancelled.compareAndSet(false, true)) {
                  LOG.info("run {}: task {} stops: {}", call.runId(), command.task().id(), e.getClass().getSimpleName());
                  worker.interrupt();
                }
              }
            });
    RunTasks ran = null;
    try {
      WorkflowClient people = client;
      String workflowId = context.getInfo().getWorkflowId();
      if (call.approvalsThroughRun() && people == null) {
        LOG.warn("run {}: its approvals were to be answered through the run, but this worker has no client to reach it: the team's handler answers", call.runId());
      }
      RunTasks runTasks;
      synchronized (executors) {
        long now = System.nanoTime();
        executors.entrySet().removeIf(e -> {
          boolean idle = e.getValue().running == 0 && now - e.getValue().idleSince > runTasksKept.toNanos() && !e.getKey().equals(call.runId());
          if (idle) {
            cancelledRuns.remove(e.getKey());
          }
          return idle;
        });
        runTasks = executors.computeIfAbsent(call.runId(), id -> new RunTasks());
        runTasks.running++;
      }
      ran = runTasks;
      String id = call.runId();
      TaskExecutor executor =
          runTasks.executor(() -> {
            ApprovalHandler approvals =
                call.approvalsThroughRun() && people != null ? new WorkflowApprovals(people, workflowId, APPROVAL_POLL) : host.approvalHandler();
            return call.gitRemote().isEmpty()
                ? host.tasks(id, host.workspace(), () -> cancelledRuns.contains(id), approvals)
                : host.tasksAtRemote(id, gitRemote, () -> cancelledRuns.contains(id), approvals);
          });
      // This workflow run exactly: a signal must not reach a later run of the same workflow id.
      WorkflowTargetOptions target =
          WorkflowTargetOptions.newBuilder().setWorkflowId(context.getInfo().getWorkflowId()).setRunId(context.getInfo().getWorkflowRunId()).build();
      int attempt = context.getInfo().getAttempt();
      WorkflowClient signals = client;
      // Trouble only: it steps the budget down, which cannot wait for the task's end. Successes go
      // with the result (stepping up waits for a quiet window anyway), so a run's history does not
      // grow by an event per model call.
      TaskExecutor.HealthListener live =
          (index, health) -> {
            // Not once the heartbeat failed: Temporal gave this attempt up (or the run was cancelled).
            if (signals != null && health.kind() != TaskResult.Health.Kind.SUCCESS && !cancelled.get()) {
              signals.newWorkflowStub(RunWorkflow.class, target)
                  .taskHealth(command.task().id(), attempt, index, Wire.liveHealth(call.start(), List.of(health)));
            }
          };
      return Wire.result(executor.run(command, call.goal(), explorations, live), attempt);
    } finally {
      if (ran != null) {
        synchronized (executors) {
          ran.running--;
          ran.idleSince = System.nanoTime();
        }
      }
      synchronized (ended) {
        ended.set(true);
      }
      beat.cancel(false);
      Thread.interrupted(); // an interrupt the heartbeat sent must not reach the next activity on this thread
    }
  }

  /**
   * Tells Temporal every {@code heartbeatEvery} that the activity is alive, from a thread of its
   * own, until the returned future is cancelled. A worker that dies stops telling, and Temporal
   * takes the activity for lost within the heartbeat timeout its workflow declared.
   *
   * @param what names the activity in a log line
   * @param gone told when Temporal no longer wants the activity (cancelled, timed out, or its
   *     workflow gone); the heartbeats stop after that
   */
  private ScheduledFuture<?> heartbeat(ActivityExecutionContext context, String what, java.util.function.Consumer<ActivityCompletionException> gone) {
    AtomicBoolean told = new AtomicBoolean();
    return heartbeats.scheduleAtFixedRate(
        () -> {
          if (told.get()) {
            return;
          }
          try {
            context.heartbeat(null);
          } catch (ActivityCompletionException e) {
            told.set(true);
            gone.accept(e);
          } catch (RuntimeException e) {
            LOG.warn("{}: a heartbeat failed", what, e);
          }
        },
        // Not at once: Temporal counts the heartbeat timeout from the start, and a call shorter
        // than one interval (most desk calls, short tasks) then costs the service no heartbeat.
        heartbeatEvery.toMillis(),
        heartbeatEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a desk call, heartbeating meanwhile: the workflow declares a heartbeat timeout for desk
   * calls, so a desk's worker that dies during a long one (a gate's build, a planner's agent) is
   * noticed in seconds, not at the call's two-hour timeout. When Temporal gives the call up (it
   * timed out, or the run's workflow closed: terminated, say), nobody will call this desk again:
   * its command is interrupted (a gate's processes are killed) and the desk is closed, releasing
   * the workspace's run lock.
   */
  private <T> T deskCall(String runId, String call, java.util.function.Supplier<T> work) {
    return deskCall(runId, call, false, work);
  }

  /** As {@link #deskCall(String, String, java.util.function.Supplier)}; {@code opens} for a call that opens the run's desk here. */
  private <T> T deskCall(String runId, String call, boolean opens, java.util.function.Supplier<T> work) {
    // The desk this call works on, taken now: by the time Temporal gives the call up, the run may
    // have opened another desk on this worker (reopenDesk), which must be left alone.
    RunDesk[] own = {desks.get(runId)};
    boolean[] abandoned = {false};
    boolean[] ended = {false};
    ScheduledFuture<?> beat =
        heartbeat(
            Activity.getExecutionContext(),
            "run " + runId + ": desk call " + call,
            e -> {
              if (!(e instanceof ActivityNotExistsException)) {
                return; // the worker shuts down, and closes its desks
              }
              LOG.warn("run {}: Temporal gave up the desk's {} (it timed out, or the run's workflow closed): the desk stops and closes", runId, call);
              synchronized (own) {
                if (!ended[0]) {
                  abandoned[0] = true;
                  if (own[0] != null) {
                    own[0].interrupt();
                  }
                }
              }
            });
    try {
      T answer = work.get();
      if (opens) {
        synchronized (own) {
          own[0] = desks.get(runId); // the desk this call opened, which a call given up must not leave open
        }
      }
      return answer;
    } finally {
      beat.cancel(false);
      RunDesk close;
      synchronized (own) {
        ended[0] = true;
        close = abandoned[0] ? own[0] : null;
      }
      if (close != null) {
        if (desks.remove(runId, close)) {
          forget(runId);
        }
        close.close();
      }
    }
  }


  /**
   * Agents work in the folder the run's desk keeps (its gates check what they wrote there): this
   * worker's workspace must hold the run lock the run's desk took, naming this run. A folder of the
   * same path on another machine, or another folder, does not.
   */
  private void checkWorkspace(TaskCall call) {
    Path lock = host.workspace().resolve(".orchestra").resolve("run.lock");
    String text;
    try {
      text = Files.exists(lock) ? Files.readString(lock) : "";
    } catch (java.io.IOException e) {
      text = "";
    }
    if (!text.startsWith("run " + call.runId() + ",")) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this worker's workspace " + host.workspace() + " is not where run " + call.runId() + " works (" + call.workspace()
              + ", whose desk holds the run lock there): workers of a task queue must share the run's repository folder",
          "WrongWorkspace");
    }
  }

  private static DeskReply reply(RunDesk.Answer answer) {
    return new DeskReply(Wire.events(answer.events()), Wire.health(answer.health()), Wire.events(answer.stops()));
  }

  /** The run's open desk; a desk this JVM never opened (it restarted) is a failure, not a fresh desk. */
  private RunDesk desk(String runId) {
    RunDesk desk = desks.get(runId);
    if (desk == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the desk of run " + runId + " is not open on this worker (it restarted since, or the run was reset); the run cannot go on",
          "DeskLost");
    }
    return desk;
  }

  private void forget(String runId) {
    synchronized (executors) {
      executors.remove(runId);
    }
    cancelledRuns.remove(runId);
  }

  /** The runs whose task executor this worker keeps now. */
  Set<String> cachedRuns() {
    synchronized (executors) {
      return Set.copyOf(executors.keySet());
    }
  }

  /** Closes the desks of runs that did not finish here, and stops heartbeating. */
  @Override
  public void close() {
    heartbeats.shutdownNow();
    desks.values().forEach(RunDesk::close);
    desks.clear();
  }
}
