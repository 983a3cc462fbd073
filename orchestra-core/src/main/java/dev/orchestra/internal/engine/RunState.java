package dev.orchestra.internal.engine;

import dev.orchestra.StopReason;
import dev.orchestra.gate.GateResult;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a {@link RunMachine} knows of its run. Changed only by the machine, on its caller's
 * thread; read-only views for the engine. Not thread-safe.
 */
public final class RunState {
  /** Where the run stands. */
  public enum Phase {
    /** Nothing done yet. */
    NEW,
    /** Explorers scout. */
    EXPLORING,
    /** The orchestrator role plans. */
    PLANNING,
    /** A round begins: plan.md is checked for a person's edit. */
    ROUND_START,
    /** The round's tasks run. */
    BATCH,
    /** The gates judge the round. */
    GATING,
    /** The round's findings become work, and the run goes on or stops. */
    ROUND_END,
    /** The release manager prepares the release of a green run. */
    RELEASING,
    /** The engine is finishing the run. */
    FINISHING,
    /** The run ended. */
    STOPPED
  }

  /** Where the end of a round stands. */
  enum RoundEndStep {
    CHECK_PLAN,
    REVIEW,
    REPLANS,
    DECIDE
  }

  String runId = "";
  /** The id the run's work began under: a resume keeps it, so its git branches are found again. */
  String originRunId = "";
  Instant startedAt = Instant.EPOCH;
  Instant now = Instant.EPOCH;
  String goal = "";
  LivePlan plan; // null until planned
  Phase phase = Phase.NEW;
  int round;
  int budget;
  TokenUsage usage = TokenUsage.ZERO;

  // Exploring
  int probesStarted;
  final TreeSet<String> exploring = new TreeSet<>();

  // Running agents: plan tasks, and the special tasks (explore-N, plan, replan-X, release).
  final Map<String, Task> running = new LinkedHashMap<>();

  // The round
  /** In the order they finished; a set, since a round can hold thousands of tasks. */
  final Set<String> finishedInRound = new LinkedHashSet<>();
  final TreeSet<String> changedInRound = new TreeSet<>();
  int doneInRound;
  /** Files the previous round's gate roles changed: this round's gates check them. */
  final TreeSet<String> carried = new TreeSet<>();
  final List<GateResult> gateResults = new ArrayList<>();
  final List<String> gatesSkipped = new ArrayList<>();
  int gatesReported;
  final TreeSet<String> gateChanged = new TreeSet<>();
  List<GateResult> lastGateResults = List.of();
  Scheduling scheduling;
  /**
   * Plan tasks running with a retry scheduled (their agent's own attempt failed, or a model call
   * of theirs is retried), with the end of the retry's wait; forgotten when the task ends, and
   * turned into a hold when it ends to do again before that.
   */
  final Map<String, Instant> retryAt = new HashMap<>();
  /**
   * Tasks back in the queue to wait out their retry's wait, with its end: none starts, and the
   * batch does not end, until its {@code RetryDue}. Only journalled events change this, so a replay
   * holds and releases exactly where the run did.
   */
  final Map<String, Instant> held = new LinkedHashMap<>();
  /** How many times each task went back to the queue after its agent's own failure, until it ends otherwise. */
  final Map<String, Integer> ownRetries = new HashMap<>();

  // Findings
  final FindingLedger ledger = new FindingLedger();
  final Map<String, String> lastReports = new HashMap<>();
  RoundEndStep roundEndStep = RoundEndStep.CHECK_PLAN;
  final Deque<FindingLedger.Decision> replans = new ArrayDeque<>();
  FindingLedger.Decision regressed;
  FindingLedger.Decision exhausted;
  boolean progressed;
  /** How the re-plan in progress stands. */
  enum ReplanOutcome {
    /** Its agent is at work, or no re-plan is in progress. */
    PENDING,
    /** Its new tasks are in the plan. */
    NEW_TASKS,
    /** Its agent finished without a usable plan. */
    NO_PLAN
  }

  ReplanOutcome replanOutcome = ReplanOutcome.PENDING;

  // Integration (tasks in their own git worktrees)
  /** Tasks whose changes are committed on their branch and not yet integrated, with the branch and the commit. */
  final Map<String, Committed> committed = new LinkedHashMap<>();

  /** A task's committed work: its branch, and the commit it reported there. */
  record Committed(String branch, String commit) {}
  /** What each task in {@link #committed} changed: for the gates, should the run stop before its end is journalled. */
  final Map<String, List<String>> committedFiles = new HashMap<>();
  /** Committed tasks that finished done: to merge into the integration branch, in plan order. */
  final Set<String> toIntegrate = new LinkedHashSet<>();
  /** The tasks whose merges the engine carries out now (one command's), in order; empty when none. */
  final Set<String> integrating = new LinkedHashSet<>();
  /** Each task's conflicts with integrated work so far, for its next attempt's brief. */
  final Map<String, List<String>> conflicts = new HashMap<>();

  /**
   * A task that resolves another's conflict (see {@code IntegrationConflicted.resolveByNewTask}).
   *
   * @param task the resolving task, as the plan is to hold it
   * @param carried the tasks whose work it carries, oldest first: the plan task whose work first
   *     conflicted (its conflicts are counted), then each earlier resolving task; the last is the
   *     one whose branch conflicted
   * @param branch that task's branch, which the resolving task merges in
   * @param tip the commit that task reported on it, or empty when not known
   * @param conflict the conflict as git showed it
   */
  record Resolving(Task task, List<String> carried, String branch, String tip, String conflict) {
    /** Copies the list. */
    Resolving {
      carried = List.copyOf(carried);
    }

    String root() {
      return carried.get(0);
    }

    String conflicted() {
      return carried.get(carried.size() - 1);
    }
  }

  /** The tasks that resolve a conflict, by id, until they are integrated or fail. */
  final Map<String, Resolving> resolving = new LinkedHashMap<>();
  /** Resolving tasks decided on and not yet in the plan: a {@code PlanUpdated} adds them. */
  final Set<String> resolversToPlan = new LinkedHashSet<>();
  /** Done tasks whose work will not be integrated, with their note: a {@code PlanUpdated} fails them. */
  final Map<String, String> unmergedToFail = new LinkedHashMap<>();
  /** A merge failed for another reason than a conflict: no more merges until the run resumes. */
  boolean integrationBlocked;
  /** Whether any task of the run worked in a worktree: a resume must too. */
  boolean worktreesUsed;

  // Stopping
  StopReason stopReason;
  String stopMessage = "";

  // Commands in flight (the engine answers them with events)
  boolean awaitingPlanCheck;
  boolean planChecked;
  boolean gatesRequested;
  boolean finishIssued;
  String awaitingTask = ""; // plan, replan-X or release while their agent works
  boolean releaseDone;

  RunState() {}

  /** Returns the run's id, from its first event. */
  public String runId() {
    return runId;
  }

  /** Returns where the run stands. */
  public Phase phase() {
    return phase;
  }

  /** Returns the round, 0 before the first. */
  public int round() {
    return round;
  }

  /** Returns the id the run's work began under: the first run's id, kept by every resume. */
  public String originRunId() {
    return originRunId.isEmpty() ? runId : originRunId;
  }

  /** Returns the tasks whose merges the engine carries out now (one command's), in order; empty when none. */
  public List<String> integrating() {
    return List.copyOf(integrating);
  }

  /** Returns the tasks that are done with committed work not yet merged into the integration branch. */
  public List<String> notIntegrated() {
    Set<String> waiting = new LinkedHashSet<>(toIntegrate);
    resolving.values().forEach(r -> waiting.addAll(r.carried())); // their work waits for a resolution
    return List.copyOf(waiting);
  }

  /** Returns whether any task of the run worked in a git worktree of its own. */
  public boolean worktreesUsed() {
    return worktreesUsed;
  }

  /** Returns the goal. */
  public String goal() {
    return goal;
  }

  /** Returns how many agents may run at once. */
  public int budget() {
    return budget;
  }

  /** Returns the tokens the run used, its earlier parts included. */
  public TokenUsage usage() {
    return usage;
  }

  /** Returns when this part of the run (a run or a resume) began, by its events. */
  public Instant startedAt() {
    return startedAt;
  }

  /** Returns the time of the last event. */
  public Instant now() {
    return now;
  }

  /** Returns the plan as it stands, or empty before the orchestrator role planned. */
  public Optional<Plan> plan() {
    return plan == null ? Optional.empty() : Optional.of(plan.snapshot());
  }

  /**
   * Returns a read-only view of the plan as it changes, or null before it was planned: for the
   * engine's reads under the run's lock, where a {@link #plan()} copy on every step would cost too
   * much. Outside the lock take {@link #plan()}.
   */
  public PlanView planView() {
    return plan;
  }

  /** Returns the ids of the tasks agents work on now. */
  public List<String> running() {
    return List.copyOf(running.keySet());
  }

  /** Returns the gate results of the last round that ran gates. */
  public List<GateResult> lastGateResults() {
    return lastGateResults;
  }

  /** Returns why the run stops, or empty while it goes on. */
  public Optional<StopReason> stopReason() {
    return Optional.ofNullable(stopReason);
  }

  /** Returns the ledger of findings, for briefs. */
  public FindingLedger ledger() {
    return ledger;
  }

  /**
   * Returns the state as text: every part that the run's events decide, in a fixed order, so that
   * two machines fed the same events describe themselves the same (the simulation tests compare a
   * run with a replay of its journal this way).
   */
  public String describe() {
    StringBuilder b = new StringBuilder(512);
    b.append("run ").append(runId).append(" phase ").append(phase).append(" round ").append(round).append(" budget ").append(budget)
        .append(" usage ").append(usage).append(" started ").append(startedAt).append(" now ").append(now).append('\n');
    b.append("goal ").append(goal).append('\n');
    if (plan != null) {
      b.append(plan.snapshot().toMarkdown());
    }
    b.append("exploring ").append(exploring).append(" probes started ").append(probesStarted).append('\n');
    b.append("running ").append(running.keySet()).append('\n');
    b.append("finished in round ").append(finishedInRound).append(" done ").append(doneInRound).append(" changed ").append(changedInRound)
        .append(" carried ").append(carried).append('\n');
    b.append("gates ").append(gatesReported).append(' ').append(gateResults).append(" skipped ").append(gatesSkipped)
        .append(" changed ").append(gateChanged).append('\n');
    b.append("ledger ").append(ledger.describe()).append(" reports ").append(new java.util.TreeMap<>(lastReports)).append('\n');
    b.append("scheduling ").append(scheduling == null ? "none" : scheduling.describe()).append(" held ").append(held)
        .append(" retry at ").append(new java.util.TreeMap<>(retryAt)).append(" own retries ").append(new java.util.TreeMap<>(ownRetries)).append('\n');
    b.append("round end ").append(roundEndStep).append(" replans ").append(replans.stream().map(d -> d.kind() + ":" + d.fingerprint()).toList()).append(" regressed ")
        .append(regressed != null).append(" exhausted ").append(exhausted != null).append(" progressed ").append(progressed)
        .append(" replan ").append(replanOutcome).append('\n');
    b.append("integration committed ").append(committed).append(" to integrate ").append(toIntegrate).append(" integrating ")
        .append(integrating).append(" conflicts ").append(new java.util.TreeMap<>(conflicts)).append(" blocked ").append(integrationBlocked).append(" used ")
        .append(worktreesUsed).append(" origin ").append(originRunId).append('\n');
    b.append("resolving ")
        .append(resolving.values().stream().map(r -> r.task().id() + " carries " + r.carried() + " from " + r.branch() + "@" + r.tip()).toList())
        .append(" resolvers to plan ").append(resolversToPlan).append(" unmerged to fail ")
        .append(unmergedToFail).append(" committed files ").append(new java.util.TreeMap<>(committedFiles)).append('\n');
    b.append("stop ").append(stopReason).append(' ').append(stopMessage).append('\n');
    b.append("pending plan-check ").append(awaitingPlanCheck).append('/').append(planChecked).append(" gates ").append(gatesRequested)
        .append(" finish ").append(finishIssued).append(" awaiting ").append(awaitingTask).append(" release ").append(releaseDone).append('\n');
    return b.toString();
  }
}
