package dev.orchestra.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.plan.Task;
import java.util.List;

/**
 * The answers of the built-in roles in the JSON form Orchestra asks models for, for scripting
 * a {@link ScriptedModelProvider} or a fake server without writing JSON by hand:
 *
 * <pre>{@code
 * model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(task1, task2))));
 * model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("done")));
 * model.on("reviewer").otherwise(Reply.text(RoleAnswers.ship()));
 * }</pre>
 */
public final class RoleAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RoleAnswers() {}

  /**
   * Returns the orchestrator role's plan.
   *
   * @param tasks the tasks (status and notes are not part of the answer)
   * @param later out-of-scope items
   * @param risks risks
   * @return the JSON answer
   */
  public static String plan(List<Task> tasks, List<String> later, List<String> risks) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode ts = o.putArray("tasks");
    for (Task t : tasks) {
      ObjectNode n = ts.addObject().put("id", t.id()).put("title", t.title());
      strings(n.putArray("acceptance"), t.acceptanceCriteria());
      strings(n.putArray("dependsOn"), t.dependsOn());
      strings(n.putArray("writeScope"), t.writeScope());
      n.put("role", t.role());
    }
    strings(o.putArray("later"), later);
    strings(o.putArray("risks"), risks);
    return o.toString();
  }

  /**
   * Returns the orchestrator role's plan without Later items or risks.
   *
   * @param tasks the tasks
   * @return the JSON answer
   */
  public static String plan(List<Task> tasks) {
    return plan(tasks, List.of(), List.of());
  }

  /**
   * Returns {@code n} independent tasks {@code T1..Tn}, each writing its own {@code out/Ti.txt}:
   * a plan shape benchmarks and load tests use.
   *
   * @param n how many tasks
   * @return the tasks
   */
  public static List<Task> independentTasks(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(i -> Task.builder("T" + i, "Task " + i).acceptanceCriteria("done").writeScope("out/T" + i + ".txt").build())
        .toList();
  }

  /**
   * Returns the implementer's report.
   *
   * @param result the outcome in one line
   * @return the JSON answer
   */
  public static String implementation(String result) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("whatChanged").add(result);
    o.putArray("commandsRun");
    o.put("result", result);
    return o.toString();
  }

  /** Returns the reviewer's verdict to ship. */
  public static String ship() {
    return review(true, "", 0, "", "");
  }

  /**
   * Returns the reviewer's verdict to block, with one must-fix item.
   *
   * @param file the file, or an empty string
   * @param line the line, or 0
   * @param message what must be fixed
   * @param suggestedTask the task that fixes it
   * @return the JSON answer
   */
  public static String block(String file, int line, String message, String suggestedTask) {
    return review(false, file, line, message, suggestedTask);
  }

  private static String review(boolean ship, String file, int line, String message, String fix) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode mustFix = o.putArray("mustFix");
    if (!ship) {
      mustFix.addObject().put("severity", "high").put("file", file).put("line", line).put("message", message).put("suggestedTask", fix);
    }
    o.putArray("regressionRisks");
    o.putArray("missingTests");
    o.put("verdict", ship ? "ship" : "block");
    o.putArray("outOfScope");
    return o.toString();
  }

  /**
   * Returns the QA test author's report with no findings.
   *
   * @param confidence how sure it is that the changed behaviour works, not blank
   * @param commandsRun the commands it ran to check, at least one
   * @return the JSON answer
   */
  public static String qaPass(String confidence, List<String> commandsRun) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("testsChanged");
    strings(o.putArray("commandsRun"), commandsRun);
    o.put("confidence", confidence);
    o.putArray("remainingRisks");
    o.putArray("findings");
    return o.toString();
  }

  /**
   * Returns the release manager's plan.
   *
   * @param userNotes the user-facing release notes, at least one
   * @param rollbackPlan how to roll back, at least one step
   * @return the JSON answer
   */
  public static String release(List<String> userNotes, List<String> rollbackPlan) {
    ObjectNode o = JSON.createObjectNode();
    strings(o.putArray("userNotes"), userNotes);
    o.putArray("internalNotes");
    o.putArray("rolloutSteps");
    strings(o.putArray("rollbackPlan"), rollbackPlan);
    o.putArray("preDeployChecklist");
    return o.toString();
  }

  private static void strings(ArrayNode into, List<String> items) {
    items.forEach(into::add);
  }
}
