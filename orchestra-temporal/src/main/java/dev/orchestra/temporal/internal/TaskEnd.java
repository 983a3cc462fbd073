package dev.orchestra.temporal.internal;

import java.util.List;
import java.util.Objects;

/**
 * One task's end, for the run's desk.
 *
 * @param command the task's {@code RunTask}, as {@link Wire#command} writes it
 * @param result what it did, as {@link Wire#result} writes it
 * @param budgetChanges the budget changes the workflow decided from its outcomes, as journal lines,
 *     to go before the task's end
 */
public record TaskEnd(String command, String result, List<String> budgetChanges) {
  /** Validates and copies the components. */
  public TaskEnd {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(result, "result");
    budgetChanges = List.copyOf(budgetChanges);
  }
}
