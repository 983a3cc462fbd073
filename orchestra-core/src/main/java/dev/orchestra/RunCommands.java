package dev.orchestra;

import dev.orchestra.agent.AgentException;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Batch;
import dev.orchestra.internal.brief.Briefs;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.FindingTasks;
import dev.orchestra.internal.engine.LivePlan;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.store.PlanStore;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.internal.workspace.Integration;
import dev.orchestra.internal.workspace.Merges;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Carries out the {@link dev.orchestra.internal.engine.RunMachine}'s commands and reports back
 * with events: an agent's task (on its worker), the planner, a re-plan, the release, a check of
 * plan.md and the gates (on the coordinating thread). The finish is in {@link RunFinisher}.
 */
final class RunCommands {
  private final RunEngine run;
  private final RunFinisher finisher;
  /** A snapshot of the work tree when the round's batch began: git says what the batch changed. */
  private GitWorkspace.Snapshot roundStart;

  RunCommands(RunEngine run) {
    this.run = run;
    this.finisher = new RunFinisher(run);
  }

  /** Runs an agent's task on its worker; returns the tasks the machine starts next. */
  List<Command.RunTask> runTask(Command.RunTask c) {
    // The report is kept before the task's end is fed: that end may end the batch, whose gates read it.
    return TaskWork.run(run, run.agents(), c, run.goal(), run.explorations, (task, report) -> run.keepReport(task.id(), c.round(), report));
  }

  private String explorationBrief() {
    return Briefs.exploration(run.config().probes(), run.explorations);
  }

  /** Runs a command on the coordinating thread; returns the agents' tasks to start. */
  List<Command.RunTask> run(Command c) {
    return switch (c.kind()) {
      case ASK_PLANNER -> plan(((Command.AskPlanner) c).task());
      case ASK_REPLAN -> replan((Command.AskReplan) c);
      case ASK_RELEASE -> release(((Command.AskRelease) c).task());
      case CHECK_PLAN -> checkPlan((Command.CheckPlan) c);
      case RUN_GATES -> gates((Command.RunGates) c);
      case INTEGRATE -> integrate(List.of((Command.Integrate) c));
      case INTEGRATE_ALL -> integrate(((Command.IntegrateAll) c).merges());
      default -> throw new IllegalStateException("not a coordinator's command: " + c.kind());
    };
  }

  RunResult finish(Command.Finish c) {
    return finisher.finish(c.reason(), c.message());
  }

  /**
   * After a command threw: ends the task its agent was working on (the planner's or a re-plan's),
   * so the machine is not left waiting for it. Returns the tasks the machine starts next.
   */
  List<Command.RunTask> abandoned(Command c, String why) {
    if (c instanceof Command.AwaitRetry w) {
      // Its wait could not be started: the task is released now rather than held for ever.
      return run.feed(new OrchestraEvent.RetryDue(run.runId(), run.now(), w.taskId()));
    }
    if (c instanceof Command.Integrate || c instanceof Command.IntegrateAll) {
      // The machine waits for the merges' answers: the first not given is not merged (its work stays
      // on its branch), and the rest wait with it.
      List<String> waiting;
      run.lock().lock();
      try {
        waiting = run.machine().state().integrating();
      } finally {
        run.lock().unlock();
      }
      List<Command.Integrate> merges = c instanceof Command.IntegrateAll all ? all.merges() : List.of((Command.Integrate) c);
      return merges.stream().filter(i -> waiting.contains(i.taskId())).findFirst()
          .map(i -> run.feed(
              new OrchestraEvent.IntegrationConflicted(run.runId(), run.now(), i.taskId(), i.branch(), List.of(), "the merge failed: " + why, false, i.round())))
          .orElse(List.of());
    }
    Task task =
        switch (c.kind()) {
          case ASK_PLANNER -> ((Command.AskPlanner) c).task();
          case ASK_REPLAN -> ((Command.AskReplan) c).task();
          default -> null; // the release has no start to end; the other commands run no agent
        };
    return task == null ? List.of() : failedIfRunning(new Command.RunTask(task, run.round(), List.of()), why);
  }

  /** Ends a task as failed, unless the machine already heard it end (an error after its report). */
  List<Command.RunTask> failedIfRunning(Command.RunTask c, String why) {
    boolean running;
    run.lock().lock();
    try {
      running = run.machine().state().running().contains(c.task().id());
    } finally {
      run.lock().unlock();
    }
    return running ? failed(c.task(), c.round(), why) : List.of();
  }

  List<Command.RunTask> failed(Task task, int round, String why) {
    return run.feed(
        new OrchestraEvent.TaskFinished(run.runId(), run.now(), task.id(), task.role(), TaskStatus.FAILED, Text.oneLine(why), List.of(), round));
  }

  /** Runs a role for an answer of its own (planner, re-plan, release); a failure becomes a stop or an outcome. */
  private RoleReport ask(Role role, Task task, String brief) {
    return run.agents().run(role, task, brief, List.of(), null, run.tree()).report();
  }

  private List<Command.RunTask> plan(Task task) {
    OrchestratorConfig config = run.config();
    Role orchestrator = config.roles().get(BuiltInRoles.ORCHESTRATOR);
    String brief = Briefs.planner(run.goal(), explorationBrief(), Briefs.ci(run.tree()), config.roles().keySet(), config.gates());
    RoleReport report;
    try {
      report = ask(orchestrator, task, brief);
    } catch (ModelProviderException e) {
      // The stop first: told the task failed, the machine would decide as if the run went on.
      run.requestStop(stopReason(e), AgentRunner.stopMessage(e));
      failed(task, 0, String.valueOf(e.getMessage()));
      return List.of();
    } catch (RuntimeException e) { // AgentException, RunCancelled, or anything else the agent threw
      run.requestStop(run.cancelled() ? StopReason.CANCELLED : StopReason.FAILED, "planning failed: " + e.getMessage());
      failed(task, 0, String.valueOf(e.getMessage()));
      return List.of();
    }
    String why = null;
    Plan initial = null;
    if (report instanceof RoleReport.Refusal refusal) {
      run.requestStop(StopReason.FAILED, "the orchestrator role refused to plan: " + refusal.refusal());
      failed(task, 0, "refused: " + refusal.refusal());
      return List.of();
    } else if (!(report instanceof RoleReport.PlanProposal proposal)) {
      why = "no plan";
      run.requestStop(StopReason.FAILED, "the orchestrator role did not answer with a plan");
    } else {
      try {
        initial = Plan.builder(run.goal()).tasks(proposal.tasks()).later(proposal.later()).summary(List.of(), List.of(), proposal.risks()).build();
      } catch (IllegalArgumentException e) {
        why = e.getMessage();
        run.requestStop(StopReason.FAILED, "the orchestrator role proposed an inconsistent plan: " + e.getMessage());
      }
    }
    if (initial == null) {
      return failed(task, 0, why);
    }
    run.planStore().backUpPrevious(run.runId(), run.now(), config.stateFolder());
    run.feed(
        new OrchestraEvent.TaskFinished(
            run.runId(), run.now(), task.id(), task.role(), TaskStatus.DONE, initial.tasks().size() + " tasks planned", List.of(), 0));
    return run.feed(
        new OrchestraEvent.PlanUpdated(
            run.runId(), run.now(), "planned", initial.tasks().size(), initial.tasks().stream().map(Task::id).toList(), initial.goal(),
            initial.tasks(), List.of(), initial.later(), initial.risks(), false));
  }

  private static StopReason stopReason(ModelProviderException e) {
    return switch (e.kind()) {
      case QUOTA_EXHAUSTED -> StopReason.QUOTA_EXHAUSTED;
      case AUTHENTICATION -> StopReason.AUTHENTICATION_FAILED;
      default -> StopReason.FAILED;
    };
  }

  private List<Command.RunTask> replan(Command.AskReplan c) {
    Task task = c.task();
    Task old = c.oldTask();
    int round = run.round();
    RoleReport report;
    try {
      report = ask(run.config().roles().get(BuiltInRoles.ORCHESTRATOR), task, c.brief());
    } catch (QuotaExhaustedException | AuthenticationException e) {
      // The stop first: told the task failed, the machine would decide as if the run went on.
      run.requestStop(stopReason(e), AgentRunner.stopMessage(e));
      failed(task, round, String.valueOf(e.getMessage()));
      return List.of();
    } catch (RunCancelled e) {
      run.requestStop(StopReason.CANCELLED, "cancelled in round " + round + "; resume() continues");
      return failed(task, round, "interrupted");
    } catch (RuntimeException e) {
      run.noteRisks("re-plan failed", List.of("the orchestrator role could not re-plan " + old.id() + ": " + Text.oneLine(String.valueOf(e.getMessage()))));
      return failed(task, round, String.valueOf(e.getMessage()));
    }
    if (!(report instanceof RoleReport.PlanProposal proposal)) {
      String why = report instanceof RoleReport.Refusal r ? "refused: " + r.refusal() : "answered without a plan";
      run.noteRisks("re-plan failed", List.of("the orchestrator role did not re-plan " + old.id() + ": " + Text.oneLine(why)));
      return failed(task, round, why);
    }
    LivePlan current = new LivePlan(run.plan().orElseThrow());
    List<Task> fresh;
    try {
      fresh = FindingTasks.adoptReplan(proposal.tasks(), current, c.finding(), old, c.attempts().size());
      current.put(fresh);
    } catch (IllegalArgumentException e) {
      run.noteRisks(
          "re-plan failed", List.of("the orchestrator role's new plan for " + old.id() + " was inconsistent: " + Text.oneLine(e.getMessage())));
      return failed(task, round, "an inconsistent plan: " + e.getMessage());
    }
    List<String> ids = fresh.stream().map(Task::id).toList();
    List<Task> changed = new ArrayList<>(fresh);
    changed.add(
        old.withStatus(TaskStatus.SUPERSEDED)
            .withNotes("not fixed after " + (c.attempts().size()) + " attempts; re-planned by the orchestrator role as " + String.join(", ", ids)));
    run.feed(
        new OrchestraEvent.PlanUpdated(
            run.runId(), run.now(), "re-planned: " + old.id(), current.size(), ids, current.goal(), changed, List.of(), proposal.later(),
            proposal.risks(), false));
    return run.feed(
        new OrchestraEvent.TaskFinished(
            run.runId(), run.now(), task.id(), task.role(), TaskStatus.DONE, ids.size() + " tasks planned", List.of(), round));
  }

  private List<Command.RunTask> release(Task task) {
    OrchestratorConfig config = run.config();
    Role rm = config.roles().get(BuiltInRoles.RELEASE_MANAGER);
    int round = run.round();
    StringBuilder brief = new StringBuilder("Goal: ").append(run.goal()).append("\n\nDone:\n");
    Optional<Plan> plan = run.plan();
    plan.ifPresent(p -> p.tasks().stream().filter(t -> t.status() == TaskStatus.DONE)
        .forEach(t -> brief.append("- ").append(t.id()).append(": ").append(t.title()).append('\n')));
    try {
      RoleReport r = ask(rm, task, Briefs.cap(brief.toString()));
      if (r instanceof RoleReport.ReleasePlan p) {
        finisher.releasePlan(p);
      } else if (r instanceof RoleReport.Refusal refusal) {
        run.noteRisks("release", List.of("release notes could not be prepared: the release manager refused: " + Text.oneLine(refusal.refusal())));
      }
    } catch (QuotaExhaustedException | AuthenticationException e) {
      // The stop first: told the task failed, the machine would decide as if the run went on.
      run.requestStop(stopReason(e), AgentRunner.stopMessage(e));
      failed(task, round, String.valueOf(e.getMessage()));
      return List.of();
    } catch (RuntimeException e) {
      if (!run.stopping()) {
        run.noteRisks("release", List.of("release notes could not be prepared: " + Text.oneLine(String.valueOf(e.getMessage()))));
      }
    }
    return run.feed(new OrchestraEvent.TaskFinished(run.runId(), run.now(), task.id(), task.role(), TaskStatus.DONE, "release prepared", List.of(), round));
  }

  /**
   * For a desk opened again in the middle of a round, whose start it never saw: the round's gates
   * judge every change since the last commit, which holds the round's and may hold more, but
   * never misses a file a command wrote (a security review must not be skipped for want of it).
   */
  void roundStartUnknown() {
    GitWorkspace git = run.git();
    roundStart = git == null ? null : git.headSnapshot();
  }

  private List<Command.RunTask> checkPlan(Command.CheckPlan c) {
    if (c.beforeBatch()) {
      GitWorkspace git = run.git();
      roundStart = git == null ? null : git.snapshot(List.of());
      run.reports.clear();
    }
    Optional<PlanStore.Edit> edit;
    try {
      edit = run.planStore().edit(run.plan().orElseThrow());
    } catch (PlanFormatException e) {
      run.requestStop(
          StopReason.PLAN_INVALID, "plan.md was edited during the run and cannot be read, so it was left as it is: " + e.getMessage());
      return List.of();
    } catch (PlanStore.EditDoesNotFit e) {
      run.requestStop(StopReason.PLAN_INVALID, e.getMessage() + "; it was left as it is");
      return List.of();
    }
    List<Command.RunTask> tasks = new ArrayList<>();
    edit.ifPresent(e -> tasks.addAll(run.feed(RunFinisher.edited(run, e))));
    tasks.addAll(run.feed(new OrchestraEvent.PlanChecked(run.runId(), run.now(), c.round(), c.beforeBatch(), edit.isPresent())));
    return tasks;
  }

  private List<Command.RunTask> gates(Command.RunGates c) {
    List<Task> tasks = new ArrayList<>();
    Plan plan = run.plan().orElseThrow();
    c.taskIds().forEach(id -> plan.task(id).ifPresent(tasks::add));
    TreeSet<String> changed = new TreeSet<>(c.changedFiles());
    String diff = run.gates().carriedDiff();
    GitWorkspace git = run.git();
    if (git != null && roundStart != null) {
      // Git sees what commands wrote too, not only what the write tools recorded.
      GitWorkspace.Changes changes = git.changesSince(roundStart, List.of());
      changed.addAll(changes.files());
      diff = diff + changes.diff();
    }
    Batch batch = new Batch(c.round(), run.goal(), run.tree(), tasks, run.reports, new ArrayList<>(changed), diff);
    run.worktrees().ifPresent(GitWorktrees::integrationInUse); // the gates' commands work there
    run.gates().run(batch);
    // What the gates' roles wrote (a QA author's tests) belongs to the run's result too.
    run.worktrees().ifPresent(w -> commitGateChanges(w, c.round()));
    return List.of();
  }

  private void commitGateChanges(GitWorktrees w, int round) {
    try {
      w.commitIntegration("Orchestra: what round " + round + "'s gates changed", "By Orchestra, for " + w.integrationBranch() + ".");
    } catch (RuntimeException e) {
      run.noteRisks("integration", List.of("what round " + round + "'s gates changed could not be committed: " + Text.oneLine(String.valueOf(e.getMessage()))));
    }
  }

  /**
   * Merges finished tasks' branches into the integration branch (an {@code Integrate}'s one, or an
   * {@code IntegrateAll}'s, in order) and reports how each went, in order, once all are merged and,
   * through a remote, pushed. A branch git cannot merge at all (gone, or git failing) stops the run
   * with the work left on its branch, for a resume to merge, and the ones after it wait too; it is
   * never counted as a conflict, which would redo the work. So does a push that failed (git's
   * message names what it could not push: the run's branch, which then lacks every merge of the
   * command, or in rebase mode the replayed task branches after it). Branches are deleted only once the event is journalled: a
   * crash in between finds the merge done.
   */
  private List<Command.RunTask> integrate(List<Command.Integrate> merges) {
    GitWorktrees w = run.worktrees().orElseThrow(() -> new IllegalStateException("an integration without worktrees"));
    boolean rebase = run.config().isolation() instanceof Isolation.Worktrees o && o.integration() == Isolation.Worktrees.Integration.REBASE;
    List<Merges.Merge> asked = new ArrayList<>();
    for (Command.Integrate c : merges) {
      String title = run.plan().flatMap(p -> p.task(c.taskId())).map(Task::title).orElse("");
      asked.add(new Merges.Merge(c.branch(), "Integrate " + c.taskId() + (title.isEmpty() ? "" : ": " + title), c.commit()));
    }
    Merges done;
    try {
      done = w.integrateAll(asked, rebase);
    } catch (RuntimeException e) {
      done = new Merges(List.of(), Optional.of(String.valueOf(e.getMessage())), Optional.empty());
    }
    List<Command.RunTask> next = new ArrayList<>();
    for (int k = 0; k < merges.size(); k++) {
      Command.Integrate c = merges.get(k);
      if (k == done.outcomes().size()) {
        String why = "task " + c.taskId() + "'s branch " + c.branch() + " could not be merged into " + w.integrationBranch() + ": "
            + done.failure().orElse("git did not say why");
        next.addAll(notMerged(c, why));
        break;
      }
      if (done.outcomes().get(k) instanceof Integration.Conflict conflict) {
        next.addAll(
            run.feed(
                new OrchestraEvent.IntegrationConflicted(
                    run.runId(), run.now(), c.taskId(), c.branch(), conflict.files(), conflict.detail(), resolveConflicts(), c.round())));
        if (!resolveConflicts()) {
          w.deleteBranch(c.branch()); // the task is done again from the integrated state, on a fresh branch
        } // else a new task merges this branch in: it stays, and goes at the run's end once integrated
        continue;
      }
      if (done.pushFailure().isPresent()) {
        // This clone's run branch holds it and the merges after it; the remote lacks what git's message names.
        long after = done.outcomes().subList(k + 1, done.outcomes().size()).stream().filter(o -> !(o instanceof Integration.Conflict)).count();
        String why = "task " + c.taskId() + "'s branch " + c.branch() + " was merged into " + w.integrationBranch() + " here"
            + (after > 0 ? " (with " + after + " more)" : "") + ", but the push after the merge failed: " + done.pushFailure().get();
        next.addAll(notMerged(c, why));
        break;
      }
      String commit = done.outcomes().get(k) instanceof Integration.Merged m ? m.commit() : ((Integration.AlreadyIntegrated) done.outcomes().get(k)).commit();
      next.addAll(run.feed(new OrchestraEvent.TaskIntegrated(run.runId(), run.now(), c.taskId(), c.branch(), commit, c.round())));
      if (!(run.config().isolation() instanceof Isolation.Worktrees o && o.keepBranches())) {
        w.deleteIntegratedBranch(c.branch());
      }
    }
    return next;
  }

  /** A branch git could not merge, or whose merge it could not push: the run stops, the work stays on the branch. */
  private List<Command.RunTask> notMerged(Command.Integrate c, String why) {
    run.requestStop(StopReason.FAILED, why + "; its work stays on that branch, and resume() merges it");
    return run.feed(new OrchestraEvent.IntegrationConflicted(run.runId(), run.now(), c.taskId(), c.branch(), List.of(), why, false, c.round()));
  }

  private boolean resolveConflicts() {
    return run.config().isolation() instanceof Isolation.Worktrees o && o.onConflict() == Isolation.Worktrees.OnConflict.RESOLVE_TASK;
  }

}
