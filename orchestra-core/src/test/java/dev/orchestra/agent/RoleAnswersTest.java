package dev.orchestra.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.internal.json.Json;
import dev.orchestra.testing.RoleAnswers;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The published {@link dev.orchestra.testing.RoleAnswers} parse as the roles' reports. */
final class RoleAnswersTest {
  @Test
  void roleAnswersParseAsTheRolesReports() throws Exception {
    java.util.List<dev.orchestra.plan.Task> tasks = dev.orchestra.testing.RoleAnswers.independentTasks(3);
    RoleReport.PlanProposal plan =
        (RoleReport.PlanProposal) Reports.parse("orchestrator", dev.orchestra.testing.RoleAnswers.plan(tasks, List.of("l"), List.of("r")), List.of());
    assertEquals(tasks, plan.tasks());
    assertEquals(List.of("l"), plan.later());
    assertEquals("done", ((RoleReport.Implementation) Reports.parse("implementer", dev.orchestra.testing.RoleAnswers.implementation("done"), List.of())).result());
    assertEquals(true, ((RoleReport.Review) Reports.parse("reviewer", dev.orchestra.testing.RoleAnswers.ship(), List.of())).ship());
    RoleReport.Review block = (RoleReport.Review) Reports.parse("reviewer", dev.orchestra.testing.RoleAnswers.block("a.java", 3, "bad", "Fix a"), List.of());
    assertEquals("a.java:3", block.mustFix().get(0).location());
  }

  private static Finding finding(String gate, Severity severity, String message) {
    return new Finding(gate, severity, "src/A.java", 7, message, "Fix: " + message);
  }

  /** Each full-form writer, with a report its answer must parse back to. */
  static Stream<Arguments> reports() {
    return Stream.of(
        Arguments.of("explorer",
            new RoleReport.Exploration(List.of("A.java: the entry point"), List.of(".github/workflows/ci.yml"), List.of("mvn test"), List.of("B.java"))),
        Arguments.of("ci_runner", new RoleReport.CiDiagnosis(List.of("sh check.sh"), false, "a test fails", "fix the test", "T.java", 12)),
        Arguments.of("reviewer",
            new RoleReport.Review(List.of(finding("reviewer", Severity.HIGH, "null check")), List.of("risk"), List.of("a test"), false, List.of("later"))),
        Arguments.of("qa_test_author",
            new RoleReport.QaReview(List.of("T.java"), List.of("mvn test"), "high", List.of("untested: x"),
                List.of(finding("qa_test_author", Severity.LOW, "x is untested"), finding("qa_test_author", Severity.INFO, "y")))),
        Arguments.of("security_reviewer",
            new RoleReport.SecurityReview(List.of(finding("security_reviewer", Severity.CRITICAL, "a secret in the log")), List.of("redact"), List.of("grep"))),
        Arguments.of("release_manager",
            new RoleReport.ReleasePlan(List.of("notes"), List.of("internal"), List.of("merge", "tag"), List.of("revert"), List.of("no migrations"))));
  }

  @ParameterizedTest
  @MethodSource("reports")
  void aFullAnswerParsesBackToItsReport(String role, RoleReport report) throws Exception {
    String answer =
        switch (report.kind()) {
          case EXPLORATION -> RoleAnswers.exploration((RoleReport.Exploration) report);
          case CI_DIAGNOSIS -> RoleAnswers.diagnosis((RoleReport.CiDiagnosis) report);
          case REVIEW -> RoleAnswers.review((RoleReport.Review) report);
          case QA_REVIEW -> RoleAnswers.qa((RoleReport.QaReview) report);
          case SECURITY_REVIEW -> RoleAnswers.security((RoleReport.SecurityReview) report);
          case RELEASE_PLAN -> RoleAnswers.release((RoleReport.ReleasePlan) report);
          default -> throw new AssertionError(report);
        };
    assertEquals(report, Reports.parse(role, answer, List.of()));
    // Every field of the role's schema is written, in the schema's order, and nothing else.
    List<String> schemaFields = new ArrayList<>();
    Json.MAPPER.readTree(Reports.schemaFor(role).orElseThrow()).path("properties").fieldNames().forEachRemaining(schemaFields::add);
    List<String> written = new ArrayList<>();
    Json.MAPPER.readTree(answer).fieldNames().forEachRemaining(written::add);
    assertEquals(schemaFields, written);
  }

  @Test
  void theShortFormsWriteWhatTheyAlwaysWrote() {
    assertEquals("{\"whatChanged\":[\"done\"],\"commandsRun\":[],\"result\":\"done\"}", RoleAnswers.implementation("done"));
    assertEquals("{\"mustFix\":[],\"regressionRisks\":[],\"missingTests\":[],\"verdict\":\"ship\",\"outOfScope\":[]}", RoleAnswers.ship());
    assertEquals(
        "{\"mustFix\":[{\"severity\":\"high\",\"file\":\"a.java\",\"line\":3,\"message\":\"bad\",\"suggestedTask\":\"Fix a\"}],"
            + "\"regressionRisks\":[],\"missingTests\":[],\"verdict\":\"block\",\"outOfScope\":[]}",
        RoleAnswers.block("a.java", 3, "bad", "Fix a"));
    assertEquals(
        "{\"testsChanged\":[],\"commandsRun\":[\"sh t.sh\"],\"confidence\":\"high\",\"remainingRisks\":[],\"findings\":[]}",
        RoleAnswers.qaPass("high", List.of("sh t.sh")));
    assertEquals(
        "{\"userNotes\":[\"n\"],\"internalNotes\":[],\"rolloutSteps\":[],\"rollbackPlan\":[\"rb\"],\"preDeployChecklist\":[]}",
        RoleAnswers.release(List.of("n"), List.of("rb")));
    assertEquals(
        "{\"tasks\":[{\"id\":\"T1\",\"title\":\"Task 1\",\"acceptance\":[\"done\"],\"dependsOn\":[],\"writeScope\":[\"out/T1.txt\"],"
            + "\"role\":\"implementer\"}],\"later\":[\"l\"],\"risks\":[\"r\"]}",
        RoleAnswers.plan(RoleAnswers.independentTasks(1), List.of("l"), List.of("r")));
  }
}
