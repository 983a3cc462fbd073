package dev.orchestra;

import dev.orchestra.agent.AgentActivity;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.retry.AttemptFailure;
import dev.orchestra.internal.retry.RetryDecision;
import dev.orchestra.internal.retry.RetryRule;
import dev.orchestra.internal.workspace.SecureWorkspaceIo;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.internal.workspace.WorkspaceToolBox;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.Skill;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one role on one task: its tool box under the role's sandbox and the task's write scope, its
 * approvals, its model calls; and for a plan task, what it changed as git sees it (a command's
 * write outside the scope included) and how it ended. Thread-safe: agents run at once.
 */
final class AgentRunner {
  private final RunContext run;
  /** The workspace with its links resolved, and whether writes can be held inside it race-free. */
  private final Path realWorkspace;
  private final boolean secureIoSupported;
  /** Which writers were at work when, so a file a command wrote is blamed on the right task. */
  private final WriteWindows writeWindows = new WriteWindows();
  /**
   * How many times each role's agent failed on its own in a row on a task (by role and task id) and
   * was tried again; cleared when it answers or the rule gives up.
   */
  private final Map<String, Integer> retries = new ConcurrentHashMap<>();

  AgentRunner(RunContext run) {
    this.run = run;
    this.realWorkspace = WorkspaceToolBox.realPath(run.tree());
    this.secureIoSupported = SecureWorkspaceIo.supported(realWorkspace);
  }

  /** What an agent produced and which files its tools wrote. */
  record AgentRun(RoleReport report, List<String> changedFiles) {}

  /**
   * How a plan task ended.
   *
   * @param status done, failed, or todo when it was interrupted and will run again
   * @param summary one line
   * @param changedFiles what it changed
   * @param report its report, or null
   * @param stop a reason the run must stop (quota, credentials), or null
   * @param stopMessage why, for the stop
   */
  record Outcome(TaskStatus status, String summary, List<String> changedFiles, RoleReport report, StopReason stop, String stopMessage) {
    static Outcome of(TaskStatus status, String summary) {
      return new Outcome(status, summary, List.of(), null, null, "");
    }
  }

  /**
   * An agent's context: what it knows of the run, its tools, its way to the model, and, for an
   * agent that works outside the tool box, the way to report what it did and to ask for approval.
   */
  private final class RunAgentContext implements AgentContext {
    private final Role role;
    private final Task task;
    private final Path workspace;
    private final String brief;
    private final WorkspaceToolBox tools;
    private final List<Skill> skills;
    private final WriteWindows.Window window;
    private final AgentEvents events;
    /** Files the agent reported changing itself, beside those its tool box wrote. */
    private final Set<String> reportedFiles = ConcurrentHashMap.newKeySet();
    /**
     * The failures model calls through this context threw, by identity, each already retried by the
     * run; made on the first (most agents never see one). Guarded by this context.
     */
    private Set<Throwable> callFailures;

    RunAgentContext(
        Role role, Task task, Path workspace, String brief, WorkspaceToolBox tools, List<Skill> skills, WriteWindows.Window window,
        AgentEvents events) {
      this.role = role;
      this.events = events;
      this.task = task;
      this.workspace = workspace;
      this.brief = brief;
      this.tools = tools;
      this.skills = skills;
      this.window = window;
    }

    @Override
    public String runId() {
      return run.runId();
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
      return run.config().defaultModel();
    }

    @Override
    public int maxTurns() {
      return run.config().bounds().maxAgentTurns();
    }

    @Override
    public ToolBox tools() {
      return tools;
    }

    @Override
    public List<Skill> skills() {
      return skills;
    }

    @Override
    public ModelResponse call(ModelRequest request) {
      try {
        return run.models().call(request, events);
      } catch (ModelProviderException e) {
        synchronized (this) {
          if (callFailures == null) {
            callFailures = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
          }
          callFailures.add(e);
        }
        throw e;
      }
    }

    /**
     * Whether a failure is, or wraps, one that a model call through this context threw: the run
     * retried that call already, so the agent's attempt is not tried again for it.
     */
    boolean alreadyRetried(Throwable e) {
      synchronized (this) {
        if (callFailures == null) {
          return false;
        }
        // A cause chain is short; the bound guards against one made into a cycle.
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
          if (callFailures.contains(t)) {
            return true;
          }
        }
        return false;
      }
    }

    @Override
    public void report(AgentActivity activity) {
      Objects.requireNonNull(activity, "activity");
      if (activity instanceof AgentActivity.ThreadStarted t) {
        events.observe(new OrchestraEvent.AgentThreadStarted(run.runId(), run.now(), task.id(), role.name(), t.agent(), t.threadId()));
      } else if (activity instanceof AgentActivity.CommandRan c) {
        if (window != null) {
          window.ranCommand = true;
        }
        String detail = (c.exitCode() < 0 ? "did not exit" : "exit code " + c.exitCode()) + " after " + c.took().toMillis() + " ms";
        toolCalled(BuiltInRoles.TOOL_RUN_COMMAND, c.command(), true, WorkspaceToolBox.Audit.of(detail, c.output()));
      } else if (activity instanceof AgentActivity.FileChanged f) {
        reportedFiles.add(f.path());
        toolCalled(BuiltInRoles.TOOL_APPLY_PATCH, f.path(), true, WorkspaceToolBox.Audit.of(f.change(), ""));
      } else if (activity instanceof AgentActivity.ToolUsed u) {
        toolCalled(u.tool(), u.target(), u.ok(), WorkspaceToolBox.Audit.of(u.detail(), ""));
      } else if (activity instanceof AgentActivity.Message m) {
        events.observe(new OrchestraEvent.AgentMessage(run.runId(), run.now(), task.id(), role.name(), m.text()));
      } else if (activity instanceof AgentActivity.TurnFinished t) {
        events.observeWhenFree(
            new OrchestraEvent.ModelCallFinished(run.runId(), run.now(), role.name(), task.id(), t.model(), t.usage(), t.took().toMillis(), "ok"));
        events.signal(BudgetPolicy.Signal.SUCCESS, "");
      } else if (activity instanceof AgentActivity.TurnFailed t) {
        // The budget hears of the failure once, when the agent throws it.
        events.observe(
            new OrchestraEvent.ModelCallFinished(
                run.runId(), run.now(), role.name(), task.id(), t.model(), t.usage(), t.took().toMillis(), t.failure().name().toLowerCase(Locale.ROOT)));
      }
    }

    private void toolCalled(String tool, String target, boolean ok, WorkspaceToolBox.Audit audit) {
      events.observe(
          new OrchestraEvent.ToolCalled(run.runId(), run.now(), task.id(), role.name(), tool, target, ok, audit.detail(), audit.outputBytes(), audit.outputDigest()));
    }

    @Override
    public ApprovalHandler.Decision askApproval(String action, String detail, String reason) {
      return AgentRunner.this.askApproval(role, task, action, detail, reason, events);
    }

    @Override
    public Map<String, String> commandEnvironment() {
      return run.commandEnvironment().variables();
    }

    /** The files the agent changed: its tool box's writes and those it reported. */
    List<String> changedFiles() {
      TreeSet<String> all = new TreeSet<>(tools.changedFiles());
      all.addAll(reportedFiles);
      return List.copyOf(all);
    }
  }

  /**
   * Runs a plan task (or an explorer's probe); never throws. With worktrees, a plan task runs in a
   * worktree of its own and its work is committed on its branch before this returns.
   *
   * @param round the task's round (0 for a probe)
   * @param retriesTaken how many times the task went back to the queue after its agent's own
   *     failure (the machine counts them): the retry rule gives up after the run's model attempts
   * @param isolate whether this is a plan task, which gets a worktree of its own in an isolated run
   *     (an explorer's probe is not)
   * @param resolves when not empty, the branch of a task whose conflict this one resolves: merged
   *     into its worktree first
   * @param events where the task's events go; some may still wait there when this returns, for the
   *     caller to feed with the task's end
   */
  Outcome runTask(Task task, int round, int retriesTaken, String brief, boolean isolate, String resolves, AgentEvents events) {
    OrchestratorConfig config = run.config();
    Role role = config.roles().get(task.role());
    if (role == null) {
      return Outcome.of(
          TaskStatus.FAILED, "no role '" + task.role() + "' in the team; known roles: " + String.join(", ", new TreeSet<>(config.roles().keySet())));
    }
    Optional<GitWorktrees> worktrees = run.worktrees();
    if (isolate && worktrees.isPresent()) {
      return runIsolated(task, round, retriesTaken, brief, role, worktrees.get(), resolves, events);
    }
    boolean writer = role.sandboxMode().allowsWrites();
    GitWorkspace git = run.git();
    // Only git can see what a command wrote outside the scope; without it there is no window to keep.
    WriteWindows.Window window = writer && git != null ? writeWindows.open(task) : null;
    try {
      GitWorkspace.Snapshot before = window != null ? git.snapshot(List.of()) : null;
      // A plan task goes back to the queue after its agent's own failure; an explorer's probe is
      // no plan task (nothing would start it again) and tries again here.
      AgentRun r = run(role, task, brief, task.writeScope(), window, run.tree(), isolate, events);
      List<String> changed = r.changedFiles();
      RoleReport report = r.report();
      if (report instanceof RoleReport.Refusal refusal) {
        // Recorded as what it is: the task failed, with the model's own words in its notes.
        return new Outcome(TaskStatus.FAILED, "refused by the " + role.name() + " role: " + refusal.refusal(), changed, report, null, "");
      }
      List<String> outside = List.of();
      if (before != null) {
        // The task's scope is its own while it runs, so git's changes inside it are the task's.
        // Only a command can write outside a scope (the write tools refuse to), so a change
        // outside it is this task's when it ran one and no other writer running meanwhile may
        // have made it; it is reported.
        TreeSet<String> all = new TreeSet<>(changed);
        List<String> out = new ArrayList<>();
        for (String f : git.changesSince(before, List.of()).files()) {
          if (task.mayWrite(f)) {
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
        events.noteRisks("a task wrote outside its scope", List.of(note));
      }
      return new Outcome(TaskStatus.DONE, summary, changed, report, null, "");
    } catch (RuntimeException e) {
      return failure(e, task, role, retriesTaken, events);
    } finally {
      if (window != null) {
        writeWindows.close(window);
      }
    }
  }

  /** How a task that threw ended: interrupted or to be retried (it runs again), a reason to stop, or failed. */
  private Outcome failure(RuntimeException e, Task task, Role role, int retriesTaken, AgentEvents events) {
    if (e instanceof RetryLater later) {
      return retryLater(later.failure, task, role, retriesTaken, events);
    }
    if (e instanceof QuotaExhaustedException || e instanceof AuthenticationException) {
      StopReason reason = e instanceof QuotaExhaustedException ? StopReason.QUOTA_EXHAUSTED : StopReason.AUTHENTICATION_FAILED;
      String message = stopMessage((ModelProviderException) e);
      return new Outcome(TaskStatus.TODO, message, List.of(), null, reason, message);
    }
    if (e instanceof RunCancelled || run.cancelled()) {
      return Outcome.of(TaskStatus.TODO, "interrupted; will run again");
    }
    if (e instanceof ModelProviderException m) {
      return Outcome.of(TaskStatus.FAILED, m.kind().name().toLowerCase(Locale.ROOT) + ": " + m.getMessage());
    }
    return Outcome.of(TaskStatus.FAILED, String.valueOf(e.getMessage()));
  }

  /**
   * An agent's own attempt failed in a way a later one may not (a rate limit, a crash): the thread
   * budget hears of it, and the task goes back to the queue at once. It waits out the run's backoff
   * there, holding no slot of the budget (the machine holds it until its {@code RetryDue}); then the
   * budget decides when it runs again, and a worktree of its own starts it from a clean tree. After
   * the run's model attempts it fails, naming the last failure.
   */
  private Outcome retryLater(ModelProviderException e, Task task, Role role, int retriesTaken, AgentEvents events) {
    try {
      if (!scheduleRetry(e, task, role, events, retriesTaken, false)) {
        return Outcome.of(TaskStatus.FAILED, e.kind().name().toLowerCase(Locale.ROOT) + " after " + run.config().maxModelAttempts()
            + " attempts: " + e.getMessage());
      }
    } catch (RunCancelled c) {
      return Outcome.of(TaskStatus.TODO, "interrupted; will run again");
    }
    return Outcome.of(TaskStatus.TODO, e.kind().name().toLowerCase(Locale.ROOT) + "; will run again: " + Text.oneLine(e.getMessage()));
  }

  /**
   * Tells the thread budget of an agent's own failed attempt and, when the run's retry rule allows
   * another, journals the retry with the rule's backoff (the server's hint honoured) and, when
   * {@code wait}, waits it out on this thread.
   *
   * @param taken the retries taken so far: the machine's count for a plan task that goes back to
   *     the queue; for one that tries again here ({@code wait}), this runner's own count
   * @return true when the attempt is to be made again, false when the rule gave up
   * @throws RunCancelled when the run was cancelled, before or during the wait
   */
  private boolean scheduleRetry(ModelProviderException e, Task task, Role role, AgentEvents events, int taken, boolean wait) {
    String cause = role.name() + " on " + task.id() + ": " + Text.oneLine(e.getMessage());
    events.signal(e.kind() == ModelProviderException.Kind.RATE_LIMITED ? BudgetPolicy.Signal.RATE_LIMITED : BudgetPolicy.Signal.UNSTABLE, cause);
    if (run.cancelled()) {
      throw new RunCancelled();
    }
    String key = role.name() + "/" + task.id();
    RetryDecision decision = ModelCaller.retryRule(run.config()).decide(new RetryRule.Taken(taken, 0), AttemptFailure.of(e), run.jitter());
    if (decision instanceof RetryDecision.GiveUp) {
      retries.remove(key);
      return false;
    }
    Duration delay = ((RetryDecision.Retry) decision).delay();
    if (wait) {
      retries.put(key, taken + 1);
    }
    events.observe(
        new OrchestraEvent.RetryScheduled(
            run.runId(), run.now(), role.name(), task.id(), role.model().orElse(run.config().defaultModel()), e.kind(), Text.oneLine(e.getMessage()),
            delay.toMillis(), taken + 2, "orchestrator"));
    if (!wait) {
      return true;
    }
    try {
      run.config().sleeper().sleep(delay);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RunCancelled();
    }
    return true;
  }

  /** Carries an agent's own retriable failure out of {@link #run}, to {@link #retryLater}. */
  private static final class RetryLater extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ModelProviderException failure;

    RetryLater(ModelProviderException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  /**
   * Runs a plan task in a worktree of its own, made from the integrated work as it stands: a
   * writer's on its own branch, where what it changed (commands' writes included, ignored build
   * outputs not) is committed, and reported with {@code TaskCommitted}, before the task's end is.
   * The worktree is removed afterwards; the branch stays for its merge when there is a commit.
   */
  private Outcome runIsolated(
      Task task, int round, int retriesTaken, String brief, Role role, GitWorktrees worktrees, String resolves, AgentEvents events) {
    boolean writer = role.sandboxMode().allowsWrites();
    GitWorktrees.TaskTree tree;
    try {
      tree = worktrees.createTaskTree(task.id(), writer);
    } catch (RuntimeException e) {
      return Outcome.of(TaskStatus.FAILED, String.valueOf(e.getMessage()));
    }
    events.observe(
        new OrchestraEvent.WorktreeCreated(run.runId(), run.now(), task.id(), tree.branch(), tree.root().toString(), tree.base()));
    boolean keepBranch = false;
    try {
      List<String> conflicted = List.of();
      List<String> unmarked = List.of();
      Map<String, String> asMerged = Map.of();
      String fullBrief = brief;
      if (!resolves.isEmpty()) {
        try {
          conflicted = worktrees.mergeInto(tree, resolves);
        } catch (RuntimeException e) {
          return Outcome.of(TaskStatus.FAILED, String.valueOf(e.getMessage()));
        }
        // Conflicts git could not mark in the file (a binary file, a side that deleted or
        // renamed it): the task must decide them, which only a change to the file shows.
        List<String> marked = GitWorktrees.withConflictMarkers(tree, conflicted);
        unmarked = conflicted.stream().filter(p -> !marked.contains(p)).toList();
        asMerged = GitWorktrees.fingerprints(tree, unmarked);
        fullBrief = brief + Briefs.conflictedNow(relativeTo(tree, conflicted), relativeTo(tree, unmarked));
      }
      AgentRun r = run(role, task, fullBrief, task.writeScope(), null, tree.workdir(), true, events);
      RoleReport report = r.report();
      if (report instanceof RoleReport.Refusal refusal) {
        return new Outcome(TaskStatus.FAILED, "refused by the " + role.name() + " role: " + refusal.refusal(), r.changedFiles(), report, null, "");
      }
      List<String> changed = List.of();
      List<String> unresolved = GitWorktrees.withConflictMarkers(tree, conflicted);
      if (!unresolved.isEmpty()) {
        // Committed, the markers would land on the integration branch as if resolved.
        return new Outcome(
            TaskStatus.FAILED, "conflict markers remain in " + String.join(", ", unresolved), r.changedFiles(), report, null, "");
      }
      Map<String, String> now = GitWorktrees.fingerprints(tree, unmarked);
      List<String> undecided = new ArrayList<>();
      for (String p : unmarked) {
        if (now.get(p).equals(asMerged.get(p)) && !r.changedFiles().contains(relativeTo(tree, List.of(p)).get(0))) {
          undecided.add(p);
        }
      }
      if (!undecided.isEmpty()) {
        return new Outcome(
            TaskStatus.FAILED, "the conflicts git could not mark in " + String.join(", ", undecided) + " were left as the merge left them",
            r.changedFiles(), report, null, "");
      }
      if (writer) {
        Optional<String> commit;
        try {
          commit = worktrees.commit(tree, task.id() + ": " + task.title(), "By Orchestra, for " + worktrees.integrationBranch() + ".");
        } catch (RuntimeException e) {
          // Failed, not done: nothing of it reaches the integration branch, and the summary says
          // where the work is kept.
          String kept =
              worktrees.rescue(tree).map(ref -> "; its work is kept under " + ref + " (git show " + ref + ")").orElse("; its work could not be kept");
          return Outcome.of(TaskStatus.FAILED, e.getMessage() + kept);
        }
        if (!resolves.isEmpty() && (commit.isEmpty() || !worktrees.contains(commit.get(), resolves))) {
          // The merge was abandoned (the agent aborted it, say): done, the conflicted work would
          // be called integrated without being so.
          return new Outcome(
              TaskStatus.FAILED, "the merge of " + resolves + " was not concluded: its work is not in this task's commit", r.changedFiles(),
              report, null, "");
        }
        if (commit.isPresent()) {
          keepBranch = true;
          changed = worktrees.changedFiles(tree.base(), commit.get());
          events.observe(new OrchestraEvent.TaskCommitted(run.runId(), run.now(), task.id(), tree.branch(), commit.get(), changed, round));
        }
        if (report instanceof RoleReport.Implementation impl) {
          report = new RoleReport.Implementation(impl.whatChanged(), impl.commandsRun(), impl.result(), changed);
        }
      }
      return new Outcome(TaskStatus.DONE, summarize(report), changed, report, null, "");
    } catch (RuntimeException e) {
      return failure(e, task, role, retriesTaken, events);
    } finally {
      worktrees.removeTree(tree);
      if (!keepBranch) {
        worktrees.deleteBranch(tree.branch());
      }
    }
  }

  /** Paths relative to the repository's top, as the task sees them: relative to its working folder. */
  private static List<String> relativeTo(GitWorktrees.TaskTree tree, List<String> paths) {
    return paths.stream().map(p -> tree.workdir().relativize(tree.root().resolve(p)).toString().replace('\\', '/')).toList();
  }

  /** Why a provider's failure stops the run. */
  static String stopMessage(ModelProviderException e) {
    return switch (e.kind()) {
      case QUOTA_EXHAUSTED -> "the provider's quota is exhausted: " + e.getMessage();
      case AUTHENTICATION -> "the provider refused the credentials: " + e.getMessage();
      default -> "the model failed: " + e.getMessage();
    };
  }

  static String summarize(RoleReport report) {
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

  /**
   * Runs an agent; {@code window}, when given, learns whether the agent ran a command.
   *
   * @throws RunCancelled when the run was cancelled
   * @throws ModelProviderException when a model call failed for good
   * @throws RuntimeException when the agent could not finish (an {@code AgentException})
   */
  AgentRun run(Role role, Task task, String brief, List<String> writeScope, WriteWindows.Window window, Path workspace) {
    AgentEvents events = new AgentEvents(run);
    try {
      return run(role, task, brief, writeScope, window, workspace, false, events);
    } finally {
      events.flush();
    }
  }

  /**
   * Runs an agent as {@link #run(Role, Task, String, List, WriteWindows.Window, Path)} does; with
   * {@code requeue}, an agent's own retriable failure is thrown as {@link RetryLater} for the
   * task to run again later, instead of being retried here.
   */
  private AgentRun run(
      Role role, Task task, String brief, List<String> writeScope, WriteWindows.Window window, Path workspace, boolean requeue,
      AgentEvents events) {
    OrchestratorConfig config = run.config();
    if (workspace.equals(run.tree())) {
      run.worktrees().ifPresent(GitWorktrees::integrationInUse);
    }
    List<Skill> roleSkills = config.skills().getOrDefault(role.name(), List.of());
    WorkspaceToolBox.Settings settings =
        new WorkspaceToolBox.Settings(
            run.commandEnvironment(),
            config.commandTimeout(),
            WorkspaceToolBox.MAX_OUTPUT_CHARS,
            config.writableRoots(),
            config.networkAccess(),
            roleSkills,
            (action, detail, reason) -> askApproval(role, task, action, detail, reason, events));
    WorkspaceToolBox tools =
        new WorkspaceToolBox(
            workspace,
            workspace.equals(run.tree()) ? realWorkspace : WorkspaceToolBox.realPath(workspace),
            secureIoSupported,
            role,
            writeScope,
            (tool, target, ok, audit) -> {
              if (window != null && tool.equals(BuiltInRoles.TOOL_RUN_COMMAND)) {
                window.ranCommand = true;
              }
              events.observe(
                  new OrchestraEvent.ToolCalled(
                      run.runId(), run.now(), task.id(), role.name(), tool, target, ok, audit.detail(), audit.outputBytes(),
                      audit.outputDigest()));
            },
            settings);
    while (true) {
      RunAgentContext context = new RunAgentContext(role, task, workspace, brief, tools, roleSkills, window, events);
      try {
        RoleReport report = config.agent().run(role, task, context);
        retries.remove(role.name() + "/" + task.id());
        return new AgentRun(report, context.changedFiles());
      } catch (ModelProviderException e) {
        if (context.alreadyRetried(e) || !e.isRetriable()) {
          throw e; // a model call the run already retried, or a failure no retry mends
        }
        // The agent's own attempt failed (a Codex turn on a rate limit, say). A plan task goes
        // back to the queue, to run again on a clean tree; a role asked for an answer of its own
        // (planning, a gate) tries again here.
        if (requeue) {
          throw new RetryLater(e);
        }
        if (!scheduleRetry(e, task, role, events, retries.getOrDefault(role.name() + "/" + task.id(), 0), true)) {
          throw e;
        }
      }
    }
  }

  /**
   * Asks the approval handler on a thread of its own, so a handler that never answers counts as a
   * denial after the timeout instead of holding the agent for ever.
   */
  private ApprovalHandler.Decision askApproval(Role role, Task task, String action, String detail, String reason, AgentEvents events) {
    OrchestratorConfig config = run.config();
    ApprovalHandler.Request request = new ApprovalHandler.Request(run.runId(), task.id(), role.name(), action, detail, reason);
    FutureTask<ApprovalHandler.Decision> asking = new FutureTask<>(() -> config.approvalHandler().decide(request));
    Thread t = new Thread(asking, "orchestra-approval-" + task.id());
    t.setDaemon(true);
    t.start();
    ApprovalHandler.Decision d;
    try {
      d = asking.get(config.approvalTimeout().toNanos(), TimeUnit.NANOSECONDS);
      if (d == null) {
        d = ApprovalHandler.Decision.deny("handler", "the approval handler gave no decision");
      }
    } catch (TimeoutException e) {
      asking.cancel(true);
      d = ApprovalHandler.Decision.deny("timeout", "no answer within " + Text.duration(config.approvalTimeout()));
    } catch (ExecutionException e) {
      d = ApprovalHandler.Decision.deny("handler", "the approval handler failed: " + e.getCause());
    } catch (InterruptedException e) {
      asking.cancel(true);
      Thread.currentThread().interrupt();
      d = ApprovalHandler.Decision.deny("cancel", "the run was cancelled while waiting for approval");
    }
    events.observe(
        new OrchestraEvent.ApprovalDecided(
            run.runId(), run.now(), task.id(), role.name(), action, detail, d.approved(), d.decidedBy(),
            d.reason().isEmpty() ? reason : reason + "; " + d.reason()));
    return d;
  }
}
