package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.engine.RunSpec;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.store.PlanStore;
import dev.orchestra.internal.store.RunLock;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.plan.Plan;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The orchestrator: its lifecycle (one run at a time, sync or async, cancel, close), the run lock
 * of the workspace, and the pool its agents run on. A run itself is a {@link RunEngine} driving a
 * {@link RunMachine}. As an {@link EngineHost} it also carries out agents' tasks for an engine that
 * decides elsewhere ({@link DetachedRun}).
 */
final class DefaultOrchestrator implements Orchestrator, EngineHost {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DefaultOrchestrator.class);
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final OrchestratorConfig config;
  private final Object lock = new Object();
  private RunEngine current; // guarded by lock
  private boolean busy; // guarded by lock
  /** A cancel that came while a run was starting, before it could take it: taken at once. */
  private boolean cancelPending; // guarded by lock

  DefaultOrchestrator(OrchestratorConfig config) {
    this.config = config;
  }

  @Override
  public TaskExecutor tasks(String runId, Path workspace, BooleanSupplier cancelled) {
    return tasks(runId, workspace, cancelled, config.approvalHandler());
  }

  @Override
  public TaskExecutor tasks(String runId, Path workspace, BooleanSupplier cancelled, ApprovalHandler approvals) {
    return new DetachedRun(config, runId, workspace, cancelled, approvals, null);
  }

  @Override
  public TaskExecutor tasksAtRemote(String runId, GitRemote remote, BooleanSupplier cancelled, ApprovalHandler approvals) {
    Isolation.Worktrees w = worktreesAtRemote(remote);
    GitWorktrees trees =
        remote.runTasks(config.workspace(), runId, config.commandEnvironment(), config.commitIdentity(), w.runHooks());
    return new DetachedRun(config, runId, config.workspace(), cancelled, approvals, trees);
  }

  /** The team's worktree settings, which a run shared through a remote needs: its clones meet only there. */
  private Isolation.Worktrees worktreesAtRemote(GitRemote remote) {
    java.util.Objects.requireNonNull(remote, "remote");
    if (!(config.isolation() instanceof Isolation.Worktrees w)) {
      throw new IllegalArgumentException(
          "a run shared through the git remote " + remote + " gives every task a worktree of its own, but this team was built with "
              + config.isolation() + ": build it with Isolation.worktrees()");
    }
    return w;
  }

  @Override
  public void checkAtRemote(GitRemote remote) {
    worktreesAtRemote(remote);
    if (!GitWorkspace.hasCommit(config.workspace(), config.commandEnvironment())) {
      throw new IllegalArgumentException(
          "a run shared through the git remote " + remote + " works in clones of it, but " + config.workspace()
              + " is not in a git work tree with a commit: clone the remote there");
    }
  }

  private GitWorktrees openAtRemote(String runId, GitRemote remote) {
    Isolation.Worktrees w = worktreesAtRemote(remote);
    return remote.keepRun(config.workspace(), runId, config.commandEnvironment(), config.commitIdentity(), w.runHooks());
  }

  @Override
  public ApprovalHandler approvalHandler() {
    return config.approvalHandler();
  }

  @Override
  public Path workspace() {
    return config.workspace();
  }

  @Override
  public BudgetPolicy budgetPolicy() {
    return config.budgetPolicy();
  }

  @Override
  public RunSpec spec() {
    return spec(false, 1);
  }

  @Override
  public RunSpec specAtRemote(int mergesAtOnce) {
    return spec(true, Math.max(1, mergesAtOnce));
  }

  @Override
  public RunDesk desk(String runId) {
    return new DeskRun(config, spec(false, 1), runId, () -> null);
  }

  @Override
  public RunDesk deskAtRemote(String runId, GitRemote remote, int mergesAtOnce) {
    worktreesAtRemote(remote);
    return new DeskRun(config, specAtRemote(mergesAtOnce), runId, () -> openAtRemote(runId, remote));
  }

  @Override
  public RunDesk reopenDesk(String runId, int known, OrchestraEvent last, Map<String, RoleReport.Exploration> explorations) {
    return DeskRun.reopen(config, spec(false, 1), runId, known, last, explorations, List.of(), () -> null);
  }

  @Override
  public RunDesk reopenDeskAtRemote(
      String runId, GitRemote remote, int known, OrchestraEvent last, Map<String, RoleReport.Exploration> explorations, List<String> journal,
      int mergesAtOnce) {
    worktreesAtRemote(remote);
    return DeskRun.reopen(config, specAtRemote(mergesAtOnce), runId, known, last, explorations, journal, () -> openAtRemote(runId, remote));
  }

  @Override
  public java.util.Optional<List<String>> journalKeptAtRemote(String runId, GitRemote remote) {
    return dev.orchestra.internal.workspace.KeptJournals.read(remote, config.workspace(), config.commandEnvironment(), runId);
  }

  @Override
  public RunResult run(String goal) {
    checkGoal(goal);
    reserve();
    return execute(goal, false);
  }

  @Override
  public CompletableFuture<RunResult> runAsync(String goal) {
    checkGoal(goal);
    reserve();
    return async(() -> execute(goal, false));
  }

  @Override
  public RunResult resume() {
    reserve();
    return execute(null, true);
  }

  @Override
  public CompletableFuture<RunResult> resumeAsync() {
    reserve();
    return async(() -> execute(null, true));
  }

  @Override
  public void cancel() {
    RunEngine r;
    synchronized (lock) {
      r = current;
      if (r == null && busy) {
        cancelPending = true;
      }
    }
    if (r != null) {
      r.cancel();
    }
  }

  /** The engine of the run going on, if any. For tests in this package, which hold its lock. */
  java.util.Optional<RunEngine> engine() {
    synchronized (lock) {
      return java.util.Optional.ofNullable(current);
    }
  }

  @Override
  public void close() {
    cancel();
    synchronized (lock) {
      if (current != null && current.coordinatorThread() == Thread.currentThread()) {
        return; // called from a listener on the run's own thread: waiting would wait for ourselves
      }
      while (busy) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void checkGoal(String goal) {
    if (goal == null || goal.isBlank()) {
      throw new IllegalArgumentException("the goal must not be blank");
    }
  }

  private void reserve() {
    synchronized (lock) {
      if (busy) {
        throw new IllegalStateException("a run is already going on this orchestrator; wait for it or cancel it");
      }
      busy = true;
      cancelPending = false;
    }
  }

  private CompletableFuture<RunResult> async(Supplier<RunResult> body) {
    CompletableFuture<RunResult> future = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                future.complete(body.get());
              } catch (Throwable e) {
                future.completeExceptionally(e);
              }
            },
            "orchestra-run");
    future.whenComplete(
        (r, e) -> {
          if (future.isCancelled()) {
            cancel();
          }
        });
    t.start();
    return future;
  }

  /** What the run's decisions depend on: the team's shape, the bounds, and whether tasks are isolated. */
  private RunSpec spec(boolean isolated, int mergesAtOnce) {
    Set<String> writers =
        config.roles().values().stream().filter(r -> r.sandboxMode().allowsWrites()).map(Role::name).collect(Collectors.toSet());
    return new RunSpec(
        config.probes(), writers, config.gates().stream().map(Gate::name).toList(), config.bounds(), config.oneBatch(),
        config.roles().containsKey(BuiltInRoles.RELEASE_MANAGER), config.budgetPolicy().top(), isolated, mergesAtOnce);
  }

  /** Whether tasks get worktrees: asked for, in a git work tree with a commit to branch from. */
  private boolean worktreesWanted() {
    if (!(config.isolation() instanceof Isolation.Worktrees)
        || GitWorkspace.of(config.workspace(), List.of(), config.commandEnvironment()).isEmpty()) {
      return false;
    }
    if (!GitWorkspace.hasCommit(config.workspace(), config.commandEnvironment())) {
      log.warn("{} has no commit to branch from, so the run's tasks share its working tree", config.workspace());
      return false;
    }
    return true;
  }

  /** Opens the run's worktrees, named after the run its work began under. */
  private GitWorktrees openWorktrees(RunMachine machine, String runId) {
    Isolation.Worktrees w = (Isolation.Worktrees) config.isolation();
    String origin = machine.state().originRunId();
    GitWorktrees trees =
        GitWorktrees.open(
            config.workspace(), origin.isEmpty() ? runId : origin, config.commandEnvironment(),
            config.commitIdentity(), w.runHooks());
    List<java.nio.file.Path> removed = trees.removeTaskTrees(); // a crash's leftovers: committed work is on branches
    if (!removed.isEmpty()) {
      log.info("removed {} task worktrees a stopped run left: {}", removed.size(), removed);
    }
    if (!origin.isEmpty() && !w.keepBranches()) {
      // Branches whose deletion a stop cut short; those still to be merged stay.
      java.util.Set<String> waiting = new java.util.HashSet<>();
      machine.state().notIntegrated().forEach(id -> waiting.add(trees.taskBranch(id)));
      List<String> deleted = trees.deleteIntegratedTaskBranches(waiting);
      if (!deleted.isEmpty()) {
        log.info("deleted {} integrated task branches a stopped run left: {}", deleted.size(), deleted);
      }
    }
    return trees;
  }

  private RunResult execute(String goal, boolean resume) {
    ExecutorService pool = config.executor() != null ? config.executor() : newPool();
    RunLock held = null;
    RunEngine engine = null;
    boolean ended = false;
    try {
      String runId = newRunId();
      held = RunLock.acquire(config.workspace(), config.stateFolder().resolve("run.lock"), runId, config.clock().instant());
      boolean isolated = worktreesWanted();
      RunMachine machine = new RunMachine(spec(isolated, 1));
      PlanStore store = new PlanStore(config.planFile(), config.stateFolder());
      Plan onDisk = resume ? RunRestorer.replay(config, store, machine) : null;
      if (resume && machine.state().plan().isPresent()) {
        String origin = machine.state().originRunId();
        boolean branch = isolated && GitWorkspace.hasRun(config.workspace(), origin, config.commandEnvironment());
        boolean usedWorktrees = machine.state().worktreesUsed() || branch;
        if (usedWorktrees && !isolated) {
          throw new OrchestraException(
              "run " + origin + " worked in git worktrees (its work is on branch orchestra/" + origin + "); resume it with"
                  + " Isolation.worktrees() in that git repository");
        }
        if (usedWorktrees && !branch) {
          throw new OrchestraException(
              "run " + origin + "'s integration branch orchestra/" + origin + " is gone, and with it the work the journal says was merged;"
                  + " restore the branch (git reflog) or start a new run");
        }
        if (!usedWorktrees && isolated) {
          // The stopped run worked in the shared tree: so does its resume.
          log.info("run {} began in the shared working tree; its resume goes on there", origin);
          isolated = false;
          machine = new RunMachine(spec(false, 1));
          onDisk = RunRestorer.replay(config, store, machine);
        }
      }
      engine = new RunEngine(config, runId, pool, machine, isolated ? openWorktrees(machine, runId) : null);
      boolean cancelNow;
      synchronized (lock) {
        current = engine;
        cancelNow = cancelPending;
      }
      if (resume) {
        RunRestorer.restore(engine, onDisk);
      }
      if (cancelNow) {
        engine.cancel();
      }
      String startGoal = resume ? machine.state().goal() : goal;
      RunResult result = engine.coordinate(new OrchestraEvent.RunStarted(runId, config.clock().instant(), startGoal, resume));
      ended = true;
      return result;
    } finally {
      if (engine != null && !ended && !engine.abandon(Duration.ofSeconds(30))) {
        log.error("an agent of the failed run is still at work 30 s after its cancel");
      }
      if (engine != null) {
        engine.journal().close();
      }
      if (held != null) {
        held.close();
      }
      if (config.executor() == null) {
        pool.shutdownNow();
        try {
          pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (lock) {
        current = null;
        busy = false;
        lock.notifyAll();
      }
    }
  }

  private static ExecutorService newPool() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "orchestra-agent-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private String newRunId() {
    int suffix;
    synchronized (config.random()) {
      suffix = config.random().nextInt(1 << 24);
    }
    return RUN_ID_TIME.format(config.clock().instant()) + "-" + String.format(Locale.ROOT, "%06x", suffix);
  }

}
