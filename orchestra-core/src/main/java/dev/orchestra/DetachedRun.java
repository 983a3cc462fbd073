package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.plan.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A run's agents' tasks carried out away from the engine that decides the run (a Temporal activity
 * on any worker): the same agents, tool boxes and model calls as in {@link RunEngine}, but what a
 * task observes (its events, how its model calls went, the risks it found) is recorded and handed
 * back in a {@link TaskResult}, for that engine to feed to its state machine; nothing here decides
 * or starts anything. The tasks share {@code workspace} and one {@link AgentRunner}, so, as in one
 * JVM, a write is blamed on the task that made it while others run (or, for a run whose clones
 * share a git remote, each works in a worktree of its own and pushes its branch); how many times a task's agent
 * failed on its own comes with its command (the machine counts), so the retry rule holds on any
 * worker. Thread-safe: tasks may run at once.
 */
final class DetachedRun implements TaskExecutor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DetachedRun.class);

  private final Shared shared;
  private final AgentRunner agents;

  /**
   * @param worktrees the run's worktrees in this clone, when its clones share a git remote (each
   *     task then works in a worktree of its own and pushes its branch); null when tasks share
   *     {@code workspace}
   * @throws OrchestraException when the workspace cannot be used (it does not exist)
   */
  DetachedRun(
      OrchestratorConfig config, String runId, Path workspace, BooleanSupplier cancelled, ApprovalHandler approvals, GitWorktrees worktrees) {
    this.shared = new Shared(config, runId, workspace, cancelled, approvals, worktrees);
    this.agents = new AgentRunner(shared);
  }

  @Override
  public TaskResult run(
      Command.RunTask command, String goal, Map<String, RoleReport.Exploration> explorations, HealthListener healthSoFar) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(healthSoFar, "healthSoFar");
    Objects.requireNonNull(goal, "goal");
    Map<String, RoleReport.Exploration> known = Map.copyOf(Objects.requireNonNull(explorations, "explorations"));
    if (!command.resolves().isEmpty() && shared.worktrees().isEmpty()) {
      throw new IllegalArgumentException(
          "task " + command.task().id() + " resolves a merge conflict, which needs the run's worktrees: a detached executor shares one workspace");
    }
    Record record = new Record(healthSoFar);
    List<RoleReport> report = new ArrayList<>(1);
    try {
      TaskWork.run(record, agents, command, goal, known, (task, r) -> report.add(r));
    } catch (RuntimeException | Error e) {
      // As the in-process engine's worker does: the task ends failed, and the run goes on.
      LOG.error("run {}: task {} failed unexpectedly", shared.runId, command.task().id(), e);
      record.observe(
          new OrchestraEvent.TaskFinished(
              shared.runId, record.now(), command.task().id(), command.task().role(), TaskStatus.FAILED, Text.oneLine("unexpected error: " + e),
              List.of(), command.round()));
    }
    return record.result(report.isEmpty() ? Optional.empty() : Optional.of(report.get(0)));
  }

  /** The run as every task sees it: what the agents and the model calls read, the same for all. */
  private static final class Shared implements RunContext {
    private final OrchestratorConfig config;
    private final String runId;
    private final Path workspace;
    private final GitWorkspace git;
    private final CommandEnvironment environment;
    private final BooleanSupplier cancelled;
    private final ModelCaller models;
    private final ApprovalHandler approvals;

    private final GitWorktrees worktrees;

    Shared(OrchestratorConfig config, String runId, Path workspace, BooleanSupplier cancelled, ApprovalHandler approvals, GitWorktrees worktrees) {
      this.worktrees = worktrees;
      this.config = Objects.requireNonNull(config, "config");
      this.approvals = Objects.requireNonNull(approvals, "approvals");
      this.runId = Objects.requireNonNull(runId, "runId");
      this.workspace = Objects.requireNonNull(workspace, "workspace");
      this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
      this.environment = config.commandEnvironment(); // the policy applied once, as a run does
      this.git = GitWorkspace.of(workspace, config.ownPaths(), environment).orElse(null);
      this.models = new ModelCaller(this);
    }

    @Override
    public OrchestratorConfig config() {
      return config;
    }

    @Override
    public ApprovalHandler approvals() {
      return approvals;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public Path tree() {
      return workspace;
    }

    @Override
    public GitWorkspace git() {
      return git;
    }

    @Override
    public Optional<GitWorktrees> worktrees() {
      return Optional.ofNullable(worktrees);
    }

    @Override
    public CommandEnvironment commandEnvironment() {
      return environment;
    }

    @Override
    public boolean cancelled() {
      return cancelled.getAsBoolean();
    }

    @Override
    public ModelCaller models() {
      return models;
    }

    // What a task observes goes to its own Record, through its AgentEvents; never here.

    @Override
    public void signal(BudgetPolicy.Signal signal, String cause) {
      throw unrecorded();
    }

    @Override
    public void requestStop(StopReason reason, String message) {
      throw unrecorded();
    }

    @Override
    public void noteRisks(String reason, List<String> risks) {
      throw unrecorded();
    }

    @Override
    public void observe(OrchestraEvent event) {
      throw unrecorded();
    }

    @Override
    public void observeAll(List<OrchestraEvent> events) {
      throw unrecorded();
    }

    @Override
    public boolean tryObserveAll(List<OrchestraEvent> events) {
      throw unrecorded();
    }

    @Override
    public List<Command.RunTask> feedAll(List<OrchestraEvent> events) {
      throw unrecorded();
    }

    private static IllegalStateException unrecorded() {
      return new IllegalStateException("a detached task's observations go to its own record");
    }
  }

  /** One task's view of the run: the shared parts, and what it observes written down in order. */
  private final class Record implements RunContext {
    private final List<OrchestraEvent> events = new ArrayList<>();
    private final List<TaskResult.Health> health = new ArrayList<>();
    private final List<TaskResult.Risks> risks = new ArrayList<>();
    private final HealthListener healthSoFar;
    private boolean ended;

    Record(HealthListener healthSoFar) {
      this.healthSoFar = healthSoFar;
    }

    synchronized TaskResult result(Optional<RoleReport> report) {
      ended = true;
      return new TaskResult(events, health, risks, report);
    }

    /** Adds what the task observed, unless its result was already taken (a late report is dropped). */
    private void add(List<OrchestraEvent> observed) {
      if (ended) {
        LOG.debug("run {}: {} event(s) after the task's end are not in its result", shared.runId, observed.size());
        return;
      }
      events.addAll(observed);
    }

    @Override
    public OrchestratorConfig config() {
      return shared.config();
    }

    @Override
    public String runId() {
      return shared.runId();
    }

    @Override
    public Path tree() {
      return shared.tree();
    }

    @Override
    public GitWorkspace git() {
      return shared.git();
    }

    @Override
    public Optional<GitWorktrees> worktrees() {
      return shared.worktrees();
    }

    @Override
    public CommandEnvironment commandEnvironment() {
      return shared.commandEnvironment();
    }

    @Override
    public boolean cancelled() {
      return shared.cancelled();
    }

    @Override
    public ModelCaller models() {
      return shared.models();
    }

    @Override
    public void signal(BudgetPolicy.Signal signal, String cause) {
      TaskResult.Health.Kind kind =
          switch (signal) {
            case SUCCESS -> TaskResult.Health.Kind.SUCCESS;
            case RATE_LIMITED -> TaskResult.Health.Kind.RATE_LIMITED;
            case UNSTABLE -> TaskResult.Health.Kind.UNSTABLE;
          };
      TaskResult.Health h = new TaskResult.Health(kind, cause);
      int index;
      synchronized (this) {
        if (ended) {
          return;
        }
        health.add(h);
        index = health.size() - 1;
      }
      // Outside this record's lock: the listener may take a while (a message to another machine).
      try {
        healthSoFar.happened(index, h);
      } catch (RuntimeException e) {
        LOG.warn("run {}: telling a model call's outcome failed; it is in the task's result", shared.runId, e);
      }
    }

    @Override
    public synchronized void requestStop(StopReason reason, String message) {
      add(List.of(new OrchestraEvent.StopRequested(shared.runId, now(), reason, Text.oneLine(message))));
    }

    @Override
    public synchronized void noteRisks(String reason, List<String> found) {
      if (!ended) {
        risks.add(new TaskResult.Risks(reason, found));
      }
    }

    @Override
    public synchronized void observe(OrchestraEvent event) {
      add(List.of(event));
    }

    @Override
    public synchronized void observeAll(List<OrchestraEvent> observed) {
      add(observed);
    }

    @Override
    public synchronized boolean tryObserveAll(List<OrchestraEvent> observed) {
      add(observed);
      return true;
    }

    @Override
    public synchronized List<Command.RunTask> feedAll(List<OrchestraEvent> observed) {
      add(observed);
      return List.of(); // the engine that asked decides what starts next
    }
  }
}
