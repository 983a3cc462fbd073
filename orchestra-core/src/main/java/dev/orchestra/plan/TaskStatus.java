package dev.orchestra.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where a task stands. */
public enum TaskStatus {
  /** Not started. */
  TODO,
  /** An agent is working on it. */
  RUNNING,
  /** Finished and accepted by its agent. */
  DONE,
  /** Its agent failed. */
  FAILED,
  /** It cannot start because a task it depends on failed or is blocked. */
  BLOCKED,
  /**
   * A finding's task whose attempts ran out and whose work the orchestrator role re-planned: the
   * tasks of the new plan took it over. Neither done nor still to do; tasks that depend on it
   * wait on nothing more from it.
   */
  SUPERSEDED;

  /** Returns the word used in plan.md, for example {@code todo}. */
  public String markdownValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the status for a plan.md word, ignoring case.
   *
   * @param value the word
   * @return the status, or empty when the word is not a status
   */
  static Optional<TaskStatus> fromMarkdownValue(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(s -> s.markdownValue().equals(v)).findFirst();
  }

  /** Returns the plan.md words, comma separated, for error messages. */
  static String allowedValues() {
    return Arrays.stream(values()).map(TaskStatus::markdownValue).collect(Collectors.joining(", "));
  }

  /** Returns whether the task will not change any more in this round (done, failed, blocked or superseded). */
  public boolean isTerminal() {
    return this == DONE || this == FAILED || this == BLOCKED || this == SUPERSEDED;
  }
}
