package dev.orchestra.temporal.internal;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A run as a Temporal workflow. Public because Temporal's stubs need it; not Orchestra's API (use
 * {@code TemporalOrchestrator}).
 */
@WorkflowInterface
public interface RunWorkflow {

  /**
   * Runs to the end.
   *
   * @param request the run
   * @return the run's {@code RunFinished} event as its journal line
   */
  @WorkflowMethod
  String run(RunRequest request);

  /**
   * Returns where the run stands, as the state machine describes it: phase, round, budget, usage,
   * what runs, and the plan.
   *
   * @return the description, for people
   */
  @QueryMethod
  String status();

  /**
   * Returns the run's {@code RunFinished} event as its journal line once it finished, or an empty
   * string. A cancelled workflow closes as cancelled whatever it returns (Temporal's Java SDK), so
   * this is how a cancelled run's finish is read.
   *
   * @return the line, or empty
   */
  @QueryMethod
  String finished();

  /**
   * Returns the run's events from the {@code from}-th on (counting from 0), as journal lines, in the
   * order the run's machine was fed them: the run's journal as it stands. At most about a megabyte
   * of text a call (at least one line); ask again from where it ended.
   *
   * @param from how many of the run's events the caller has already
   * @return the next events, possibly none
   */
  @QueryMethod
  List<String> events(int from);

  /**
   * Returns the run's plan as plan.md holds it, as the workflow's state machine has it now, or an
   * empty string before the orchestrator planned.
   *
   * @return the plan's Markdown, or empty
   */
  @QueryMethod
  String plan();

  /**
   * A person's edit of the plan: merged at the run's next plan check (a round's start or end), or at
   * its finish when no check follows, as an edit of plan.md is, against the plan the person started
   * from. Edits sent before a check are merged in the order they arrived; one whose texts are not
   * plans is left out (logged).
   *
   * @param base the plan's Markdown as the person saw it ({@link #plan})
   * @param edited the plan's Markdown as the person left it
   */
  @SignalMethod
  void editPlan(String base, String edited);

  /**
   * A task's model call or attempt ran into trouble (a rate limit, a transient failure), as it
   * happened: the workflow steps the thread budget down now rather than at the task's end. Sent by
   * the task's activity; the task's result holds the same outcome again, at {@code index}, and the
   * workflow counts it once.
   *
   * @param taskId the task
   * @param attempt the attempt of the task's activity that made the call
   * @param index the outcome's place among that attempt's outcomes, from 0
   * @param health the outcome, as {@link Wire#liveHealth} writes it with the task's start
   */
  @SignalMethod
  void taskHealth(String taskId, int attempt, int index, String health);

  /**
   * An agent asks a person's approval (sent by the worker its task runs on, for a run whose
   * approvals are answered through Temporal). Listed by {@link #approvals} until answered or
   * withdrawn.
   *
   * @param id the request's id, unique in the run
   * @param request the request, as {@link Wire#approvalRequest} writes it
   */
  @SignalMethod
  void approvalAsked(String id, String request);

  /**
   * A person's answer to an approval request; kept for the asking worker ({@link #approvalAnswer}).
   * An answer to a request not waiting (answered, withdrawn, never asked) is left out, logged.
   *
   * @param id the request's id
   * @param decision the decision, as {@link Wire#decision} writes it
   */
  @SignalMethod
  void approvalAnswered(String id, String decision);

  /**
   * The asking worker stopped waiting (its approval timeout, or its task stopped): the request is
   * no longer listed, and a later answer is left out.
   *
   * @param id the request's id
   */
  @SignalMethod
  void approvalWithdrawn(String id);

  /**
   * Returns the approval requests waiting for a person's answer, oldest first, each as {@link
   * Wire#pendingApproval} writes it.
   *
   * @return the requests, possibly none
   */
  @QueryMethod
  List<String> approvals();

  /**
   * Returns a request's answer, as {@link Wire#decision} writes it, or an empty string while there
   * is none.
   *
   * @param id the request's id
   * @return the answer, or empty
   */
  @QueryMethod
  String approvalAnswer(String id);
}
