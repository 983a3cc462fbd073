package dev.orchestra.temporal.internal;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.exec.BudgetLadder;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.TaskStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run's workflow: a {@link RunMachine} fed only what the run's desk answers, in that order, so
 * the desk's copy of the machine and this one agree. Agents' tasks run as activities at once (the
 * machine keeps them within the thread budget and write scopes); every other command goes to the
 * desk, one at a time, and while the desk works no task's end is fed, so the order the desk saw is
 * the order fed here. The one exception: task ends whose answer the workflow can tell beforehand
 * are fed at once and the desk is asked behind, its answers checked in order before anything else
 * goes to it (see {@link #flush}). A held task's wait is a workflow timer. Deterministic: workflow
 * time only, no I/O, and the machine is deterministic.
 *
 * <p>Public because Temporal instantiates it; not Orchestra's API.
 */
public final class RunWorkflowImpl implements RunWorkflow {
  /**
   * The most one {@link #events} query answers with, in bytes of its JSON payload (each line's UTF-8
   * bytes, its quotes and backslashes escaped once more): Temporal refuses a payload over 2 MB.
   */
  private static final long MAX_EVENTS_BYTES = 1_000_000;

  /** The most result text one desk call carries: Temporal refuses a payload over 2 MB. */
  private static final long MAX_BATCH_CHARS = 256 * 1024;

  /** Set by {@link #run}: the run's desk, on the worker that keeps it. */
  private DeskLink link;

  /** Set by {@link #run}: an agent's task heartbeats, and a lost worker's task runs again elsewhere. */
  private RunActivities tasks;

  private RunMachine machine;
  private BudgetPolicy budgetPolicy;
  /** The thread budget, stepped here on workflow time; the machine hears of its changes as events. */
  private BudgetLadder.State budget;
  private String runId = "";
  private final Deque<Command> deskWork = new ArrayDeque<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, String> explorations = new LinkedHashMap<>();
  /**
   * Every event fed to the machine, each followed by those it decided, as journal lines: the run's
   * journal, for {@link #events}.
   */
  private final List<String> journal = new ArrayList<>();
  private String finished;
  /** Plan edits sent by people, oldest first, for the desk's next plan check: base and edited Markdown. */
  private final List<List<String>> planEdits = new ArrayList<>();
  /** Set once the run was cancelled: the rest of the run works in a scope a cancel cannot reach. */
  private boolean cancelling;
  /** The workflow's own scope, set by {@link #run}: a person's cancel is requested there. */
  private CancellationScope root;
  /** Outcomes of tasks' model calls signalled as they happened, not stepped on yet, oldest first. */
  private final Deque<LiveHealth> liveHealth = new ArrayDeque<>();
  /** Which outcomes of each task's run and activity attempt ({@code taskId#start#attempt}) the budget stepped on as they happened. */
  private final Map<String, Set<Integer>> steppedLive = new HashMap<>();
  /** Task starts so far, counted from 1: each task's activity names its start in the outcomes it signals. */
  private int starts;
  /** The start of each task that runs now, by task id. */
  private final Map<String, Integer> startOf = new HashMap<>();

  /** An outcome a task's activity signalled. */
  private record LiveHealth(String taskId, int attempt, int index, String health) {}

  /** A task's activity or a held task's timer under way. */
  private record Pending(Command command, Promise<String> promise) {}

  @Override
  public String run(RunRequest request) {
    root = CancellationScope.current();
    runId = request.runId();
    tasks =
        Workflow.newActivityStub(
            RunActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(2))
                .setHeartbeatTimeout(Duration.ofMillis(request.heartbeatTimeoutMillis()))
                // A cancel waits for the agent to stop: no task's process outlives the run.
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(3)
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setDoNotRetry(IllegalArgumentException.class.getName()) // a malformed call stays malformed
                        .build())
                .build());
    this.request = request;
    link = new DeskLink(request, journal, explorations);
    Optional<Continuation> continued = request.continuation();
    String team = continued.isPresent() ? continued.get().team() : link.open();
    try {
      if (continued.isPresent()) {
        link.resume(team, continued.get().firstTeam(), continued.get().deskMoves());
      } else {
        link.at(team);
        link.routeApprovals();
      }
      budgetPolicy = Wire.teamBudget(team);
      if (continued.isPresent()) {
        goOnFrom(continued.get(), new RunMachine(Wire.teamSpec(team)));
      } else {
        machine = new RunMachine(Wire.teamSpec(team));
        budget = BudgetLadder.initial(budgetPolicy, now());
        fromDesk(() -> link.desk().observe(runId, List.of(Wire.event(new OrchestraEvent.RunStarted(runId, now(), request.goal(), false)))));
      }
      try {
        loop();
      } catch (CanceledFailure e) {
        // A cancel: running tasks' activities were asked to stop (their ends still come back), the
        // run stops CANCELLED, and the machine asks for the finish once none runs, as in one JVM.
        Workflow.newDetachedCancellationScope(
                () -> {
                  cancelling = true;
                  if (machine.state().stopReason().orElse(null) != StopReason.CANCELLED) { // not already stopped at the desk
                    OrchestraEvent stop =
                        new OrchestraEvent.StopRequested(
                            runId, now(), StopReason.CANCELLED, "cancelled in round " + Math.max(machine.state().round(), 0) + "; resume() continues");
                    fromDesk(() -> link.desk().observe(runId, List.of(Wire.event(stop))));
                  }
                  loop();
                })
            .run();
      }
    } catch (RuntimeException e) {
      if (e instanceof ApplicationFailure a && DeskLink.DESK_LOST.equals(a.getType())) {
        throw a; // nobody left to close the desk
      }
      Optional<String> loss = DeskLink.loss(e);
      // A call never taken up went the closing way below before desks heartbeat and moved.
      boolean heartbeat = e.getCause() instanceof TimeoutFailure t && t.getTimeoutType() == io.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
      if (loss.isPresent() && (heartbeat || Workflow.getVersion(DeskLink.DESK_MOVES, Workflow.DEFAULT_VERSION, 1) >= 1)) {
        // Nobody left to close the desk; a call to it would wait minutes for its worker to come back.
        throw ApplicationFailure.newNonRetryableFailureWithCause(link.lostMessage(loss.get()), DeskLink.DESK_LOST, e);
      }
      // The run fails: the desk's lock and journal must not stay held in that worker for ever (best
      // effort: the desk's worker may be the cause). An error of this code's own (a broken
      // invariant) fails the workflow rather than have Temporal retry its task for ever with nobody
      // told; Temporal's own failures keep their kind. Errors Temporal raises outside this thread
      // (non-determinism after a bad deploy) still retry the task, so a rollback recovers the run.
      if (link.opened()) {
        Workflow.newDetachedCancellationScope(
                () -> {
                  try {
                    link.desk().closeDesk(runId);
                  } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                  }
                })
            .run();
      }
      if (e instanceof TemporalFailure) {
        throw e;
      }
      throw ApplicationFailure.newNonRetryableFailureWithCause("run " + runId + " failed: " + e, e.getClass().getName(), e);
    }
    return finished;
  }

  /** Carries out what the machine decided until it finished. */
  private void loop() {
    while (finished == null) {
      if (!cancelling) {
        CancellationScope.throwCanceled(); // a desk's work never waits, so a cancel is looked for here too
      }
      Command next = deskWork.poll();
      if (next != null) {
        confirmAll(); // before the plan edits, and before the run continues as new
        if (next.kind() == Command.Kind.CHECK_PLAN && !cancelling) {
          stopOnLongJournal(); // before continuing as new: the next workflow run would read it all back
        }
      }
      if (next != null && atRoundBoundary(next) && historyLong()) {
        continueAsNew(next); // returns only when the run is no longer at the boundary (a cancel came meanwhile)
      }
      if (!cancelling) {
        stopOnLongHistory(); // after: continuing as new, where it can, makes the history small again
      }
      fresh = false;
      if (next != null) {
        if (next.kind() == Command.Kind.CHECK_PLAN || next.kind() == Command.Kind.FINISH) {
          sendPlanEdits(); // the finish merges a last edit into plan.md too, as in one JVM
        }
        fromDesk(() -> link.carryOut(next, cancelling, root));
        link.checked();
        continue;
      }
      if (pending.isEmpty() && unconfirmed.isEmpty()) {
        throw new IllegalStateException("run " + runId + " waits for nothing and has not finished: " + machine.state().describe());
      }
      Workflow.await(() -> answered() || !liveHealth.isEmpty() || pending.stream().anyMatch(p -> p.promise().isCompleted()));
      if (answered()) {
        confirm();
      }
      // Every signal a task sent came before its end: with none left to step on (stepping may wait
      // for the desk, and more may come meanwhile), the ends seen next have all of theirs counted.
      while (!liveHealth.isEmpty()) {
        stepOnLiveHealth();
      }
      // In the order they started, every one that ended: the same order on every replay. Taken out
      // first, since each end's answer may start more.
      List<Pending> ended = pending.stream().filter(p -> p.promise().isCompleted()).toList();
      pending.removeAll(ended);
      ended(ended);
    }
  }

  // ------------------------------------------------------------------ continuing as new

  /** The change that measures what a continuation carries in payload bytes, for {@link Workflow#getVersion}. */
  private static final String CONTINUATION_BYTES = "continuation-bytes";

  /** The change that continues a long run's workflow as new, for {@link Workflow#getVersion}. */
  private static final String CONTINUE_AS_NEW = "continue-as-new";

  /**
   * How many events a workflow run's history may grow by, by default, before the run continues as
   * new: under the 4,096 at which a stock Temporal server suggests it. Frozen: a run started without
   * its own figure decides by this one on every replay.
   */
  public static final int DEFAULT_CONTINUE_AFTER_EVENTS = 4_000;

  /** How many bytes a workflow run's history may grow by before the run continues as new. */
  private static final long CONTINUE_AFTER_BYTES = 4L * 1024 * 1024;

  /** The most a {@link Continuation}'s texts may hold: Temporal refuses an input over 2 MB. */
  private static final long MAX_CONTINUATION_CHARS = 1_000_000;

  /** The most journal text one read from the desk carries: Temporal refuses a payload over 2 MB, and the text is escaped once more in it. */
  static final long MAX_JOURNAL_CHARS = 512 * 1024;

  /** Set by {@link #run}. */
  private RunRequest request;

  /** Whether this workflow run was continued from another and has not carried out a desk command yet. */
  private boolean fresh;

  /** The history's length and size when this workflow run had read the journal back: it grows from there. */
  private long startLength;

  private long startSize;

  /**
   * Whether {@code next} starts or ends a round with nothing else under way: no task, no timer, no
   * signal not stepped on, no other command, no cancel. The run's state is then all in its journal,
   * but for what {@link Continuation} carries.
   */
  private boolean atRoundBoundary(Command next) {
    // A cancel taken while the desk confirmed ends fed ahead is seen by the loop's next turn: a new
    // workflow run would not carry it.
    return next.kind() == Command.Kind.CHECK_PLAN && !fresh && !cancelling && !root.isCancelRequested() && pending.isEmpty()
        && liveHealth.isEmpty() && deskWork.isEmpty() && !link.editsAwaitCheck();
  }

  /** The change that stops a run whose journal outgrew its share of the history's limit, for {@link Workflow#getVersion}. */
  private static final String JOURNAL_LIMIT = "journal-limit";

  /**
   * The most bytes a run's journal may take in payloads ({@link #payloadBytes(List)}) for a history
   * limit of {@code historyLimit} bytes: 30% of it, since a workflow run continued as new reads the
   * whole journal back into its history and a desk moving to another clone is sent it once more.
   */
  static long journalLimit(long historyLimit) {
    return historyLimit / 10 * 3;
  }

  /** Whether a journal takes more than {@link #journalLimit} in payloads. */
  static boolean journalOutgrew(List<String> journal, long historyLimit) {
    return payloadBytes(journal) > journalLimit(historyLimit);
  }

  /** Whether a workflow run's history of {@code size} bytes passed 80% of its {@code limit}. */
  static boolean historyNearLimit(long size, long limit) {
    return size > limit / 10 * 8;
  }

  /** The bytes journal lines take as JSON strings in a payload (see {@link #payloadBytes(String)}). */
  static long payloadBytes(List<String> lines) {
    long bytes = 0;
    for (String line : lines) {
      bytes += payloadBytes(line);
    }
    return bytes;
  }

  /**
   * At a plan check: stops the run {@code FAILED}, saying why, once its journal outgrew {@link
   * #journalLimit}, rather than go on until Temporal ends the workflow with nothing journalled.
   */
  private void stopOnLongJournal() {
    if (!journalOutgrew(journal, request.historyLimit()) || machine.state().stopReason().isPresent()
        || Workflow.getVersion(JOURNAL_LIMIT, Workflow.DEFAULT_VERSION, 1) < 1) {
      return;
    }
    long limit = journalLimit(request.historyLimit());
    long bytes = payloadBytes(journal);
    stopFailed(
        "the run's journal takes " + bytes + " bytes, more than the " + limit + " a run on Temporal may keep (30% of the workflow"
            + " history's limit of " + request.historyLimit() + " bytes, since every workflow run continued as new reads it back)");
  }

  /** The change that stops a run whose workflow run's history nears its limit, for {@link Workflow#getVersion}. */
  private static final String HISTORY_LIMIT = "history-limit";

  /**
   * Stops the run {@code FAILED}, saying why, once this workflow run's history passed 80% of its
   * limit (a round too large for one workflow run: it continues as new only between rounds), so
   * the tasks under way end and the run finishes before Temporal would end the workflow with
   * nothing journalled.
   */
  private void stopOnLongHistory() {
    long size = Workflow.getInfo().getHistorySize();
    long limit = request.historyLimit();
    if (!historyNearLimit(size, limit) || machine.state().stopReason().isPresent() || Workflow.getVersion(HISTORY_LIMIT, Workflow.DEFAULT_VERSION, 1) < 1) {
      return;
    }
    stopFailed(
        "the workflow run's history takes " + size + " bytes, more than 80% of its limit of " + limit + " bytes; a run on Temporal continues"
            + " as new only between rounds, so this round is too large for it (split the plan into smaller rounds, or raise the service's limit)");
  }

  /** Stops the run {@code FAILED} through the desk, naming where its journal and plan.md are and the setting that moves the limit. */
  private void stopFailed(String why) {
    confirmAll(); // the desk's answers may hand back a stop of its own, which then comes first
    if (machine.state().stopReason().isPresent()) {
      return;
    }
    OrchestraEvent stop =
        new OrchestraEvent.StopRequested(
            runId, now(), StopReason.FAILED,
            why + "; the journal and plan.md are in " + link.workspace() + "; TemporalOrchestrator.Builder#historySizeLimit tells Orchestra the"
                + " service's limit");
    fromDesk(() -> link.desk().observe(runId, List.of(Wire.event(stop))));
  }

  /**
   * Whether this workflow run's history grew enough since it began to continue as new
   * (deterministic: Temporal records what these read). A continued run's history begins with the
   * journal read back, so its growth is what counts, not its size: otherwise a long journal alone
   * would have the run continue at every plan check.
   */
  private boolean historyLong() {
    int after = request.continueAfterEvents() > 0 ? request.continueAfterEvents() : DEFAULT_CONTINUE_AFTER_EVENTS;
    io.temporal.workflow.WorkflowInfo info = Workflow.getInfo();
    // A quarter of a small history limit, so the run continues well before it nears the limit.
    long afterBytes = Math.min(CONTINUE_AFTER_BYTES, request.historyLimit() / 4);
    boolean grown = info.getHistoryLength() - startLength >= after || info.getHistorySize() - startSize >= afterBytes;
    if (!grown || Workflow.getVersion(CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) < 1) {
      return false;
    }
    List<String> carried = new ArrayList<>(List.of(link.team(), link.firstTeam(), journal.get(journal.size() - 1)));
    carried.addAll(explorations.values());
    planEdits.forEach(carried::addAll);
    long chars = 0;
    for (String x : carried) {
      chars += x.length();
    }
    // Measured in payload bytes since "continuation-bytes" (text in other scripts takes up to three
    // bytes a character); in characters before, as recorded histories decided.
    long bytes = chars > MAX_CONTINUATION_CHARS ? chars : payloadBytes(carried);
    if (bytes > MAX_CONTINUATION_CHARS && (chars > MAX_CONTINUATION_CHARS || Workflow.getVersion(CONTINUATION_BYTES, Workflow.DEFAULT_VERSION, 1) == 1)) {
      // Plan edits or explorer reports too large to carry: this check goes on without continuing.
      Workflow.getLogger(RunWorkflowImpl.class).warn("run {}: not continuing as new here: what it would carry takes {} bytes", runId, bytes);
      return false;
    }
    return true;
  }

  /**
   * Continues the run's workflow as new, with {@code next} (the round's plan check) still to carry
   * out: the next workflow run reads the run's journal back from the desk and goes on from there,
   * so its history starts small. Signals that arrive meanwhile go to the next run (Temporal refuses
   * the continuation while any is not handled here). Through a git remote the desk first keeps the
   * journal there ({@link #keepJournal}); should the run no longer be at the round's boundary after
   * that call (a person's cancel came meanwhile, which a new workflow run would not carry), it
   * returns, and the run goes on here.
   */
  private void continueAsNew(Command next) {
    if (!link.gitRemote().isEmpty() && Workflow.getVersion(DeskLink.JOURNAL_KEPT, Workflow.DEFAULT_VERSION, 1) == 1) {
      keepJournal();
      if (!atRoundBoundary(next)) {
        return;
      }
    }
    List<String> work = new ArrayList<>();
    work.add(Wire.command(next));
    Continuation c =
        new Continuation(
            link.team(), link.firstTeam(), journal.size(), journal.get(journal.size() - 1),
            budget.limit(), budget.lastChange().toString(), budget.lastTrouble().toString(), budget.troubleLimit(), starts,
            explorations, planEdits, link.moves(), work, request.continuation().map(Continuation::continuations).orElse(0) + 1);
    Workflow.getLogger(RunWorkflowImpl.class)
        .info("run {}: continuing as new at round {} ({} history events, {} journal lines)", runId, machine.state().round(),
            Workflow.getInfo().getHistoryLength(), journal.size());
    Workflow.continueAsNew(
        new RunRequest(runId, request.goal(), request.deskQueue(), request.heartbeatTimeoutMillis(), request.continueAfterEvents(), request.approvalsThroughRun(),
            request.historySizeLimit(), c));
  }

  /**
   * Has the desk push the run's journal to the git remote before the workflow continues as new: the
   * next workflow run reads it back from the desk, and should the desk's worker be lost meanwhile,
   * the desk moves to another clone from that copy. A push that fails is logged, and the run goes
   * on: only a desk lost during the read-back then fails it, as it did before desks kept a copy. A
   * desk lost with no move left fails the run, as any desk call does.
   */
  private void keepJournal() {
    try {
      link.call(() -> {
        link.desk().keepJournal(runId);
        return Boolean.TRUE;
      });
    } catch (ActivityFailure e) {
      if (DeskLink.loss(e).isPresent()) {
        throw e;
      }
      Workflow.getLogger(RunWorkflowImpl.class)
          .warn("run {}: its journal could not be kept on the git remote ({}): a desk lost while the next workflow run reads it back fails the run",
              runId, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    }
  }

  /**
   * Goes on from where the run stood when its last workflow run continued as new: the machine
   * replays the run's journal, read back from the desk (which holds it on disk), and the rest comes
   * from {@code c}.
   */
  private void goOnFrom(Continuation c, RunMachine rebuilt) {
    fresh = true;
    starts = c.starts();
    explorations.putAll(c.explorations());
    planEdits.addAll(c.planEdits());
    budget =
        new BudgetLadder.State(
            c.budgetLimit(), Instant.parse(c.budgetLastChange()), Instant.parse(c.budgetLastTrouble()), c.budgetTroubleLimit());
    List<OrchestraEvent> events = new ArrayList<>();
    while (journal.size() < c.journalLines()) {
      int from = journal.size();
      List<String> lines;
      try {
        lines = DeskLink.callOnce(() -> link.desk().journalLines(runId, from, MAX_JOURNAL_CHARS));
      } catch (ActivityFailure e) {
        // The desk lost here: opened again from the journal as this run found it, and read anew.
        if (DeskLink.loss(e).isEmpty() || !link.move(e, c.journalLines(), c.lastLine())) {
          throw e;
        }
        journal.clear();
        events.clear();
        continue;
      }
      if (lines.isEmpty()) {
        break;
      }
      List<String> wanted = lines.subList(0, Math.min(lines.size(), c.journalLines() - from));
      journal.addAll(wanted);
      events.addAll(Wire.readEvents(wanted)); // chunk by chunk: the workflow's thread yields at each read
    }
    if (journal.size() != c.journalLines() || !journal.get(journal.size() - 1).equals(c.lastLine())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + runId + " cannot go on after continuing as new: the desk's journal in " + link.workspace() + " holds " + journal.size()
              + " of the run's " + c.journalLines() + " lines, or another last line",
          "JournalMismatch");
    }
    rebuilt.rebuild(events);
    machine = rebuilt; // only now: a query meanwhile finds a run starting, not an empty one
    c.deskWork().forEach(w -> deskWork.add(Wire.command(w)));
    startLength = Workflow.getInfo().getHistoryLength();
    startSize = Workflow.getInfo().getHistorySize();
  }


  /**
   * Calls the desk, feeds its answer, and steps the budget on how the desk's model calls went,
   * feeding its changes through the desk too.
   */
  private void fromDesk(java.util.function.Supplier<DeskReply> call) {
    confirmAll(); // the desk hears everything in the order it was fed here
    DeskReply reply = link.call(call);
    approvals.keepOnlyTasks(startOf.keySet()); // the desk's agents wait for nothing now
    feed(reply.events());
    List<OrchestraEvent> changes = new ArrayList<>(stepBudget(Wire.health(reply.health())));
    changes.addAll(stopToFeed(reply.stops()));
    if (!changes.isEmpty()) {
      fromDesk(() -> link.desk().observe(runId, Wire.events(changes)));
    }
  }

  /**
   * The stop the desk asked for while it fed events given from here (it could not write the
   * journal or plan.md), to feed now, on workflow time, after everything fed here meanwhile: empty
   * when there is none, or the machine stopped already.
   */
  private List<OrchestraEvent> stopToFeed(List<String> stops) {
    if (stops.isEmpty() || machine.state().stopReason().isPresent()) {
      return List.of();
    }
    OrchestraEvent.StopRequested asked = (OrchestraEvent.StopRequested) Wire.event(stops.get(0));
    return List.of(new OrchestraEvent.StopRequested(runId, now(), asked.reason(), asked.message()));
  }

  /** Steps the thread budget through outcomes; returns its changes, as events. */
  private List<OrchestraEvent> stepBudget(List<TaskResult.Health> outcomes) {
    List<OrchestraEvent> changes = new ArrayList<>();
    for (TaskResult.Health h : outcomes) {
      int from = budget.limit();
      Duration window = BudgetLadder.windowBeforeStepUp(budgetPolicy, budget);
      budget = BudgetLadder.next(budgetPolicy, budget, h.kind(), now());
      if (budget.limit() != from) {
        changes.add(new OrchestraEvent.BudgetChanged(runId, now(), from, budget.limit(), BudgetLadder.why(h.kind(), h.cause(), window)));
      }
    }
    return changes;
  }

  /**
   * Gives the desk the plan edits people sent since its last check, oldest first, for the check (or
   * the finish) that follows. An edit the desk refuses is left out; the run goes on.
   */
  private void sendPlanEdits() {
    List<List<String>> edits = List.copyOf(planEdits);
    planEdits.clear();
    link.sendEdits(edits);
  }


  @Override
  public void taskHealth(String taskId, int attempt, int index, String health) {
    liveHealth.add(new LiveHealth(taskId, attempt, index, health));
  }

  /**
   * Steps the budget on the outcomes tasks signalled since the last look, on workflow time, and
   * feeds its changes through the desk; the tasks' results later leave these outcomes out.
   */
  private void stepOnLiveHealth() {
    changesFromDeskFirst();
    List<TaskResult.Health> outcomes = new ArrayList<>();
    while (!liveHealth.isEmpty()) {
      LiveHealth h = liveHealth.poll();
      Integer now = startOf.get(h.taskId());
      int named = Wire.liveHealthStart(h.health());
      // A task that ended counted its outcomes with its result: a late signal (from an attempt
      // Temporal gave up on, still running somewhere, or from an earlier run of the same task) would
      // count one twice. A signal that names no start (an older activity's) is the running one's.
      boolean running = now != null && (named == 0 || named == now);
      if (running && steppedLive.computeIfAbsent(h.taskId() + "#" + now + "#" + h.attempt(), k -> new HashSet<>()).add(h.index())) {
        outcomes.addAll(Wire.health(h.health()));
      }
    }
    List<OrchestraEvent> changes = stepBudget(outcomes);
    if (!changes.isEmpty()) {
      fromDesk(() -> link.desk().observe(runId, Wire.events(changes)));
    }
  }

  /** A task's outcomes the budget has not stepped on yet: those its activity's attempt did not signal. */
  private List<TaskResult.Health> notSteppedYet(String taskId, Wire.ReadResult result) {
    List<TaskResult.Health> all = result.result().health();
    Set<Integer> stepped = steppedLive.getOrDefault(taskId + "#" + startOf.get(taskId) + "#" + result.attempt(), Set.of());
    List<TaskResult.Health> rest = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (!stepped.contains(i)) {
        rest.add(all.get(i));
      }
    }
    return rest;
  }

  /** Forgets which of a task's outcomes were stepped on: it ended, and a later run of it counts afresh. */
  private void forgetLiveHealth(String taskId) {
    Integer start = startOf.remove(taskId);
    steppedLive.keySet().removeIf(k -> k.startsWith(taskId + "#" + start + "#"));
  }

  @Override
  public void editPlan(String base, String edited) {
    // A signal sent by hand may hold anything: the desk refuses what is not a plan (sendPlanEdits
    // leaves that out), and nothing here may throw, or the workflow's task fails over and over.
    if (base == null || edited == null) {
      Workflow.getLogger(RunWorkflowImpl.class).warn("run {}: a plan edit without its texts was left out", runId);
      return;
    }
    planEdits.add(List.of(base, edited));
  }

  /** The run's approval requests waiting for a person, and the answers. */
  private final ApprovalBook approvals = new ApprovalBook(() -> runId);

  @Override
  public void approvalAsked(String id, String request) {
    approvals.asked(id, request);
  }

  @Override
  public void approvalAnswered(String id, String decision) {
    approvals.answered(id, decision);
  }

  @Override
  public void approvalWithdrawn(String id) {
    approvals.withdrawn(id);
  }

  @Override
  public List<String> approvals() {
    return approvals.waiting();
  }

  @Override
  public String approvalAnswer(String id) {
    return approvals.answer(id);
  }

  @Override
  public List<String> events(int from) {
    List<String> out = new ArrayList<>();
    long bytes = 0;
    for (int i = Math.max(from, 0); i < journal.size(); i++) {
      String line = journal.get(i);
      long size = payloadBytes(line);
      if (!out.isEmpty() && bytes + size > MAX_EVENTS_BYTES) {
        break;
      }
      out.add(line);
      bytes += size;
    }
    return out;
  }

  /** A journal line's size as a JSON string inside the query's answer. */
  static long payloadBytes(String line) {
    long n = line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3L; // quotes and comma
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' || c == '\\') {
        n++;
      }
    }
    return n;
  }

  @Override
  public String plan() {
    return machine == null ? "" : machine.state().plan().map(Plan::toMarkdown).orElse("");
  }

  @Override
  public String finished() {
    return finished == null ? "" : finished;
  }

  @Override
  public String status() {
    return machine == null ? "starting" : machine.state().describe();
  }

  /**
   * Feeds what ended: the tasks' results in one desk call (several agents often end together), a
   * held task's wait or a task whose activity failed on its own, in the order they started.
   */
  private void ended(List<Pending> ended) {
    List<Ended> results = new ArrayList<>();
    for (Pending p : ended) {
      if (p.command() instanceof Command.AwaitRetry hold) {
        flush(results);
        if (!cancelling) {
          fromDesk(() -> link.desk().observe(runId, List.of(Wire.event(new OrchestraEvent.RetryDue(runId, now(), hold.taskId())))));
        } // a cancelled run ends without starting what it held, as in one JVM
        continue;
      }
      Command.RunTask task = (Command.RunTask) p.command();
      approvals.forgetTask(task.task().id());
      String result;
      try {
        result = p.promise().get();
      } catch (ActivityFailure e) {
        // Stopped by a cancel: it is to do again. Out of attempts: it failed, and the machine
        // decides what follows.
        flush(results);
        forgetLiveHealth(task.task().id());
        boolean stopped = cancelling || e.getCause() instanceof CanceledFailure;
        String why =
            stopped
                ? "interrupted; will run again"
                : "its activity failed: " + Text.oneLine(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        OrchestraEvent end =
            new OrchestraEvent.TaskFinished(
                runId, now(), task.task().id(), task.task().role(), stopped ? TaskStatus.TODO : TaskStatus.FAILED, why, List.of(), task.round());
        fromDesk(() -> link.desk().observe(runId, List.of(Wire.event(end))));
        continue;
      }
      if (task.round() == 0) {
        Wire.exploration(result).ifPresent(x -> explorations.put(task.task().id(), x));
      }
      // Well under Temporal's 2 MB payload limit: a result is JSON inside JSON, so it may double.
      if (!results.isEmpty() && results.stream().mapToLong(r -> r.end().result().length()).sum() + result.length() > MAX_BATCH_CHARS) {
        flush(results);
      }
      // The budget steps on the task's outcomes not signalled as they happened here, on workflow time;
      // its changes go before its end.
      Wire.ReadResult read = Wire.readResult(result); // once: the workflow's thread decides every start
      changesFromDeskFirst();
      List<TaskResult.Health> rest = notSteppedYet(task.task().id(), read);
      forgetLiveHealth(task.task().id());
      results.add(new Ended(new TaskEnd(Wire.command(task), result, Wire.events(stepBudget(rest)), false), task, read)); // see flush
    }
    flush(results);
  }

  /** The change that feeds the desk's answer to task ends before asking it, for {@link Workflow#getVersion}. */
  private static final String ENDS_FED_FIRST = "ends-fed-first";

  /**
   * Feeds the task ends gathered so far, and empties the list: at once when the workflow can tell
   * what the desk will answer (the desk is asked behind, see {@link #confirm}), otherwise as the
   * desk answers one call about them all.
   */
  private void flush(List<Ended> results) {
    if (results.isEmpty()) {
      return;
    }
    List<Ended> ends = List.copyOf(results);
    results.clear();
    Optional<Answer> answer = cancelling ? Optional.empty() : answerTo(ends);
    if (answer.isPresent() && Workflow.getVersion(ENDS_FED_FIRST, Workflow.DEFAULT_VERSION, 1) == 1) {
      // Fed at once, so the tasks the ends let start leave now, not after the desk's round trip; the
      // desk is asked behind, in order, and its answer checked.
      int known = journal.size();
      feed(answer.get().lines(), answer.get().events());
      unconfirmed.add(new Unconfirmed(ends, answer.get().lines(), known));
      askNext();
    } else {
      fromDesk(() -> askEnded(ends).get());
    }
  }

  /**
   * A task's end as the workflow gathered it.
   *
   * @param end what goes to the desk
   * @param command the task's command
   * @param read its result, read once
   */
  private record Ended(TaskEnd end, Command.RunTask command, Wire.ReadResult read) {}

  /** What the desk will answer to task ends: its lines, and the events they are, as the desk feeds them. */
  private record Answer(List<String> lines, List<OrchestraEvent> events) {}

  /**
   * Has the desk feed task ends. A desk that can answers with the tasks' own lines as references to
   * what was sent: they then cross Temporal (and fill its history) once less. Other answers hold
   * them in full. Asked at each call: a desk moved meanwhile may run other code. The call goes where
   * a cancel cannot reach, as every desk call does (see {@link DeskLink#callOnce}).
   */
  private Promise<DeskReply> askEnded(List<Ended> ends) {
    boolean refers = Wire.teamAnswersByReference(link.team());
    List<TaskEnd> asked = ends.stream().map(e -> new TaskEnd(e.end().command(), e.end().result(), e.end().budgetChanges(), refers)).toList();
    // Every end asks alike: these are the referable ones, or none is referred to.
    List<String> sent = TaskEnd.lines(asked, ends.stream().map(e -> e.read().lines()).toList());
    RunActivities desk = link.desk();
    List<Promise<DeskReply>> call = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> call.add(Async.function(desk::tasksEnded, runId, asked))).run();
    return call.get(0).thenApply(r -> new DeskReply(Wire.resolve(sent, r.events()), r.health(), r.stops()));
  }

  /**
   * What the desk answers to task ends, when the workflow can tell beforehand: each result's events
   * with the budget changes before its last (the task's end), as the desk feeds them. Empty when a
   * result names risks (the desk adds a plan update at its own time) or does not end with its task's
   * end (the desk refuses it, and says why).
   */
  private static Optional<Answer> answerTo(List<Ended> ends) {
    List<String> lines = new ArrayList<>();
    List<OrchestraEvent> fed = new ArrayList<>();
    for (Ended end : ends) {
      TaskResult r = end.read().result();
      List<OrchestraEvent> events = r.events();
      if (!r.risks().isEmpty() || events.isEmpty() || !(events.get(events.size() - 1) instanceof OrchestraEvent.TaskFinished last)
          || !last.taskId().equals(end.command().task().id())) {
        return Optional.empty();
      }
      fed.addAll(events.subList(0, events.size() - 1));
      fed.addAll(Wire.readEvents(end.end().budgetChanges()));
      fed.add(last);
    }
    fed.forEach(e -> lines.add(Wire.event(e))); // as the desk writes them: it reads every line and writes it anew
    return Optional.of(new Answer(lines, fed));
  }

  /**
   * Task ends fed before the desk was asked (see {@link #flush}), oldest first: the desk is asked
   * about them one call at a time (those that came during a call go in the next), and each answer
   * is checked against what was fed.
   *
   * @param known the journal's length before the ends were fed: a desk lost meanwhile is opened
   *     again from there, since it may or may not have journalled them
   */
  private record Unconfirmed(List<Ended> ends, List<String> answer, int known) {}

  /** Ends fed but not confirmed by the desk yet, oldest first. */
  private final Deque<Unconfirmed> unconfirmed = new ArrayDeque<>();

  /** The desk's answer about the first {@link #asked} of {@link #unconfirmed} while it is being asked; null otherwise. */
  private Promise<DeskReply> confirming;

  /** How many of {@link #unconfirmed}, the oldest, the desk is being asked about. */
  private int asked;

  /**
   * Asks the desk about the unconfirmed ends, oldest first, in one call (as many as one call
   * carries), unless it is being asked already: the ends that came during one call go in the next.
   */
  private void askNext() {
    if (confirming != null || unconfirmed.isEmpty()) {
      return;
    }
    List<Ended> ends = new ArrayList<>();
    long chars = 0;
    asked = 0;
    for (Unconfirmed u : unconfirmed) {
      long size = u.ends().stream().mapToLong(e -> e.end().result().length()).sum();
      if (asked > 0 && chars + size > MAX_BATCH_CHARS) {
        break;
      }
      ends.addAll(u.ends());
      chars += size;
      asked++;
    }
    confirming = askEnded(ends);
  }

  /** Whether the desk answered about the oldest unconfirmed ends. */
  private boolean answered() {
    return confirming != null && confirming.isCompleted();
  }

  /**
   * Takes the desk's answer about the oldest unconfirmed ends, once {@link #answered}, and asks about
   * the next. A desk lost meanwhile is opened again and asked again. When the answer hands back a
   * stop the desk asked for (see {@link #stopToFeed}), waits for the desk's answers about every end
   * fed since and then feeds it; budget changes stepped on the desk's calls go in once every end is
   * confirmed.
   *
   * @throws ApplicationFailure of type {@code DeskDisagrees} when the desk's answer cannot be taken
   *     (see {@link #disagreement}): the run fails rather than let the two machines drift apart
   */
  private void confirm() {
    Unconfirmed first = unconfirmed.peek();
    Promise<DeskReply> call = confirming;
    confirming = null;
    DeskReply reply;
    try {
      reply = call.get();
    } catch (ActivityFailure e) {
      if (DeskLink.loss(e).isEmpty() || first.known() == 0 || !link.move(e, first.known(), journal.get(first.known() - 1))) {
        throw e;
      }
      askNext(); // the desk opened again stands before these ends
      return;
    }
    List<String> fed = new ArrayList<>();
    for (int i = 0; i < asked; i++) {
      fed.addAll(unconfirmed.poll().answer());
    }
    List<String> desk = reply.events();
    if (!desk.equals(fed)) {
      if (desk.size() > fed.size() && desk.subList(0, fed.size()).equals(fed) && unconfirmed.isEmpty()) {
        // Lines a desk of the code before handed-back stops fed of its own after the ends (a stop,
        // when it could not write the journal or plan.md): nothing was fed here since, so they go in
        // here in the same place.
        feed(desk.subList(fed.size(), desk.size()));
      } else {
        throw disagreement(desk, fed);
      }
    }
    approvals.keepOnlyTasks(startOf.keySet());
    deskBudgetChanges.addAll(stepBudget(Wire.health(reply.health())));
    if (deskStop.isEmpty()) {
      deskStop.addAll(reply.stops());
    }
    askNext();
    if (!deskStop.isEmpty()) {
      confirmAll(); // the stop goes in as soon as the desk agrees on every end fed before it
    }
    if (unconfirmed.isEmpty() && (!deskBudgetChanges.isEmpty() || !deskStop.isEmpty())) {
      // After every end fed here so far, as the desk hears them.
      List<OrchestraEvent> changes = new ArrayList<>(deskBudgetChanges);
      changes.addAll(stopToFeed(deskStop));
      deskBudgetChanges.clear();
      deskStop.clear();
      if (!changes.isEmpty()) {
        fromDesk(() -> link.desk().observe(runId, Wire.events(changes)));
      }
    }
  }

  /** Budget changes stepped on what the desk's answers about task ends reported, to feed once every end is confirmed. */
  private final List<OrchestraEvent> deskBudgetChanges = new ArrayList<>();

  /** The stop a desk's answer about task ends asked for (see {@link #stopToFeed}), to feed once every end is confirmed. */
  private final List<String> deskStop = new ArrayList<>();

  /**
   * Before the budget steps again: feeds the changes stepped on the desk's answers first (waiting
   * for the desk's answers still due), so the machine hears every change in the order it was made.
   */
  private void changesFromDeskFirst() {
    if (!deskBudgetChanges.isEmpty()) {
      confirmAll();
    }
  }

  /**
   * Why the desk's answer about task ends fed here first cannot be taken: it fed lines of its own
   * among them while later ends were fed here already (their places cannot be the same), or it fed
   * others than the workflow did (its code differs).
   */
  private ApplicationFailure disagreement(List<String> desk, List<String> fed) {
    List<String> own = new ArrayList<>();
    int matched = 0;
    for (String line : desk) {
      if (matched < fed.size() && line.equals(fed.get(matched))) {
        matched++;
      } else {
        own.add(line);
      }
    }
    if (matched == fed.size()) {
      return ApplicationFailure.newNonRetryableFailure(
          "run " + runId + " failed: its desk fed " + own.size() + " line(s) of its own among task ends the workflow had fed ahead of it (the first: "
              + clip(own.get(0)) + "), which the workflow cannot put in the same place; the desk's log on its worker (" + link.workspace()
              + ") says why",
          "DeskDisagrees");
    }
    int at = 0;
    while (at < Math.min(fed.size(), desk.size()) && fed.get(at).equals(desk.get(at))) {
      at++;
    }
    return ApplicationFailure.newNonRetryableFailure(
        "run " + runId + " failed: its desk fed " + desk.size() + " lines for task ends where the workflow fed " + fed.size()
            + "; the first that differs is line " + (at + 1) + " (desk: " + clip(at < desk.size() ? desk.get(at) : "none") + ", workflow: "
            + clip(at < fed.size() ? fed.get(at) : "none")
            + "). The desk's worker runs other code than the workflow's: every worker of a task queue must run the same Orchestra",
        "DeskDisagrees");
  }

  /** Waits until the desk confirmed every end fed before it was asked: a call about anything else may follow. */
  private void confirmAll() {
    while (!unconfirmed.isEmpty()) {
      askNext();
      // Where a cancel cannot reach: what waits for this was taken from its queue already and must
      // not be dropped; the loop finds the cancel on its next turn.
      Workflow.newDetachedCancellationScope(() -> Workflow.await(this::answered)).run();
      confirm();
    }
  }

  /** A journal line cut short for a message that goes into the run's history. */
  private static String clip(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  /** Feeds the desk's answer to the machine and starts what it decides. */
  private void feed(List<String> lines) {
    feed(lines, Wire.readEvents(lines));
  }

  /** As {@link #feed(List)}, with the lines read already: {@code events.get(i)} is {@code lines.get(i)}. */
  private void feed(List<String> lines, List<OrchestraEvent> events) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      OrchestraEvent event = events.get(i);
      journal.add(line);
      RunMachine.Step step = machine.step(event);
      step.events().forEach(decided -> journal.add(Wire.event(decided))); // journalled after it, as the desk's machine decided them too
      if (event instanceof OrchestraEvent.RunFinished) {
        finished = line;
      }
      for (Command c : step.commands()) {
        switch (c.kind()) {
          case RUN_TASK -> {
            Command.RunTask run = (Command.RunTask) c;
            startOf.put(run.task().id(), ++starts);
            TaskCall call = new TaskCall(
                    runId, Wire.command(c), machine.state().goal(), explorations, link.workspace(), starts, request.approvalsThroughRun(),
                    link.gitRemote());
            pending.add(new Pending(c, Async.function(tasks::runTask, call)));
          }
          case AWAIT_RETRY -> {
            Duration left = Duration.between(now(), ((Command.AwaitRetry) c).until());
            Promise<Void> timer = Workflow.newTimer(left.isNegative() ? Duration.ZERO : left);
            pending.add(new Pending(c, timer.thenApply(v -> "")));
          }
          default -> deskWork.add(c);
        }
      }
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
