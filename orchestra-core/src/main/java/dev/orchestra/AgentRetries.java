package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.retry.AttemptFailure;
import dev.orchestra.internal.retry.RetryDecision;
import dev.orchestra.internal.retry.RetryRule;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.Role;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An agent's own failed attempts (a Codex turn on a rate limit, a crash; not a model call, which
 * the run retries itself): the thread budget hears of each, the run's retry rule decides whether
 * another attempt is made, and the retry is journalled. A plan task goes back to the queue and
 * waits there; a role asked for an answer of its own (planning, a gate, a probe) waits here and
 * tries again. Thread-safe.
 */
final class AgentRetries {
  private final RunContext run;
  /**
   * How many times each role's agent failed on its own in a row on a task (by role and task id) and
   * was tried again here; cleared when it answers or the rule gives up.
   */
  private final Map<String, Integer> retries = new ConcurrentHashMap<>();

  AgentRetries(RunContext run) {
    this.run = run;
  }

  /** The agent answered: its count starts afresh. */
  void answered(Role role, Task task) {
    retries.remove(key(role, task));
  }

  /**
   * Waits out the rule's backoff on this thread when another attempt is allowed.
   *
   * @return true when the attempt is to be made again, false when the rule gave up
   * @throws RunCancelled when the run was cancelled, before or during the wait
   */
  boolean retryHere(ModelProviderException e, Task task, Role role, AgentEvents events) {
    return scheduleRetry(e, task, role, events, retries.getOrDefault(key(role, task), 0), true);
  }

  private static String key(Role role, Task task) {
    return role.name() + "/" + task.id();
  }

  /**
   * An agent's own attempt failed in a way a later one may not (a rate limit, a crash): the thread
   * budget hears of it, and the task goes back to the queue at once. It waits out the run's backoff
   * there, holding no slot of the budget (the machine holds it until its {@code RetryDue}); then the
   * budget decides when it runs again, and a worktree of its own starts it from a clean tree. After
   * the run's model attempts it fails, naming the last failure.
   */
  AgentRunner.Outcome retryLater(ModelProviderException e, Task task, Role role, int retriesTaken, AgentEvents events) {
    try {
      if (!scheduleRetry(e, task, role, events, retriesTaken, false)) {
        return AgentRunner.Outcome.of(TaskStatus.FAILED, e.kind().name().toLowerCase(Locale.ROOT) + " after " + run.config().maxModelAttempts()
            + " attempts: " + e.getMessage());
      }
    } catch (RunCancelled c) {
      return AgentRunner.Outcome.of(TaskStatus.TODO, "interrupted; will run again");
    }
    return AgentRunner.Outcome.of(TaskStatus.TODO, e.kind().name().toLowerCase(Locale.ROOT) + "; will run again: " + Text.oneLine(e.getMessage()));
  }

  /**
   * Tells the thread budget of an agent's own failed attempt and, when the run's retry rule allows
   * another, journals the retry with the rule's backoff (the server's hint honoured) and, when
   * {@code wait}, waits it out on this thread.
   *
   * @param taken the retries taken so far: the machine's count for a plan task that goes back to
   *     the queue; for one that tries again here ({@code wait}), this runner's own count
   * @return true when the attempt is to be made again, false when the rule gave up
   * @throws RunCancelled when the run was cancelled, before or during the wait
   */
  private boolean scheduleRetry(ModelProviderException e, Task task, Role role, AgentEvents events, int taken, boolean wait) {
    String cause = role.name() + " on " + task.id() + ": " + Text.oneLine(e.getMessage());
    events.signal(e.kind() == ModelProviderException.Kind.RATE_LIMITED ? BudgetPolicy.Signal.RATE_LIMITED : BudgetPolicy.Signal.UNSTABLE, cause);
    if (run.cancelled()) {
      throw new RunCancelled();
    }
    String key = key(role, task);
    RetryDecision decision = ModelCaller.retryRule(run.config()).decide(new RetryRule.Taken(taken, 0), AttemptFailure.of(e), run.jitter());
    if (decision instanceof RetryDecision.GiveUp) {
      retries.remove(key);
      return false;
    }
    Duration delay = ((RetryDecision.Retry) decision).delay();
    if (wait) {
      retries.put(key, taken + 1);
    }
    events.observe(
        new OrchestraEvent.RetryScheduled(
            run.runId(), run.now(), role.name(), task.id(), role.model().orElse(run.config().defaultModel()), e.kind(), Text.oneLine(e.getMessage()),
            delay.toMillis(), taken + 2, "orchestrator"));
    if (!wait) {
      return true;
    }
    try {
      run.config().sleeper().sleep(delay);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RunCancelled();
    }
    return true;
  }

  /** Carries an agent's own retriable failure out of an agent's run, to {@link #retryLater}. */
  static final class RetryLater extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ModelProviderException failure;

    RetryLater(ModelProviderException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }

    ModelProviderException failure() {
      return failure;
    }
  }
}
