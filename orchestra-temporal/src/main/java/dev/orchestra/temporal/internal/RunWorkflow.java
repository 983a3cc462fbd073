package dev.orchestra.temporal.internal;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

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
}
