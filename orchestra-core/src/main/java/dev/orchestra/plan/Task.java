package dev.orchestra.plan;

import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.WriteScopes;
import dev.orchestra.role.BuiltInRoles;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One atomic piece of work in a {@link Plan}.
 *
 * <p>All text is single-line and stripped of surrounding spaces, so a task survives a round trip
 * through plan.md unchanged.
 *
 * @param id a short identifier unique in the plan, for example {@code T3}: letters, digits, {@code
 *     .}, {@code _} or {@code -}
 * @param title what to do, in a few words
 * @param acceptanceCriteria checks that tell whether the task is done
 * @param status where the task stands
 * @param dependsOn ids of tasks that must be done before this one starts
 * @param writeScope the paths or globs (relative to the workspace root, {@code /}-separated) the
 *     task may write; empty for a task that writes nothing
 * @param role the name of the role that carries the task out
 * @param notes one line of context, for example why the task failed; empty when none
 */
public record Task(
    String id,
    String title,
    List<String> acceptanceCriteria,
    TaskStatus status,
    List<String> dependsOn,
    List<String> writeScope,
    String role,
    String notes) {

  /**
   * Validates and normalises the components.
   *
   * @throws IllegalArgumentException when the id is malformed, the title is blank, a text has a
   *     line break, or the task depends on itself
   */
  public Task {
    Objects.requireNonNull(id, "id");
    if (!Text.isName(id, true)) {
      throw new IllegalArgumentException(
          "task id must be letters, digits, '.', '_' or '-', got '" + id + "'");
    }
    title = line(title, id, "title of task ");
    if (title.isEmpty()) {
      throw new IllegalArgumentException("task " + id + " needs a title");
    }
    acceptanceCriteria = lines(acceptanceCriteria, id, "acceptance criterion of task ");
    Objects.requireNonNull(status, "status");
    dependsOn = distinctIds(dependsOn, id);
    writeScope = lines(writeScope, id, "write scope of task ");
    role = Text.checkRoleName(role);
    notes = line(notes, id, "notes of task ");
  }

  // The checks below run for every status change of every task, so they avoid regular
  // expressions and streams, build error messages only on error, and return the lists they are
  // given when those are already immutable and clean (List.copyOf then copies nothing).

  private static String line(String text, String id, String what) {
    if (text == null) {
      throw new NullPointerException(what + id);
    }
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(what + id + " must be a single line: '" + text + "'");
    }
    return text.strip();
  }

  private static List<String> lines(List<String> texts, String id, String what) {
    boolean clean = true;
    for (String t : texts) {
      String c = line(t, id, what);
      if (c.isEmpty()) {
        throw new IllegalArgumentException(what + id + " must not be blank");
      }
      clean &= c.length() == t.length();
    }
    if (clean) {
      return List.copyOf(texts);
    }
    String[] stripped = new String[texts.size()];
    int i = 0;
    for (String t : texts) {
      stripped[i++] = t.strip();
    }
    return List.of(stripped);
  }

  private static List<String> distinctIds(List<String> ids, String id) {
    List<String> copy = List.copyOf(ids);
    boolean repeated = false;
    for (int i = 0; i < copy.size(); i++) {
      String dep = copy.get(i);
      if (!Text.isName(dep, true)) {
        throw new IllegalArgumentException("task " + id + " depends on a malformed id '" + dep + "'");
      }
      if (dep.equals(id)) {
        throw new IllegalArgumentException("task " + id + " depends on itself");
      }
      repeated |= copy.indexOf(dep) < i;
    }
    return repeated ? List.copyOf(new LinkedHashSet<>(copy)) : copy; // the first of each kept
  }

  /**
   * Returns a builder for a task to do, carried out by the implementer role.
   *
   * @param id the task id
   * @param title the title
   * @return a new builder
   */
  public static Builder builder(String id, String title) {
    return new Builder(id, title);
  }

  /** Returns a builder pre-filled with this task. */
  public Builder toBuilder() {
    Builder b = new Builder(id, title);
    b.acceptanceCriteria = acceptanceCriteria;
    b.status = status;
    b.dependsOn = dependsOn;
    b.writeScope = writeScope;
    b.role = role;
    b.notes = notes;
    return b;
  }

  /**
   * Returns this task with another status.
   *
   * @param newStatus the status
   * @return a task equal to this one but for its status
   */
  public Task withStatus(TaskStatus newStatus) {
    return newStatus == status
        ? this
        : new Task(id, title, acceptanceCriteria, newStatus, dependsOn, writeScope, role, notes);
  }

  /**
   * Returns this task with other notes.
   *
   * @param newNotes one line of notes
   * @return a task equal to this one but for its notes; this task when the notes are the same
   */
  public Task withNotes(String newNotes) {
    return notes.equals(newNotes) ? this : new Task(id, title, acceptanceCriteria, status, dependsOn, writeScope, role, newNotes);
  }

  /**
   * Returns whether this task may write a file: its write scope covers the path, or it has no
   * scope and may write anywhere.
   *
   * @param relativePath the file's path relative to the workspace, with {@code /} separators
   * @return whether the path is in this task's write scope
   */
  public boolean mayWrite(String relativePath) {
    Objects.requireNonNull(relativePath, "relativePath");
    return writeScope.isEmpty() || WriteScopes.covers(writeScope, relativePath);
  }

  /**
   * Returns whether this task and another could write the same file: a task without a write scope
   * may write anywhere, so it overlaps every task. Two globs are judged conservatively (they overlap
   * unless their literal folder prefixes diverge).
   *
   * @param other the other task
   * @return whether their write scopes overlap
   */
  public boolean writeScopeOverlaps(Task other) {
    Objects.requireNonNull(other, "other");
    return writeScope.isEmpty() || other.writeScope.isEmpty() || WriteScopes.overlap(writeScope, other.writeScope);
  }

  /** Builds {@link Task}s. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final String title;
    private List<String> acceptanceCriteria = List.of();
    private TaskStatus status = TaskStatus.TODO;
    private List<String> dependsOn = List.of();
    private List<String> writeScope = List.of();
    private String role = BuiltInRoles.IMPLEMENTER;
    private String notes = "";

    private Builder(String id, String title) {
      this.id = id;
      this.title = title;
    }

    /**
     * Sets the acceptance criteria.
     *
     * @param criteria the criteria
     * @return this builder
     */
    public Builder acceptanceCriteria(List<String> criteria) {
      this.acceptanceCriteria = List.copyOf(criteria);
      return this;
    }

    /**
     * Sets the acceptance criteria.
     *
     * @param criteria the criteria
     * @return this builder
     */
    public Builder acceptanceCriteria(String... criteria) {
      return acceptanceCriteria(List.of(criteria));
    }

    /**
     * Sets the status; default todo.
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(TaskStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /**
     * Sets the tasks this one waits for.
     *
     * @param ids task ids
     * @return this builder
     */
    public Builder dependsOn(List<String> ids) {
      this.dependsOn = List.copyOf(ids);
      return this;
    }

    /**
     * Sets the tasks this one waits for.
     *
     * @param ids task ids
     * @return this builder
     */
    public Builder dependsOn(String... ids) {
      return dependsOn(List.of(ids));
    }

    /**
     * Sets the paths or globs the task may write.
     *
     * @param pathsOrGlobs workspace-relative paths or globs such as {@code src/main/**}
     * @return this builder
     */
    public Builder writeScope(List<String> pathsOrGlobs) {
      this.writeScope = List.copyOf(pathsOrGlobs);
      return this;
    }

    /**
     * Sets the paths or globs the task may write.
     *
     * @param pathsOrGlobs workspace-relative paths or globs
     * @return this builder
     */
    public Builder writeScope(String... pathsOrGlobs) {
      return writeScope(List.of(pathsOrGlobs));
    }

    /**
     * Sets the role that carries the task out; default implementer.
     *
     * @param role the role name
     * @return this builder
     */
    public Builder role(String role) {
      this.role = Objects.requireNonNull(role, "role");
      return this;
    }

    /**
     * Sets one line of notes.
     *
     * @param notes the notes
     * @return this builder
     */
    public Builder notes(String notes) {
      this.notes = Objects.requireNonNull(notes, "notes");
      return this;
    }

    /**
     * Returns the task.
     *
     * @return a new task
     * @throws IllegalArgumentException when a component is invalid
     */
    public Task build() {
      return new Task(id, title, acceptanceCriteria, status, dependsOn, writeScope, role, notes);
    }
  }
}
