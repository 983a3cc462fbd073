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

  Rounds(RunSpec spec, RunState state, RunMachine machine) {
    this.spec = spec;
    this.state = state;
    this.machine = machine;
    this.findings = new Findings(spec, state, machine);
  }

  // ------------------------------------------------------------------ applying

  /** A task finished: the plan, the round's accounting and the schedule take note. */
  void taskFinished(OrchestraEvent.TaskFinished t) {
    state.running.remove(t.taskId());
    RunState.Resolving resolving = state.resolving.get(t.taskId());
    if (resolving != null && (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.BLOCKED)) {
      // The work it was to merge never reaches the integration branch: its task did not succeed.
      state.resolving.remove(t.taskId());
      failUnmerged(resolving, t.taskId() + ", which was to resolve its conflict, ended " + t.status().markdownValue());
    } else if (resolving != null && t.status() == TaskStatus.DONE && !state.committed.containsKey(t.taskId())) {
      // Done without a commit: it left the merge unconcluded, so nothing of the conflicted work lands.
      state.resolving.remove(t.taskId());
      failUnmerged(resolving, t.taskId() + ", which was to resolve its conflict, committed nothing");
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

  /** Asks for the next merge, one at a time, in plan order among the finished tasks waiting. */
  void integrateNext() {
    if (!state.integrating.isEmpty() || state.toIntegrate.isEmpty()) {
      return;
    }
    String next = state.toIntegrate.iterator().next();
    if (state.toIntegrate.size() > 1 && state.plan != null) {
      for (Task t : state.plan.tasks()) {
        if (state.toIntegrate.contains(t.id())) {
          next = t.id();
          break;
        }
      }
    }
    state.integrating = next;
    machine.command(new Command.Integrate(next, state.committed.getOrDefault(next, ""), state.round));
  }

  /** A task's work is in the integration branch: its dependents may start. */
  void integrated(String taskId) {
    RunState.Resolving resolved = state.resolving.remove(taskId);
    if (resolved != null) {
      state.conflicts.remove(resolved.root()); // resolved: a later attempt of it starts with a clean slate
    }
    state.committed.remove(taskId);
    state.committedFiles.remove(taskId);
    state.toIntegrate.remove(taskId);
    state.conflicts.remove(taskId); // a later attempt (a finding's) starts with a clean slate
    if (state.integrating.equals(taskId)) {
      state.integrating = "";
    }
    if (state.scheduling != null) {
      state.scheduling.finished(taskId, TaskStatus.DONE);
    }
  }

  /**
   * A task's work conflicted with integrated work: it goes back to work on the integrated state,
   * with the conflict in its brief, or fails once it conflicted as often as a finding may be tried.
   */
  void conflicted(OrchestraEvent.IntegrationConflicted c) {
    String id = c.taskId();
    if (c.files().isEmpty()) {
      // Not a conflict: git could not merge at all. The work stays on its branch, done and waiting;
      // no more merges until the run resumes (the engine stops it, saying why).
      if (state.integrating.equals(id)) {
        state.integrating = "";
      }
      state.integrationBlocked = true;
      return;
    }
    state.committed.remove(id);
    state.committedFiles.remove(id);
    state.toIntegrate.remove(id);
    if (state.integrating.equals(id)) {
      state.integrating = "";
    }
    RunState.Resolving earlier = state.resolving.remove(id);
    List<String> carried = new ArrayList<>(earlier != null ? earlier.carried() : List.of());
    carried.add(id);
    String root = carried.get(0);
    String conflict = "conflicts in " + String.join(", ", c.files()) + ":\n" + c.detail();
    List<String> seen = state.conflicts.computeIfAbsent(root, k -> new ArrayList<>());
    seen.add(conflict);
    if (state.plan == null || !state.plan.contains(id)) {
      return;
    }
    Task task = state.plan.task(id);
    String files = String.join(", ", c.files());
    boolean again = seen.size() < Math.max(1, spec.bounds().maxFindingAttempts());
    if (c.resolveByNewTask()) {
      resolveByNewTask(task, carried, c.branch(), conflict, files, again);
      return;
    }
    if (task.status() == TaskStatus.DONE) {
      state.doneInRound--;
    }
    if (again) {
      state.finishedInRound.remove(id);
      state.plan.update(task.withStatus(TaskStatus.TODO).withNotes(FindingLedger.keepingTag(task.notes(), "conflicted with integrated work in " + files + "; redone on it")));
    } else {
      state.plan.update(
          task.withStatus(TaskStatus.FAILED)
              .withNotes(FindingLedger.keepingTag(task.notes(), "failed: its work conflicted " + seen.size() + " times with integrated work in " + files)));
    }
    if (state.scheduling != null) {
      state.scheduling.finished(id, again ? TaskStatus.TODO : TaskStatus.FAILED);
    }
  }

  /**
   * A conflict, resolved by a new task: it works on the integrated state with the conflicted
   * branch merged in, and the conflicted task stays done, its dependents now waiting for the new
   * task too (the plan changes with a {@code PlanUpdated} the machine decides next; see {@link
   * #planResolvers}). Past the attempts, the conflicted work fails (and the task it began with).
   */
  private void resolveByNewTask(Task task, List<String> carried, String branch, String conflict, String files, boolean again) {
    String root = carried.get(0);
    if (!again) {
      failUnmerged(
          new RunState.Resolving(task, carried, branch, conflict),
          "its work conflicted " + state.conflicts.get(root).size() + " times with integrated work in " + files);
      state.scheduling = null;
      return;
    }
    int n = state.conflicts.get(root).size();
    String id = root + "-resolve" + (n > 1 ? "-" + n : "");
    for (int k = n + 1; state.plan.contains(id) || state.resolving.containsKey(id); k++) {
      id = root + "-resolve-" + k; // a task of that name already: the next free one
    }
    List<String> criteria = new ArrayList<>(state.plan.contains(root) ? state.plan.task(root).acceptanceCriteria() : task.acceptanceCriteria());
    criteria.add("No conflict markers remain, and both " + root + "'s changes and the integrated work are kept");
    Task resolver =
        Task.builder(id, "Resolve the conflict of " + root + "'s work with the integrated work in " + files)
            .role(task.role())
            .writeScope(task.writeScope())
            .acceptanceCriteria(criteria)
            .build();
    state.resolving.put(id, new RunState.Resolving(resolver, carried, branch, conflict));
    state.resolversToPlan.add(id);
  }

  /**
   * Says in the plan what conflicts resolved by new tasks changed, each kind in one {@code
   * PlanUpdated}: the resolving tasks decided on (each new task, the conflicted task's note, and
   * its dependents, which now wait for the new task too); and the tasks whose work will not be
   * integrated, failed.
   */
  void planIntegrationChanges() {
    if (state.plan == null) {
      return;
    }
    if (!state.unmergedToFail.isEmpty()) {
      List<Task> failed = new ArrayList<>();
      state.unmergedToFail.forEach((id, note) -> {
        if (state.plan.contains(id)) {
          Task t = state.plan.task(id);
          failed.add(t.withStatus(TaskStatus.FAILED).withNotes(FindingLedger.keepingTag(t.notes(), note)));
        }
      });
      state.unmergedToFail.clear();
      machine.planUpdated(RunMachine.NOT_INTEGRATED + String.join(", ", failed.stream().map(Task::id).toList()), List.of(), failed, List.of());
      state.scheduling = null; // their dependents are blocked now
    }
    if (state.resolversToPlan.isEmpty()) {
      return;
    }
    java.util.Map<String, Task> changed = new java.util.LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (String id : state.resolversToPlan) {
      RunState.Resolving r = state.resolving.get(id);
      ids.add(id);
      changed.put(id, r.task());
      if (state.plan.contains(r.conflicted())) {
        Task c = changed.getOrDefault(r.conflicted(), state.plan.task(r.conflicted()));
        changed.put(c.id(), c.withNotes(FindingLedger.keepingTag(c.notes(), "conflicted with integrated work; " + id + " resolves it")));
      }
      for (Task d : state.plan.tasks()) {
        Task current = changed.getOrDefault(d.id(), d);
        if (current.dependsOn().contains(r.conflicted()) && !current.dependsOn().contains(id)) {
          List<String> deps = new ArrayList<>(current.dependsOn());
          deps.add(id);
          changed.put(d.id(), current.toBuilder().dependsOn(deps).build());
        }
      }
    }
    machine.planUpdated(RunMachine.RESOLVING + String.join(", ", ids), ids, new ArrayList<>(changed.values()), List.of());
    state.scheduling = null; // new tasks, and new dependencies
  }

  /**
   * Work that was to be merged by a resolving task will not be: every task whose work it carried
   * (the task the conflicts began with, and each resolving task before it) fails.
   */
  void failUnmerged(RunState.Resolving r, String why) {
    for (String id : r.carried()) {
      if (state.plan != null && state.plan.contains(id) && state.plan.task(id).status() == TaskStatus.DONE && !state.unmergedToFail.containsKey(id)) {
        // The plan says so with a PlanUpdated the machine decides next (see planIntegrationChanges).
        state.unmergedToFail.put(id, "failed: its work was not integrated: " + why);
        state.doneInRound--;
        state.finishedInRound.add(id);
      }
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
