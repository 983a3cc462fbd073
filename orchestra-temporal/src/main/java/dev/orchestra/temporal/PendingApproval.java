package dev.orchestra.temporal;

import dev.orchestra.role.ApprovalHandler;
import java.util.Objects;

/**
 * An agent's approval request waiting for a person's answer, in a run on Temporal whose approvals
 * are answered through the run ({@link TemporalOrchestrator.Builder#approvalsThroughRun}).
 *
 * @param id the request's id: answer it with {@link TemporalOrchestrator#answerApproval}
 * @param request what the agent wants to do, and why it needs approval
 */
public record PendingApproval(String id, ApprovalHandler.Request request) {
  /** Validates the components. */
  public PendingApproval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
  }
}
