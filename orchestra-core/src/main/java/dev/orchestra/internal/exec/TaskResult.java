package dev.orchestra.internal.exec;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one agent's task did, as the in-process engine would have fed it to its state machine. The
 * engine that asked applies the report, the health and the risks before it feeds the last event
 * (the task's end), as the in-process engine has them by then: the end may finish the batch, whose
 * gates read the reports, and the budget has already moved. A {@code StopRequested} among the
 * events is the task's reason to stop; the engine passes it over when its run already stops. An
 * event a task reports after its end (a late line from an agent's process) is not here.
 *
 * @param events the task's events in order: its tool calls, model calls and retries, a {@code
 *     StopRequested} when it found a reason to stop the run, and last its {@code TaskFinished}
 * @param health how each model call and attempt went, in order, for the run's thread budget
 * @param risks risks the task found for the plan (a write outside its scope), each with why
 * @param report the task's report, when its agent gave one
 */
public record TaskResult(List<OrchestraEvent> events, List<Health> health, List<Risks> risks, Optional<RoleReport> report) {
  /** Validates and copies the components. */
  public TaskResult {
    events = List.copyOf(events);
    health = List.copyOf(health);
    risks = List.copyOf(risks);
    Objects.requireNonNull(report, "report");
  }

  /**
   * How a model call or an agent's attempt went, for the thread budget.
   *
   * @param kind how
   * @param cause one line naming the call and the failure; empty for a success
   */
  public record Health(Kind kind, String cause) {
    /** Validates the components. */
    public Health {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(cause, "cause");
    }

    /** The kinds of outcome the thread budget tells apart. */
    public enum Kind {
      /** It answered. */
      SUCCESS,
      /** It was rate limited. */
      RATE_LIMITED,
      /** It failed in a way that may pass (a server error, a dropped connection). */
      UNSTABLE
    }
  }

  /**
   * Risks to add to the run's plan.
   *
   * @param reason why
   * @param risks one line each
   */
  public record Risks(String reason, List<String> risks) {
    /** Validates and copies the components. */
    public Risks {
      Objects.requireNonNull(reason, "reason");
      risks = List.copyOf(risks);
    }
  }
}
