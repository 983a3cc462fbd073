package dev.orchestra.internal.engine;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The decisions of a run as one deterministic state machine: given the run's state and the next
 * event (a task finished, a gate finished, the budget changed, plan.md was edited, the run was
 * asked to stop...), it changes the state and returns the events it decides (tasks started, the
 * plan updated by findings, a stop) and the commands the engine is to carry out (run this agent on
 * that task, run the gates, check plan.md, finish).
 *
 * <p>No threads, clocks, randomness or I/O: time and ids come in through events, so the same spec
 * and events give the same decisions. An engine drives it (in this JVM, or a Temporal workflow),
 * journals every event it is fed and every event it returns, and carries out the commands.
 * Resuming is replaying: a fresh machine fed the journal's events (see {@link #replay}) has the
 * state the run had, and continues from there.
 *
 * <p>Public only so that other Orchestra modules can drive it. Not thread-safe: one thread at a
 * time feeds it.
 */
public final class RunMachine {
  private final RunSpec spec;
  private final RunState state = new RunState();
  private final List<OrchestraEvent> decided = new ArrayList<>();
  private final List<Command> commands = new ArrayList<>();
  private final Integrations integrations;
  private final Rounds rounds;
  private final EventEffects effects;
  /** Set by {@link #replay}: until the next {@code RunStarted}, events are applied but nothing is decided. */
  private boolean awaitingStart;

  /**
   * Creates a machine for a run.
   *
   * @param spec the team's shape and the bounds
   */
  public RunMachine(RunSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    state.budget = spec.initialBudget();
    this.integrations = new Integrations(spec, state, this);
    this.rounds = new Rounds(spec, state, this, integrations);
    this.effects = new EventEffects(spec, state, this, rounds, integrations);
  }

  /** What the machine decided on one event. */
  public record Step(List<OrchestraEvent> events, List<Command> commands) {
    /** Copies the lists. */
    public Step {
      events = List.copyOf(events);
      commands = List.copyOf(commands);
    }
  }

  /** Returns the state, to read. */
  public RunState state() {
    return state;
  }

  /** Returns the spec the machine decides by. */
  public RunSpec spec() {
    return spec;
  }

  /**
   * Takes an event that happened and decides what follows.
   *
   * @param event an event the engine observed (never one this machine returned)
   * @return the events decided, to journal after {@code event}, and the commands to carry out
   */
  public Step step(OrchestraEvent event) {
    Objects.requireNonNull(event, "event");
    if (event instanceof OrchestraEvent.RunStarted) {
      awaitingStart = false;
    }
    decided.clear();
    commands.clear();
    apply(event);
    decide();
    return new Step(decided, commands);
  }

  /**
   * Rebuilds a run from its journal: feeds every event the engine observed and passes over the
   * ones this machine decides again itself. Commands are not returned: a replay does nothing.
   *
   * @param journal the run's events, oldest first (from its first {@code RunStarted} on)
   * @return this machine, in the state the run had after the last event
   */
  public RunMachine replay(List<OrchestraEvent> journal) {
    java.util.ArrayDeque<OrchestraEvent> expected = new java.util.ArrayDeque<>();
    for (OrchestraEvent e : journal) {
      if (!expected.isEmpty() && expected.peek().equals(e)) {
        expected.poll();
        continue;
      }
      // Either an event the engine observed, or the journal went another way than this spec would
      // (bounds raised for a resume): what is journalled is what happened.
      expected.clear();
      expected.addAll(step(e).events());
    }
    commands.clear();
    awaitingStart = true;
    return this;
  }

  /**
   * Rebuilds a run that goes on, as {@link #replay} does, but the machine decides again at once:
   * its next event continues the run the journal recorded, as if it had been fed all along. For a
   * copy of a live machine (a run's desk moved to another worker); the commands the last event
   * decided are the other copy's to carry out, and are dropped here.
   *
   * @param journal the run's events, oldest first, from its {@code RunStarted} on
   * @return this machine, in the state the run has after the last event
   */
  public RunMachine rebuild(List<OrchestraEvent> journal) {
    replay(journal);
    awaitingStart = false;
    return this;
  }

  // ------------------------------------------------------------------ decisions made here

  /** Decides an event: it is applied to the state at once, and returned to be journalled. */
  void emit(OrchestraEvent event) {
    apply(event);
    decided.add(event);
  }

  void command(Command command) {
    commands.add(command);
  }

  void stop(StopReason reason, String message) {
    if (state.stopReason == null) {
      emit(new OrchestraEvent.StopRequested(state.runId, state.now, reason, Text.oneLine(message)));
    }
  }

  void startTask(Task task, int round, List<String> attempts) {
    emit(new OrchestraEvent.TaskStarted(state.runId, state.now, task.id(), task.role(), task.title(), round));
    RunState.Resolving r = state.resolving.get(task.id());
    command(
        new Command.RunTask(
            state.plan != null && state.plan.contains(task.id()) ? state.plan.task(task.id()) : task, round, attempts,
            r != null ? List.of(r.conflict()) : state.conflicts.getOrDefault(task.id(), List.of()), r != null ? r.branch() : "",
            state.ownRetries.getOrDefault(task.id(), 0), r != null ? r.tip() : ""));
  }

  void planUpdated(String reason, List<String> ids, List<Task> tasks, List<String> risks) {
    if (tasks.isEmpty() && risks.isEmpty()) {
      return;
    }
    emit(
        new OrchestraEvent.PlanUpdated(
            state.runId, state.now, reason, state.plan.size() + (int) tasks.stream().filter(t -> !state.plan.contains(t.id())).count(),
            ids, state.plan.goal(), tasks, List.of(), List.of(), risks, false));
  }

  // ------------------------------------------------------------------ applying events

  private void apply(OrchestraEvent e) {
    effects.apply(e);
  }

  static final String EXPLORE = "explore-";

  static final String EDITED = "edited by hand";
  static final String REPLANNED = "re-planned: ";
  /** The reason of the {@code PlanUpdated} that adds tasks resolving conflicts (see {@code IntegrationConflicted.resolveByNewTask}). */
  static final String RESOLVING = "resolving conflicts: ";
  /** The reason of the {@code PlanUpdated} that fails tasks whose work a failed resolution was to integrate. */
  static final String NOT_INTEGRATED = "not integrated: ";

  // ------------------------------------------------------------------ deciding

  private void decide() {
    // Between a replay and the resumed run's start (the engine may restore a plan then), or after
    // the end, there is nothing to decide.
    if (state.phase == RunState.Phase.STOPPED || awaitingStart) {
      return;
    }
    if (state.stopReason == null) {
      checkLimits();
    }
    // Finished work is merged even while the run stops (a cancel aside), so that what the summary
    // calls done is on the integration branch.
    // A round's first merge waits for its check of plan.md: at a resume, a person's edit made
    // while the run was stopped decides what is merged.
    integrations.planIntegrationChanges();
    boolean planUnchecked = state.phase == RunState.Phase.ROUND_START && !state.planChecked;
    if (spec.isolated() && state.phase != RunState.Phase.FINISHING && state.stopReason != StopReason.CANCELLED && !state.integrationBlocked
        && !planUnchecked) {
      integrations.integrateNext();
    }
    if (state.stopReason == null) {
      switch (state.phase) {
        case NEW -> {
          if (spec.probes().isEmpty()) {
            startPlanner();
          } else {
            state.phase = RunState.Phase.EXPLORING;
            explore();
          }
        }
        case EXPLORING -> explore();
        case ROUND_START, BATCH, GATING, ROUND_END -> rounds.decide();
        case RELEASING -> {
          if (state.releaseDone) {
            stop(StopReason.GREEN, "every task is done and every gate passed in round " + state.round);
          }
        }
        default -> { } // PLANNING and FINISHING wait for the engine's answer
      }
    }
    // A stop decided just now, or earlier while agents were still at work: finish once they are back.
    // A stop before the round's plan check (a limit reached at a resume, plan.md unreadable) merges
    // nothing more: the work stays committed on its branches, for the next resume.
    boolean merged =
        state.toIntegrate.isEmpty() || state.stopReason == StopReason.CANCELLED || state.integrationBlocked || !spec.isolated()
            || (state.phase == RunState.Phase.ROUND_START && !state.planChecked);
    if (state.stopReason != null && state.running.isEmpty() && state.integrating.isEmpty() && merged && !state.finishIssued) {
      state.finishIssued = true;
      state.phase = RunState.Phase.FINISHING;
      command(new Command.Finish(state.stopReason, state.stopMessage));
    }
  }

  private void explore() {
    List<String> probes = spec.probes();
    while (state.probesStarted < probes.size() && state.running.size() < state.budget) {
      int i = state.probesStarted;
      Task t = Task.builder(EXPLORE + (i + 1), Text.oneLine(probes.get(i))).role(BuiltInRoles.EXPLORER).build();
      startTask(t, 0, List.of());
    }
    if (state.probesStarted >= probes.size() && state.exploring.isEmpty()) {
      startPlanner();
    }
  }

  private void startPlanner() {
    state.phase = RunState.Phase.PLANNING;
    state.awaitingTask = PLAN_TASK;
    Task planTask = Task.builder(PLAN_TASK, "Plan the work for the goal").role(BuiltInRoles.ORCHESTRATOR).build();
    emit(new OrchestraEvent.TaskStarted(state.runId, state.now, planTask.id(), planTask.role(), planTask.title(), 0));
    command(new Command.AskPlanner(planTask));
  }

  static final String PLAN_TASK = "plan";

  private void checkLimits() {
    // Bounds are checked where a round starts and while its batch starts tasks: exploring and
    // planning always finish, and gates that began judge the whole round before the run stops.
    if (state.phase != RunState.Phase.ROUND_START && state.phase != RunState.Phase.BATCH) {
      return;
    }
    long maxTokens = spec.bounds().maxTokens();
    if (maxTokens > 0 && state.usage.totalTokens() >= maxTokens) {
      stop(StopReason.TOKEN_LIMIT, "used " + state.usage.totalTokens() + " tokens, the limit is " + maxTokens);
      return;
    }
    Duration wall = spec.bounds().maxWallTime();
    if (!wall.isZero() && Duration.between(state.startedAt, state.now).compareTo(wall) >= 0) {
      stop(StopReason.TIME_LIMIT, "ran for " + wall + ", the limit");
    }
  }

  /**
   * Whether a task is one of the machine's own (explorers and the planner in round 0, the re-plan
   * or release it awaits): never a plan task, whatever a plan task happens to be called.
   */
  boolean ownTask(int round, String taskId) {
    return round == 0 || taskId.equals(state.awaitingTask);
  }

  static boolean explorer(int round, String taskId) {
    return round == 0 && taskId.startsWith(EXPLORE);
  }

  /** Explorer and planner bookkeeping when a special task finishes; see {@link Rounds#taskFinished}. */
  void specialFinished(OrchestraEvent.TaskFinished t) {
    if (explorer(t.round(), t.taskId())) {
      state.exploring.remove(t.taskId());
    } else if (t.taskId().equals(PLAN_TASK) && t.status() != TaskStatus.DONE) {
      state.awaitingTask = "";
    } else if (t.taskId().equals(Rounds.RELEASE_TASK)) {
      state.awaitingTask = "";
      state.releaseDone = true;
    }
  }

  /** Returns what a finding's task tried before (for its brief), or nothing. */
  public List<String> attemptsOf(String taskId) {
    FindingLedger.Entry e = state.ledger.entryForTask(taskId);
    return e == null ? List.of() : List.copyOf(e.tried);
  }
}
