package dev.orchestra.plan;

import dev.orchestra.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The team's plan: the goal, its atomic tasks, a "Later" list for everything out of scope, and
 * the Done / Next / Risks summary of the last run.
 *
 * <p>Plans are immutable values; every {@code with...} method returns a new plan. A plan is always
 * consistent: task ids are unique, every dependency names a task of the plan, and dependencies
 * have no cycle.
 *
 * <h2>plan.md</h2>
 *
 * A plan is stored as Markdown a person can read and edit. {@link #fromMarkdown(String)} of {@link
 * #toMarkdown()} gives an equal plan back. The format:
 *
 * <pre>{@code
 * # Plan: Add a greeting to the CLI
 *
 * ## Tasks
 *
 * ### T1: Write the greeting module
 * - status: todo
 * - role: implementer
 * - depends on: T0, T2
 * - write scope:
 *   - src/greet/**
 * - acceptance:
 *   - greet() returns "hello"
 * - notes: one line of context
 *
 * ## Later
 * - Support other languages
 *
 * ## Done
 * ## Next
 * ## Risks
 * - The CLI has no tests
 *
 * ## Release notes
 * - The CLI greets you
 * - Rollback: revert the merge commit
 * }</pre>
 *
 * <p>Rules: the first heading is {@code # Plan: <goal>}. Sections are {@code ## Tasks}, {@code ##
 * Later}, {@code ## Done}, {@code ## Next}, {@code ## Risks} and {@code ## Release notes}, each
 * optional, in any order (Release notes is written only when there are some). A
 * task starts with {@code ### <id>: <title>}; its fields are {@code - name: value} lines, and list
 * fields (write scope, acceptance) take indented {@code - item} lines. Missing fields default to
 * status todo, role implementer and empty lists. Blank lines and {@code <!-- comments -->} are
 * ignored. Anything else is an error that names the line and what was expected.
 */
public interface Plan {

  /** Returns the goal the plan serves. */
  String goal();

  /** Returns the tasks in plan order. */
  List<Task> tasks();

  /**
   * Returns a task by id.
   *
   * @param id the task id
   * @return the task, or empty when the plan has no such task
   */
  Optional<Task> task(String id);

  /** Returns the out-of-scope items kept for later. */
  List<String> later();

  /** Returns the "Done" part of the summary. */
  List<String> done();

  /** Returns the "Next" part of the summary. */
  List<String> next();

  /** Returns the "Risks" part of the summary. */
  List<String> risks();

  /**
   * Returns the release notes of the last green run with a release manager: the user-facing notes,
   * then lines for internal notes, rollout, rollback and the pre-deploy checklist. Empty when
   * there are none.
   */
  default List<String> releaseNotes() {
    return List.of();
  }

  /**
   * Returns this plan with a task added, or replaced when the plan has a task with its id.
   *
   * @param task the task
   * @return the new plan
   * @throws IllegalArgumentException when the result would be inconsistent
   */
  Plan withTask(Task task);

  /**
   * Returns this plan with a task's status changed.
   *
   * @param id the task id
   * @param status the new status
   * @return the new plan
   * @throws IllegalArgumentException when the plan has no such task
   */
  Plan withStatus(String id, TaskStatus status);

  /** Returns a builder pre-filled with this plan. */
  Builder toBuilder();

  /** Returns the plan as plan.md Markdown. */
  String toMarkdown();

  /**
   * Returns a builder for a plan.
   *
   * @param goal the goal, one line
   * @return a new builder
   */
  static Builder builder(String goal) {
    return new Builder(goal);
  }

  /**
   * Parses plan.md Markdown.
   *
   * @param markdown the text
   * @return the plan
   * @throws PlanFormatException naming the line and what was expected when the text is malformed
   */
  static Plan fromMarkdown(String markdown) {
    return PlanMarkdown.parse(markdown, "plan.md");
  }

  /**
   * Parses plan.md Markdown read from a named source, which errors name.
   *
   * @param markdown the text
   * @param source where it was read, for example the file's path
   * @return the plan
   * @throws PlanFormatException naming the source, the line and what was expected when the text
   *     is malformed
   */
  static Plan fromMarkdown(String markdown, String source) {
    return PlanMarkdown.parse(markdown, source);
  }

  /**
   * Reads a plan.md file.
   *
   * @param file the file
   * @return the plan
   * @throws PlanFormatException naming the file, line and what was expected
   * @throws UncheckedIOException when the file cannot be read
   */
  static Plan read(Path file) {
    try {
      return PlanMarkdown.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plan " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes this plan to a file atomically: through a temporary file in the same folder and an
   * atomic move, so a reader or a crash never sees half a plan.
   *
   * @param file the file
   * @throws UncheckedIOException when the file cannot be written
   */
  default void write(Path file) {
    AtomicFiles.writeString(file, toMarkdown());
  }

  /** Builds {@link Plan}s. Not thread-safe. */
  final class Builder {
    String goal;
    List<Task> tasks = List.of();
    List<String> later = List.of();
    List<String> done = List.of();
    List<String> next = List.of();
    List<String> risks = List.of();
    List<String> releaseNotes = List.of();

    Builder(String goal) {
      this.goal = java.util.Objects.requireNonNull(goal, "goal");
    }

    /**
     * Sets the goal.
     *
     * @param goal the goal, one line
     * @return this builder
     */
    public Builder goal(String goal) {
      this.goal = java.util.Objects.requireNonNull(goal, "goal");
      return this;
    }

    /**
     * Sets the tasks.
     *
     * @param tasks the tasks, in plan order
     * @return this builder
     */
    public Builder tasks(List<Task> tasks) {
      this.tasks = List.copyOf(tasks);
      return this;
    }

    /**
     * Sets the tasks.
     *
     * @param tasks the tasks, in plan order
     * @return this builder
     */
    public Builder tasks(Task... tasks) {
      return tasks(List.of(tasks));
    }

    /**
     * Sets the Later list.
     *
     * @param items one line each
     * @return this builder
     */
    public Builder later(List<String> items) {
      this.later = List.copyOf(items);
      return this;
    }

    /**
     * Sets the Done / Next / Risks summary.
     *
     * @param done what was done
     * @param next what comes next
     * @param risks the known risks
     * @return this builder
     */
    public Builder summary(List<String> done, List<String> next, List<String> risks) {
      this.done = List.copyOf(done);
      this.next = List.copyOf(next);
      this.risks = List.copyOf(risks);
      return this;
    }

    /**
     * Sets the release notes.
     *
     * @param notes one line each
     * @return this builder
     */
    public Builder releaseNotes(List<String> notes) {
      this.releaseNotes = List.copyOf(notes);
      return this;
    }

    /**
     * Returns the plan.
     *
     * @return a new plan
     * @throws IllegalArgumentException when ids repeat, a dependency is unknown, dependencies form
     *     a cycle, or a text has a line break
     */
    public Plan build() {
      return new PlanDocument(goal, tasks, later, done, next, risks, releaseNotes);
    }
  }
}
