package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A run's agents' tasks carried out away from the engine that decides the run (a Temporal activity
 * on any worker): the same agents, tool boxes and model calls as in {@link RunEngine}, but the
 * events a task observes are recorded and handed back in a {@link TaskResult}, for that engine to
 * feed to its state machine; nothing here decides or starts anything. The tasks share {@code
 * workspace}. Thread-safe: tasks may run at once, each with its own record.
 */
final class DetachedRun implements TaskExecutor {
  private final OrchestratorConfig config;
  private final String runId;
  private final Path workspace;
  private final GitWorkspace git;
  private final BooleanSupplier cancelled;

  DetachedRun(OrchestratorConfig config, String runId, Path workspace, BooleanSupplier cancelled) {
    this.config = Objects.requireNonNull(config, "config");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
    this.git = GitWorkspace.of(workspace, config.ownPaths(), config.commandEnvironment()).orElse(null);
  }

  @Override
  public TaskResult run(Command.RunTask command, String goal, Map<String, RoleReport.Exploration> explorations) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(goal, "goal");
    Record record = new Record();
    List<RoleReport> report = new ArrayList<>(1);
    TaskWork.run(record, record.agents, command, goal, Map.copyOf(explorations), (task, r) -> report.add(r));
    synchronized (record) {
      return new TaskResult(record.events, record.health, record.risks, report.stream().findFirst());
    }
  }

  /** One task's view of the run: what it observes is written down, in order. */
  private final class Record implements RunContext {
    private final List<OrchestraEvent> events = new ArrayList<>();
    private final List<TaskResult.Health> health = new ArrayList<>();
    private final List<TaskResult.Risks> risks = new ArrayList<>();
    private boolean stopAsked;
    private final ModelCaller models = new ModelCaller(this);
    private final AgentRunner agents = new AgentRunner(this);

    @Override
    public OrchestratorConfig config() {
      return config;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public Instant now() {
      return config.clock().instant();
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
      return Optional.empty();
    }

    @Override
    public CommandEnvironment commandEnvironment() {
      return config.commandEnvironment();
    }

    @Override
    public boolean cancelled() {
      return cancelled.getAsBoolean();
    }

    @Override
    public double jitter() {
      java.util.random.RandomGenerator r = config.random();
      synchronized (r) {
        return r.nextDouble();
      }
    }

    @Override
    public synchronized void signal(BudgetPolicy.Signal signal, String cause) {
      TaskResult.Health.Kind kind =
          switch (signal) {
            case SUCCESS -> TaskResult.Health.Kind.SUCCESS;
            case RATE_LIMITED -> TaskResult.Health.Kind.RATE_LIMITED;
            case UNSTABLE -> TaskResult.Health.Kind.UNSTABLE;
          };
      health.add(new TaskResult.Health(kind, cause));
    }

    @Override
    public synchronized void requestStop(StopReason reason, String message) {
      if (!stopAsked) {
        stopAsked = true;
        events.add(new OrchestraEvent.StopRequested(runId, now(), reason, Text.oneLine(message)));
      }
    }

    @Override
    public synchronized void noteRisks(String reason, List<String> found) {
      risks.add(new TaskResult.Risks(reason, found));
    }

    @Override
    public ModelCaller models() {
      return models;
    }

    @Override
    public synchronized void observe(OrchestraEvent event) {
      events.add(event);
    }

    @Override
    public synchronized void observeAll(List<OrchestraEvent> observed) {
      events.addAll(observed);
    }

    @Override
    public synchronized boolean tryObserveAll(List<OrchestraEvent> observed) {
      events.addAll(observed);
      return true;
    }

    @Override
    public synchronized List<Command.RunTask> feedAll(List<OrchestraEvent> observed) {
      events.addAll(observed);
      return List.of(); // the engine that asked decides what starts next
    }
  }
}
