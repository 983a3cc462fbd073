package dev.orchestra.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The one implementation of {@link Plan}: an immutable, validated value. */
final class PlanDocument implements Plan {
  private final String goal;
  private final List<Task> tasks;
  private final Map<String, Task> byId;
  private final List<String> later;
  private final List<String> done;
  private final List<String> next;
  private final List<String> risks;
  private final List<String> releaseNotes;

  PlanDocument(
      String goal,
      List<Task> tasks,
      List<String> later,
      List<String> done,
      List<String> next,
      List<String> risks,
      List<String> releaseNotes) {
    this.goal = singleLine(goal, "goal");
    this.tasks = List.copyOf(tasks);
    Map<String, Task> index = new LinkedHashMap<>();
    for (Task t : this.tasks) {
      if (index.putIfAbsent(t.id(), t) != null) {
        throw new IllegalArgumentException("task id " + t.id() + " appears twice in the plan");
      }
    }
    for (Task t : this.tasks) {
      for (String dep : t.dependsOn()) {
        if (!index.containsKey(dep)) {
          throw new IllegalArgumentException(
              "task " + t.id() + " depends on " + dep + ", which is not in the plan");
        }
      }
    }
    checkAcyclic(this.tasks, index);
    this.byId = Collections.unmodifiableMap(index);
    this.later = items(later, "Later");
    this.done = items(done, "Done");
    this.next = items(next, "Next");
    this.risks = items(risks, "Risks");
    this.releaseNotes = items(releaseNotes, "Release notes");
  }

  private static String singleLine(String text, String what) {
    Objects.requireNonNull(text, what);
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(what + " must be a single line");
    }
    return text.strip();
  }

  private static List<String> items(List<String> items, String section) {
    List<String> out = new ArrayList<>(items.size());
    for (String item : items) {
      String s = singleLine(item, "an item of " + section);
      if (s.isEmpty()) {
        throw new IllegalArgumentException("an item of " + section + " is blank");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** Iterative depth-first search, so a long chain of 10,000 tasks cannot overflow the stack. */
  private static void checkAcyclic(List<Task> tasks, Map<String, Task> index) {
    Map<String, Integer> state = new HashMap<>(tasks.size() * 2); // 1 = on the current path, 2 = finished
    // Empty again after each root: shared, so a plan of thousands of tasks does not make two per task.
    Deque<String> path = new ArrayDeque<>();
    Deque<Integer> nextDep = new ArrayDeque<>();
    for (Task root : tasks) {
      if (state.containsKey(root.id())) {
        continue;
      }
      path.push(root.id());
      nextDep.push(0);
      state.put(root.id(), 1);
      while (!path.isEmpty()) {
        String id = path.peek();
        int i = nextDep.pop();
        List<String> deps = index.get(id).dependsOn();
        if (i < deps.size()) {
          nextDep.push(i + 1);
          String dep = deps.get(i);
          Integer s = state.get(dep);
          if (s == null) {
            state.put(dep, 1);
            path.push(dep);
            nextDep.push(0);
          } else if (s == 1) {
            List<String> cycle = new ArrayList<>();
            for (String p : path) {
              cycle.add(0, p);
              if (p.equals(dep)) {
                break;
              }
            }
            cycle.add(dep);
            throw new IllegalArgumentException(
                "task dependencies form a cycle: " + String.join(" -> ", cycle));
          }
        } else {
          state.put(id, 2);
          path.pop();
        }
      }
    }
  }

  @Override
  public String goal() {
    return goal;
  }

  @Override
  public List<Task> tasks() {
    return tasks;
  }

  @Override
  public Optional<Task> task(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<String> later() {
    return later;
  }

  @Override
  public List<String> done() {
    return done;
  }

  @Override
  public List<String> next() {
    return next;
  }

  @Override
  public List<String> risks() {
    return risks;
  }

  @Override
  public List<String> releaseNotes() {
    return releaseNotes;
  }

  @Override
  public Plan withTask(Task task) {
    List<Task> copy = new ArrayList<>(tasks);
    boolean replaced = false;
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).id().equals(task.id())) {
        copy.set(i, task);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      copy.add(task);
    }
    return new PlanDocument(goal, copy, later, done, next, risks, releaseNotes);
  }

  @Override
  public Plan withStatus(String id, TaskStatus status) {
    Task t = task(id).orElseThrow(() -> new IllegalArgumentException("no task " + id + " in the plan"));
    return withTask(t.withStatus(status));
  }

  @Override
  public Builder toBuilder() {
    Builder b = new Builder(goal);
    b.tasks = tasks;
    b.later = later;
    b.done = done;
    b.next = next;
    b.risks = risks;
    b.releaseNotes = releaseNotes;
    return b;
  }

  @Override
  public String toMarkdown() {
    return PlanMarkdown.write(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanDocument p
        && goal.equals(p.goal)
        && tasks.equals(p.tasks)
        && later.equals(p.later)
        && done.equals(p.done)
        && next.equals(p.next)
        && risks.equals(p.risks)
        && releaseNotes.equals(p.releaseNotes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(goal, tasks, later, done, next, risks, releaseNotes);
  }

  @Override
  public String toString() {
    return "Plan[" + goal + ", " + tasks.size() + " tasks, " + later.size() + " later]";
  }
}
