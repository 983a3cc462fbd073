package dev.orchestra.internal.exec;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.plan.Plan;
import java.util.List;

/**
 * The part of a run that stays with its workspace while the run is decided elsewhere (a Temporal
 * workflow): the journal, plan.md, the listeners, the round's reports, and the commands that work on
 * the run as a whole (planning, re-planning, the release, checking plan.md, the gates, the finish).
 *
 * <p>The desk keeps a copy of the run's state machine, fed every event the deciding engine is to
 * feed its own, and decides nothing: each call returns the events it observed, already journalled,
 * which the deciding engine feeds to its machine in that order and no others. So both machines see
 * the same events in the same order and decide the same. Calls are to be made one at a time, in the
 * order the deciding engine wants its events; the desk serializes them all the same.
 *
 * <p>The thread budget is the deciding engine's: each answer says how the model calls made at the
 * desk went (the planner's, the gates'), a task's result says how its calls went, and the deciding
 * engine steps the budget ({@link BudgetLadder}) and feeds its changes as {@code BudgetChanged}
 * events like any other it observes.
 *
 * <p>Holds the workspace's run lock from its opening to {@link #close}.
 */
public interface RunDesk extends AutoCloseable {

  /**
   * Feeds events the deciding engine observed itself (the run's start, a retry's wait ended, a
   * person's cancel).
   *
   * @param events the events, in order
   * @return the events fed, in order, and the stop the run asked for meanwhile, if any (see {@link
   *     Answer#stops})
   */
  Answer observe(List<OrchestraEvent> events);

  /**
   * Feeds what one agent's task did, in the order the in-process engine would have: its events, then
   * its report (kept for its round's gates, or an explorer's for every later brief), the risks it
   * found, and last its end. The result's health is not read: the deciding engine steps the budget
   * (and may put the {@code BudgetChanged} events it decided before the task's end in the result's
   * events).
   *
   * @param command the command the task ran
   * @param result what an executor returned for it
   * @return the events fed, in order (with the plan update its risks make), and the stop the run
   *     asked for meanwhile, if any (see {@link Answer#stops})
   * @throws IllegalArgumentException when the result does not end with the task's {@code
   *     TaskFinished}
   */
  Answer taskEnded(Command.RunTask command, TaskResult result);

  /**
   * Carries out a command that works on the run as a whole. A command that throws ends as the
   * in-process engine ends it: the run is asked to stop {@code FAILED} and the agent it ran, if any,
   * ends failed. After {@link Command.Finish} the desk is closed.
   *
   * @param command any command but {@link Command.RunTask} and {@link Command.AwaitRetry}, which the
   *     deciding engine carries out itself
   * @return the events it observed, in order, ending with {@code RunFinished} for a finish
   * @throws IllegalArgumentException for a {@code RunTask} or an {@code AwaitRetry}
   * @throws IllegalStateException once the desk is closed
   */
  Answer carryOut(Command command);

  /**
   * A person's cancel, reaching the command the desk is carrying out: as {@code cancel()} in one
   * JVM, the run is asked to stop {@code CANCELLED} and the command's agent or gates are
   * interrupted (a gate's processes are killed). The stop and the command's end come back, in order,
   * in that {@link #carryOut}'s answer. Called from another thread while {@code carryOut} runs;
   * never blocks for longer than the desk takes to feed the stop.
   *
   * @return whether a command was being carried out; when none was, nothing is done (the call may
   *     not have reached the desk yet: ask again; or it ended: the deciding engine feeds its own
   *     stop)
   */
  boolean interrupt();

  /**
   * Sends the approval requests of the agents this desk runs (the planner, the gates' roles, the
   * release manager) to {@code handler} from now on, instead of the orchestrator's own handler: a
   * person answering through the engine that decides the run. The orchestrator's approval timeout
   * still applies.
   *
   * @param handler who answers
   */
  void approvalsBy(dev.orchestra.role.ApprovalHandler handler);

  /**
   * Takes a person's edit of the plan made elsewhere (sent to the deciding engine), for the next plan
   * check: merged there as an edit of plan.md is, but against the plan its author started from, so
   * that what the run did meanwhile is not taken back. Feeds nothing by itself.
   *
   * @param base the plan as the person saw it
   * @param edited the plan as the person left it
   * @throws IllegalStateException once the desk is closed
   */
  void editPlan(Plan base, Plan edited);

  /**
   * Returns the run's journal lines as written, from its {@code from}-th event (0 is its {@code
   * RunStarted}) on, as many as fit in {@code maxChars} characters (at least one, if there is one):
   * for a deciding engine that starts afresh (a workflow continued as new) and rebuilds its machine.
   *
   * @throws IllegalStateException once the desk is closed
   */
  List<String> journalLines(int from, long maxChars);

  /**
   * Pushes the run's journal, every line written so far, to the git remote the run's clones share
   * (see {@link dev.orchestra.internal.workspace.KeptJournals}): a copy that outlives this desk's
   * worker, from which another worker's clone can take the desk over. Blocks for the push.
   *
   * @throws IllegalStateException once the desk is closed, when the run has no git remote, or when
   *     git cannot push, saying why
   */
  void keepJournalAtRemote();

  /**
   * What the desk did on one call.
   *
   * @param events the events fed, in order, for the deciding engine to feed its machine
   * @param health how the model calls made at the desk meanwhile went, in order, for the budget
   * @param stops the stop the run asked for itself (it could not write the journal or plan.md)
   *     during a call that fed events the deciding engine gave ({@link #observe}, {@link
   *     #taskEnded}), not fed: the deciding engine may have fed more events since, so it feeds the
   *     stop itself, through {@link #observe}, where its machine stands (unless it stopped
   *     already). One per call at most, and a later call may give another until one is fed; empty
   *     otherwise. A stop during {@link #carryOut} is fed there, among the command's events.
   */
  record Answer(List<OrchestraEvent> events, List<TaskResult.Health> health, List<OrchestraEvent.StopRequested> stops) {
    /** Copies the lists. */
    public Answer {
      events = List.copyOf(events);
      health = List.copyOf(health);
      stops = List.copyOf(stops);
    }

    /** An answer that gives no stop to feed. */
    public Answer(List<OrchestraEvent> events, List<TaskResult.Health> health) {
      this(events, health, List.of());
    }
  }

  /** Closes the journal and releases the run lock; idempotent. */
  @Override
  void close();
}
