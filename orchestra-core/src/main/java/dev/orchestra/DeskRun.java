package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.engine.RunState;
import dev.orchestra.internal.engine.RunSpec;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.internal.store.RunLock;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.internal.workspace.KeptJournals;
import dev.orchestra.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A {@link RunDesk} on a {@link RunEngine} whose machine mirrors the deciding engine's: the same
 * journal, plan.md, outbox, planner, gates and finisher as a run in this JVM, with every event fed
 * told back to the caller instead of driving anything. Thread-safe: calls are serialized, but for
 * {@link #interrupt}, which comes while one is under way.
 */
final class DeskRun implements RunDesk, MachineLoop.DeskTap {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeskRun.class);

  private final String runId;
  private final RunLock held;
  private final ExecutorService pool;
  private final RunEngine engine;
  /**
   * What the engine fed during the current call, in order; guarded by itself, not by this desk's
   * monitor, since {@link #interrupt} feeds a stop while {@code carryOut} holds that monitor.
   */
  private final List<OrchestraEvent> fed = new ArrayList<>();
  /** How the model calls made during the current call went, in order; guarded by {@link #fed}. */
  private final List<TaskResult.Health> health = new ArrayList<>();
  /** Whether the current call feeds events the deciding engine gave (observe, taskEnded); guarded by {@link #fed}. */
  private boolean given;
  /** The stop the run asked for during such a call, kept for the deciding engine; guarded by {@link #fed}. */
  private final List<OrchestraEvent.StopRequested> stops = new ArrayList<>();
  private boolean closed;
  /** Who answers the desk's agents' approval requests, when routed elsewhere ({@link #approvalsBy}); null for the team's handler. */
  private volatile dev.orchestra.role.ApprovalHandler approvals;
  /** Guards {@link #carrying}: an interrupt's stop is fed only while a command is under way, never after its end. */
  private final Object carryLock = new Object();
  /** The thread carrying out a command, or null; guarded by carryLock. */
  private Thread carrying;
  /** Whether {@link #interrupt} interrupted {@link #carrying}; guarded by carryLock. */
  private boolean interrupted;

  /**
   * Opens a new run's desk.
   *
   * @throws OrchestraException when the workspace's run lock is held (a run goes on there)
   */
  DeskRun(OrchestratorConfig config, RunSpec spec, String runId, Supplier<GitWorktrees> worktrees) {
    this(config, spec, runId, null, worktrees);
  }

  /**
   * Opens the desk of a run whose desk was lost (its worker died), from the run's journal in this
   * workspace: cut back to the run's first {@code known} events, the last of which is {@code last},
   * and replayed into the desk's machine, which then stands where the deciding engine's does. As at
   * a resume, plan.md's last write by the run is the base a person's edit is told from (so a hand
   * edit the lost desk merged during the call it lost is not merged again). The
   * explorers' reports come from the deciding engine; the reports of the round's tasks do not (the
   * round's gates and the release notes go without them), and a round under way is taken to have
   * started at the last commit, so its gates judge every uncommitted change (but not a commit an
   * agent made itself during the round).
   *
   * @throws OrchestraException when the workspace's run lock is held, or the journal does not hold
   *     those events of the run
   */
  static DeskRun reopen(
      OrchestratorConfig config, RunSpec spec, String runId, int known, OrchestraEvent last, Map<String, RoleReport.Exploration> explorations,
      List<String> journal, Supplier<GitWorktrees> worktrees) {
    return new DeskRun(
        config, spec, runId, new Takeover(known, Objects.requireNonNull(last, "last"), Map.copyOf(explorations), List.copyOf(journal)), worktrees);
  }

  /**
   * What a desk taking over a run starts from.
   *
   * @param journal the run's journal lines as the deciding engine has them, written here first
   *     (this workspace does not hold them: a clone of its own), or empty when the journal here does
   */
  private record Takeover(int known, OrchestraEvent last, Map<String, RoleReport.Exploration> explorations, List<String> journal) {}

  /**
   * @param worktrees opens the run's worktrees under the run lock (a run whose clones share a git
   *     remote), or gives null (the run's tasks share this workspace); the spec is isolated exactly
   *     when it gives worktrees
   */
  private DeskRun(OrchestratorConfig config, RunSpec spec, String runId, Takeover takeover, Supplier<GitWorktrees> worktrees) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.held = RunLock.acquire(config.workspace(), config.stateFolder().resolve("run.lock"), runId, config.clock().instant());
    // Nothing runs on it: the engine's workers are never given a task here.
    this.pool = Executors.newCachedThreadPool();
    try {
      GitWorktrees trees = worktrees.get();
      if (spec.isolated() != (trees != null)) {
        throw new IllegalArgumentException(
            "a run's desk has worktrees exactly when its spec is isolated (its tasks work in clones sharing a git remote)");
      }
      RunMachine machine = new RunMachine(spec);
      if (takeover != null) {
        // Under the run lock: the lost desk's worker is gone, or closed the desk when Temporal gave its call up.
        if (!takeover.journal().isEmpty()) {
          Journal.restoreRun(config.journalFile(), runId, takeover.journal());
        }
        machine.rebuild(Journal.keepRun(config.journalFile(), runId, takeover.known(), takeover.last()));
      }
      this.engine = new RunEngine(config, runId, pool, machine, trees, this);
      if (takeover != null) {
        takeOver(machine, takeover);
      }
    } catch (RuntimeException | Error e) {
      pool.shutdownNow();
      held.close();
      throw e;
    }
  }

  /** Sets up what the desk keeps beside its machine, as far as the journal and the deciding engine tell it. */
  private void takeOver(RunMachine machine, Takeover takeover) {
    engine.planStore().removeStaleTemporaryFiles();
    if (!takeover.journal().isEmpty()) {
      // This clone's plan.md and its last-written copy are another run's, or none: that plan is kept
      // aside, and the run's, as the journal has it, takes its place (or none, before planning).
      engine.planStore().backUpPrevious(runId, engine.now(), engine.config().stateFolder());
      engine.planStore().forgetLastWritten();
      machine.state().plan().ifPresent(engine.planStore()::write);
    }
    engine.planStore().resumeBaseline(machine.state().plan());
    takeover.explorations().forEach((id, report) -> engine.keepReport(id, 0, report));
    RunState.Phase phase = machine.state().phase();
    if (phase == RunState.Phase.BATCH || phase == RunState.Phase.GATING || phase == RunState.Phase.ROUND_END) {
      engine.commands().roundStartUnknown();
    }
  }

  @Override
  public void fed(OrchestraEvent event) {
    synchronized (fed) {
      fed.add(event);
    }
  }

  @Override
  public void signalled(BudgetPolicy.Signal signal, String cause) {
    synchronized (fed) {
      health.add(new TaskResult.Health(BudgetPolicy.outcome(signal), cause));
    }
  }

  @Override
  public boolean keepsStop(OrchestraEvent.StopRequested stop) {
    synchronized (fed) {
      if (!given) {
        return false;
      }
      if (stops.isEmpty()) {
        stops.add(stop);
      } // a later one (plan.md failing again) adds nothing: the first is still to be fed
      return true;
    }
  }

  @Override
  public synchronized Answer observe(List<OrchestraEvent> events) {
    begin();
    given(true);
    try {
      engine.feedAll(List.copyOf(events));
    } finally {
      given(false);
    }
    return taken();
  }

  private void given(boolean on) {
    synchronized (fed) {
      given = on;
    }
  }

  @Override
  public synchronized Answer taskEnded(Command.RunTask command, TaskResult result) {
    List<OrchestraEvent> events = result.events();
    if (events.isEmpty()
        || !(events.get(events.size() - 1) instanceof OrchestraEvent.TaskFinished end)
        || !end.taskId().equals(command.task().id())) {
      throw new IllegalArgumentException("the result of task " + command.task().id() + " does not end with its TaskFinished: " + events);
    }
    begin();
    given(true);
    try {
      engine.feedAll(events.subList(0, events.size() - 1));
      result.report().ifPresent(r -> engine.keepReport(command.task().id(), command.round(), r));
      result.risks().forEach(r -> engine.noteRisks(r.reason(), r.risks()));
      engine.feedAll(List.of(events.get(events.size() - 1)));
    } finally {
      given(false);
    }
    return taken();
  }

  @Override
  public synchronized Answer carryOut(Command command) {
    Objects.requireNonNull(command, "command");
    if (command.kind() == Command.Kind.RUN_TASK || command.kind() == Command.Kind.AWAIT_RETRY) {
      throw new IllegalArgumentException("the deciding engine carries out " + command.kind() + " itself, not a run's desk");
    }
    begin();
    if (command instanceof Command.Finish finish) {
      try {
        engine.commands().finish(finish);
      } finally {
        close();
      }
      return taken();
    }
    synchronized (carryLock) {
      carrying = Thread.currentThread();
    }
    try {
      engine.commands().run(command);
    } catch (RuntimeException | Error e) {
      // As the in-process coordinator does: the run stops, and the agent the command ran ends.
      if (engine.cancelled()) {
        LOG.info("run {}: {} ended by the cancel: {}", runId, command.kind(), e.toString());
      } else {
        LOG.error("run {}: {} failed", runId, command.kind(), e);
      }
      engine.requestStop(StopReason.FAILED, "unexpected error: " + e);
      engine.commands().abandoned(command, "unexpected error: " + e);
    } finally {
      synchronized (carryLock) {
        carrying = null;
        if (interrupted) {
          interrupted = false;
          Thread.interrupted(); // the cancel's, now served: the worker's thread goes back clean
        }
      }
    }
    engine.outbox().drainAll(); // a stop an interrupt fed is delivered here, on the desk's own thread
    return taken();
  }

  @Override
  public boolean interrupt() {
    synchronized (carryLock) {
      if (carrying == null) {
        return false;
      }
      engine.cancelAtDesk(carrying);
      interrupted = true; // set last: the carrying thread's flag is cleared only once this interrupted it
      return true;
    }
  }

  @Override
  public void approvalsBy(dev.orchestra.role.ApprovalHandler handler) {
    approvals = Objects.requireNonNull(handler, "handler"); // not synchronized: a call under way may wait on an agent's request
  }

  @Override
  public dev.orchestra.role.ApprovalHandler approvals() {
    dev.orchestra.role.ApprovalHandler routed = approvals;
    return routed != null ? routed : engine.config().approvalHandler();
  }

  @Override
  public synchronized void editPlan(Plan base, Plan edited) {
    if (closed) {
      throw new IllegalStateException("the desk of run " + runId + " is closed");
    }
    engine.planStore().offerEdit(base, edited);
  }

  @Override
  public synchronized List<String> journalLines(int from, long maxChars) {
    if (closed) {
      throw new IllegalStateException("the desk of run " + runId + " is closed");
    }
    engine.outbox().drainAll(); // every event fed so far is in the file
    return Journal.runLines(engine.config().journalFile(), runId, from, maxChars);
  }

  @Override
  public void keepJournalAtRemote() {
    GitRemote remote =
        engine.worktrees().flatMap(GitWorktrees::remote)
            .orElseThrow(() -> new IllegalStateException("run " + runId + "'s desk has no git remote to keep its journal on"));
    // The lines are read under the desk's lock; the push goes without it, so a close is not held up.
    List<String> lines = journalLines(0, Long.MAX_VALUE);
    KeptJournals.keep(remote, engine.config().workspace(), engine.config().commandEnvironment(), engine.config().commitIdentity(), runId, lines);
  }

  private void begin() {
    if (closed) {
      throw new IllegalStateException("the desk of run " + runId + " is closed");
    }
    synchronized (fed) {
      if (!fed.isEmpty()) {
        // Fed between calls (a late event from an agent's thread): the deciding engine never heard
        // of it, so the two machines no longer agree. Fail loudly rather than drift.
        throw new IllegalStateException("run " + runId + "'s desk was fed between calls, so its machine and the deciding one differ: " + fed);
      }
      health.clear();
      stops.clear();
    }
  }

  private Answer taken() {
    synchronized (fed) {
      Answer out = new Answer(fed, health, stops);
      fed.clear();
      health.clear();
      stops.clear();
      return out;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      engine.journal().close();
    } finally {
      pool.shutdownNow();
      held.close();
    }
  }
}
