package dev.orchestra.agent;

import dev.orchestra.Json;
import dev.orchestra.ParserFuzzTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random and mutated model answers for every role's report parser (see {@link ParserFuzzTest}). */
final class ReportsFuzzTest {
  @Test
  void modelReports() {
    for (String role : List.of("orchestrator", "reviewer", "ci_runner", "qa_test_author", "security_reviewer", "explorer", "implementer", "release_manager")) {
      String seed =
          switch (role) {
            case "orchestrator" -> Json.plan(List.of(Json.task("T1", "a", List.of("x"), List.of()), Json.task("T2", "b", List.of(), List.of("T1"))), List.of("l"), List.of("r"));
            case "reviewer" -> Json.review(false, "a.java", 3, "bad", "fix", List.of("later"));
            case "ci_runner" -> Json.ciDiagnosis("cause", "f", "fix");
            case "qa_test_author" -> Json.qaPass();
            case "security_reviewer" -> Json.securityClean();
            case "explorer" -> Json.exploration("p", "c");
            case "release_manager" -> Json.release();
            default -> Json.implemented("done");
          };
      ParserFuzzTest.fuzz("report " + role, seed, input -> Reports.parse(role, input, List.of()), Reports.ParseException.class);
    }
  }

}
