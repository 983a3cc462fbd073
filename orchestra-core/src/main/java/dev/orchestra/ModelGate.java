package dev.orchestra;

import java.util.ArrayList;
import java.util.List;
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
  public Applicability applies(Batch batch) {
    if (!onlyWhenSensitive) {
      return Applicability.yes("runs after every batch");
    }
    Optional<String> why = SensitivityCheck.reason(batch);
    return why.map(Applicability::yes)
        .orElseGet(() -> Applicability.no("no change touches authentication, secrets, fetches, file access, permissions or user data"));
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
      case REVIEW -> {
        RoleReport.Review r = (RoleReport.Review) report;
        if (r.ship()) {
          yield new GateResult(name, Verdict.PASS, List.of(), "reviewer: ship", r.outOfScope());
        }
        List<Finding> mustFix = r.mustFix();
        if (mustFix.isEmpty()) {
          mustFix = List.of(new Finding(name, Severity.HIGH, "", 0, "the reviewer blocked without naming a must-fix item", "Ask the reviewer for the must-fix items"));
        }
        yield new GateResult(name, Verdict.BLOCK, mustFix, "reviewer: block, " + mustFix.size() + " must-fix", r.outOfScope());
      }
      case QA_REVIEW -> {
        RoleReport.QaReview q = (RoleReport.QaReview) report;
        yield q.findings().isEmpty()
            ? GateResult.pass(name, "qa: " + (q.confidence().isEmpty() ? "no findings" : q.confidence()))
            : GateResult.of(name, Verdict.FAIL, q.findings(), "qa: " + q.findings().size() + " findings");
      }
      case SECURITY_REVIEW -> {
        RoleReport.SecurityReview s = (RoleReport.SecurityReview) report;
        List<Finding> blocking = new ArrayList<>();
        List<String> later = new ArrayList<>();
        for (Finding f : s.findings()) {
          if (f.severity().compareTo(Severity.MEDIUM) <= 0) {
            blocking.add(f);
          } else {
            later.add("security (" + f.severity().name().toLowerCase(java.util.Locale.ROOT) + "): " + f.message());
          }
        }
        yield blocking.isEmpty()
            ? new GateResult(name, Verdict.PASS, List.of(), "security: nothing blocking", later)
            : new GateResult(name, Verdict.BLOCK, blocking, "security: " + blocking.size() + " findings", later);
      }
      default -> throw new OrchestraException(
          "the " + roleName + " role answered with a " + report.kind() + " report; expected its own form");
    };
  }

  @Override
  public String toString() {
    return "Gate[" + name + "]";
  }
}
