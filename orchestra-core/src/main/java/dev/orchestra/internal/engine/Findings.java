package dev.orchestra.internal.engine;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a round: what the {@link FindingLedger} decides for each finding becomes work (a new
 * task, another attempt with what was tried, a new plan from the orchestrator role at the attempt
 * limit), blocked tasks whose dependency went back to work wait again, and {@link Rounds#conclude}
 * says whether the run goes on. Before all that, plan.md is checked for a person's edit.
 */
final class Findings {
  private static final int MAX_BRIEF_CHARS = 8_000;

  private final RunSpec spec;
  private final RunState state;
  private final RunMachine machine;

  Findings(RunSpec spec, RunState state, RunMachine machine) {
    this.spec = spec;
    this.state = state;
    this.machine = machine;
  }

  void decide(Rounds rounds) {
    switch (state.roundEndStep) {
      case CHECK_PLAN -> {
        // First merge what a person edited while the gates ran: the tasks they added count for this
        // round's decision, and the findings' tasks are planned on the plan as it now is.
        if (!state.planChecked) {
          if (!state.awaitingPlanCheck) {
            state.awaitingPlanCheck = true;
            machine.command(new Command.CheckPlan(state.round, false));
          }
          return;
        }
        state.planChecked = false;
        state.roundEndStep = RunState.RoundEndStep.REVIEW;
        decide(rounds);
      }
      case REVIEW -> {
        review();
        state.roundEndStep = RunState.RoundEndStep.REPLANS;
        decide(rounds);
      }
      case REPLANS -> {
        if (replans()) {
          state.roundEndStep = RunState.RoundEndStep.DECIDE;
          decide(rounds);
        }
      }
      case DECIDE -> rounds.conclude();
      default -> throw new IllegalStateException("unknown step " + state.roundEndStep);
    }
  }

  /** Carries out what the ledger decides for each reported finding, but the re-plans. */
  private void review() {
    LivePlan plan = state.plan;
    state.regressed = null;
    state.exhausted = null;
    state.replans.clear();
    List<Task> added = new ArrayList<>();
    List<Task> changed = new ArrayList<>();
    List<Task> reopened = new ArrayList<>();
    List<String> risks = new ArrayList<>();
    int limit = spec.bounds().maxFindingAttempts();
    for (FindingLedger.Decision d : state.ledger.review(state.gateResults, plan, limit)) {
      switch (d.kind()) {
        case NEW -> added.add(FindingTasks.newTask(d.finding(), freshFindingId(added)));
        case CLOSED -> {
          FindingLedger.Entry e = entry(d);
          Task t = plan.task(e.taskId);
          changed.add(t.withStatus(TaskStatus.DONE).withNotes(FindingLedger.withoutTag(t.notes()) + "; its gate passes now " + e.tag()));
        }
        case REOPEN, REGRESSED -> {
          reopened.add(reopen(d));
          if (d.kind() == FindingLedger.Kind.REGRESSED && state.regressed == null) {
            state.regressed = d;
          }
        }
        case REPLAN -> state.replans.add(d);
        case EXHAUSTED -> {
          giveUp(d, changed, risks);
          if (state.exhausted == null) {
            state.exhausted = d;
          }
        }
        // Recorded, and the gate did not pass; but there is no code to fix, so no task. The next
        // round asks the role again; a role that keeps refusing ends the run NO_PROGRESS.
        case REFUSED -> risks.add(d.finding().message());
        default -> throw new IllegalStateException("unknown decision " + d.kind());
      }
    }
    List<Task> findingsTasks = new ArrayList<>(added);
    findingsTasks.addAll(changed);
    machine.planUpdated("findings", added.stream().map(Task::id).toList(), findingsTasks, risks);
    machine.planUpdated(
        "findings still open: another attempt", reopened.stream().map(Task::id).toList(), reopened, List.of());
    state.progressed = !added.isEmpty() || !reopened.isEmpty();
    bookkeeping();
  }

  /**
   * The ledger's record of a decided finding, looked up now: every plan update rebuilds the
   * records, so a decision made before one must not act on the record it was made with.
   */
  private FindingLedger.Entry entry(FindingLedger.Decision d) {
    FindingLedger.Entry e = state.ledger.entry(d.fingerprint());
    if (e == null) {
      throw new IllegalStateException("the ledger has no record of finding " + d.fingerprint());
    }
    return e;
  }

  /** One line on a finished attempt: what its task reported, and what the gate said after. */
  private String attemptLine(FindingLedger.Decision d) {
    FindingLedger.Entry e = entry(d);
    String report = state.lastReports.getOrDefault(e.taskId, "(no report at hand)");
    return Text.oneLine(
        "attempt " + e.attempt + " (" + e.taskId + "): " + report + " -> the " + d.finding().gate() + " gate then reported: "
            + d.finding().message() + (d.result().summary().isEmpty() ? "" : " (" + Text.oneLine(d.result().summary()) + ")"));
  }

  /** A finding's task back to work, with what was tried in its brief. */
  private Task reopen(FindingLedger.Decision d) {
    FindingLedger.Entry e = entry(d);
    e.tried.add(attemptLine(d));
    e.attempt++;
    e.verified = false;
    String stateText =
        d.kind() == FindingLedger.Kind.REGRESSED
            ? "came back after it was fixed; attempt " + e.attempt
            : "still reported after attempt " + (e.attempt - 1) + "; attempt " + e.attempt + " of " + spec.bounds().maxFindingAttempts();
    return FindingTasks.reopened(state.plan.task(e.taskId), d.finding(), stateText, e);
  }

  /** The end of a finding's attempts: its task fails, and the finding is named in Risks. */
  private void giveUp(FindingLedger.Decision d, List<Task> changed, List<String> risks) {
    FindingLedger.Entry e = entry(d);
    Task t = state.plan.task(e.taskId);
    String stateText =
        "still reported after " + Math.min(e.attempt, spec.bounds().maxFindingAttempts()) + " attempts" + (e.replanned ? " and a new plan" : "");
    changed.add(t.withStatus(TaskStatus.FAILED).withNotes(FindingTasks.notes(d.finding(), stateText, e, t.writeScope())));
    risks.add(
        "still open: the " + d.finding().gate() + " gate reports "
            + (d.finding().location().isEmpty() ? "" : "at " + d.finding().location() + " ") + "\"" + d.finding().message()
            + "\" (task " + t.id() + ", " + stateText + ")");
  }

  /**
   * Asks the orchestrator role for a new plan for each finding at its attempt limit, one at a time.
   * Returns true when no re-plan is left.
   */
  private boolean replans() {
    if (!state.awaitingTask.isEmpty()) {
      return false; // the orchestrator role is at work
    }
    if (state.replanOutcome != RunState.ReplanOutcome.PENDING) {
      FindingLedger.Decision d = state.replans.poll();
      if (state.replanOutcome == RunState.ReplanOutcome.NO_PLAN && d != null) {
        List<Task> changed = new ArrayList<>();
        List<String> risks = new ArrayList<>();
        giveUp(d, changed, risks);
        machine.planUpdated("findings", List.of(), changed, risks);
        if (state.exhausted == null) {
          state.exhausted = d;
        }
      } else if (d != null) {
        state.progressed = true;
      }
      state.replanOutcome = RunState.ReplanOutcome.PENDING;
      bookkeeping();
    }
    FindingLedger.Decision d = state.replans.peek();
    if (d == null) {
      return true;
    }
    // The record as it is now: the plan updates since the review rebuilt the ledger's records.
    FindingLedger.Entry e = entry(d);
    Task old = state.plan.task(e.taskId);
    e.tried.add(attemptLine(d));
    Task replanTask =
        Task.builder("replan-" + old.id(), "Re-plan the fix of " + old.id() + ": " + old.title()).role(BuiltInRoles.ORCHESTRATOR).build();
    state.awaitingTask = replanTask.id();
    machine.emit(new OrchestraEvent.TaskStarted(state.runId, state.now, replanTask.id(), replanTask.role(), replanTask.title(), state.round));
    machine.command(new Command.AskReplan(replanTask, d.finding(), old, e.tried, brief(d, old)));
    return false;
  }

  /** The orchestrator role's new tasks are in the plan. */
  void replanned(OrchestraEvent.PlanUpdated p) {
    state.replanOutcome = RunState.ReplanOutcome.NEW_TASKS;
  }

  /** The re-planning agent is back; without new tasks, the finding's attempts are over. */
  void replanFinished(OrchestraEvent.TaskFinished t) {
    if (!t.taskId().equals(state.awaitingTask)) {
      return;
    }
    state.awaitingTask = "";
    if (state.replanOutcome == RunState.ReplanOutcome.PENDING) {
      state.replanOutcome = RunState.ReplanOutcome.NO_PLAN; // done without a usable plan is no new plan
    }
  }

  /**
   * Tasks blocked by a dependency that went back to work (or was done) wait for it again, and
   * every finding task's tag says where its finding stands.
   */
  private void bookkeeping() {
    List<Task> changed = new ArrayList<>();
    boolean again = true;
    java.util.Set<String> unblocked = new java.util.HashSet<>();
    while (again) {
      again = false;
      for (Task t : state.plan.tasks()) {
        if (t.status() == TaskStatus.BLOCKED && !unblocked.contains(t.id())
            && t.dependsOn().stream().noneMatch(dep -> state.plan.contains(dep) && blocking(dep, unblocked))) {
          unblocked.add(t.id());
          changed.add(t.withStatus(TaskStatus.TODO).withNotes(t.notes().startsWith("blocked:") ? FindingLedger.keepingTag(t.notes(), "") : t.notes()));
          again = true;
        }
      }
    }
    for (Task t : state.ledger.retagged(state.plan)) {
      if (!unblocked.contains(t.id())) {
        changed.add(t);
      }
    }
    machine.planUpdated("findings", List.of(), changed, List.of());
  }

  private boolean blocking(String id, java.util.Set<String> unblocked) {
    TaskStatus s = state.plan.task(id).status();
    return s == TaskStatus.FAILED || (s == TaskStatus.BLOCKED && !unblocked.contains(id));
  }

  private String freshFindingId(List<Task> pending) {
    for (int n = 1; ; n++) {
      String id = "F" + n;
      if (!state.plan.contains(id) && pending.stream().noneMatch(t -> t.id().equals(id))) {
        return id;
      }
    }
  }

  private String brief(FindingLedger.Decision d, Task old) {
    FindingLedger.Entry e = entry(d);
    StringBuilder b = new StringBuilder("Goal: ").append(state.plan.goal()).append("\n\n");
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
    for (Task t : state.plan.tasks()) {
      b.append("- ").append(t.id()).append(" [").append(t.status().markdownValue()).append("]: ").append(t.title()).append('\n');
    }
    b.append(
        "\nPropose the tasks that fix this finding now: a different approach where the earlier one failed, the files the"
            + " fix really needs in each task's write scope, and any missing step as a task of its own. The first task you"
            + " list takes over the finding. Ids already in use: ");
    b.append(String.join(", ", state.plan.tasks().stream().map(Task::id).toList())).append('\n');
    String s = b.toString();
    return s.length() <= MAX_BRIEF_CHARS ? s : s.substring(0, MAX_BRIEF_CHARS) + "\n[cut]";
  }
}
