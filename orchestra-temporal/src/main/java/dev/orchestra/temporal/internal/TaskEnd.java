package dev.orchestra.temporal.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One task's end, for the run's desk.
 *
 * @param command the task's {@code RunTask}, as {@link Wire#command} writes it
 * @param result what it did, as {@link Wire#result} writes it
 * @param budgetChanges the budget changes the workflow decided from its outcomes, as journal lines,
 *     to go before the task's end
 * @param refers whether the desk's answer may put this end's lines (its result's events and the
 *     budget changes) as references to them ({@link Wire#referTo}) rather than repeat them; false
 *     in calls recorded before it existed, and left out of the payload when false, since a desk on
 *     older code refuses a property it does not know (Temporal's JSON converter fails on one)
 */
public record TaskEnd(
    String command, String result, List<String> budgetChanges, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean refers) {
  /** Validates and copies the components. */
  public TaskEnd {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(result, "result");
    budgetChanges = List.copyOf(budgetChanges);
  }

  /**
   * The lines of the ends that take references back, in order: each one's result's events, then
   * its budget changes. The desk refers to them ({@link Wire#referTo}) and the workflow, which
   * builds the same list from the same ends, resolves them ({@link Wire#resolve}).
   */
  public static List<String> referable(List<TaskEnd> ends) {
    return lines(ends.stream().filter(TaskEnd::refers).toList());
  }

  /**
   * Every end's lines, in the order {@link #referable} gives them: what a workflow resolves an
   * answer against. An answer in full holds no reference, so this resolves either kind.
   */
  public static List<String> lines(List<TaskEnd> ends) {
    return lines(ends, ends.stream().map(e -> Wire.resultLines(e.result())).toList());
  }

  /**
   * As {@link #lines(List)}, with each end's result lines read already: {@code resultLines.get(i)}
   * are those of {@code ends.get(i)}.
   */
  public static List<String> lines(List<TaskEnd> ends, List<List<String>> resultLines) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ends.size(); i++) {
      lines.addAll(resultLines.get(i));
      lines.addAll(ends.get(i).budgetChanges());
    }
    return lines;
  }
}
