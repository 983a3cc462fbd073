package dev.orchestra.gate;

import dev.orchestra.OrchestraException;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.io.Text;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The gates that ask a role for a structured verdict: review, QA and security. */
final class ModelGate implements Gate {
  static final ModelGate REVIEW = new ModelGate("review", BuiltInRoles.REVIEWER, false);
  static final ModelGate QA = new ModelGate("qa", BuiltInRoles.QA_TEST_AUTHOR, false);
  static final ModelGate SECURITY = new ModelGate("security", BuiltInRoles.SECURITY_REVIEWER, true);

  private final String name;
  private final String roleName;
  private final boolean onlyWhenSensitive;

  private ModelGate(String name, String roleName, boolean onlyWhenSensitive) {
    this.name = name;
    this.roleName = roleName;
    this.onlyWhenSensitive = onlyWhenSensitive;
  }

  @Override
  public String name() {
    return name;
  }

  String roleName() {
    return roleName;
  }

  @Override
  public java.util.Set<String> requiredRoles() {
    return java.util.Set.of(roleName);
  }

  @Override
  public Applicability applies(Batch batch) {
    if (!onlyWhenSensitive) {
      return Applicability.yes("runs after every batch");
    }
    Optional<String> why = SensitivityCheck.reason(batch);
    return why.map(Applicability::yes)
        .orElseGet(() -> Applicability.no("no change touches authentication, secrets, fetches, commands, file access, permissions, cryptography, deserialisation, SQL or user data"));
  }

  @Override
  public GateResult evaluate(Batch batch, GateContext context) {
    Role role =
        context
            .role(roleName)
            .orElseThrow(
                () ->
                    new OrchestraException(
                        "the " + name + " gate needs the '" + roleName + "' role, which the team does not have"));
    String title =
        switch (roleName) {
          case BuiltInRoles.REVIEWER -> "Review the batch's change: ship or block";
          case BuiltInRoles.QA_TEST_AUTHOR -> "Check that the changed behaviour is tested and works";
          default -> "Review the batch's change for security problems";
        };
    RoleReport report = context.runRole(role, "gate-" + name + "-" + batch.round(), title, batch.describe());
    return switch (report.kind()) {
      case REVIEW -> review((RoleReport.Review) report);
      case QA_REVIEW -> {
        RoleReport.QaReview q = (RoleReport.QaReview) report;
        List<String> risks = prefixed("qa: remaining risk: ", q.remainingRisks());
        yield q.findings().isEmpty()
            ? new GateResult(name, Verdict.PASS, List.of(), "qa: " + q.confidence(), List.of(), risks)
            : new GateResult(name, Verdict.FAIL, ours(q.findings()), "qa: " + q.findings().size() + " findings", List.of(), risks);
      }
      case SECURITY_REVIEW -> {
        RoleReport.SecurityReview s = (RoleReport.SecurityReview) report;
        List<Finding> blocking = new ArrayList<>();
        List<String> later = new ArrayList<>();
        for (Finding f : ours(s.findings())) {
          if (f.severity().compareTo(Severity.MEDIUM) <= 0) {
            blocking.add(f);
          } else {
            later.add("security (" + f.severity().name().toLowerCase(Locale.ROOT) + "): " + f.message());
          }
        }
        String advice = advice(s);
        yield blocking.isEmpty()
            ? new GateResult(name, Verdict.PASS, List.of(), "security: nothing blocking" + advice, later)
            : new GateResult(name, Verdict.BLOCK, blocking, "security: " + blocking.size() + " findings" + advice, later);
      }
      case REFUSAL -> {
        // A refusal is not a verdict: the gate did not pass, and the refusal is reported as what it is.
        RoleReport.Refusal r = (RoleReport.Refusal) report;
        yield GateResult.of(
            name, Verdict.FAIL, List.of(Finding.refusal(name, roleName, r.refusal())), roleName + " refused: " + Text.oneLine(r.refusal()));
      }
      default -> throw new OrchestraException(
          "the " + roleName + " role answered with a " + report.kind() + " report; expected its own form");
    };
  }

  /**
   * The reviewer's verdict. A "ship" that still lists must-fix items is a block: the items are
   * what the reviewer says must change, whatever the verdict word says.
   */
  private GateResult review(RoleReport.Review r) {
    List<String> risks = new ArrayList<>(prefixed("reviewer: regression risk: ", r.regressionRisks()));
    risks.addAll(prefixed("reviewer: missing test: ", r.missingTests()));
    if (r.ship() && r.mustFix().isEmpty()) {
      return new GateResult(name, Verdict.PASS, List.of(), "reviewer: ship", r.outOfScope(), risks);
    }
    List<Finding> mustFix = ours(r.mustFix());
    String summary;
    if (r.ship()) {
      summary = "reviewer: ship, but with " + mustFix.size() + " must-fix items, so taken as block";
    } else if (mustFix.isEmpty()) {
      mustFix = List.of(new Finding(name, Severity.HIGH, "", 0, "the reviewer blocked without naming a must-fix item", "Ask the reviewer for the must-fix items"));
      summary = "reviewer: block, no must-fix item named";
    } else {
      summary = "reviewer: block, " + mustFix.size() + " must-fix";
    }
    return new GateResult(name, Verdict.BLOCK, mustFix, summary, r.outOfScope(), risks);
  }

  /**
   * The role's findings under this gate's name: a finding is known by the gate that reports it,
   * which is how the run tells whether that gate passed since (the parser names the role).
   */
  private List<Finding> ours(List<Finding> findings) {
    return findings.stream()
        .map(f -> f.gate().equals(name) ? f
            : new Finding(name, f.severity(), f.file(), f.line(), f.message(), f.suggestedTask(), f.relatedFiles(), f.key()))
        .toList();
  }

  private static List<String> prefixed(String prefix, List<String> items) {
    return items.stream().map(i -> prefix + i).toList();
  }

  /** The security reviewer's fixes and verification steps, kept with its summary. */
  private static String advice(RoleReport.SecurityReview s) {
    StringBuilder b = new StringBuilder();
    if (!s.fixes().isEmpty()) {
      b.append("; fixes: ").append(String.join("; ", s.fixes()));
    }
    if (!s.verificationSteps().isEmpty()) {
      b.append("; verify: ").append(String.join("; ", s.verificationSteps()));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "Gate[" + name + "]";
  }
}
