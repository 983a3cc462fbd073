package dev.orchestra.internal.engine;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A round of the loop, as the {@link RunMachine} decides it: check plan.md for a person's edit,
 * run the ready tasks under the budget (see {@link Scheduling}), run the gates, turn their findings
 * into work (see {@link Findings}), then go on with the next round or stop, saying why.
 */
final class Rounds {
  static final String RELEASE_TASK = "release";

  private final RunSpec spec;
  private final RunState state;
  private final RunMachine machine;
  private final Findings findings;
  private final Integrations integrations;

  Rounds(RunSpec spec, RunState state, RunMachine machine, Integrations integrations) {
    this.spec = spec;
    this.state = state;
    this.machine = machine;
    this.findings = new Findings(spec, state, machine);
    this.integrations = integrations;
  }

  // ------------------------------------------------------------------ applying

  /** A task finished: the plan, the round's accounting and the schedule take note. */
  void taskFinished(OrchestraEvent.TaskFinished t) {
    state.running.remove(t.taskId());
    RunState.Resolving resolving = state.resolving.get(t.taskId());
    if (resolving != null && (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.BLOCKED)) {
      // The work it was to merge never reaches the integration branch: its task did not succeed.
      state.resolving.remove(t.taskId());
      integrations.failUnmerged(resolving, t.taskId() + ", which was to resolve its conflict, ended " + t.status().markdownValue());
    } else if (resolving != null && t.status() == TaskStatus.DONE && !state.committed.containsKey(t.taskId())) {
      // Done without a commit: it left the merge unconcluded, so nothing of the conflicted work lands.
      state.resolving.remove(t.taskId());
      integrations.failUnmerged(resolving, t.taskId() + ", which was to resolve its conflict, committed nothing");
    }
    boolean special = machine.ownTask(t.round(), t.taskId());
    if (special || state.plan == null || !state.plan.contains(t.taskId())) {
      machine.specialFinished(t);
      if (t.taskId().startsWith("replan-")) {
        findings.replanFinished(t);
      }
      return;
    }
    Task task = state.plan.task(t.taskId());
    String notes = task.notes();
    if (t.status() == TaskStatus.FAILED) {
      notes = "failed: " + Text.oneLine(t.summary());
    } else if (t.status() == TaskStatus.BLOCKED) {
      notes = "blocked: " + Text.oneLine(t.summary());
    } else if (t.status() == TaskStatus.DONE && notes.startsWith("failed:")) {
      notes = "";
    }
    state.plan.update(task.withStatus(t.status()).withNotes(FindingLedger.keepingTag(task.notes(), notes)));
    if (t.status() != TaskStatus.TODO) {
      state.finishedInRound.add(t.taskId());
      state.lastReports.put(t.taskId(), Text.oneLine(t.summary()));
    }
    if (t.status() == TaskStatus.DONE) {
      state.doneInRound++;
    }
    state.changedInRound.addAll(t.changedFiles());
    if (t.status() == TaskStatus.DONE && state.committed.containsKey(t.taskId())) {
      // Its dependents start from the integrated state, so they wait for its merge.
      state.toIntegrate.add(t.taskId());
      return;
    }
    state.committed.remove(t.taskId());
    state.committedFiles.remove(t.taskId());
    state.toIntegrate.remove(t.taskId());
    if (state.scheduling != null) {
      state.scheduling.finished(t.taskId(), t.status());
    }
  }

  /** A re-plan's new tasks arrived (the plan already holds them). */
  void replanned(OrchestraEvent.PlanUpdated p) {
    findings.replanned(p);
  }

  // ------------------------------------------------------------------ deciding

  void decide() {
    switch (state.phase) {
      case ROUND_START -> {
        if (!state.planChecked) {
          if (!state.awaitingPlanCheck) {
            state.awaitingPlanCheck = true;
            machine.command(new Command.CheckPlan(state.round, true));
          }
          return;
        }
        state.planChecked = false;
        state.phase = RunState.Phase.BATCH;
        state.scheduling = new Scheduling(state.plan, spec.writerRoles(), spec.isolated(), state.toIntegrate);
        batch();
      }
      case BATCH -> batch();
      case GATING -> {
        if (state.gatesReported >= spec.gates().size()) {
          endGates();
        }
      }
      case ROUND_END -> findings.decide(this);
      default -> { }
    }
  }

  /** Blocks what cannot start, starts what can under the budget, and ends the batch when nothing runs. */
  private void batch() {
    if (state.scheduling == null) {
      state.scheduling = new Scheduling(state.plan, spec.writerRoles(), spec.isolated(), state.toIntegrate);
    }
    Scheduling.ToBlock block;
    while ((block = state.scheduling.nextToBlock()) != null) {
      Task t = state.plan.task(block.taskId());
      machine.emit(new OrchestraEvent.TaskFinished(state.runId, state.now, t.id(), t.role(), TaskStatus.BLOCKED, block.why(), List.of(), state.round));
    }
    while (state.running.size() < state.budget) {
      Task next = state.scheduling.next(state.running.values(), state.held::containsKey); // read only: the start comes after
      if (next == null) {
        break;
      }
      machine.startTask(next, state.round, machine.attemptsOf(next.id()));
    }
    if (state.running.isEmpty() && state.toIntegrate.isEmpty() && state.integrating.isEmpty() && !waitingOutRetry()) {
      endBatch(); // the gates judge the integrated work: every merge is done first
    }
  }

  /** Whether a task of the batch waits out a retry's wait in the queue: it is still to run. */
  private boolean waitingOutRetry() {
    for (String id : state.held.keySet()) {
      Task t = state.plan.task(id);
      if (t != null && t.status() == TaskStatus.TODO) {
        return true;
      }
    }
    return false;
  }

  private void endBatch() {
    state.scheduling = null;
    state.held.clear(); // none is still to do: waitingOutRetry

    List<String> changed = new ArrayList<>(state.changedInRound);
    for (String c : state.carried) {
      if (!changed.contains(c)) {
        changed.add(c);
      }
    }
    // Even with no gate the engine looks at the batch: a sensitive change no one reviews is named
    // in Risks. There is then no gate event to wait for.
    machine.command(new Command.RunGates(state.round, List.copyOf(state.finishedInRound), changed));
    if (spec.gates().isEmpty()) {
      endGates();
      return;
    }
    state.phase = RunState.Phase.GATING;
    state.gatesRequested = true;
  }

  private void endGates() {
    state.gatesRequested = false;
    state.lastGateResults = List.copyOf(state.gateResults);
    state.phase = RunState.Phase.ROUND_END;
    state.roundEndStep = RunState.RoundEndStep.CHECK_PLAN;
    findings.decide(this);
  }

  // ------------------------------------------------------------------ the end of a round

  /** Whether the run goes on, and if not, why: the loop's exits, in the order they are checked. */
  void conclude() {
    List<GateResult> results = state.gateResults;
    if (state.regressed != null) {
      FindingLedger.Decision d = state.regressed;
      String task = taskOf(d);
      machine.stop(
          StopReason.FINDINGS_REGRESSED,
          "the " + d.finding().gate() + " gate reports again what task " + task
              + " had fixed (the gate had passed since): " + d.finding().message() + "; " + task
              + " is back in the plan, so resume() works on it");
      return;
    }
    if (state.exhausted != null) {
      FindingLedger.Decision d = state.exhausted;
      FindingLedger.Entry e = state.ledger.entry(d.fingerprint());
      machine.stop(
          StopReason.ATTEMPTS_EXHAUSTED,
          "the " + d.finding().gate() + " gate still reports \"" + d.finding().message() + "\" after "
              + spec.bounds().maxFindingAttempts() + " attempts"
              + (e != null && e.replanned ? " and a new plan" : " (the orchestrator role gave no new plan)")
              + " (task " + taskOf(d) + "); resume with more attempts, or fix it by hand and resume");
      return;
    }
    boolean changedByGates = !state.gateChanged.isEmpty();
    List<GateResult> blocking = results.stream().filter(r -> r.verdict() == Verdict.FAIL || r.verdict() == Verdict.BLOCK).toList();
    List<GateResult> unchecked = results.stream().filter(r -> r.verdict() == Verdict.NOTHING_CHECKED).toList();
    boolean todo = state.plan.tasks().stream().anyMatch(t -> t.status() == TaskStatus.TODO);
    List<Task> failed =
        state.plan.tasks().stream().filter(t -> t.status() == TaskStatus.FAILED || t.status() == TaskStatus.BLOCKED).toList();
    boolean settled = blocking.isEmpty() && !todo && !changedByGates;
    // Gates the team has, none of which ran on this round: nothing checked the work.
    boolean noneRan = !spec.gates().isEmpty() && results.isEmpty();
    if (settled && unchecked.isEmpty() && failed.isEmpty() && !noneRan) {
      green();
      return;
    }
    if (spec.oneBatch()) {
      machine.stop(StopReason.ONE_BATCH_COMPLETE, "one batch ran: " + state.doneInRound + " tasks done, gates " + verdicts(results));
    } else if (settled && !failed.isEmpty()) {
      machine.stop(
          StopReason.TASKS_FAILED,
          "the gates pass but " + failed.size() + " tasks did not finish: " + String.join(", ", failed.stream().map(Task::id).toList()));
    } else if (settled && noneRan) {
      machine.stop(
          StopReason.NOT_VERIFIED,
          "every task is done, but no gate ran on round " + state.round + "'s changes (" + String.join("; ", state.gatesSkipped) + ")");
    } else if (settled) {
      GateResult u = unchecked.get(0);
      machine.stop(StopReason.NOT_VERIFIED, "every task is done and no gate failed, but the " + u.gate() + " gate checked nothing: " + u.summary());
    } else if (state.doneInRound == 0 && !state.progressed && !changedByGates) {
      machine.stop(StopReason.NO_PROGRESS, "round " + state.round + " finished no task and produced no new task; gates " + verdicts(results));
    } else if (state.round >= spec.bounds().maxRounds()) {
      machine.stop(StopReason.ITERATION_LIMIT, "stopped after " + state.round + " rounds (the limit); gates " + verdicts(results));
    } else {
      nextRound();
    }
  }

  /** The task a decided finding's record names now (plan updates since rebuilt the records). */
  private String taskOf(FindingLedger.Decision d) {
    FindingLedger.Entry e = state.ledger.entry(d.fingerprint());
    return e == null ? "?" : e.taskId;
  }

  private void green() {
    if (!spec.releaseManager()) {
      machine.stop(StopReason.GREEN, "every task is done and every gate passed in round " + state.round);
      return;
    }
    state.phase = RunState.Phase.RELEASING;
    state.awaitingTask = RELEASE_TASK;
    Task release = Task.builder(RELEASE_TASK, "Prepare the release of this change").role(BuiltInRoles.RELEASE_MANAGER).build();
    // No TaskStarted: the release is not a plan task and listeners never saw it as one; its
    // TaskFinished is what a replay needs to know it happened.
    machine.command(new Command.AskRelease(release));
  }

  private void nextRound() {
    state.round++;
    state.phase = RunState.Phase.ROUND_START;
    state.finishedInRound.clear();
    state.changedInRound.clear();
    state.doneInRound = 0;
    // Files the gates' roles changed have not been through CI or review: the next round's gates see them.
    state.carried.clear();
    state.carried.addAll(state.gateChanged);
    state.gateChanged.clear();
    state.gateResults.clear();
    state.gatesSkipped.clear();
    state.gatesReported = 0;
    state.progressed = false;
    state.planChecked = false;
    decide();
  }

  private static String verdicts(List<GateResult> results) {
    if (results.isEmpty()) {
      return "(none)";
    }
    return String.join(", ", results.stream().map(r -> r.gate() + "=" + r.verdict().name().toLowerCase(Locale.ROOT)).toList());
  }
}
