package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.gate.GateResult;
import dev.orchestra.plan.Plan;
import dev.orchestra.model.TokenUsage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a run ended: why it stopped, the final plan with its Done / Next / Risks summary, the last
 * round's gate results, the tokens used and, for a green run with a release manager, the release
 * plan. Immutable.
 */
public final class RunResult {
  private final String runId;
  private final StopReason stopReason;
  private final String message;
  private final Plan plan;
  private final int rounds;
  private final TokenUsage usage;
  private final List<GateResult> gateResults;
  private final RoleReport.ReleasePlan releasePlan; // null: none

  RunResult(
      String runId,
      StopReason stopReason,
      String message,
      Plan plan,
      int rounds,
      TokenUsage usage,
      List<GateResult> gateResults,
      RoleReport.ReleasePlan releasePlan) {
    this.runId = Objects.requireNonNull(runId);
    this.stopReason = Objects.requireNonNull(stopReason);
    this.message = Objects.requireNonNull(message);
    this.plan = Objects.requireNonNull(plan);
    this.rounds = rounds;
    this.usage = Objects.requireNonNull(usage);
    this.gateResults = List.copyOf(gateResults);
    this.releasePlan = releasePlan;
  }

  /** Returns the run's id. */
  public String runId() {
    return runId;
  }

  /** Returns why the run stopped. */
  public StopReason stopReason() {
    return stopReason;
  }

  /** Returns whether the run ended green. */
  public boolean isGreen() {
    return stopReason.isGreen();
  }

  /** Returns one line for people saying why the run stopped. */
  public String message() {
    return message;
  }

  /** Returns the plan as it stood at the end (also written to plan.md). */
  public Plan plan() {
    return plan;
  }

  /** Returns how many rounds ran. */
  public int rounds() {
    return rounds;
  }

  /** Returns the tokens all model calls of the run used; for a resumed run, its earlier parts included. */
  public TokenUsage usage() {
    return usage;
  }

  /** Returns the gate results of the last round that ran gates, in gate order. */
  public List<GateResult> gateResults() {
    return gateResults;
  }

  /** Returns the release manager's plan, for a green run with a release_manager role. */
  public Optional<RoleReport.ReleasePlan> releasePlan() {
    return Optional.ofNullable(releasePlan);
  }

  /** Returns the "Done" summary: the finished tasks. */
  public List<String> done() {
    return plan.done();
  }

  /** Returns the "Next" summary: what is left. */
  public List<String> next() {
    return plan.next();
  }

  /** Returns the "Risks" summary. */
  public List<String> risks() {
    return plan.risks();
  }

  @Override
  public String toString() {
    return "RunResult[" + runId + ", " + stopReason + ": " + message + ", rounds=" + rounds + ", tokens="
        + usage.totalTokens() + "]";
  }
}
