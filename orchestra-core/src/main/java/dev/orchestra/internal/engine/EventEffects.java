package dev.orchestra.internal.engine;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.GateResult;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What each event does to a run's state, whether the engine observed it or the {@link RunMachine}
 * decided it: the bookkeeping half of a step, before the machine decides what follows. A resume
 * ({@code RunStarted} with {@code resumed}) puts back into play what was in flight.
 */
final class EventEffects {
  private final RunSpec spec;
  private final RunState state;
  private final RunMachine machine;
  private final Rounds rounds;
  private final Integrations integrations;

  EventEffects(RunSpec spec, RunState state, RunMachine machine, Rounds rounds, Integrations integrations) {
    this.spec = spec;
    this.state = state;
    this.machine = machine;
    this.rounds = rounds;
    this.integrations = integrations;
  }

  /** Applies an event, observed or decided, to the run's state. */
  void apply(OrchestraEvent e) {
    if (e.time().isAfter(state.now)) {
      state.now = e.time();
    }
    switch (e.kind()) {
      case RUN_STARTED -> started((OrchestraEvent.RunStarted) e);
      case PLAN_UPDATED -> planChanged((OrchestraEvent.PlanUpdated) e);
      case TASK_STARTED -> {
        OrchestraEvent.TaskStarted t = (OrchestraEvent.TaskStarted) e;
        Task task;
        if (!machine.ownTask(t.round(), t.taskId()) && state.plan != null && state.plan.contains(t.taskId())) {
          state.plan.setStatus(t.taskId(), TaskStatus.RUNNING);
          task = state.plan.task(t.taskId());
        } else {
          task = Task.builder(t.taskId(), t.title()).role(t.role()).build();
        }
        state.running.put(t.taskId(), task);
        state.held.remove(t.taskId());
        if (RunMachine.explorer(t.round(), t.taskId())) {
          state.exploring.add(t.taskId());
          state.probesStarted++;
        }
      }
      case TASK_FINISHED -> {
        OrchestraEvent.TaskFinished f = (OrchestraEvent.TaskFinished) e;
        Instant retry = state.retryAt.remove(f.taskId());
        rounds.taskFinished(f);
        boolean retriedLater = retry != null && f.status() == TaskStatus.TODO && state.stopReason == null && state.plan != null && state.plan.contains(f.taskId());
        if (retriedLater) {
          state.ownRetries.merge(f.taskId(), 1, Integer::sum); // its next start carries the count
        } else if (f.status() != TaskStatus.TODO) {
          state.ownRetries.remove(f.taskId());
        }
        if (retriedLater && retry.isAfter(f.time())) {
          // Back in the queue after its agent's own attempt failed: it waits out the retry there,
          // holding no slot, and the engine reports the wait's end. (A journal of schema version 4
          // or before shows the task's end after its wait: nothing is left to hold.)
          state.held.put(f.taskId(), retry);
          machine.command(new Command.AwaitRetry(f.taskId(), retry));
        }
      }
      case RETRY_SCHEDULED -> {
        OrchestraEvent.RetryScheduled r = (OrchestraEvent.RetryScheduled) e;
        if (state.running.containsKey(r.taskId()) && state.plan != null && state.plan.contains(r.taskId())) {
          state.retryAt.put(r.taskId(), r.time().plusMillis(r.delayMillis()));
        }
      }
      case RETRY_DUE -> state.held.remove(((OrchestraEvent.RetryDue) e).taskId());
      case TASK_COMMITTED -> {
        OrchestraEvent.TaskCommitted c = (OrchestraEvent.TaskCommitted) e;
        state.committed.put(c.taskId(), new RunState.Committed(c.branch(), c.commit()));
        state.committedFiles.put(c.taskId(), c.files());
        state.worktreesUsed = true;
      }
      case WORKTREE_CREATED -> state.worktreesUsed = true;
      case TASK_INTEGRATED -> integrations.integrated(((OrchestraEvent.TaskIntegrated) e).taskId());
      case INTEGRATION_CONFLICTED -> integrations.conflicted((OrchestraEvent.IntegrationConflicted) e);
      case GATE_STARTED -> state.phase = RunState.Phase.GATING;
      case GATE_SKIPPED -> {
        OrchestraEvent.GateSkipped g = (OrchestraEvent.GateSkipped) e;
        if (spec.gates().contains(g.gate())) {
          state.gatesReported++;
          state.gatesSkipped.add(g.gate() + ": " + g.reason());
        }
      }
      case GATE_FINISHED -> {
        OrchestraEvent.GateFinished g = (OrchestraEvent.GateFinished) e;
        if (spec.gates().contains(g.gate())) {
          state.gatesReported++;
        }
        state.gateResults.add(new GateResult(g.gate(), g.verdict(), g.findings(), g.summary(), g.later(), g.risks()));
        state.gateChanged.addAll(g.changedFiles());
        if (state.plan != null) {
          state.plan.addLater(g.later());
          state.plan.addRisks(g.risks());
        }
      }
      case BUDGET_CHANGED -> state.budget = ((OrchestraEvent.BudgetChanged) e).to();
      case MODEL_CALL_FINISHED -> state.usage = state.usage.plus(((OrchestraEvent.ModelCallFinished) e).usage());
      case STOP_REQUESTED -> {
        OrchestraEvent.StopRequested s = (OrchestraEvent.StopRequested) e;
        if (state.stopReason == null) {
          state.stopReason = s.reason();
          state.stopMessage = s.message();
        }
      }
      case PLAN_CHECKED -> {
        if (state.awaitingPlanCheck) {
          state.awaitingPlanCheck = false;
          state.planChecked = true;
        }
      }
      case RUN_FINISHED -> state.phase = RunState.Phase.STOPPED;
      default -> { } // tool calls, approvals, retries: for people and audits, not for decisions
    }
  }

  private void started(OrchestraEvent.RunStarted e) {
    state.runId = e.runId();
    state.startedAt = e.time();
    state.now = e.time();
    if (!e.resumed() || state.originRunId.isEmpty()) {
      state.originRunId = e.runId();
    }
    if (!e.resumed()) {
      state.goal = e.goal();
      state.phase = RunState.Phase.NEW;
      return;
    }
    // Nothing waits at a resume either: a task held back by a retry's wait runs when the budget lets it.
    state.retryAt.clear();
    state.held.clear();
    state.ownRetries.clear(); // a resumed run's retry rule counts afresh, as its agents' runners do
    // A resume: what was running when the run stopped will run again; nothing is in flight. The
    // engine's thread budget starts afresh, at the top of its ladder, and so does the machine's.
    state.budget = spec.initialBudget();
    state.integrating.clear(); // a merge in flight when the run stopped is asked for again
    state.integrationBlocked = false;
    if (state.plan != null) {
      // Nothing runs at a resume: whatever the plan says is running (by the journal, or plan.md
      // restored from a journal that did not carry the plan) is to do again; unless its work was
      // committed before the run stopped, which is done and waits to be integrated.
      for (Task t : state.plan.tasks()) {
        if (t.status() == TaskStatus.RUNNING && state.committed.containsKey(t.id())) {
          state.plan.setStatus(t.id(), TaskStatus.DONE);
          state.toIntegrate.add(t.id());
          state.finishedInRound.add(t.id());
          state.doneInRound++;
          state.changedInRound.addAll(state.committedFiles.getOrDefault(t.id(), List.of()));
        } else if (t.status() == TaskStatus.RUNNING) {
          state.plan.setStatus(t.id(), TaskStatus.TODO);
        }
      }
      state.goal = state.plan.goal();
    }
    state.running.clear();
    state.exploring.clear();
    state.probesStarted = 0;
    state.stopReason = null;
    state.stopMessage = "";
    state.awaitingPlanCheck = false;
    state.planChecked = false;
    state.gatesRequested = false;
    state.finishIssued = false;
    state.awaitingTask = "";
    state.releaseDone = false;
    state.replans.clear();
    state.replanOutcome = RunState.ReplanOutcome.PENDING;
    state.regressed = null;
    state.exhausted = null;
    state.scheduling = null;
    // The run goes on in the round it stopped in: its gates then see everything it changed.
    state.gateResults.clear();
    state.gatesSkipped.clear();
    state.gatesReported = 0;
    state.roundEndStep = RunState.RoundEndStep.CHECK_PLAN;
    state.phase = state.plan == null ? RunState.Phase.NEW : RunState.Phase.ROUND_START;
    if (state.plan != null && state.round == 0) {
      state.round = 1;
    }
  }

  private void planChanged(OrchestraEvent.PlanUpdated p) {
    if (state.plan == null && !p.whole() && p.tasks().isEmpty()) {
      // A journal from before events carried the plan (wave 1): no plan here; the engine restores
      // it from plan.md before the resumed run starts.
      return;
    }
    if (p.whole()) {
      Plan whole = Plan.builder(p.goal()).tasks(p.tasks()).later(p.later()).summary(List.of(), List.of(), p.risks()).build();
      if (state.plan == null) {
        state.plan = new LivePlan(whole);
      } else {
        state.plan.replace(whole);
      }
      state.goal = p.goal();
    } else if (state.plan == null) {
      state.plan = new LivePlan(Plan.builder(p.goal().isEmpty() ? state.goal : p.goal()).tasks(p.tasks()).later(p.later())
          .summary(List.of(), List.of(), p.risks()).build());
    } else {
      state.plan.put(p.tasks());
      state.plan.remove(p.removedTaskIds());
      state.plan.addLater(p.later());
      state.plan.addRisks(p.risks());
    }
    state.ledger.restore(state.plan.tasks());
    p.tasks().forEach(t -> state.resolversToPlan.remove(t.id())); // in the plan now
    p.tasks().forEach(t -> state.unmergedToFail.remove(t.id()));
    // A resolving task a person (or a re-plan) took out of play - removed, superseded, marked done
    // without work - never merges what it was to: the work it carried fails.
    for (Map.Entry<String, RunState.Resolving> r : List.copyOf(state.resolving.entrySet())) {
      String id = r.getKey();
      if (state.resolversToPlan.contains(id)) {
        continue;
      }
      TaskStatus s = state.plan.contains(id) ? state.plan.task(id).status() : null;
      boolean inPlay =
          s == TaskStatus.TODO || s == TaskStatus.RUNNING
              || (s == TaskStatus.DONE && (state.toIntegrate.contains(id) || state.integrating.contains(id) || state.committed.containsKey(id)));
      if (!inPlay) {
        state.resolving.remove(id);
        integrations.failUnmerged(r.getValue(), id + ", which was to resolve its conflict, " + (s == null ? "left the plan" : "was set " + s.markdownValue()));
        state.scheduling = null;
      }
    }
    // Work waits for its merge only while its task is done in the plan: a task a person removed
    // from plan.md, or set to do again, does not have its old work merged (it stays on its branch
    // until the task runs again, which starts the branch afresh).
    for (String id : List.copyOf(state.toIntegrate)) {
      if (!state.integrating.contains(id) && !(state.plan.contains(id) && state.plan.task(id).status() == TaskStatus.DONE)) {
        state.toIntegrate.remove(id);
        state.committed.remove(id);
        state.committedFiles.remove(id);
      }
    }
    if (p.reason().equals("planned") && state.phase == RunState.Phase.PLANNING) {
      state.awaitingTask = "";
      state.round = 1;
      state.phase = RunState.Phase.ROUND_START;
    } else if (p.reason().equals(RunMachine.EDITED)) {
      state.scheduling = null; // the plan a batch schedules over changed
    } else if (p.reason().startsWith(RunMachine.REPLANNED)) {
      rounds.replanned(p);
    }
  }
}
