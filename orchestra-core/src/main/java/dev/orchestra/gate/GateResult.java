package dev.orchestra.gate;

import java.util.List;
import java.util.Objects;

/**
 * What a gate decided about a batch.
 *
 * @param gate the gate's name
 * @param verdict pass, fail, block, or nothing checked
 * @param findings the problems found; empty when the gate passed
 * @param summary one paragraph for people, for example the failing command and its cause
 * @param later suggestions beyond the goal, which go to the plan's Later list, never into the plan
 * @param risks what the gate noted that is neither a finding nor for later (a reviewer's regression
 *     risks and missing tests, a QA author's remaining risks): they go to the plan's Risks, so
 *     nothing a gate reports is dropped
 */
public record GateResult(
    String gate, Verdict verdict, List<Finding> findings, String summary, List<String> later, List<String> risks) {
  /** Validates and copies the components. */
  public GateResult {
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(verdict, "verdict");
    findings = List.copyOf(findings);
    Objects.requireNonNull(summary, "summary");
    later = List.copyOf(later);
    risks = List.copyOf(risks);
    if (verdict.passed() && !findings.isEmpty()) {
      throw new IllegalArgumentException("a passing gate result has no findings; use later for suggestions");
    }
  }

  /**
   * Creates a result without risks.
   *
   * @param gate the gate's name
   * @param verdict the verdict
   * @param findings the findings
   * @param summary the summary
   * @param later suggestions beyond the goal
   */
  public GateResult(String gate, Verdict verdict, List<Finding> findings, String summary, List<String> later) {
    this(gate, verdict, findings, summary, later, List.of());
  }

  /**
   * Returns a result without Later suggestions.
   *
   * @param gate the gate's name
   * @param verdict the verdict
   * @param findings the findings
   * @param summary the summary
   * @return the result
   */
  public static GateResult of(String gate, Verdict verdict, List<Finding> findings, String summary) {
    return new GateResult(gate, verdict, findings, summary, List.of());
  }

  /**
   * Returns a passing result.
   *
   * @param gate the gate's name
   * @param summary what was checked
   * @return the result
   */
  public static GateResult pass(String gate, String summary) {
    return new GateResult(gate, Verdict.PASS, List.of(), summary, List.of());
  }
}
