package dev.orchestra.temporal.internal;

import io.temporal.activity.ActivityInterface;
import java.util.List;
import java.util.Map;

/**
 * What a run's workflow asks of workers. Events travel as journal lines, commands and results as
 * {@link Wire}'s JSON text. Public because Temporal's stubs need it; not Orchestra's API.
 */
@ActivityInterface
public interface RunActivities {

  /**
   * Opens the run's desk on this worker and returns the spec and budget policy the team decides by
   * and the task queue only this worker polls for the desk's later calls, as {@link Wire#team}
   * writes them. Through a git remote, the spec merges up to {@code mergesAtOnce} tasks' branches in
   * one command: as many as the workflow can take (0 from a workflow that knows none: one at a time).
   */
  String openDesk(String runId, int mergesAtOnce);

  /**
   * Opens the desk of a run whose desk's worker was lost, on this worker, from the run's journal in
   * its workspace, cut back to the run's first {@code known} events, the last of which is {@code
   * lastEvent} (a journal line), with the explorers' reports the workflow has (by task id, as
   * {@link Wire#report} writes them); returns what {@link #openDesk} returns. {@code mergesAtOnce} is
   * what the run's first desk answered: its machine and the workflow's must decide alike (0 from a
   * workflow that knows none: one at a time).
   */
  String reopenDesk(String runId, int known, String lastEvent, Map<String, String> explorations, int mergesAtOnce);

  /**
   * For a run whose workers share a git remote and whose desk's worker was lost: this worker, which
   * keeps desks and has a clone of the remote, takes the desk over; returns the task queue only it
   * polls, where {@link #stageJournal} and then {@link #reopenDesk} go. Forgets lines staged for the
   * run before. A worker takes one run's desk over at a time: while it keeps another run's desk, or
   * another run's claim is staged to within the last ten minutes, it refuses with a retryable
   * {@code DeskBusy} failure, which another worker may take.
   */
  String claimDesk(String runId);

  /**
   * Sends the approval requests of the agents the run's desk runs (the planner, the gates' roles,
   * the release manager) to the run's workflow, for a person to answer, as agents' tasks do with
   * {@link TaskCall#approvalsThroughRun}.
   */
  void routeApprovals(String runId);

  /**
   * Keeps, in this worker, the run's journal lines from its {@code from}-th event on, as the
   * workflow has them, for {@link #reopenDesk} to write into this clone's journal before it opens the
   * desk: the lost desk's journal was in another clone. Lines are staged in order, {@code from} being
   * how many are staged already.
   */
  void stageJournal(String runId, int from, List<String> lines);

  /**
   * As {@link #stageJournal} with the run's first {@code known} journal lines, the last of which is
   * {@code lastEvent}, taken from the copy the run's desk kept on the git remote ({@link
   * #keepJournal}) instead of from the workflow: for a desk lost while a workflow continued as new
   * read the journal back, before the workflow held it. Fails with a non-retryable {@code DeskLost}
   * when the remote keeps no copy, or one without those lines, or this worker holds no claim with
   * nothing staged yet.
   */
  void stageKeptJournal(String runId, int known, String lastEvent);

  /**
   * Pushes the run's journal, as the desk has written it, to the git remote the run's clones share,
   * where it outlives the desk's worker (see {@link #stageKeptJournal}).
   */
  void keepJournal(String runId);

  /**
   * Returns the run's journal lines from the desk, from its {@code from}-th event (0 is its {@code
   * RunStarted}) on, as many as fit in {@code maxChars} characters: for a workflow continued as new,
   * which rebuilds its machine from them.
   */
  List<String> journalLines(String runId, int from, long maxChars);

  /** Closes the run's desk on this worker, if open (a run that failed); releases its run lock. */
  void closeDesk(String runId);

  /** Feeds the run's desk events the workflow observed. */
  DeskReply observe(String runId, List<String> events);

  /** Runs one agent's task; returns what it did, as {@link Wire#result} writes it. */
  String runTask(TaskCall call);

  /**
   * Feeds the run's desk what tasks did, one after another in the order given: every task that
   * ended since the workflow last looked, in one call.
   */
  DeskReply tasksEnded(String runId, List<TaskEnd> ends);

  /** Carries out a command on the run's desk. */
  DeskReply carryOut(String runId, String command);

  /**
   * A person's cancel, reaching the command the run's desk is carrying out (its planner, its
   * gates): the desk asks the run to stop and interrupts that command, whose {@code carryOut} then
   * answers with the stop and the command's end. Returns whether a command was under way.
   */
  boolean interruptDesk(String runId);

  /**
   * Gives the run's desk a person's edit of the plan, as Markdown, for its next plan check.
   *
   * @throws io.temporal.failure.ApplicationFailure (not retried) when either text is not a plan
   */
  void editPlan(String runId, String base, String edited);
}
