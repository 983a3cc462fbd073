package dev.orchestra;

import dev.orchestra.agent.Agent;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.agent.AgentException;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.SecureWorkspaceIo;
import dev.orchestra.internal.workspace.WorkspaceToolBox;
import dev.orchestra.internal.workspace.WriteScopes;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.TokenUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The orchestrator: the loop of SPEC.md as plain Java. */
final class DefaultOrchestrator implements Orchestrator {
  private static final Logger log = LoggerFactory.getLogger(DefaultOrchestrator.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_BRIEF_CHARS = 8_000;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration BASE_BACKOFF = Duration.ofMillis(500);

  private final Path workspace;
  private final Map<String, Role> roles;
  private final ModelProvider provider;
  private final String defaultModel;
  private final BudgetPolicy budgetPolicy;
  private final List<Gate> gates;
  private final OrchestraListener listeners;
  private final Bounds bounds;
  private final boolean oneBatch;
  private final List<String> probes;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final ExecutorService suppliedExecutor;
  private final Agent agent;
  private final Path planPath;
  private final Path journalPath;
  private final long planWriteIntervalNanos;
  private final int maxModelAttempts;
  private final ApprovalHandler approvalHandler;
  private final Duration approvalTimeout;
  private final ShellEnvironmentPolicy environmentPolicy;
  private final Map<String, String> parentEnvironment;
  private final Duration commandTimeout;
  private final List<Path> writableRoots;
  private final Map<String, List<Skill>> skills;

  private final Object lock = new Object();
  private Run current; // guarded by lock
  private boolean busy; // guarded by lock
  /** A cancel that came while a run was starting, before it could take it: taken at once. */
  private boolean cancelPending; // guarded by lock

  DefaultOrchestrator(Orchestrator.Builder b) {
    this.workspace = b.workspace.toAbsolutePath().normalize();
    this.roles = underCeiling(b.roles, b.sandboxCeiling);
    this.provider = b.modelProvider;
    this.defaultModel = b.defaultModel;
    this.budgetPolicy = b.budgetPolicy;
    this.gates = List.copyOf(b.gates);
    this.listeners = OrchestraListener.composite(b.listeners);
    this.bounds = b.bounds;
    this.oneBatch = b.oneBatch;
    this.probes = b.explorationProbes;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.random = b.random != null ? b.random : RandomGenerator.of("L64X128MixRandom");
    this.suppliedExecutor = b.executor;
    this.agent = b.agent;
    this.planPath = workspace.resolve(b.planFile);
    this.journalPath = workspace.resolve(".orchestra").resolve("journal.jsonl");
    this.planWriteIntervalNanos = b.planWriteInterval.toNanos();
    this.maxModelAttempts = b.maxModelAttempts;
    this.approvalHandler = b.approvalHandler;
    this.approvalTimeout = b.approvalTimeout;
    this.environmentPolicy = b.environmentPolicy;
    this.parentEnvironment = Map.copyOf(b.parentEnvironment);
    this.commandTimeout = b.commandTimeout;
    this.writableRoots = b.writableRoots;
    this.skills = Map.copyOf(b.skills);
  }

  /** The team with no role above the run's sandbox ceiling, built-in roles included. */
  private static Map<String, Role> underCeiling(Map<String, Role> team, SandboxMode ceiling) {
    Map<String, Role> out = new LinkedHashMap<>();
    team.forEach((name, r) -> out.put(name, r.sandboxMode().compareTo(ceiling) > 0 ? r.toBuilder().sandboxMode(ceiling).build() : r));
    return Map.copyOf(out);
  }

  // ---------------------------------------------------------------- public API

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
    Run r;
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

  @Override
  public void close() {
    cancel();
    synchronized (lock) {
      if (current != null && current.coordinator == Thread.currentThread()) {
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

  private CompletableFuture<RunResult> async(java.util.function.Supplier<RunResult> body) {
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

  private RunResult execute(String goal, boolean resume) {
    ExecutorService pool = suppliedExecutor != null ? suppliedExecutor : newPool();
    Run run = null;
    RunLock held = null;
    try {
      String runId = newRunId();
      held = RunLock.acquire(workspace, journalPath.resolveSibling("run.lock"), runId, clock.instant());
      run = new Run(runId, goal, pool);
      boolean cancelNow;
      synchronized (lock) {
        current = run;
        cancelNow = cancelPending;
      }
      if (cancelNow) {
        run.cancel();
      }
      return run.go(resume);
    } finally {
      if (run != null) {
        run.journal.close();
      }
      if (held != null) {
        held.close();
      }
      if (suppliedExecutor == null) {
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
    synchronized (random) {
      suffix = random.nextInt(1 << 24);
    }
    return RUN_ID_TIME.format(clock.instant()) + "-" + String.format(Locale.ROOT, "%06x", suffix);
  }

  private double nextJitter() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  // ---------------------------------------------------------------- one run

  /** Ends the run with a reason; thrown from anywhere on the coordinating thread. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final StopReason reason;

    Stop(StopReason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  /** Thrown on an agent's thread when the run was cancelled under it. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  /** What an agent produced and which files its tools wrote. */
  private record AgentRun(RoleReport report, List<String> changedFiles) {}

  private final class Run {
    final String runId;
    final Journal journal = new Journal(journalPath);
    final ExecutorService pool;
    final Instant started;
    final ThreadBudget budget;
    final Thread coordinator = Thread.currentThread();
    final Path realWorkspace = WorkspaceToolBox.realPath(workspace);
    final boolean secureIoSupported = SecureWorkspaceIo.supported(realWorkspace);
    final Optional<GitWorkspace> git =
        GitWorkspace.of(
            workspace,
            List.of(workspace.relativize(planPath).toString(), workspace.relativize(journalPath.getParent()).toString()),
            environmentPolicy.apply(parentEnvironment));
    volatile boolean cancelled;
    volatile Stop fatal;
    volatile Scheduler scheduler;
    private TokenUsage usage = TokenUsage.ZERO; // guarded by this
    String goal;
    LivePlan plan;
    volatile Plan lastWritten; // written in the outbox, read by the coordinator after drainAll()
    volatile String lastWrittenText;
    volatile long lastSnapshotNanos;
    String explorationBrief = "";
    int round;
    final FindingLedger ledger = new FindingLedger();
    /** Which writing tasks ran when, to tell whose a change outside a task's scope was. */
    final WriteWindows writeWindows = new WriteWindows();
    /** Tasks whose commands wrote outside their scope, for Risks; guarded by itself. */
    final List<String> outsideWrites = new ArrayList<>();
    /** The last report of each task, in one line: what an attempt at a finding tried. */
    final Map<String, String> lastReports = new java.util.concurrent.ConcurrentHashMap<>();
    List<GateResult> lastGateResults = List.of();
    /**
     * What the next round's gates must see besides its own batch: on resume, the tasks the
     * interrupted round had finished and the files they changed; after a round whose gate roles
     * changed files (a QA author's new tests), those files and their diff.
     */
    List<String> carriedTaskIds = List.of();
    List<String> carriedChanged = List.of();
    String carriedDiff = "";

    Run(String runId, String goal, ExecutorService pool) {
      this.runId = runId;
      this.goal = goal;
      this.pool = pool;
      this.started = clock.instant();
      this.budget =
          new ThreadBudget(
              budgetPolicy,
              clock,
              new ThreadBudget.ChangeListener() {
                @Override
                public void budgetChanged(int from, int to, String cause) {
                  post(new OrchestraEvent.BudgetChanged(runId, clock.instant(), from, to, cause));
                }

                @Override
                public void afterChange() {
                  drain();
                  Scheduler s = scheduler;
                  if (s != null) {
                    s.wake();
                  }
                }
              });
    }

    void cancel() {
      cancelled = true;
      Scheduler s = scheduler;
      if (s != null) {
        s.interruptAll();
        s.wake();
      }
      coordinator.interrupt();
    }

    /**
     * Work that must happen in order but need not hold the scheduler's lock: journal lines, listener
     * calls and plan.md writes. Whoever finds the outbox free drains it; order is the order of
     * {@link #post}, which under the scheduler's lock is the order things happened.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> outbox =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.locks.ReentrantLock outboxLock =
        new java.util.concurrent.locks.ReentrantLock();

    /** An event in the outbox; see {@link #runOutbox}. */
    private record Delivery(OrchestraEvent event) implements Runnable {
      @Override
      public void run() {
        throw new IllegalStateException("delivered in batches by runOutbox");
      }
    }

    /** Events the outbox delivers with one journal write at most. */
    private static final int MAX_EVENTS_PER_WRITE = 64;

    /** Queues an event without writing it; the caller drains later, outside its locks. */
    void post(OrchestraEvent event) {
      outbox.add(new Delivery(event));
    }

    /** Emits an event now: queued behind what is already waiting, then drained. */
    void emit(OrchestraEvent event) {
      post(event);
      drain();
    }

    /** Runs queued work if no other thread is running it; never waits for that thread. */
    void drain() {
      while (!outbox.isEmpty() && outboxLock.tryLock()) {
        try {
          runOutbox();
        } finally {
          outboxLock.unlock();
        }
      }
    }

    /** Runs all queued work before returning, waiting for a drain in progress. */
    void drainAll() {
      outboxLock.lock();
      try {
        runOutbox();
      } finally {
        outboxLock.unlock();
      }
    }

    /**
     * Runs the outbox in order; called holding its lock. Events queued next to each other share one
     * journal write (agents that finish together queue several), and their lines are on disk before
     * any listener hears of them.
     */
    private void runOutbox() {
      List<OrchestraEvent> events = new ArrayList<>();
      Runnable r;
      while ((r = outbox.poll()) != null) {
        if (r instanceof Delivery d) {
          events.add(d.event());
          if (events.size() < MAX_EVENTS_PER_WRITE) {
            continue;
          }
        }
        deliver(events);
        events.clear();
        if (!(r instanceof Delivery)) {
          r.run();
        }
      }
      deliver(events);
    }

    private void deliver(List<OrchestraEvent> events) {
      if (events.isEmpty()) {
        return;
      }
      try {
        journal.append(events);
      } catch (RuntimeException e) {
        log.error("cannot write the journal; stopping the run", e);
        fatal = new Stop(StopReason.FAILED, "cannot write the journal " + journalPath + ": " + e.getMessage());
      }
      for (OrchestraEvent event : events) {
        listeners.onEvent(event);
      }
    }

    synchronized TokenUsage usage() {
      return usage;
    }

    synchronized void addUsage(TokenUsage u) {
      usage = usage.plus(u);
    }

    // ------------------------------------------------------------ the loop

    RunResult go(boolean resume) {
      int startRound;
      if (resume) {
        restore();
      }
      try {
        if (resume) {
          emit(new OrchestraEvent.RunStarted(runId, clock.instant(), goal, true));
          startRound = Math.max(1, round);
        } else {
          emit(new OrchestraEvent.RunStarted(runId, clock.instant(), goal, false));
          explore();
          planInitial();
          startRound = 1;
        }
        return loop(startRound);
      } catch (Stop s) {
        return finish(s.reason, s.getMessage());
      } catch (RuntimeException e) {
        log.error("run {} failed", runId, e);
        return finish(StopReason.FAILED, "unexpected error: " + e);
      }
    }

    private RunResult loop(int firstRound) {
      for (round = firstRound; ; round++) {
        checkStop();
        checkLimits();
        mergeHandEdits();
        BatchState batch = runBatch();
        synchronized (outsideWrites) {
          plan.addRisks(outsideWrites);
          outsideWrites.clear();
        }
        persist(true);
        checkStop();
        checkLimits();
        Batch gatedBatch = batch.toBatch(round);
        GateRound gated = runGates(gatedBatch);
        List<GateResult> results = gated.results();
        lastGateResults = results;
        checkStop();
        noteUnreviewedSensitiveChange(gatedBatch, results);
        FindingChanges changes = applyFindings(results);
        mergeHandEdits(); // tasks a person added while the gates ran count for this decision
        persist(true);
        if (!changes.added().isEmpty()) {
          emit(new OrchestraEvent.PlanUpdated(runId, clock.instant(), "findings", plan.size(), changes.added()));
        }
        if (!changes.reopened().isEmpty()) {
          emit(new OrchestraEvent.PlanUpdated(runId, clock.instant(), "findings still open: another attempt", plan.size(), changes.reopened()));
        }
        if (changes.regressed() != null) {
          FindingLedger.Decision d = changes.regressed();
          throw new Stop(
              StopReason.FINDINGS_REGRESSED,
              "the " + d.finding().gate() + " gate reports again what task " + d.entry().taskId
                  + " had fixed (the gate had passed since): " + d.finding().message() + "; " + d.entry().taskId
                  + " is back in the plan, so resume() works on it");
        }
        if (changes.exhausted() != null) {
          FindingLedger.Decision d = changes.exhausted();
          throw new Stop(
              StopReason.ATTEMPTS_EXHAUSTED,
              "the " + d.finding().gate() + " gate still reports \"" + d.finding().message() + "\" after "
                  + bounds.maxFindingAttempts() + " attempts" + (d.entry().replanned ? " and a new plan" : " (the orchestrator role gave no new plan)")
                  + " (task " + d.entry().taskId + "); resume with more attempts, or fix it by hand and resume");
        }
        // Files a gate's role changed (a QA author's new tests) have not been through CI or review.
        carriedChanged = gated.changedFiles();
        carriedDiff = gated.diff();
        boolean changedByGates = !gated.changedFiles().isEmpty();
        List<GateResult> blocking =
            results.stream().filter(r -> r.verdict() == Verdict.FAIL || r.verdict() == Verdict.BLOCK).toList();
        List<GateResult> unchecked = results.stream().filter(r -> r.verdict() == Verdict.NOTHING_CHECKED).toList();
        boolean todo = plan.tasks().stream().anyMatch(t -> t.status() == TaskStatus.TODO);
        List<Task> failed =
            plan.tasks().stream()
                .filter(t -> t.status() == TaskStatus.FAILED || t.status() == TaskStatus.BLOCKED)
                .toList();
        boolean settled = blocking.isEmpty() && !todo && !changedByGates;
        // Gates the team has, none of which ran on this round: nothing checked the work.
        boolean noneRan = !gates.isEmpty() && results.isEmpty();
        if (settled && unchecked.isEmpty() && failed.isEmpty() && !noneRan) {
          return green();
        }
        if (oneBatch) {
          throw new Stop(
              StopReason.ONE_BATCH_COMPLETE,
              "one batch ran: " + batch.done + " tasks done, gates " + verdicts(results));
        }
        if (settled && !failed.isEmpty()) {
          throw new Stop(
              StopReason.TASKS_FAILED,
              "the gates pass but " + failed.size() + " tasks did not finish: "
                  + String.join(", ", failed.stream().map(Task::id).toList()));
        }
        if (settled && noneRan) {
          throw new Stop(
              StopReason.NOT_VERIFIED,
              "every task is done, but no gate ran on round " + round + "'s changes (" + String.join("; ", gated.skipped()) + ")");
        }
        if (settled) {
          GateResult u = unchecked.get(0);
          throw new Stop(
              StopReason.NOT_VERIFIED,
              "every task is done and no gate failed, but the " + u.gate() + " gate checked nothing: " + u.summary());
        }
        if (batch.done == 0 && !changes.progressed() && !changedByGates) {
          throw new Stop(
              StopReason.NO_PROGRESS,
              "round " + round + " finished no task and produced no new task; gates " + verdicts(results));
        }
        if (round >= bounds.maxRounds()) {
          throw new Stop(
              StopReason.ITERATION_LIMIT,
              "stopped after " + round + " rounds (the limit); gates " + verdicts(results));
        }
      }
    }

    /** A sensitive change that no security gate looked at is named in Risks, never passed over. */
    private void noteUnreviewedSensitiveChange(Batch batch, List<GateResult> results) {
      if (results.stream().anyMatch(r -> r.gate().equals("security"))) {
        return;
      }
      Gate.Applicability sensitive = Gate.security().applies(batch);
      Optional.of(sensitive.reason())
          .filter(why -> sensitive.applies())
          .ifPresent(
              why ->
                  plan.addRisks(
                      List.of(
                          "not security-reviewed: " + why + " (add the security_reviewer role and Gate.security() to"
                              + " review such changes)")));
    }

    private String verdicts(List<GateResult> results) {
      if (results.isEmpty()) {
        return "(none)";
      }
      return String.join(
          ", ",
          results.stream().map(r -> r.gate() + "=" + r.verdict().name().toLowerCase(Locale.ROOT)).toList());
    }

    private void checkStop() {
      if (Thread.interrupted() && !cancelled) {
        log.debug("coordinator interrupted without a cancel; ignored");
      }
      if (cancelled) {
        Thread.interrupted();
        throw new Stop(StopReason.CANCELLED, "cancelled in round " + round + "; resume() continues");
      }
      if (fatal != null) {
        throw fatal;
      }
    }

    private boolean tokenLimitReached() {
      return bounds.maxTokens() > 0 && usage().totalTokens() >= bounds.maxTokens();
    }

    private boolean timeLimitReached() {
      return !bounds.maxWallTime().isZero()
          && Duration.between(started, clock.instant()).compareTo(bounds.maxWallTime()) >= 0;
    }

    private void checkLimits() {
      if (tokenLimitReached()) {
        throw new Stop(
            StopReason.TOKEN_LIMIT,
            "used " + usage().totalTokens() + " tokens, the limit is " + bounds.maxTokens());
      }
      if (timeLimitReached()) {
        throw new Stop(StopReason.TIME_LIMIT, "ran for " + bounds.maxWallTime() + ", the limit");
      }
    }

    private boolean stopStarting() {
      return cancelled || fatal != null || tokenLimitReached() || timeLimitReached();
    }

    // ------------------------------------------------------------ explore and plan

    /** The repository's own CI commands, found without a model, for the explorers and planner. */
    private String ciBrief() {
      try {
        dev.orchestra.internal.ci.CiCommands found = dev.orchestra.internal.ci.CiDiscovery.scan(workspace);
        return "Local commands that mirror CI (found by Orchestra in the repository):\n" + found.describe();
      } catch (RuntimeException e) {
        return "";
      }
    }

    private void explore() {
      if (probes.isEmpty()) {
        return;
      }
      List<Task> probeTasks = new ArrayList<>();
      for (int i = 0; i < probes.size(); i++) {
        probeTasks.add(
            Task.builder("explore-" + (i + 1), Text.oneLine(probes.get(i)))
                .role(BuiltInRoles.EXPLORER)
                .build());
      }
      LivePlan probePlan = new LivePlan(Plan.builder(goal).tasks(probeTasks).build());
      BatchState state = new BatchState();
      String ci = ciBrief();
      schedule(probePlan, state, 0, t -> "Goal: " + goal + "\n\n" + ci);
      checkStop();
      StringBuilder brief = new StringBuilder();
      for (Task t : probeTasks) {
        RoleReport found = state.reports.get(t.id());
        if (found instanceof RoleReport.Refusal r) {
          brief.append("Explorer (").append(t.title()).append(") refused: ").append(Text.oneLine(r.refusal())).append('\n');
        }
        if (found instanceof RoleReport.Exploration e) {
          brief.append("Explorer (").append(t.title()).append("):\n");
          section(brief, "Paths and symbols", e.pathsAndSymbols());
          section(brief, "CI location", e.ciLocations());
          section(brief, "Local commands", e.localCommands());
          section(brief, "Next probes", e.nextProbes());
        }
      }
      explorationBrief = cap(brief.toString());
    }

    private void section(StringBuilder b, String title, List<String> items) {
      if (!items.isEmpty()) {
        b.append("  ").append(title).append(":\n");
        items.forEach(i -> b.append("  - ").append(i).append('\n'));
      }
    }

    private void planInitial() {
      Role orchestrator = roles.get(BuiltInRoles.ORCHESTRATOR);
      Task planTask =
          Task.builder("plan", "Plan the work for the goal").role(BuiltInRoles.ORCHESTRATOR).build();
      StringBuilder brief = new StringBuilder("Goal: ").append(goal).append('\n');
      if (!explorationBrief.isEmpty()) {
        brief.append("\nWhat the explorers found:\n").append(explorationBrief);
      }
      brief.append('\n').append(ciBrief());
      brief.append("\nRoles that can carry out tasks: ")
          .append(String.join(", ", new TreeSet<>(roles.keySet())))
          .append(".\nGates after each batch: ")
          .append(gates.isEmpty() ? "none" : String.join(", ", gates.stream().map(Gate::name).toList()))
          .append('.');
      emit(new OrchestraEvent.TaskStarted(runId, clock.instant(), planTask.id(), orchestrator.name(), planTask.title(), 0));
      RoleReport report;
      try {
        report = runAgent(orchestrator, planTask, brief.toString(), List.of()).report();
      } catch (ModelProviderException e) {
        emitPlanFailed(planTask, e.getMessage());
        throw stopFor(e);
      } catch (AgentException | Cancelled e) {
        emitPlanFailed(planTask, e.getMessage());
        checkStop();
        throw new Stop(StopReason.FAILED, "planning failed: " + e.getMessage());
      }
      if (report instanceof RoleReport.Refusal refusal) {
        emitPlanFailed(planTask, "refused: " + refusal.refusal());
        throw new Stop(StopReason.FAILED, "the orchestrator role refused to plan: " + refusal.refusal());
      }
      if (!(report instanceof RoleReport.PlanProposal proposal)) {
        emitPlanFailed(planTask, "no plan");
        throw new Stop(StopReason.FAILED, "the orchestrator role did not answer with a plan");
      }
      Plan initial;
      try {
        initial =
            Plan.builder(goal)
                .tasks(proposal.tasks())
                .later(proposal.later())
                .summary(List.of(), List.of(), proposal.risks())
                .build();
      } catch (IllegalArgumentException e) {
        emitPlanFailed(planTask, e.getMessage());
        throw new Stop(StopReason.FAILED, "the orchestrator role proposed an inconsistent plan: " + e.getMessage());
      }
      emit(
          new OrchestraEvent.TaskFinished(
              runId, clock.instant(), planTask.id(), orchestrator.name(), TaskStatus.DONE,
              initial.tasks().size() + " tasks planned", List.of(), 0));
      plan = new LivePlan(initial);
      backUpOldPlan();
      persist(true);
      emit(
          new OrchestraEvent.PlanUpdated(
              runId, clock.instant(), "planned", plan.size(), initial.tasks().stream().map(Task::id).toList()));
    }

    private void emitPlanFailed(Task planTask, String why) {
      emit(
          new OrchestraEvent.TaskFinished(
              runId, clock.instant(), planTask.id(), BuiltInRoles.ORCHESTRATOR, TaskStatus.FAILED,
              Text.oneLine(why), List.of(), 0));
    }

    /** A new run replaces plan.md; the previous one is kept under .orchestra/ rather than lost. */
    private void backUpOldPlan() {
      if (Files.exists(planPath)) {
        Path backup =
            journalPath.getParent().resolve("plan-" + RUN_ID_TIME.format(clock.instant()) + "-" + runId.substring(runId.length() - 6) + ".md");
        try {
          Files.createDirectories(backup.getParent());
          Files.copy(planPath, backup, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new Stop(StopReason.FAILED, "cannot back up the existing " + planPath + " before replacing it: " + e.getMessage());
        }
      }
    }

    // ------------------------------------------------------------ batches

    /** What one round's batch did. */
    private final class BatchState {
      final List<Task> tasks = new ArrayList<>();
      final Map<String, RoleReport> reports = new LinkedHashMap<>();
      final TreeSet<String> changed = new TreeSet<>();
      int done;

      String diff = "";

      Batch toBatch(int round) {
        return new Batch(round, goal, workspace, tasks, reports, new ArrayList<>(changed), diff);
      }
    }

    private BatchState runBatch() {
      BatchState state = new BatchState();
      if (!carriedTaskIds.isEmpty() || !carriedChanged.isEmpty()) {
        // A resumed round goes on where it stopped: what it had finished is still this round's to gate.
        for (String id : carriedTaskIds) {
          if (plan.contains(id)) {
            state.tasks.add(plan.task(id));
          }
        }
        state.changed.addAll(carriedChanged);
        carriedTaskIds = List.of();
        carriedChanged = List.of();
      }
      String carried = carriedDiff;
      carriedDiff = "";
      GitWorkspace.Snapshot before = git.map(g -> g.snapshot(List.of())).orElse(null);
      schedule(plan, state, round, this::briefFor);
      state.diff = carried;
      if (before != null) {
        // Git sees what commands wrote too, not only what the write tools recorded.
        GitWorkspace.Changes changes = git.get().changesSince(before, List.of());
        state.changed.addAll(changes.files());
        state.diff = carried + changes.diff();
      }
      return state;
    }

    private void schedule(
        LivePlan target, BatchState state, int roundNo, java.util.function.Function<Task, String> brief) {
      Scheduler s = new Scheduler(pool, budget::limit, t -> isReadOnly(t));
      scheduler = s;
      try {
        s.runAll(
            target,
            new Scheduler.Hooks() {
              @Override
              public Scheduler.Outcome run(Task task) {
                return runTask(task, brief.apply(task));
              }

              @Override
              public void started(Task task) {
                post(new OrchestraEvent.TaskStarted(runId, clock.instant(), task.id(), task.role(), task.title(), roundNo));
                if (target == plan) {
                  persistLater();
                }
              }

              @Override
              public void afterUnlock() {
                drain();
                if (Thread.currentThread() == coordinator) {
                  writeWaitingPlan();
                }
              }

              @Override
              public void finished(Task task, Scheduler.Outcome outcome) {
                Task t = task;
                if (outcome.status() == TaskStatus.FAILED) {
                  t = task.withNotes("failed: " + Text.oneLine(outcome.summary()));
                  target.update(t);
                } else if (outcome.status() == TaskStatus.DONE && task.notes().startsWith("failed:")) {
                  t = task.withNotes("");
                  target.update(t);
                }
                if (outcome.status() != TaskStatus.TODO) {
                  state.tasks.add(t);
                }
                if (outcome.status() == TaskStatus.DONE) {
                  state.done++;
                }
                if (outcome.report() != null) {
                  state.reports.put(t.id(), outcome.report());
                }
                if (outcome.status() != TaskStatus.TODO) {
                  lastReports.put(t.id(), Text.oneLine(outcome.summary()));
                }
                state.changed.addAll(outcome.changedFiles());
                post(
                    new OrchestraEvent.TaskFinished(
                        runId, clock.instant(), t.id(), t.role(), outcome.status(), Text.oneLine(outcome.summary()),
                        outcome.changedFiles(), roundNo));
                if (target == plan) {
                  persistLater();
                }
              }
            },
            this::stopStarting);
      } finally {
        scheduler = null;
        try {
          writeWaitingPlan();
        } finally {
          drainAll();
        }
      }
    }

    private boolean isReadOnly(Task task) {
      Role r = roles.get(task.role());
      return r == null || !r.sandboxMode().allowsWrites();
    }

    private String briefFor(Task task) {
      StringBuilder b = new StringBuilder("Goal: ").append(goal).append('\n');
      if (!task.notes().isEmpty()) {
        b.append("Notes: ").append(task.notes()).append('\n');
      }
      FindingLedger.Entry finding = ledger.entryForTask(task.id());
      if (finding != null && !finding.tried.isEmpty()) {
        b.append("\nThis is attempt ").append(finding.attempt).append(" at this finding. What was tried before, and what the gate said after:\n");
        finding.tried.forEach(line -> b.append("- ").append(line).append('\n'));
        b.append("Try something different where an attempt did not work; the file a diagnosis names may not be the one to change.\n");
      }
      if (!explorationBrief.isEmpty()) {
        b.append("\nWhat the explorers found:\n").append(explorationBrief);
      }
      return cap(b.toString());
    }

    /** Runs one task on an agent's thread; never throws. */
    private Scheduler.Outcome runTask(Task task, String brief) {
      Role role = roles.get(task.role());
      if (role == null) {
        return new Scheduler.Outcome(
            TaskStatus.FAILED,
            "no role '" + task.role() + "' in the team; known roles: " + String.join(", ", new TreeSet<>(roles.keySet())),
            List.of(),
            null);
      }
      boolean writer = role.sandboxMode().allowsWrites();
      // Only git can see what a command wrote outside the scope; without it there is no window to keep.
      WriteWindows.Window window = writer && git.isPresent() ? writeWindows.open(task) : null;
      try {
        GitWorkspace.Snapshot before = writer ? git.map(g -> g.snapshot(List.of())).orElse(null) : null;
        AgentRun r = runAgent(role, task, brief, task.writeScope(), window);
        List<String> changed = r.changedFiles();
        RoleReport report = r.report();
        if (report instanceof RoleReport.Refusal refusal) {
          // Recorded as what it is: the task failed, with the model's own words in its notes.
          return new Scheduler.Outcome(
              TaskStatus.FAILED, "refused by the " + role.name() + " role: " + refusal.refusal(), changed, report);
        }
        List<String> outside = List.of();
        if (before != null) {
          // The task's scope is its own while it runs, so git's changes inside it are the task's.
          // Only a command can write outside a scope (the write tools refuse to), so a change
          // outside it is this task's when it ran one and no other writer running meanwhile may
          // have made it; it is reported.
          TreeSet<String> all = new TreeSet<>(changed);
          List<String> out = new ArrayList<>();
          for (String f : git.get().changesSince(before, List.of()).files()) {
            if (task.writeScope().isEmpty() || WriteScopes.covers(task.writeScope(), f)) {
              all.add(f);
            } else if (window.ranCommand && !writeWindows.mayBeOthers(window, f)) {
              all.add(f);
              out.add(f);
            }
          }
          changed = List.copyOf(all);
          outside = List.copyOf(out);
          if (report instanceof RoleReport.Implementation impl) {
            report = new RoleReport.Implementation(impl.whatChanged(), impl.commandsRun(), impl.result(), changed);
          }
        }
        String summary = summarize(report);
        if (!outside.isEmpty()) {
          List<String> alsoRan = writeWindows.othersRunningCommands(window);
          String note =
              task.id() + " wrote outside its write scope: " + String.join(", ", outside)
                  + (alsoRan.isEmpty() ? "" : " (or " + String.join(", ", alsoRan) + ", which ran commands meanwhile)");
          summary = summary + " (" + note + ")";
          synchronized (outsideWrites) {
            outsideWrites.add(note);
          }
        }
        return new Scheduler.Outcome(TaskStatus.DONE, summary, changed, report);
      } catch (Cancelled e) {
        return new Scheduler.Outcome(TaskStatus.TODO, "interrupted; will run again", List.of(), null);
      } catch (QuotaExhaustedException | AuthenticationException e) {
        Stop s = stopFor(e);
        if (fatal == null) {
          fatal = s;
        }
        return new Scheduler.Outcome(TaskStatus.TODO, s.getMessage(), List.of(), null);
      } catch (ModelProviderException e) {
        if (cancelled) {
          return new Scheduler.Outcome(TaskStatus.TODO, "interrupted; will run again", List.of(), null);
        }
        return new Scheduler.Outcome(
            TaskStatus.FAILED, e.kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage(), List.of(), null);
      } catch (RuntimeException e) {
        if (cancelled) {
          return new Scheduler.Outcome(TaskStatus.TODO, "interrupted; will run again", List.of(), null);
        }
        return new Scheduler.Outcome(TaskStatus.FAILED, String.valueOf(e.getMessage()), List.of(), null);
      } finally {
        if (window != null) {
          writeWindows.close(window);
        }
      }
    }

    private Stop stopFor(ModelProviderException e) {
      return switch (e.kind()) {
        case QUOTA_EXHAUSTED -> new Stop(StopReason.QUOTA_EXHAUSTED, "the provider's quota is exhausted: " + e.getMessage());
        case AUTHENTICATION -> new Stop(StopReason.AUTHENTICATION_FAILED, "the provider refused the credentials: " + e.getMessage());
        default -> new Stop(StopReason.FAILED, "the model failed: " + e.getMessage());
      };
    }

    private String summarize(RoleReport report) {
      return switch (report.kind()) {
        case IMPLEMENTATION -> {
          RoleReport.Implementation i = (RoleReport.Implementation) report;
          yield i.result().isEmpty() ? String.join("; ", i.whatChanged()) : i.result();
        }
        case EXPLORATION -> ((RoleReport.Exploration) report).pathsAndSymbols().size() + " paths found";
        case TEXT -> ((RoleReport.Text) report).text();
        case REFUSAL -> "refused: " + ((RoleReport.Refusal) report).refusal();
        default -> report.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
      };
    }

    private AgentRun runAgent(Role role, Task task, String brief, List<String> writeScope) {
      return runAgent(role, task, brief, writeScope, null);
    }

    /** Runs an agent; {@code window}, when given, learns whether the agent ran a command. */
    private AgentRun runAgent(Role role, Task task, String brief, List<String> writeScope, WriteWindows.Window window) {
      List<Skill> roleSkills = skills.getOrDefault(role.name(), List.of());
      WorkspaceToolBox.Settings settings =
          new WorkspaceToolBox.Settings(
              environmentPolicy,
              parentEnvironment,
              commandTimeout,
              WorkspaceToolBox.MAX_OUTPUT_CHARS,
              writableRoots,
              roleSkills,
              (action, detail, reason) -> askApproval(role, task, action, detail, reason));
      WorkspaceToolBox tools =
          new WorkspaceToolBox(
              workspace,
              realWorkspace,
              secureIoSupported,
              role,
              writeScope,
              (tool, target, ok, audit) -> {
                if (window != null && tool.equals(BuiltInRoles.TOOL_RUN_COMMAND)) {
                  window.ranCommand = true;
                }
                emit(new OrchestraEvent.ToolCalled(runId, clock.instant(), task.id(), role.name(), tool, target, ok,
                    audit.detail(), audit.outputBytes(), audit.outputDigest()));
              },
              settings);
      AgentContext context =
          new AgentContext() {
            @Override
            public String runId() {
              return runId;
            }

            @Override
            public Path workspace() {
              return workspace;
            }

            @Override
            public String brief() {
              return brief;
            }

            @Override
            public String defaultModel() {
              return defaultModel;
            }

            @Override
            public int maxTurns() {
              return bounds.maxAgentTurns();
            }

            @Override
            public ToolBox tools() {
              return tools;
            }

            @Override
            public List<Skill> skills() {
              return roleSkills;
            }

            @Override
            public ModelResponse call(ModelRequest request) {
              return callModel(request);
            }
          };
      RoleReport report = agent.run(role, task, context);
      return new AgentRun(report, tools.changedFiles());
    }

    /**
     * Asks the approval handler on a thread of its own, so a handler that never answers counts as
     * a denial after the timeout instead of holding the agent for ever.
     */
    private ApprovalHandler.Decision askApproval(Role role, Task task, String action, String detail, String reason) {
      ApprovalHandler.Request request = new ApprovalHandler.Request(runId, task.id(), role.name(), action, detail, reason);
      java.util.concurrent.FutureTask<ApprovalHandler.Decision> asking =
          new java.util.concurrent.FutureTask<>(() -> approvalHandler.decide(request));
      Thread t = new Thread(asking, "orchestra-approval-" + task.id());
      t.setDaemon(true);
      t.start();
      ApprovalHandler.Decision d;
      try {
        d = asking.get(approvalTimeout.toNanos(), TimeUnit.NANOSECONDS);
        if (d == null) {
          d = ApprovalHandler.Decision.deny("handler", "the approval handler gave no decision");
        }
      } catch (java.util.concurrent.TimeoutException e) {
        asking.cancel(true);
        d = ApprovalHandler.Decision.deny("timeout", "no answer within " + ThreadBudget.human(approvalTimeout));
      } catch (java.util.concurrent.ExecutionException e) {
        d = ApprovalHandler.Decision.deny("handler", "the approval handler failed: " + e.getCause());
      } catch (InterruptedException e) {
        asking.cancel(true);
        Thread.currentThread().interrupt();
        d = ApprovalHandler.Decision.deny("cancel", "the run was cancelled while waiting for approval");
      }
      emit(
          new OrchestraEvent.ApprovalDecided(
              runId, clock.instant(), task.id(), role.name(), action, detail, d.approved(), d.decidedBy(),
              d.reason().isEmpty() ? reason : reason + "; " + d.reason()));
      return d;
    }

    // ------------------------------------------------------------ model calls

    private final ProviderSignals signals =
        new ProviderSignals() {
          @Override
          public void rateLimited(String cause) {
            budget.signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
          }

          @Override
          public void unstable(String cause) {
            budget.signal(BudgetPolicy.Signal.UNSTABLE, cause);
          }
        };

    ModelResponse callModel(ModelRequest request) {
      for (int attempt = 1; ; attempt++) {
        if (cancelled) {
          throw new Cancelled();
        }
        long t0 = System.nanoTime();
        try {
          ModelResponse response = provider.respond(request, signals);
          addUsage(response.usage());
          emit(modelCall(request, response.usage(), t0, "ok"));
          budget.signal(BudgetPolicy.Signal.SUCCESS, "");
          return response;
        } catch (ModelProviderException e) {
          emit(modelCall(request, TokenUsage.ZERO, t0, e.kind().name().toLowerCase(Locale.ROOT)));
          if (cancelled) {
            throw new Cancelled();
          }
          String cause = request.role() + " on " + request.taskId() + ": " + Text.oneLine(e.getMessage());
          switch (e.kind()) {
            case RATE_LIMITED -> budget.signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
            case TRANSIENT -> budget.signal(BudgetPolicy.Signal.UNSTABLE, cause);
            default -> throw e;
          }
          if (!e.isRetriable() || attempt >= maxModelAttempts) {
            throw e; // a provider that retried on its own has the last word on its retries
          }
          try {
            sleeper.sleep(backoff(attempt, e));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
          }
        }
      }
    }

    private Duration backoff(int attempt, ModelProviderException e) {
      Optional<Duration> hint =
          e instanceof RateLimitedException r ? r.retryAfter() : Optional.empty();
      if (hint.isPresent()) {
        // Honour the server's wait; a little jitter keeps parallel agents from returning together.
        long extra = (long) (hint.get().toMillis() * 0.1 * nextJitter());
        return hint.get().plusMillis(extra);
      }
      long ceiling = Math.min(MAX_BACKOFF.toMillis(), BASE_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
      return Duration.ofMillis((long) (ceiling * (0.5 + 0.5 * nextJitter())));
    }

    private OrchestraEvent modelCall(ModelRequest request, TokenUsage used, long t0, String outcome) {
      return new OrchestraEvent.ModelCallFinished(
          runId, clock.instant(), request.role(), request.taskId(), request.model(), used,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), outcome);
    }

    // ------------------------------------------------------------ gates

    /**
     * A round's gate results, and what the gates' roles changed meanwhile (a QA author's new
     * tests): files written through the tools, and files git tracks that changed. Untracked files
     * a command made (build outputs nobody ignored) are not counted, or every round would find
     * new ones.
     */
    private record GateRound(List<GateResult> results, List<String> changedFiles, String diff, List<String> skipped) {}

    private GateRound runGates(Batch batch) {
      List<GateResult> results = new ArrayList<>();
      // A custom gate may call runRole from several threads (GateContext is thread-safe).
      java.util.SortedSet<String> changedByGates = java.util.Collections.synchronizedSortedSet(new TreeSet<>());
      StringBuffer gateDiff = new StringBuffer();
      List<String> skipped = new ArrayList<>();
      java.util.Set<String> thisGate = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());
      GateContext context =
          new GateContext() {
            @Override
            public Path workspace() {
              return workspace;
            }

            @Override
            public Optional<Role> role(String name) {
              return Optional.ofNullable(roles.get(name));
            }

            @Override
            public RoleReport runRole(Role role, String taskId, String title, String brief) {
              Task t = Task.builder(taskId, Text.oneLine(title)).role(role.name()).build();
              String withGoal = brief.startsWith("Goal: ") ? brief : "Goal: " + goal + "\n\n" + brief;
              boolean writer = role.sandboxMode().allowsWrites();
              GitWorkspace.Snapshot before = writer ? git.map(g -> g.snapshot(List.of())).orElse(null) : null;
              AgentRun r = runAgent(role, t, withGoal, List.of());
              List<String> counted = new ArrayList<>(r.changedFiles());
              if (before != null) {
                // Git says what really changed: a tool rewrite with the same content is no change.
                GitWorkspace.Changes c = git.get().changesSince(before, List.of());
                counted = new ArrayList<>(c.files());
                counted.removeIf(f -> c.untracked().contains(f) && !r.changedFiles().contains(f));
                if (!counted.isEmpty()) {
                  gateDiff.append(c.diff());
                }
              }
              changedByGates.addAll(counted);
              thisGate.addAll(counted);
              return r.report();
            }

            @Override
            public Map<String, String> commandEnvironment() {
              return environmentPolicy.apply(parentEnvironment);
            }
          };
      for (Gate gate : gates) {
        checkStop();
        Gate.Applicability applies = gate.applies(batch);
        if (!applies.applies()) {
          emit(new OrchestraEvent.GateSkipped(runId, clock.instant(), gate.name(), round, applies.reason()));
          skipped.add(gate.name() + ": " + applies.reason());
          continue;
        }
        emit(new OrchestraEvent.GateStarted(runId, clock.instant(), gate.name(), round, applies.reason()));
        thisGate.clear();
        GateResult result;
        try {
          result = gate.evaluate(batch, context);
          if (!result.gate().equals(gate.name())) {
            result =
                new GateResult(gate.name(), result.verdict(), result.findings(), result.summary(), result.later(), result.risks());
          }
        } catch (QuotaExhaustedException | AuthenticationException e) {
          throw stopFor(e);
        } catch (Cancelled e) {
          checkStop();
          throw e;
        } catch (RuntimeException e) {
          checkStop();
          log.warn("gate {} failed to evaluate round {}", gate.name(), round, e);
          result = GateResult.of(gate.name(), Verdict.FAIL, List.of(), "the gate could not decide: " + Text.oneLine(String.valueOf(e.getMessage())));
        }
        List<String> gateChanged;
        synchronized (thisGate) {
          gateChanged = List.copyOf(thisGate);
        }
        emit(
            new OrchestraEvent.GateFinished(
                runId, clock.instant(), gate.name(), round, result.verdict(), result.findings(), result.summary(), gateChanged));
        results.add(result);
      }
      List<String> changed;
      synchronized (changedByGates) {
        changed = List.copyOf(changedByGates);
      }
      return new GateRound(results, changed, gateDiff.toString(), List.copyOf(skipped));
    }

    /**
     * What a round's findings did to the plan.
     *
     * @param added tasks planned for new findings
     * @param reopened finding tasks sent back to work
     * @param replanned tasks the orchestrator role planned for findings at their attempt limit
     * @param regressed a finding that came back after it was verified, or null
     * @param exhausted a finding still open after its attempts and a new plan, or null
     */
    private record FindingChanges(
        List<String> added,
        List<String> reopened,
        List<String> replanned,
        FindingLedger.Decision regressed,
        FindingLedger.Decision exhausted) {
      boolean progressed() {
        return !added.isEmpty() || !reopened.isEmpty() || !replanned.isEmpty();
      }
    }

    /**
     * Carries out what the ledger decides for each reported finding: a task for a new one,
     * another attempt for one still open, a new plan at the attempt limit. Later items and risks
     * the gates reported go to the plan, so nothing a gate says is dropped.
     */
    private FindingChanges applyFindings(List<GateResult> results) {
      for (GateResult r : results) {
        plan.addLater(r.later());
        plan.addRisks(r.risks());
      }
      List<Task> added = new ArrayList<>();
      List<Finding> addedFor = new ArrayList<>();
      List<String> reopened = new ArrayList<>();
      List<String> replanned = new ArrayList<>();
      List<FindingLedger.Decision> replans = new ArrayList<>();
      FindingLedger.Decision regressed = null;
      FindingLedger.Decision exhausted = null;
      for (FindingLedger.Decision d : ledger.review(results, plan, bounds.maxFindingAttempts())) {
        switch (d.kind()) {
          case NEW -> {
            added.add(FindingTasks.newTask(d.finding(), freshFindingId(added)));
            addedFor.add(d.finding());
          }
          case CLOSED -> {
            Task t = plan.task(d.entry().taskId);
            plan.update(
                t.withStatus(TaskStatus.DONE)
                    .withNotes(FindingLedger.withoutTag(t.notes()) + "; its gate passes now " + d.entry().tag()));
          }
          case REOPEN, REGRESSED -> {
            reopen(d);
            reopened.add(d.entry().taskId);
            if (d.kind() == FindingLedger.Kind.REGRESSED && regressed == null) {
              regressed = d;
            }
          }
          case REPLAN -> replans.add(d);
          case EXHAUSTED -> {
            giveUp(d);
            if (exhausted == null) {
              exhausted = d;
            }
          }
          case REFUSED ->
              // Recorded, and the gate did not pass; but there is no code to fix, so no task. The
              // next round asks the role again; a role that keeps refusing ends the run NO_PROGRESS.
              plan.addRisks(List.of(d.finding().message()));
          default -> throw new IllegalStateException("unknown decision " + d.kind());
        }
      }
      if (!added.isEmpty()) {
        plan.add(added);
        for (int i = 0; i < added.size(); i++) {
          ledger.open(addedFor.get(i), added.get(i).id());
        }
      }
      for (FindingLedger.Decision d : replans) {
        List<String> ids = replan(d);
        if (ids.isEmpty()) {
          giveUp(d);
          if (exhausted == null) {
            exhausted = d;
          }
        }
        replanned.addAll(ids);
      }
      unblockDependents();
      ledger.retag(plan);
      return new FindingChanges(
          added.stream().map(Task::id).toList(), List.copyOf(reopened), List.copyOf(replanned), regressed, exhausted);
    }

    /**
     * Tasks blocked by a dependency that has since gone back to work (a reopened finding task) or
     * become done wait for it again instead of staying blocked for good.
     */
    private void unblockDependents() {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (Task t : plan.tasks()) {
          if (t.status() == TaskStatus.BLOCKED
              && t.dependsOn().stream().noneMatch(d -> plan.contains(d)
                  && (plan.task(d).status() == TaskStatus.FAILED || plan.task(d).status() == TaskStatus.BLOCKED))) {
            plan.update(t.withStatus(TaskStatus.TODO).withNotes(t.notes().startsWith("blocked:") ? "" : t.notes()));
            changed = true;
          }
        }
      }
    }

    /** One line on a finished attempt: what its task reported, and what the gate said after. */
    private String attemptLine(FindingLedger.Decision d) {
      FindingLedger.Entry e = d.entry();
      String report = lastReports.getOrDefault(e.taskId, "(no report at hand)");
      return Text.oneLine(
          "attempt " + e.attempt + " (" + e.taskId + "): " + report + " -> the " + d.finding().gate() + " gate then reported: "
              + d.finding().message() + (d.result().summary().isEmpty() ? "" : " (" + Text.oneLine(d.result().summary()) + ")"));
    }

    /** Sends a finding's task back to work, with what was tried in its brief. */
    private void reopen(FindingLedger.Decision d) {
      FindingLedger.Entry e = d.entry();
      e.tried.add(attemptLine(d));
      e.attempt++;
      e.verified = false;
      String state =
          d.kind() == FindingLedger.Kind.REGRESSED
              ? "came back after it was fixed; attempt " + e.attempt
              : "still reported after attempt " + (e.attempt - 1) + "; attempt " + e.attempt + " of " + bounds.maxFindingAttempts();
      plan.update(FindingTasks.reopened(plan.task(e.taskId), d.finding(), state, e));
    }

    /** Ends a finding's attempts: its task fails, and the finding is named in Risks. */
    private void giveUp(FindingLedger.Decision d) {
      FindingLedger.Entry e = d.entry();
      Task t = plan.task(e.taskId);
      String state = "still reported after " + Math.min(e.attempt, bounds.maxFindingAttempts()) + " attempts" + (e.replanned ? " and a new plan" : "");
      plan.update(t.withStatus(TaskStatus.FAILED).withNotes(FindingTasks.notes(d.finding(), state, e, t.writeScope())));
      plan.addRisks(
          List.of(
              "still open: the " + d.finding().gate() + " gate reports "
                  + (d.finding().location().isEmpty() ? "" : "at " + d.finding().location() + " ") + "\"" + d.finding().message()
                  + "\" (task " + t.id() + ", " + state + ")"));
    }

    /**
     * Asks the orchestrator role for a new plan for a finding at its attempt limit, since the plan
     * itself may be what is wrong. Returns the ids of the tasks it added, or none when the role
     * could not give a usable plan (the caller then gives up on the finding).
     */
    private List<String> replan(FindingLedger.Decision d) {
      FindingLedger.Entry e = d.entry();
      Task old = plan.task(e.taskId);
      e.tried.add(attemptLine(d));
      Role orchestrator = roles.get(BuiltInRoles.ORCHESTRATOR);
      Task replanTask =
          Task.builder("replan-" + old.id(), "Re-plan the fix of " + old.id() + ": " + old.title())
              .role(BuiltInRoles.ORCHESTRATOR)
              .build();
      emit(new OrchestraEvent.TaskStarted(runId, clock.instant(), replanTask.id(), orchestrator.name(), replanTask.title(), round));
      RoleReport report;
      try {
        report = runAgent(orchestrator, replanTask, replanBrief(d, old), List.of()).report();
      } catch (QuotaExhaustedException | AuthenticationException ex) {
        emitFailed(replanTask, round, ex.getMessage());
        throw stopFor(ex);
      } catch (Cancelled ex) {
        emitFailed(replanTask, round, "interrupted");
        checkStop();
        throw ex;
      } catch (RuntimeException ex) {
        emitFailed(replanTask, round, String.valueOf(ex.getMessage()));
        plan.addRisks(List.of("the orchestrator role could not re-plan " + old.id() + ": " + Text.oneLine(String.valueOf(ex.getMessage()))));
        return List.of();
      }
      if (!(report instanceof RoleReport.PlanProposal proposal)) {
        String why = report instanceof RoleReport.Refusal r ? "refused: " + r.refusal() : "answered without a plan";
        emitFailed(replanTask, round, why);
        plan.addRisks(List.of("the orchestrator role did not re-plan " + old.id() + ": " + Text.oneLine(why)));
        return List.of();
      }
      int attempts = e.attempt;
      e.replanned = true;
      e.verified = false;
      e.attempt = attempts + 1; // the new plan's attempt, after the limit: the last one
      List<Task> fresh;
      try {
        fresh = FindingTasks.adopt(proposal.tasks(), plan, d.finding(), e);
        plan.add(fresh);
      } catch (IllegalArgumentException ex) {
        e.replanned = false;
        e.attempt = attempts;
        emitFailed(replanTask, round, "an inconsistent plan: " + ex.getMessage());
        plan.addRisks(List.of("the orchestrator role's new plan for " + old.id() + " was inconsistent: " + Text.oneLine(ex.getMessage())));
        return List.of();
      }
      List<String> ids = fresh.stream().map(Task::id).toList();
      plan.update(
          old.withStatus(TaskStatus.SUPERSEDED)
              .withNotes(
                  "not fixed after " + attempts + " attempts; re-planned by the orchestrator role as " + String.join(", ", ids)));
      e.taskId = ids.get(0);
      plan.addLater(proposal.later());
      plan.addRisks(proposal.risks());
      emit(
          new OrchestraEvent.TaskFinished(
              runId, clock.instant(), replanTask.id(), orchestrator.name(), TaskStatus.DONE, ids.size() + " tasks planned", List.of(), round));
      emit(new OrchestraEvent.PlanUpdated(runId, clock.instant(), "re-planned: " + old.id(), plan.size(), ids));
      return ids;
    }

    private String replanBrief(FindingLedger.Decision d, Task old) {
      FindingLedger.Entry e = d.entry();
      StringBuilder b = new StringBuilder("Goal: ").append(goal).append("\n\n");
      b.append("A finding is still open after ").append(e.attempt).append(" attempts to fix it, so the plan for it may be wrong.\n");
      b.append("The ").append(d.finding().gate()).append(" gate reports: ").append(d.finding().message());
      if (!d.finding().location().isEmpty()) {
        b.append(" (at ").append(d.finding().location()).append(')');
      }
      b.append("\nGate summary: ").append(Text.oneLine(d.result().summary())).append('\n');
      b.append("The task that tried to fix it: ").append(old.id()).append(": ").append(old.title());
      b.append(old.writeScope().isEmpty() ? " (it could write anywhere)" : " (write scope: " + String.join(", ", old.writeScope()) + ")");
      b.append("\nWhat was tried:\n");
      e.tried.forEach(line -> b.append("- ").append(line).append('\n'));
      b.append("\nThe plan now:\n");
      for (Task t : plan.tasks()) {
        b.append("- ").append(t.id()).append(" [").append(t.status().markdownValue()).append("]: ").append(t.title()).append('\n');
      }
      b.append(
          "\nPropose the tasks that fix this finding now: a different approach where the earlier one failed, the files the"
              + " fix really needs in each task's write scope, and any missing step as a task of its own. The first task you"
              + " list takes over the finding. Ids already in use: ");
      b.append(String.join(", ", plan.tasks().stream().map(Task::id).toList())).append('\n');
      return cap(b.toString());
    }

    private void emitFailed(Task task, int roundNo, String why) {
      emit(
          new OrchestraEvent.TaskFinished(
              runId, clock.instant(), task.id(), task.role(), TaskStatus.FAILED, Text.oneLine(why), List.of(), roundNo));
    }

    private String freshFindingId(List<Task> pending) {
      for (int n = 1; ; n++) {
        String id = "F" + n;
        final String candidate = id;
        if (!plan.contains(id) && pending.stream().noneMatch(t -> t.id().equals(candidate))) {
          return id;
        }
      }
    }

    // ------------------------------------------------------------ the end

    private RunResult green() {
      RoleReport.ReleasePlan release = null;
      Role rm = roles.get(BuiltInRoles.RELEASE_MANAGER);
      if (rm != null) {
        StringBuilder brief = new StringBuilder("Goal: ").append(goal).append("\n\nDone:\n");
        plan.tasks().stream()
            .filter(t -> t.status() == TaskStatus.DONE)
            .forEach(t -> brief.append("- ").append(t.id()).append(": ").append(t.title()).append('\n'));
        try {
          RoleReport r =
              runAgent(rm, Task.builder("release", "Prepare the release of this change").role(rm.name()).build(), cap(brief.toString()), List.of())
                  .report();
          if (r instanceof RoleReport.ReleasePlan p) {
            release = p;
            plan.setReleaseNotes(ReleaseNotes.lines(p));
            Path notes = journalPath.resolveSibling("release-notes.md");
            try {
              AtomicFiles.writeString(notes, ReleaseNotes.markdown(goal, runId, p));
            } catch (RuntimeException e) {
              plan.addRisks(List.of("the release notes could not be saved to " + notes + ": " + Text.oneLine(String.valueOf(e.getMessage()))));
            }
          } else if (r instanceof RoleReport.Refusal refusal) {
            plan.addRisks(List.of("release notes could not be prepared: the release manager refused: " + Text.oneLine(refusal.refusal())));
          }
        } catch (QuotaExhaustedException | AuthenticationException e) {
          throw stopFor(e);
        } catch (RuntimeException e) {
          checkStop();
          plan.addRisks(List.of("release notes could not be prepared: " + Text.oneLine(String.valueOf(e.getMessage()))));
        }
      }
      if (gates.isEmpty()) {
        plan.addRisks(List.of("no gate is configured, so no check ran on this work"));
      }
      return finish(StopReason.GREEN, "every task is done and every gate passed in round " + round, release);
    }

    private RunResult finish(StopReason reason, String message) {
      return finish(reason, message, null);
    }

    private RunResult finish(StopReason reason, String message, RoleReport.ReleasePlan release) {
      Thread.interrupted(); // a cancel may have interrupted us; the writes below must not be.
      Plan finalPlan;
      String msg = Text.oneLine(message);
      if (plan != null) {
        for (Task t : plan.tasks()) {
          if (t.status() == TaskStatus.RUNNING) {
            plan.setStatus(t.id(), TaskStatus.TODO);
          }
        }
        if (reason != StopReason.PLAN_INVALID) {
          try {
            mergeHandEdits();
          } catch (Stop s) {
            msg = msg + "; " + s.getMessage();
          } catch (RuntimeException e) {
            msg = msg + "; plan.md could not be read: " + e.getMessage();
          }
        }
        List<String> done = new ArrayList<>();
        List<String> next = new ArrayList<>();
        for (Task t : plan.tasks()) {
          String line = t.id() + ": " + t.title();
          if (t.status() == TaskStatus.DONE) {
            done.add(line);
          } else if (t.status() != TaskStatus.SUPERSEDED) {
            next.add(line + " (" + t.status().markdownValue() + (t.notes().isEmpty() ? "" : "; " + t.notes()) + ")");
          }
        }
        List<String> risks = new ArrayList<>();
        if (!reason.isGreen()) {
          risks.add("run stopped (" + reason.name().toLowerCase(Locale.ROOT) + "): " + msg);
        }
        for (GateResult r : lastGateResults) {
          if (r.verdict() == Verdict.NOTHING_CHECKED) {
            risks.add(r.gate() + " gate checked nothing: " + Text.oneLine(r.summary()));
          } else if (!r.verdict().passed()) {
            risks.add(r.gate() + " gate did not pass: " + Text.oneLine(r.summary()));
          }
        }
        plan.setSummary(done, next);
        plan.addRisks(risks);
        try {
          persist(true);
        } catch (RuntimeException e) {
          msg = msg + "; plan.md could not be written: " + e.getMessage();
        }
        finalPlan = plan.snapshot();
      } else {
        finalPlan = Plan.builder(goal == null ? "" : Text.oneLine(goal)).build();
      }
      TokenUsage total = usage();
      emit(new OrchestraEvent.RunFinished(runId, clock.instant(), reason.name(), msg, Math.max(round, 0), total));
      return new RunResult(runId, reason, msg, finalPlan, Math.max(round, 0), total, lastGateResults, release);
    }

    // ------------------------------------------------------------ plan.md

    private String readPlanFile() {
      // Files.readString reads through an interruptible channel: a cancel's interrupt would turn
      // into a read error. Read, then restore it.
      boolean interrupted = Thread.interrupted();
      try {
        return Files.readString(planPath, StandardCharsets.UTF_8);
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new OrchestraException("cannot read " + planPath + ": " + e.getMessage(), e);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** A copy of the plan waiting for the coordinating thread to write it; see {@link #persistLater}. */
    private final java.util.concurrent.atomic.AtomicReference<LivePlan.Copy> planToWrite =
        new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Called under the scheduler's lock: at most once per interval, copies the plan and wakes the
     * coordinating thread, which writes it (see {@link #writeWaitingPlan}). An agent's thread
     * never renders or writes plan.md: that takes a millisecond or more for a large plan, which
     * would delay that agent's next model call.
     */
    private void persistLater() {
      long now = System.nanoTime();
      if (now - lastSnapshotNanos < planWriteIntervalNanos) {
        return;
      }
      lastSnapshotNanos = now;
      planToWrite.set(plan.copy());
      Scheduler s = scheduler;
      if (s != null) {
        s.wake();
      }
    }

    /**
     * On the coordinating thread, outside the scheduler's lock: writes the copy {@link
     * #persistLater} left, after the events queued before it.
     */
    private void writeWaitingPlan() {
      LivePlan.Copy copy = planToWrite.getAndSet(null);
      if (copy == null) {
        return;
      }
      // Not queued in the outbox, where an agent's drain could pick it up: held under its lock
      // here, after the events queued before the copy.
      outboxLock.lock();
      try {
        runOutbox();
        writePlan(copy.toPlan());
      } catch (RuntimeException e) {
        // Agents may still be running: stop starting new ones and let them finish, instead of
        // leaving the batch with work in flight.
        log.error("cannot write {} during the batch; stopping the run", planPath, e);
        if (fatal == null) {
          fatal = new Stop(StopReason.FAILED, "cannot write " + planPath + ": " + e.getMessage());
        }
      } finally {
        outboxLock.unlock();
      }
    }

    /** Writes plan.md now, after everything queued before. Not under the scheduler's lock. */
    void persist(boolean force) {
      if (plan == null) {
        return;
      }
      Plan snapshot = plan.snapshot();
      lastSnapshotNanos = System.nanoTime();
      outbox.add(() -> writePlan(snapshot));
      drainAll();
    }

    /**
     * Writes a snapshot if it differs from the last write. Never overwrites a person's edit that
     * has not been merged yet: that waits for the next round boundary. Runs in the outbox.
     */
    private void writePlan(Plan snapshot) {
      String text = snapshot.toMarkdown();
      if (text.equals(lastWrittenText)) {
        return;
      }
      // A cancel interrupts threads; an interrupted NIO read or write would fail, so read and
      // write first and restore the interrupt after.
      boolean interrupted = Thread.interrupted();
      try {
        // The file's identity, size and time as they were when its content was found to be ours:
        // checked again just before the rename, so a save after the read is not replaced.
        Object seen = stamp(planPath);
        if (lastWrittenText != null) {
          String onDisk = readPlanFile();
          if (onDisk != null && !onDisk.equals(lastWrittenText)) {
            return; // edited by a person since our last write; merged at the round boundary
          }
        }
        if (AtomicFiles.writeStringUnlessChanged(planPath, text, () -> java.util.Objects.equals(seen, stamp(planPath)))) {
          lastWritten = snapshot;
          lastWrittenText = text;
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** The file's identity, size and modification time, or null when it cannot be read. */
    private Object stamp(Path file) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
      } catch (IOException e) {
        return null;
      }
    }

    /** Merges a person's edit of plan.md made since the run last wrote it. */
    private void mergeHandEdits() {
      if (lastWrittenText == null) {
        return;
      }
      String onDisk = readPlanFile();
      if (onDisk == null || onDisk.equals(lastWrittenText)) {
        return;
      }
      Plan edited;
      try {
        edited = Plan.fromMarkdown(onDisk, planPath.toString());
      } catch (PlanFormatException e) {
        throw new Stop(
            StopReason.PLAN_INVALID,
            "plan.md was edited during the run and cannot be read, so it was left as it is: " + e.getMessage());
      }
      List<String> added = plan.mergeEdit(lastWritten, edited);
      for (Task t : plan.tasks()) {
        if (t.status() == TaskStatus.RUNNING) {
          plan.setStatus(t.id(), TaskStatus.TODO);
        }
      }
      goal = plan.goal();
      lastWritten = edited;
      lastWrittenText = onDisk;
      ledger.restore(plan.tasks());
      emit(new OrchestraEvent.PlanUpdated(runId, clock.instant(), "edited by hand", plan.size(), added));
      persist(true);
    }

    // ------------------------------------------------------------ resume

    /** A crash in the middle of an atomic write leaves its temporary file; nothing else will. */
    private void removeStaleTemporaryFiles() {
      String prefix = "." + planPath.getFileName() + ".";
      try (var files = Files.list(planPath.getParent())) {
        for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".tmp")).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        log.warn("cannot remove stale temporary files next to {}: {}", planPath, e.getMessage());
      }
    }

    /**
     * A task killed while its agent wrote a file leaves that write's temporary file (named
     * {@code .<file>.<random>.tmp}, beside the file) in the task's write scope. Removed are only
     * files of that exact shape, made since the stopped run (or resume) started, where a task
     * that was running then (by plan.md or the journal) could have written them; links are not
     * followed, and a failure only skips the clean-up.
     */
    private void removeInterruptedWrites(Plan onDisk, java.util.Set<String> startedNotFinished, Instant stoppedRunStarted) {
      List<List<String>> scopes =
          onDisk.tasks().stream()
              .filter(t -> t.status() == TaskStatus.RUNNING || startedNotFinished.contains(t.id()))
              .map(Task::writeScope)
              .toList();
      if (scopes.isEmpty() || stoppedRunStarted == null) {
        return;
      }
      try {
        Path root = workspace.toRealPath();
        Files.walkFileTree(
            root,
            new java.nio.file.SimpleFileVisitor<>() {
              @Override
              public java.nio.file.FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                    ? java.nio.file.FileVisitResult.SKIP_SUBTREE
                    : java.nio.file.FileVisitResult.CONTINUE;
              }

              @Override
              public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Matcher m = INTERRUPTED_WRITE.matcher(file.getFileName().toString());
                if (attrs.isRegularFile() && m.matches() && !attrs.lastModifiedTime().toInstant().isBefore(stoppedRunStarted)) {
                  String target = root.relativize(file.resolveSibling(m.group(1))).toString().replace('\\', '/');
                  if (scopes.stream().anyMatch(scope -> scope.isEmpty() || WriteScopes.covers(scope, target))) {
                    Files.deleteIfExists(file);
                    log.info("removed {}, left by a write that a stop interrupted", root.relativize(file));
                  }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
              }

              @Override
              public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException | RuntimeException e) {
        log.warn("cannot look for interrupted writes in {}: {}", workspace, e.getMessage());
      }
    }

    /** Restores the plan from plan.md and the journal, and the round the run stopped in. */
    private void restore() {
      String text = readPlanFile();
      if (text == null) {
        throw new OrchestraException(
            "nothing to resume: " + planPath + " does not exist; start a run with run(goal)");
      }
      Plan onDisk = Plan.fromMarkdown(text, planPath.toString());
      List<JsonNode> events = Journal.read(journalPath);
      JsonNode last = events.isEmpty() ? null : events.get(events.size() - 1);
      boolean allDone =
          onDisk.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE || t.status() == TaskStatus.SUPERSEDED);
      if (allDone && last != null && "run_finished".equals(last.path("type").asText()) && "GREEN".equals(last.path("stopReason").asText())) {
        // Nothing is left to do (a task a person added to plan.md since would be), and asking a
        // model would only cost tokens.
        throw new NothingToResumeException(
            "nothing to resume: run " + last.path("runId").asText() + " ended GREEN at " + last.path("time").asText()
                + "; start a new run with run(goal)");
      }
      removeStaleTemporaryFiles();
      int from = 0;
      for (int i = 0; i < events.size(); i++) {
        JsonNode e = events.get(i);
        if ("run_started".equals(e.path("type").asText()) && !e.path("resumed").asBoolean()) {
          from = i;
        }
      }
      // The token bound covers the whole run, its earlier parts included.
      TokenUsage used = TokenUsage.ZERO;
      for (JsonNode e : events.subList(from, events.size())) {
        if ("model_call_finished".equals(e.path("type").asText())) {
          JsonNode u = e.path("usage");
          used =
              used.plus(
                  new TokenUsage(
                      u.path("inputTokens").asLong(), u.path("outputTokens").asLong(),
                      u.path("cachedInputTokens").asLong(), u.path("reasoningTokens").asLong()));
        }
      }
      addUsage(used);
      Map<String, String> lastStatus = new HashMap<>();
      java.util.Set<String> unfinished = new java.util.HashSet<>();
      Instant lastStart = null; // when the run (or resume) that stopped began
      int lastRound = 0;
      for (JsonNode e : events.subList(from, events.size())) {
        String type = e.path("type").asText();
        if (type.equals("run_started")) {
          try {
            lastStart = Instant.parse(e.path("time").asText());
          } catch (java.time.format.DateTimeParseException bad) {
            lastStart = null;
          }
        }
        if (type.equals("task_started")) {
          unfinished.add(e.path("taskId").asText());
        }
        if (type.equals("task_finished")) {
          lastStatus.put(e.path("taskId").asText(), e.path("status").asText());
          unfinished.remove(e.path("taskId").asText());
        }
        if (type.equals("plan_updated") && e.path("reason").asText().contains("another attempt")) {
          // Sent back to work after it finished: its "done" is no longer its status.
          e.path("addedTaskIds").forEach(id -> lastStatus.remove(id.asText()));
        }
        if (type.startsWith("task_") || type.startsWith("gate_")) {
          lastRound = Math.max(lastRound, e.path("round").asInt());
        }
      }
      // The run goes on in the round it stopped in, whether the stop came during its batch or its
      // gates: the gates then see everything the round changed, before and after the stop. (Going
      // on with the next round instead would leave the first part of the round never reviewed.)
      TreeSet<String> changedInRound = new TreeSet<>();
      List<String> finishedInRound = new ArrayList<>();
      for (JsonNode e : events.subList(from, events.size())) {
        if ("task_finished".equals(e.path("type").asText()) && e.path("round").asInt() == lastRound && lastRound > 0) {
          String id = e.path("taskId").asText();
          if (!finishedInRound.contains(id)) {
            finishedInRound.add(id);
          }
          e.path("changedFiles").forEach(f -> changedInRound.add(f.asText()));
        }
        if ("gate_finished".equals(e.path("type").asText()) && e.path("round").asInt() == lastRound && lastRound > 0) {
          // What a gate's role wrote (a QA author's tests) is the round's to check too.
          e.path("changedFiles").forEach(f -> changedInRound.add(f.asText()));
        }
      }
      carriedTaskIds = List.copyOf(finishedInRound);
      carriedChanged = List.copyOf(changedInRound);
      removeInterruptedWrites(onDisk, unfinished, lastStart);
      Plan.Builder restored = onDisk.toBuilder();
      List<Task> tasks = new ArrayList<>();
      for (Task t : onDisk.tasks()) {
        Task r = t;
        boolean pending = t.status() == TaskStatus.TODO || t.status() == TaskStatus.RUNNING;
        if ("done".equals(lastStatus.get(t.id())) && pending) {
          r = t.withStatus(TaskStatus.DONE); // finished after plan.md was last written
        } else if (t.status() == TaskStatus.RUNNING) {
          r = t.withStatus(TaskStatus.TODO);
        }
        tasks.add(r);
      }
      goal = onDisk.goal();
      plan = new LivePlan(restored.tasks(tasks).build());
      lastWritten = onDisk;
      lastWrittenText = text;
      round = lastRound;
      ledger.restore(plan.tasks());
      ledger.restoreHistory(events.subList(from, events.size()));
      persist(true);
    }
  }


  /** A temporary file of an atomic write: {@code .<name>.<random digits or hex>.tmp}. */
  private static final java.util.regex.Pattern INTERRUPTED_WRITE = java.util.regex.Pattern.compile("\\.(.+)\\.[0-9a-f]+\\.tmp");

  private static String cap(String s) {
    return s.length() <= MAX_BRIEF_CHARS ? s : s.substring(0, MAX_BRIEF_CHARS) + "\n[cut]";
  }
}
