package dev.orchestra.internal.engine;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Verdict;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the {@link SimulatedEngine} knows of a run from its journal alone, event by event, without
 * the machine's code: which tasks run, the plan's statuses, the round's gates, the stops and the
 * tokens. It checks what one event may do as it takes it, and at the run's end whether the stop
 * reason fits what happened ({@link #checkStop}).
 */
final class JournalRecord {
  private static final Set<StopReason> DRIVER_STOPS =
      EnumSet.of(StopReason.CANCELLED, StopReason.QUOTA_EXHAUSTED, StopReason.AUTHENTICATION_FAILED, StopReason.FAILED, StopReason.PLAN_INVALID);

  // Tasks
  final Set<String> open = new HashSet<>();
  private final Set<String> done = new HashSet<>();
  /** Plan tasks that finished and have not started again or been sent back to work since. */
  private final Set<String> finishedSinceStart = new HashSet<>();
  /** Tasks whose work is committed on their branch and not yet integrated or thrown away. */
  private final Set<String> committed = new HashSet<>();
  /** How often each task's work conflicted with integrated work. */
  private final Map<String, Integer> conflicts = new java.util.HashMap<>();
  /** How many conflicts a task gets before it fails: the bounds' attempts at a finding. */
  private final int conflictLimit;
  /**
   * Done tasks whose work conflicted and is to be integrated by a resolving task: none may be left
   * done at a green end. Kept from the journal alone, not by the machine's rules.
   */
  private final Set<String> unintegrated = new HashSet<>();
  /** The conflicted task whose resolving task the next "resolving conflicts" plan update adds. */
  private String awaitingResolver;
  /** The tasks whose work each resolving task carries. */
  private final Map<String, Set<String>> carries = new java.util.HashMap<>();
  /** The plan's tasks and their statuses, in plan order. */
  final Map<String, TaskStatus> plan = new LinkedHashMap<>();

  // This part of the run (from its RunStarted on: a resume begins a part)
  Instant partStarted = Instant.EPOCH;
  /** The first stop journalled in this part, whether the driver sent it, and the run as it stood then. */
  OrchestraEvent.StopRequested stop;
  boolean stopSent;
  private AtStop atStop;
  private boolean released;

  // The round: from the plan check before its batch
  int round;
  int maxRound;
  /** This part's gate results of the round: a resume runs the round's gates again. */
  final List<OrchestraEvent.GateFinished> gates = new ArrayList<>();
  private final TreeSet<String> gateChanged = new TreeSet<>();
  private int doneInRound;

  long tokens;
  OrchestraEvent.RunFinished finished;

  JournalRecord(int conflictLimit) {
    this.conflictLimit = Math.max(1, conflictLimit);
  }


  /** Whether a task is one of the plan's (explorers, the planner, re-plans and the release are not). */
  boolean planTask(String id) {
    return plan.containsKey(id);
  }

  /** Takes the journal's next event, and checks what it may do. */
  void observe(OrchestraEvent e, boolean decided) {
    if (e instanceof OrchestraEvent.RunStarted r) {
      partStarted = r.time();
      open.clear(); // what ran when the process died runs again, or not, as the resumed run decides
      stop = null;
      stopSent = false;
      released = false;
      gates.clear();
      if (r.resumed()) {
        // Work committed before the stop is done (it waits for its merge); the rest runs again.
        for (Map.Entry<String, TaskStatus> t : plan.entrySet()) {
          if (t.getValue() == TaskStatus.RUNNING && committed.contains(t.getKey())) {
            t.setValue(TaskStatus.DONE);
            done.add(t.getKey());
            finishedSinceStart.add(t.getKey());
            doneInRound++;
          }
        }
        plan.replaceAll((id, s) -> s == TaskStatus.RUNNING ? TaskStatus.TODO : s);
      }
    } else if (e instanceof OrchestraEvent.TaskCommitted c) {
      if (!open.contains(c.taskId())) {
        throw new AssertionError("task " + c.taskId() + " committed work while no agent worked on it");
      }
      committed.add(c.taskId());
    } else if (e instanceof OrchestraEvent.TaskIntegrated i) {
      if (!committed.remove(i.taskId()) || plan.get(i.taskId()) != TaskStatus.DONE) {
        throw new AssertionError("task " + i.taskId() + " was integrated without being done with committed work");
      }
      unintegrated.remove(i.taskId());
      // Integrated: a later attempt at its finding (under the same id) starts with no conflicts.
      conflicts.remove(i.taskId());
      Set<String> carried = carries.remove(i.taskId());
      if (carried != null) {
        unintegrated.removeAll(carried); // the resolution holds their work
        carried.forEach(conflicts::remove);
      }
    } else if (e instanceof OrchestraEvent.IntegrationConflicted c) {
      if (!committed.contains(c.taskId()) || plan.get(c.taskId()) != TaskStatus.DONE) {
        throw new AssertionError("task " + c.taskId() + " conflicted without being done with committed work");
      }
      if (c.files().isEmpty()) {
        return; // not a conflict: git could not merge it at all, and the work waits, done, for a resume
      }
      committed.remove(c.taskId());
      if (c.resolveByNewTask()) {
        // The conflicted task stays done: a new task is to merge its work (the machine says which,
        // or fails the work, in a plan update).
        unintegrated.add(c.taskId());
        awaitingResolver = c.taskId();
        return;
      }
      int n = conflicts.merge(c.taskId(), 1, Integer::sum);
      done.remove(c.taskId());
      doneInRound--;
      if (n < conflictLimit) {
        finishedSinceStart.remove(c.taskId()); // back to work on the integrated state
        plan.put(c.taskId(), TaskStatus.TODO);
      } else {
        plan.put(c.taskId(), TaskStatus.FAILED);
      }
    } else if (e instanceof OrchestraEvent.TaskStarted t) {
      finishedSinceStart.remove(t.taskId());
      if (!open.add(t.taskId())) {
        throw new AssertionError("task " + t.taskId() + " started while it was running");
      }
      if (planTask(t.taskId())) {
        if (done.contains(t.taskId())) {
          throw new AssertionError("task " + t.taskId() + " started again although it is done and nothing sent it back");
        }
        plan.put(t.taskId(), TaskStatus.RUNNING);
      }
    } else if (e instanceof OrchestraEvent.TaskFinished t) {
      if (decided && open.contains(t.taskId())) {
        throw new AssertionError("the machine finished task " + t.taskId() + " while its agent was still at work");
      }
      open.remove(t.taskId());
      if (t.status() != TaskStatus.DONE) {
        committed.remove(t.taskId());
      }

      if (planTask(t.taskId())) {
        if (!finishedSinceStart.add(t.taskId())) {
          throw new AssertionError("task " + t.taskId() + " finished twice: nothing started it again or sent it back to work in between");
        }
        plan.put(t.taskId(), t.status());
        if (t.status() == TaskStatus.DONE) {
          doneInRound++;
        }
      }
      if (t.status() == TaskStatus.DONE) {
        done.add(t.taskId());
      }
      if (t.taskId().equals(Rounds.RELEASE_TASK)) {
        released = true;
      }

    } else if (e instanceof OrchestraEvent.PlanUpdated p) {
      if (p.reason().startsWith(RunMachine.RESOLVING)) {
        if (awaitingResolver == null || p.addedTaskIds().size() != 1) {
          throw new AssertionError("a resolving task was planned without one conflict to resolve: " + p.addedTaskIds());
        }
        Set<String> carried = new HashSet<>(carries.getOrDefault(awaitingResolver, Set.of()));
        carried.add(awaitingResolver);
        carries.put(p.addedTaskIds().get(0), carried);
        awaitingResolver = null;
      }
      if (p.reason().startsWith(RunMachine.NOT_INTEGRATED)) {
        for (Task t : p.tasks()) {
          if (plan.get(t.id()) != TaskStatus.DONE || t.status() != TaskStatus.FAILED) {
            throw new AssertionError("only done tasks fail for work not integrated: " + t.id() + " was " + plan.get(t.id()));
          }
          done.remove(t.id());
          doneInRound--;
        }
      }
      for (Task t : p.tasks()) {
        if (t.status() == TaskStatus.TODO) {
          done.remove(t.id()); // sent back to work (a finding reopened it, or a person did)
          finishedSinceStart.remove(t.id());
        }
      }
      if (p.whole()) {
        finishedSinceStart.removeIf(id -> p.tasks().stream().noneMatch(t -> t.id().equals(id)));
        done.retainAll(p.tasks().stream().filter(t -> t.status() == TaskStatus.DONE).map(Task::id).toList());
        plan.clear();
      }
      p.tasks().forEach(t -> plan.put(t.id(), t.status()));
      p.removedTaskIds().forEach(plan::remove);
    } else if (e instanceof OrchestraEvent.PlanChecked c) {
      if (c.beforeBatch()) {
        gates.clear();
        if (c.round() != round) {
          round = c.round();
          maxRound = Math.max(maxRound, round);
          gateChanged.clear();
          doneInRound = 0;
        }
      }
    } else if (e instanceof OrchestraEvent.GateFinished g) {
      gates.add(g);
      gateChanged.addAll(g.changedFiles());
    } else if (e instanceof OrchestraEvent.ModelCallFinished m) {
      tokens += m.usage().totalTokens();
    } else if (e instanceof OrchestraEvent.StopRequested s) {
      if (stop == null) {
        stop = s;
        stopSent = !decided;
        atStop = new AtStop(new LinkedHashMap<>(plan), List.copyOf(gates), new TreeSet<>(gateChanged), doneInRound, round, tokens, released);
      }
    } else if (e instanceof OrchestraEvent.RunFinished f) {
      finished = f;
    }
  }

  /** The run as it stood when it was asked to stop (a person may still edit plan.md while it finishes). */
  private record AtStop(
      Map<String, TaskStatus> plan, List<OrchestraEvent.GateFinished> gates, Set<String> gateChanged, int doneInRound, int round, long tokens,
      boolean released) {}

  /**
   * At the run's end: the reason it stopped is the first stop of its last part, and fits what the
   * journal says happened, judged without the machine's code; the plan the machine ends with is
   * the journal's.
   */
  void checkStop(RunSpec spec, Plan finalPlan) {
    StopReason reason = StopReason.valueOf(finished.stopReason());
    if (reason.isGreen()) {
      for (String id : unintegrated) {
        if (plan.get(id) == TaskStatus.DONE) {
          throw new AssertionError("the run ended green with " + id + " done, though its conflicted work was never integrated");
        }
      }
    }
    if (stop == null || stop.reason() != reason) {
      throw new AssertionError("the run finished " + reason + " but the first stop since it (re)started was " + stop);
    }
    if (DRIVER_STOPS.contains(reason) != stopSent) {
      throw new AssertionError(
          reason + (stopSent ? " was sent by the engine, but only the machine decides it" : " was decided by the machine, but only the engine sends it"));
    }
    Map<String, TaskStatus> machinePlan = new LinkedHashMap<>();
    if (finalPlan != null) {
      finalPlan.tasks().forEach(t -> machinePlan.put(t.id(), t.status()));
    }
    if (!machinePlan.equals(this.plan)) {
      throw new AssertionError("the machine ends with the plan " + machinePlan + " but its journal says " + this.plan);
    }
    Map<String, TaskStatus> plan = atStop.plan();
    List<OrchestraEvent.GateFinished> gates = atStop.gates();
    Set<String> gateChanged = atStop.gateChanged();
    int round = atStop.round();
    List<String> notDone = plan.entrySet().stream()
        .filter(t -> t.getValue() != TaskStatus.DONE && t.getValue() != TaskStatus.SUPERSEDED).map(Map.Entry::getKey).toList();
    boolean todo = plan.containsValue(TaskStatus.TODO);
    List<String> failing = gates.stream().filter(g -> g.verdict() == Verdict.FAIL || g.verdict() == Verdict.BLOCK).map(g -> g.gate() + "=" + g.verdict()).toList();
    boolean unchecked = gates.stream().anyMatch(g -> g.verdict() == Verdict.NOTHING_CHECKED);
    boolean noGateRan = !spec.gates().isEmpty() && gates.isEmpty();
    boolean findings = gates.stream().anyMatch(g -> !g.findings().isEmpty());
    String context = " (round " + round + ", plan " + plan + ", gates " + gates.stream().map(g -> g.gate() + "=" + g.verdict()).toList() + ")";
    switch (reason) {
      case GREEN -> {
        require(notDone.isEmpty(), "GREEN with tasks not done: " + notDone + context);
        require(gates.stream().allMatch(g -> g.verdict() == Verdict.PASS), "GREEN though not every gate passed" + context);
        require(!noGateRan, "GREEN though no gate ran" + context);
        require(gateChanged.isEmpty(), "GREEN though the round's gates changed " + gateChanged + context);
        require(!spec.releaseManager() || atStop.released(), "GREEN with a release manager who was never asked" + context);
      }
      case ITERATION_LIMIT -> require(round == spec.bounds().maxRounds(), "ITERATION_LIMIT in round " + round + " of " + spec.bounds().maxRounds());
      case TOKEN_LIMIT -> require(
          spec.bounds().maxTokens() > 0 && atStop.tokens() >= spec.bounds().maxTokens(), "TOKEN_LIMIT after " + atStop.tokens() + " of " + spec.bounds().maxTokens() + " tokens");
      case TIME_LIMIT -> require(
          !spec.bounds().maxWallTime().isZero() && Duration.between(partStarted, stop.time()).compareTo(spec.bounds().maxWallTime()) >= 0,
          "TIME_LIMIT at " + stop.time() + " for a part that started at " + partStarted + ", limit " + spec.bounds().maxWallTime());
      case ONE_BATCH_COMPLETE -> require(spec.oneBatch(), "ONE_BATCH_COMPLETE without oneBatch");
      case TASKS_FAILED -> {
        require(plan.containsValue(TaskStatus.FAILED) || plan.containsValue(TaskStatus.BLOCKED), "TASKS_FAILED with no task failed" + context);
        require(failing.isEmpty() && !todo, "TASKS_FAILED though the round is not settled" + context);
      }
      case NOT_VERIFIED -> {
        require(notDone.isEmpty() && failing.isEmpty(), "NOT_VERIFIED though the round is not settled" + context);
        require(noGateRan || unchecked, "NOT_VERIFIED though a gate checked the round" + context);
      }
      case FINDINGS_REGRESSED, ATTEMPTS_EXHAUSTED -> require(findings, reason + " though no gate of the round reported a finding" + context);
      case NO_PROGRESS -> require(
          atStop.doneInRound() == 0 && gateChanged.isEmpty(), "NO_PROGRESS though " + atStop.doneInRound() + " tasks were done" + context);
      default -> { } // the engine's stops, checked above
    }
    if (spec.oneBatch()) {
      require(maxRound <= 1, "a one-batch run reached round " + maxRound);
    }
  }

  private static void require(boolean holds, String message) {
    if (!holds) {
      throw new AssertionError(message);
    }
  }
}
