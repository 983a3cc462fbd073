package dev.orchestra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.plan.Task;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.testing.RoleAnswers;
import java.util.List;

/**
 * The JSON answers scripted roles give, so tests read as data. Role answers are written by {@link
 * RoleAnswers}, so they always have the fields the roles are asked for.
 */
public final class Json {
  public static final ObjectMapper M = new ObjectMapper();

  private Json() {}

  public static String exploration(String path, String command) {
    return RoleAnswers.exploration(new RoleReport.Exploration(List.of(path), List.of("check.sh"), List.of(command), List.of()));
  }

  /** A task for the implementer, with one acceptance criterion: its title is done. */
  public static Task task(String id, String title, List<String> scope, List<String> deps) {
    return Task.builder(id, title).acceptanceCriteria(title + " is done").dependsOn(deps).writeScope(scope).role(BuiltInRoles.IMPLEMENTER).build();
  }

  public static String plan(List<Task> tasks, List<String> later, List<String> risks) {
    return RoleAnswers.plan(tasks, later, risks);
  }

  /** The arguments of a write_file tool call. */
  public static String writeArgs(String path, String content) {
    ObjectNode o = M.createObjectNode();
    o.put("path", path);
    o.put("content", content);
    return o.toString();
  }

  public static String implemented(String result) {
    return RoleAnswers.implementation(result);
  }

  public static String ciDiagnosis(String cause, String file, String fix) {
    return RoleAnswers.diagnosis(new RoleReport.CiDiagnosis(List.of("sh check.sh"), false, cause, fix, file, 0));
  }

  public static String review(boolean ship, String file, int line, String mustFix, String fix, List<String> outOfScope) {
    List<Finding> findings = ship ? List.of() : List.of(new Finding(BuiltInRoles.REVIEWER, Severity.HIGH, file, line, mustFix, fix));
    return RoleAnswers.review(new RoleReport.Review(findings, List.of(), List.of(), ship, outOfScope));
  }

  public static String qaPass() {
    return RoleAnswers.qaPass("high", List.of("sh check.sh"));
  }

  public static String securityClean() {
    return RoleAnswers.security(new RoleReport.SecurityReview(List.of(), List.of(), List.of("grep for secrets")));
  }

  public static String release() {
    return RoleAnswers.release(
        new RoleReport.ReleasePlan(
            List.of("Parts and config added"),
            List.of("Built by the scripted team"),
            List.of("Merge and tag"),
            List.of("Revert the merge commit"),
            List.of("No migrations; no new environment variables")));
  }
}
