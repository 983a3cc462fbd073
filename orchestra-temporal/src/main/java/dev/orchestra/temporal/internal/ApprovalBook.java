package dev.orchestra.temporal.internal;

import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's approval requests that wait for a person, and people's answers, as its workflow keeps
 * them (see {@link RunWorkflow#approvalAsked}). Filled by signals, which may hold anything: nothing
 * here throws on what they bring. Workflow code: deterministic, on the workflow's thread only.
 */
final class ApprovalBook {
  /** The run's id, for log lines: known once the workflow method runs, which a signal may precede. */
  private final java.util.function.Supplier<String> runId;
  /** Requests waiting for a person, oldest first: id to request text. */
  private final Map<String, String> asked = new LinkedHashMap<>();
  /** People's answers, by request id, until the run continues as new (no task then waits for one). */
  private final Map<String, String> answers = new HashMap<>();

  ApprovalBook(java.util.function.Supplier<String> runId) {
    this.runId = runId;
  }

  /**
   * A request an agent sent. An earlier request of the same task goes: an agent asks one thing at
   * a time, so nobody waits for that one any more (an attempt Temporal gave up on, a worker that
   * died).
   */
  void asked(String id, String request) {
    String taskId;
    try {
      taskId = id == null || request == null ? null : Wire.approvalRequest(request).taskId();
    } catch (RuntimeException e) {
      taskId = null;
    }
    if (taskId == null || answers.containsKey(id)) {
      Workflow.getLogger(ApprovalBook.class).warn("run {}: an approval request that cannot be read was left out", runId.get());
      return;
    }
    forgetTask(taskId);
    asked.put(id, request);
  }

  /** A person's answer; one to a request not waiting, or that cannot be read, is left out (logged). */
  void answered(String id, String decision) {
    boolean readable;
    try {
      readable = decision != null && Wire.decision(decision) != null;
    } catch (RuntimeException e) {
      readable = false;
    }
    if (id == null || !readable || asked.remove(id) == null) {
      Workflow.getLogger(ApprovalBook.class).warn("run {}: an answer to approval request {}, which waits for none or cannot be read, was left out", runId.get(), id);
      return;
    }
    answers.put(id, decision);
  }

  /** The asking agent stopped waiting. */
  void withdrawn(String id) {
    if (id != null) {
      asked.remove(id);
    }
  }

  /**
   * Forgets the requests of every agent but the running tasks': called when a desk call ended, when
   * no agent of the desk waits any more. A desk's worker that died while its agent waited never
   * withdrew that request, and a person must not be shown it.
   */
  void keepOnlyTasks(java.util.Set<String> running) {
    asked.values().removeIf(r -> !running.contains(Wire.approvalRequest(r).taskId()));
  }

  /** Forgets the requests of a task whose activity ended: nobody waits for them. */
  void forgetTask(String taskId) {
    asked.values().removeIf(r -> Wire.approvalRequest(r).taskId().equals(taskId));
  }

  /** The requests waiting, oldest first, as {@link Wire#pendingApproval} writes them. */
  List<String> waiting() {
    List<String> out = new ArrayList<>();
    asked.forEach((id, request) -> out.add(Wire.pendingApproval(id, request)));
    return out;
  }

  /** A request's answer, or an empty string while there is none. */
  String answer(String id) {
    return answers.getOrDefault(id, "");
  }
}
