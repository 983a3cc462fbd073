package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.brief.Briefs;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.ConflictFiles;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.TaskTree;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.internal.workspace.SecureWorkspaceIo;
import dev.orchestra.internal.workspace.WorkspaceToolBox;
import dev.orchestra.internal.workspace.WriteWindows;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.Skill;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Runs one role on one task: its tool box under the role's sandbox and the task's write scope, its
 * approvals, its model calls; and for a plan task, what it changed as git sees it (a command's
 * write outside the scope included) and how it ended. Thread-safe: agents run at once.
 */
final class AgentRunner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentRunner.class);

  private final RunContext run;
  /** The workspace with its links resolved, and whether writes can be held inside it race-free. */
  private final Path realWorkspace;
  private final boolean secureIoSupported;
  /** Which writers were at work when, so a file a command wrote is blamed on the right task. */
  private final WriteWindows writeWindows = new WriteWindows();
  /** An agent's own failed attempts, tried again here or later. */
  private final AgentRetries retries;

  AgentRunner(RunContext run) {
    this.run = run;
    this.realWorkspace = WorkspaceToolBox.realPath(run.tree());
    this.secureIoSupported = SecureWorkspaceIo.supported(realWorkspace);
    this.retries = new AgentRetries(run);
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
   * Runs a plan task (or an explorer's probe); never throws. With worktrees, a plan task runs in a
   * worktree of its own and its work is committed on its branch before this returns.
   *
   * @param round the task's round (0 for a probe)
   * @param retriesTaken how many times the task went back to the queue after its agent's own
   *     failure (the machine counts them): the retry rule gives up after the run's model attempts
   * @param brief the agent's brief, given the folder it works in (a probe's names the commands
   *     that mirror CI there)
   * @param isolate whether this is a plan task, which gets a worktree of its own in an isolated run
   *     (an explorer's probe is not; in a run through a git remote it reads a detached worktree of
   *     the run's branch)
   * @param resolves when not empty, the branch of a task whose conflict this one resolves: merged
   *     into its worktree first
   * @param resolvesTip the commit that task reported on {@code resolves}, or empty
   * @param events where the task's events go; some may still wait there when this returns, for the
   *     caller to feed with the task's end
   */
  Outcome runTask(
      Task task, int round, int retriesTaken, java.util.function.Function<Path, String> brief, boolean isolate, String resolves, String resolvesTip,
      AgentEvents events) {
    OrchestratorConfig config = run.config();
    Role role = config.roles().get(task.role());
    if (role == null) {
      return Outcome.of(
          TaskStatus.FAILED, "no role '" + task.role() + "' in the team; known roles: " + String.join(", ", new TreeSet<>(config.roles().keySet())));
    }
    Optional<GitWorktrees> worktrees = run.worktrees();
    if (isolate && worktrees.isPresent()) {
      return runIsolated(task, round, retriesTaken, brief, role, worktrees.get(), resolves, resolvesTip, events);
    }
    // A clone's own checkout may be far behind a run that goes through a remote: there a probe reads
    // the run's branch as the remote has it, in a detached worktree of its own (its writes, if its
    // role may write, go with it). Should git fail at that, the probe reads the checkout as before.
    TaskTree probeTree = null;
    if (worktrees.isPresent() && worktrees.get().remote().isPresent()) {
      try {
        probeTree = worktrees.get().createTaskTree(task.id(), false);
      } catch (RuntimeException e) {
        LOG.warn("run {}: probe {} reads this clone's own checkout, which may be behind the run: {}", run.runId(), task.id(), e.getMessage());
      }
    }
    boolean writer = role.sandboxMode().allowsWrites();
    GitWorkspace git = probeTree == null ? run.git() : null;
    // Only git can see what a command wrote outside the scope; without it there is no window to keep.
    WriteWindows.Window window = writer && git != null ? writeWindows.open(task) : null;
    try {
      GitWorkspace.Snapshot before = window != null ? git.snapshot(List.of()) : null;
      // A plan task goes back to the queue after its agent's own failure; an explorer's probe is
      // no plan task (nothing would start it again) and tries again here.
      Path folder = probeTree == null ? run.tree() : probeTree.workdir();
      AgentRun r = run(role, task, brief.apply(folder), task.writeScope(), window, folder, isolate, events);
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
          } else if (window.ranCommand() && !writeWindows.mayBeOthers(window, f)) {
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
      if (probeTree != null) {
        worktrees.get().removeTree(probeTree);
      }
    }
  }

  /** How a task that threw ended: interrupted or to be retried (it runs again), a reason to stop, or failed. */
  private Outcome failure(RuntimeException e, Task task, Role role, int retriesTaken, AgentEvents events) {
    if (e instanceof AgentRetries.RetryLater later) {
      return retries.retryLater(later.failure(), task, role, retriesTaken, events);
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
   * Runs a plan task in a worktree of its own, made from the integrated work as it stands: a
   * writer's on its own branch, where what it changed (commands' writes included, ignored build
   * outputs not) is committed, and reported with {@code TaskCommitted}, before the task's end is.
   * The worktree is removed afterwards; the branch stays for its merge when there is a commit.
   */
  private Outcome runIsolated(
      Task task, int round, int retriesTaken, java.util.function.Function<Path, String> brief, Role role, GitWorktrees worktrees, String resolves,
      String resolvesTip, AgentEvents events) {
    boolean writer = role.sandboxMode().allowsWrites();
    TaskTree tree;
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
      String fullBrief = brief.apply(tree.workdir());
      if (!resolves.isEmpty()) {
        try {
          conflicted = worktrees.mergeInto(tree, resolves, resolvesTip);
        } catch (RuntimeException e) {
          return Outcome.of(TaskStatus.FAILED, String.valueOf(e.getMessage()));
        }
        // Conflicts git could not mark in the file (a binary file, a side that deleted or
        // renamed it): the task must decide them, which only a change to the file shows.
        List<String> marked = ConflictFiles.withConflictMarkers(tree, conflicted);
        unmarked = conflicted.stream().filter(p -> !marked.contains(p)).toList();
        asMerged = ConflictFiles.fingerprints(tree, unmarked);
        fullBrief = fullBrief + Briefs.conflictedNow(relativeTo(tree, conflicted), relativeTo(tree, unmarked));
      }
      AgentRun r = run(role, task, fullBrief, task.writeScope(), null, tree.workdir(), true, events);
      RoleReport report = r.report();
      if (report instanceof RoleReport.Refusal refusal) {
        return new Outcome(TaskStatus.FAILED, "refused by the " + role.name() + " role: " + refusal.refusal(), r.changedFiles(), report, null, "");
      }
      List<String> changed = List.of();
      List<String> unresolved = ConflictFiles.withConflictMarkers(tree, conflicted);
      if (!unresolved.isEmpty()) {
        // Committed, the markers would land on the integration branch as if resolved.
        return new Outcome(
            TaskStatus.FAILED, "conflict markers remain in " + String.join(", ", unresolved), r.changedFiles(), report, null, "");
      }
      Map<String, String> now = ConflictFiles.fingerprints(tree, unmarked);
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
  private static List<String> relativeTo(TaskTree tree, List<String> paths) {
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
   * {@code requeue}, an agent's own retriable failure is thrown as {@link AgentRetries.RetryLater} for the
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
            (action, detail, reason) -> RunAgentContext.askApproval(run, role, task, action, detail, reason, events));
    WorkspaceToolBox tools =
        new WorkspaceToolBox(
            workspace,
            workspace.equals(run.tree()) ? realWorkspace : WorkspaceToolBox.realPath(workspace),
            secureIoSupported,
            role,
            writeScope,
            (tool, target, ok, audit) -> {
              if (window != null && tool.equals(BuiltInRoles.TOOL_RUN_COMMAND)) {
                window.commandRan();
              }
              events.observe(
                  new OrchestraEvent.ToolCalled(
                      run.runId(), run.now(), task.id(), role.name(), tool, target, ok, audit.detail(), audit.outputBytes(),
                      audit.outputDigest()));
            },
            settings);
    while (true) {
      RunAgentContext context = new RunAgentContext(run, role, task, workspace, brief, tools, roleSkills, window, events);
      try {
        RoleReport report = config.agent().run(role, task, context);
        retries.answered(role, task);
        return new AgentRun(report, context.changedFiles());
      } catch (ModelProviderException e) {
        if (context.alreadyRetried(e) || !e.isRetriable()) {
          throw e; // a model call the run already retried, or a failure no retry mends
        }
        // The agent's own attempt failed (a Codex turn on a rate limit, say). A plan task goes
        // back to the queue, to run again on a clean tree; a role asked for an answer of its own
        // (planning, a gate) tries again here.
        if (requeue) {
          throw new AgentRetries.RetryLater(e);
        }
        if (!retries.retryHere(e, task, role, events)) {
          throw e;
        }
      }
    }
  }
}
