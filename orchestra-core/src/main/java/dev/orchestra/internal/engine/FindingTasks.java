package dev.orchestra.internal.engine;

import dev.orchestra.gate.Finding;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tasks findings become: their title, acceptance criterion, write scope and notes, and the
 * tasks a re-plan proposes, made to fit the plan. Pure functions over values.
 */
public final class FindingTasks {
  private static final int MAX_MESSAGE = 300;

  private FindingTasks() {}

  /**
   * Returns the task that fixes a new finding, on its first attempt.
   *
   * @param finding the finding
   * @param id the task's id, not yet in the plan
   * @return the task
   */
  public static Task newTask(Finding finding, String id) {
    FindingLedger.Entry first = new FindingLedger.Entry(finding.fingerprint(), finding.gate(), finding.file(), id, 1, false);
    return Task.builder(id, finding.taskTitle())
        .acceptanceCriteria(
            "The " + finding.gate() + " gate no longer reports: " + finding.message(),
            // The scope may include the check's own files; a fix that weakens the check is no fix.
            "The cause is fixed; the check itself changes only where it is wrong, and the change says why")
        .writeScope(scope(finding))
        .role(BuiltInRoles.IMPLEMENTER)
        .notes(notes(finding, "", first, scope(finding)))
        .build();
  }

  /**
   * The write scope of a finding's task, widened the way a person fixing it would: the file the
   * diagnosis named, its folder, and the files the failing check touched or named (the model that
   * diagnoses a failure often names the wrong file). A finding that names no file leaves the scope
   * open (the whole workspace), as a scope of only the check's files could shut out the fix.
   */
  public static List<String> scope(Finding finding) {
    if (finding.file().isEmpty()) {
      return List.of();
    }
    Set<String> scope = new LinkedHashSet<>();
    scope.add(finding.file());
    int slash = finding.file().lastIndexOf('/');
    if (slash > 0) {
      scope.add(finding.file().substring(0, slash) + "/**");
    }
    scope.addAll(finding.relatedFiles());
    List<String> valid = new ArrayList<>();
    for (String s : scope) {
      if (isScopeEntry(s)) {
        valid.add(s);
      }
    }
    return valid;
  }

  /** Whether a path from a model or a command's output can be a write-scope entry. */
  private static boolean isScopeEntry(String s) {
    try {
      Task.builder("x", "x").writeScope(s).build();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The notes of a finding's task: which gate found what and where, the task's state, what it may
   * write and why, and the tag the ledger restores itself from.
   *
   * @param finding the finding as last reported
   * @param state how the finding stands ("still reported after attempt 1"), or empty
   * @param entry the ledger's record
   * @param scope the task's write scope, as it is
   * @return one line
   */
  public static String notes(Finding finding, String state, FindingLedger.Entry entry, List<String> scope) {
    StringBuilder b = new StringBuilder();
    b.append(finding.gate()).append(" finding (").append(finding.severity().name().toLowerCase(Locale.ROOT)).append(')');
    if (!finding.location().isEmpty()) {
      b.append(" at ").append(finding.location());
    }
    b.append(": ").append(cut(finding.message()));
    if (!state.isEmpty()) {
      b.append("; ").append(state);
    }
    if (scope.size() > 1) {
      b.append("; may write the file the diagnosis named, its folder and the files the check touched: ")
          .append(String.join(", ", scope));
    }
    return b.append(' ').append(entry.tag()).toString();
  }

  /**
   * Returns a finding's task sent back to work: todo again, its acceptance criterion the finding as
   * last reported, its write scope widened with what the new report names (a task that could write
   * anywhere stays so), and its notes saying which attempt it is on.
   *
   * @param task the task as it stands
   * @param finding the finding as last reported
   * @param state how the finding stands, for the notes
   * @param entry the ledger's record, already on the new attempt
   * @return the task
   */
  public static Task reopened(Task task, Finding finding, String state, FindingLedger.Entry entry) {
    List<String> scope = task.writeScope();
    List<String> wider = scope(finding);
    if (!scope.isEmpty()) {
      Set<String> union = new LinkedHashSet<>(scope);
      if (wider.isEmpty()) {
        union.clear(); // the new report names no file: the fix may be anywhere
      } else {
        union.addAll(wider);
      }
      scope = List.copyOf(union);
    }
    List<String> criteria = new ArrayList<>(task.acceptanceCriteria());
    String reported = "The " + finding.gate() + " gate no longer reports: " + finding.message();
    if (!criteria.isEmpty() && criteria.get(0).startsWith("The " + finding.gate() + " gate no longer reports: ")) {
      criteria.set(0, reported);
    } else {
      criteria.add(0, reported);
    }
    return new Task(
        task.id(), task.title(), criteria, TaskStatus.TODO, task.dependsOn(), scope, task.role(), notes(finding, state, entry, scope));
  }

  /**
   * Makes the tasks a re-plan proposed for a finding fit the plan (see {@link #adopt}); the first
   * carries the finding's tag as re-planned, on the attempt after {@code attempts}.
   *
   * @param proposed the orchestrator role's tasks, at least one
   * @param plan the plan they join
   * @param finding the finding they fix
   * @param oldTask the finding's task that ran out of attempts (it carries the finding's tag)
   * @param attempts how many attempts were made
   * @return the tasks to add
   * @throws IllegalArgumentException when the tasks cannot fit the plan
   */
  public static List<Task> adoptReplan(List<Task> proposed, LivePlan plan, Finding finding, Task oldTask, int attempts) {
    if (proposed.isEmpty()) {
      throw new IllegalArgumentException("the new plan has no task");
    }
    String fingerprint = FindingLedger.fingerprintOf(oldTask.notes()).orElse(finding.fingerprint());
    FindingLedger.Entry entry = new FindingLedger.Entry(fingerprint, finding.gate(), finding.file(), oldTask.id(), attempts + 1, true);
    return adopt(proposed, plan, finding, entry);
  }

  /**
   * Makes the tasks a re-plan proposed fit the plan: ids already in use get fresh ones ({@code
   * R1}, {@code R2}, ...) and dependencies follow them; dependencies on tasks that do not exist
   * are dropped. The first task takes over the finding: it carries the finding's tag.
   *
   * @param proposed the orchestrator role's tasks, at least one
   * @param plan the plan they join
   * @param finding the finding they fix
   * @param entry the finding's record, already updated to its re-planned state
   * @return the tasks to add
   */
  public static List<Task> adopt(List<Task> proposed, LivePlan plan, Finding finding, FindingLedger.Entry entry) {
    Map<String, String> ids = new HashMap<>();
    Set<String> taken = new java.util.HashSet<>();
    for (Task t : proposed) {
      String id = t.id();
      if (ids.containsKey(t.id())) {
        throw new IllegalArgumentException("the new plan names task " + t.id() + " twice");
      }
      if (plan.contains(id) || taken.contains(id)) {
        int n = 1;
        while (plan.contains("R" + n) || taken.contains("R" + n)) {
          n++;
        }
        id = "R" + n;
      }
      taken.add(id);
      ids.put(t.id(), id);
    }
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < proposed.size(); i++) {
      Task t = proposed.get(i);
      List<String> deps = new ArrayList<>();
      for (String d : t.dependsOn()) {
        String mapped = ids.getOrDefault(d, plan.contains(d) ? d : null);
        if (mapped != null && !mapped.equals(ids.get(t.id()))) {
          deps.add(mapped);
        }
      }
      String notes = i == 0 ? notes(finding, "re-planned by the orchestrator role", entry, t.writeScope()) : t.notes();
      out.add(
          new Task(
              ids.get(t.id()), t.title(), t.acceptanceCriteria(), TaskStatus.TODO, deps, t.writeScope(), t.role(), notes));
    }
    return out;
  }

  private static String cut(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
