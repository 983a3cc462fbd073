package dev.orchestra.temporal.internal;

import dev.orchestra.role.ApprovalHandler;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval requests of a run's agents, answered by a person through the run's workflow: a request
 * is signalled to the workflow, and its answer read back from it every {@code poll} until it
 * comes. The team's approval timeout interrupts the wait (the request is then withdrawn, and
 * counts as denied). Thread-safe.
 */
final class WorkflowApprovals implements ApprovalHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowApprovals.class);

  private final WorkflowClient client;
  private final String workflowId;
  private final Duration poll;

  /**
   * @param client the client the worker polls with
   * @param workflowId the run's workflow id: its latest workflow run answers, across continuations
   * @param poll how often the answer is looked for
   */
  WorkflowApprovals(WorkflowClient client, String workflowId, Duration poll) {
    this.client = Objects.requireNonNull(client, "client");
    this.workflowId = Objects.requireNonNull(workflowId, "workflowId");
    this.poll = Objects.requireNonNull(poll, "poll");
  }

  @Override
  public Decision decide(Request request) throws InterruptedException {
    String id = request.taskId() + "-" + UUID.randomUUID();
    RunWorkflow run = client.newWorkflowStub(RunWorkflow.class, workflowId);
    boolean answered = false;
    try {
      run.approvalAsked(id, Wire.approvalRequest(request));
      int failures = 0;
      while (true) {
        Thread.sleep(poll.toMillis());
        String answer;
        try {
          answer = run.approvalAnswer(id);
        } catch (RuntimeException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("stopped waiting for the answer to approval request " + id);
          }
          // The workflow's worker busy or restarting: the request still waits there.
          if (++failures % 10 == 1) {
            LOG.warn("run {}: reading the answer to approval request {} failed ({} times so far): {}", request.runId(), id, failures, e.toString());
          }
          continue;
        }
        if (!answer.isEmpty()) {
          answered = true;
          return Wire.decision(answer);
        }
      }
    } finally {
      if (!answered) {
        try {
          run.approvalWithdrawn(id); // a person must not answer a request nobody waits for
        } catch (RuntimeException e) {
          LOG.warn("run {}: approval request {} could not be withdrawn: {}", request.runId(), id, e.toString());
        }
      }
    }
  }
}
