package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.LivePlan;
import dev.orchestra.internal.engine.PlanView;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.store.EventOutbox;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.internal.store.PlanStore;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.plan.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run in this JVM: its parts (journal, outbox, plan store, thread budget, workers, agents,
 * gates, model calls) around the {@link RunMachine}, which {@link MachineLoop} feeds. Every event
 * that happens (an agent's task finished, a gate decided, the budget moved...) is fed to the
 * machine under one lock; the machine's decisions are journalled after it, in order; its commands
 * are carried out: agents' tasks on the pool (an agent that finishes takes the next task itself,
 * with no hand-off), everything else (the planner, gates, plan.md, the finish) on the coordinating
 * thread, the one that called {@code run} or {@code resume}.
 */
final class RunEngine implements RunContext {
  private final OrchestratorConfig config;
  private final String runId;
  private final RunMachine machine;
  private final Journal journal;
  private final EventOutbox outbox;
  private final ThreadBudget budget;
  private final Workers workers;
  /** The policy applied to the parent environment once a run: every command of the run gets it. */
  private final CommandEnvironment commandEnvironment;
  private volatile boolean cancelled;
  /** Feeds the machine and carries out its commands. */
  private final MachineLoop loop;

  private final PlanStore planStore;
  /** The run's worktrees, or null when tasks share the workspace. */
  private final GitWorktrees worktrees;
  /** Where the run's shared work is: the integration worktree, or the workspace itself. */
  private final Path tree;
  private final GitWorkspace git;
  private final AgentRunner agents;
  private final GateRunner gates;
  private final ModelCaller models;
  private final RunCommands commands;
  /** See the constructor: null unless this engine only keeps a run's desk for an engine elsewhere. */
  private final MachineLoop.DeskTap deskTap;
  /** The round's task reports, for its gates' batch. */
  final Map<String, RoleReport> reports = new ConcurrentHashMap<>();
  /** The explorers' reports, for the planner's brief and every task's. */
  final Map<String, RoleReport.Exploration> explorations = new ConcurrentHashMap<>();

  RunEngine(OrchestratorConfig config, String runId, ExecutorService pool, RunMachine machine) {
    this(config, runId, pool, machine, null);
  }

  /**
   * @param worktrees the run's worktrees when its tasks are isolated (the machine's spec says so),
   *     or null
   */
  RunEngine(OrchestratorConfig config, String runId, ExecutorService pool, RunMachine machine, GitWorktrees worktrees) {
    this(config, runId, pool, machine, worktrees, null);
  }

  /**
   * @param deskTap null for an engine that decides; for a {@link DeskRun}'s engine, told of every
   *     event fed, in order, and of every budget signal, and asked whether to keep a stop the run
   *     asks for ({@code keepsStop}): its machine only mirrors the deciding engine's, so its
   *     commands are dropped, nothing starts here, and the budget is not its own
   */
  RunEngine(
      OrchestratorConfig config, String runId, ExecutorService pool, RunMachine machine, GitWorktrees worktrees, MachineLoop.DeskTap deskTap) {
    this.deskTap = deskTap;
    this.config = config;
    this.runId = runId;
    this.machine = machine;
    this.loop = new MachineLoop(this, machine, deskTap);
    this.journal = new Journal(config.journalFile());
    this.planStore = new PlanStore(config.planFile(), config.stateFolder());
    this.commandEnvironment = config.commandEnvironment();
    this.outbox =
        new EventOutbox(
            journal, config.listeners(), this::writePlan,
            e -> requestStop(StopReason.FAILED, "cannot write the journal " + config.journalFile() + ": " + e.getMessage()),
            () -> loop.planLeftForCoordinator());
    this.budget =
        new ThreadBudget(config.budgetPolicy(), config.clock(), c -> observe(new OrchestraEvent.BudgetChanged(runId, now(), c.from(), c.to(), c.cause())));
    this.worktrees = worktrees;
    this.tree = worktrees != null ? worktrees.integrationWorkdir() : config.workspace();
    this.git = GitWorkspace.of(tree, config.ownPaths(), commandEnvironment).orElse(null);
    this.agents = new AgentRunner(this);
    this.gates = new GateRunner(this);
    this.models = new ModelCaller(this);
    this.commands = new RunCommands(this);
    this.workers = new Workers(runId, pool, commands, this::requestStop);
  }

  // ------------------------------------------------------------------ what the parts share

  @Override
  public OrchestratorConfig config() {
    return config;
  }

  @Override
  public dev.orchestra.role.ApprovalHandler approvals() {
    return deskTap != null ? deskTap.approvals() : config.approvalHandler();
  }

  @Override
  public String runId() {
    return runId;
  }

  /** The goal as of the machine's last step; read without the lock, since every agent's brief needs it. */
  String goal() {
    return loop.goal();
  }

  /** The round the run is in. */
  int round() {
    loop.lock().lock();
    try {
      return machine.state().round();
    } finally {
      loop.lock().unlock();
    }
  }

  /** Returns a copy of the plan as it stands, or empty before the orchestrator role planned. */
  Optional<Plan> plan() {
    loop.lock().lock();
    try {
      return machine.state().plan();
    } finally {
      loop.lock().unlock();
    }
  }

  @Override
  public CommandEnvironment commandEnvironment() {
    return commandEnvironment;
  }

  RunMachine machine() {
    return machine;
  }

  ReentrantLock lock() {
    return loop.lock();
  }

  ThreadBudget budget() {
    return budget;
  }

  Journal journal() {
    return journal;
  }

  EventOutbox outbox() {
    return outbox;
  }

  PlanStore planStore() {
    return planStore;
  }

  /** Returns the git view of the run's shared work (the integration worktree's, when isolated), or null. */
  @Override
  public GitWorkspace git() {
    return git;
  }

  /** Returns the run's worktrees, or empty when tasks share the workspace. */
  @Override
  public Optional<GitWorktrees> worktrees() {
    return Optional.ofNullable(worktrees);
  }

  /**
   * Returns where the run's shared work is: the integration worktree when tasks are isolated (the
   * explorers, the planner and the gates work there), or the workspace itself.
   */
  @Override
  public Path tree() {
    return tree;
  }

  AgentRunner agents() {
    return agents;
  }

  RunCommands commands() {
    return commands;
  }

  /** Keeps a task's report: an explorer's for every later brief, any other for its round's gates. */
  void keepReport(String taskId, int round, RoleReport report) {
    if (round == 0 && report instanceof RoleReport.Exploration e) {
      explorations.put(taskId, e);
    } else {
      reports.put(taskId, report);
    }
  }

  GateRunner gates() {
    return gates;
  }

  @Override
  public ModelCaller models() {
    return models;
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  /** Whether the run is stopping: no new work starts. */
  boolean stopping() {
    return loop.stopping() || cancelled;
  }

  @Override
  public void signal(BudgetPolicy.Signal signal, String cause) {
    if (deskTap != null) {
      deskTap.signalled(signal, cause);
      return;
    }
    budget.signal(signal, cause);
  }

  // ------------------------------------------------------------------ feeding the machine

  /**
   * Feeds an event that happened and carries out what the machine decides; agents' tasks go to the
   * pool. For events from any thread (tool calls, model calls, budget changes, stops).
   */
  @Override
  public void observe(OrchestraEvent event) {
    submit(loop.feed(event));
  }

  /** Feeds events in order, under one hold of the lock, and starts the agents' tasks decided. */
  @Override
  public void observeAll(List<OrchestraEvent> events) {
    submit(loop.feedAll(events));
  }

  /**
   * Feeds events as {@link #observeAll} does if the lock is free at once; never waits for it.
   *
   * @return false, with nothing fed, when another thread holds the lock
   */
  @Override
  public boolean tryObserveAll(List<OrchestraEvent> events) {
    return loop.tryObserveAll(events);
  }

  /** Feeds an event; returns the agents' tasks to start, which the caller starts. */
  List<Command.RunTask> feed(OrchestraEvent event) {
    return loop.feed(event);
  }

  /** Feeds events in order, under one hold of the lock; returns the agents' tasks to start. */
  @Override
  public List<Command.RunTask> feedAll(List<OrchestraEvent> events) {
    return loop.feedAll(events);
  }

  /** Runs the coordinating loop until the run finished; returns how it ended. */
  RunResult coordinate(OrchestraEvent start) {
    return loop.coordinate(start);
  }

  Workers workers() {
    return workers;
  }

  private void writePlan(LivePlan.Copy copy) {
    try {
      planStore.write(copy);
    } catch (RuntimeException e) {
      // Agents may still be running: stop starting new ones and let them finish.
      requestStop(StopReason.FAILED, "cannot write " + config.planFile() + ": " + e.getMessage());
    }
  }

  /** Asks the run to stop (a cancel, a lost quota, a failure): recorded as an event. */
  @Override
  public void requestStop(StopReason reason, String message) {
    if (stopReason().isEmpty()) {
      OrchestraEvent.StopRequested stop = new OrchestraEvent.StopRequested(runId, now(), reason, Text.oneLine(message));
      if (deskTap == null || !deskTap.keepsStop(stop)) {
        observe(stop);
      }
    }
  }

  /** Adds risks to the plan, recorded as an event. */
  @Override
  public void noteRisks(String reason, List<String> risks) {
    loop.lock().lock();
    boolean planned;
    String planGoal;
    int size;
    try {
      PlanView plan = machine.state().planView();
      planned = plan != null;
      planGoal = planned ? plan.goal() : "";
      size = planned ? plan.size() : 0;
    } finally {
      loop.lock().unlock();
    }
    if (planned) {
      observe(new OrchestraEvent.PlanUpdated(runId, now(), reason, size, List.of(), planGoal, List.of(), List.of(), List.of(), risks, false));
    }
  }

  /** Starts agents' tasks on the pool. */
  void submit(List<Command.RunTask> tasks) {
    workers.submit(tasks);
  }

  /**
   * For a run that ends abnormally (something thrown out of {@link #coordinate}): cancels it and
   * waits, at most {@code patience}, for its agents, so none writes after the run's lock is gone.
   *
   * @return whether every agent is back
   */
  boolean abandon(Duration patience) {
    cancel();
    return workers.awaitAll(patience);
  }

  /** Cancels the run: nothing new starts, agents are interrupted, and the run stops CANCELLED. */
  void cancel() {
    cancelled = true;
    workers.interruptAll();
    requestStop(StopReason.CANCELLED, cancelMessage());
    loop.coordinatorThread().interrupt();
  }

  /**
   * A cancel reaching the command a desk carries out on {@code carrying}, as {@link #cancel} does
   * in one JVM, but the stop is only queued: the carrying thread delivers it (journal, listeners,
   * plan.md), since those are the desk's working thread's to write.
   */
  void cancelAtDesk(Thread carrying) {
    cancelled = true;
    workers.interruptAll();
    loop.stopUndelivered(new OrchestraEvent.StopRequested(runId, now(), StopReason.CANCELLED, cancelMessage()));
    carrying.interrupt();
  }

  private String cancelMessage() {
    return "cancelled in round " + round() + "; resume() continues";
  }

  private Optional<StopReason> stopReason() {
    loop.lock().lock();
    try {
      return machine.state().stopReason();
    } finally {
      loop.lock().unlock();
    }
  }

  Thread coordinatorThread() {
    return loop.coordinatorThread();
  }
}
