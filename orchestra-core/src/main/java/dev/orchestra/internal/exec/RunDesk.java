package dev.orchestra.internal.exec;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
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
 * <p>Holds the workspace's run lock from its opening to {@link #close}.
 */
public interface RunDesk extends AutoCloseable {

  /**
   * Feeds events the deciding engine observed itself (the run's start, a retry's wait ended, a
   * person's cancel).
   *
   * @param events the events, in order
   * @return the events fed, in order, with any the desk observed meanwhile (a budget change)
   */
  List<OrchestraEvent> observe(List<OrchestraEvent> events);

  /**
   * Feeds what one agent's task did, in the order the in-process engine would have: its events, then
   * its report (kept for its round's gates, or an explorer's for every later brief), how its model
   * calls went (the thread budget), the risks it found, and last its end.
   *
   * @param command the command the task ran
   * @param result what an executor returned for it
   * @return the events fed and observed, in order
   * @throws IllegalArgumentException when the result does not end with the task's {@code
   *     TaskFinished}
   */
  List<OrchestraEvent> taskEnded(Command.RunTask command, TaskResult result);

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
  List<OrchestraEvent> carryOut(Command command);

  /** Closes the journal and releases the run lock; idempotent. */
  @Override
  void close();
}
