package dev.orchestra.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

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

}
