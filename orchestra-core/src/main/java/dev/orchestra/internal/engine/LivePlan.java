package dev.orchestra.internal.engine;

import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan while a run changes it: task statuses move in place (O(1) per change), and an
 * immutable {@link Plan} is made only when it is persisted.
 *
 * <p>Not thread-safe. The run's plan is part of a {@link RunMachine}'s state: only the machine
 * changes it, while it takes an event, and one thread at a time feeds the machine (the engine
 * holds its lock around each step, on whichever thread observed the event). Others read it under
 * that lock, or take a {@link #copy()} there to read later. An engine that works out a change
 * before it reports one (a person's edit merged, a re-plan's tasks fitted) does so on a plan of its
 * own made from a {@link #snapshot()}.
 */
public final class LivePlan implements PlanView {
  private String goal;
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Set<String> later = new LinkedHashSet<>();
  private final Set<String> risks = new LinkedHashSet<>();
  private List<String> done = List.of();
  private List<String> next = List.of();
  private List<String> releaseNotes = List.of();
  private long version;
  /** The last {@link #snapshot()} and the version it shows. */
  private Plan snapshot;
  private long snapshotVersion;

  public LivePlan(Plan plan) {
    replaceWith(plan);
  }

  /**
   * Replaces the whole plan (a person's edit, merged).
   *
   * @param plan the plan
   */
  public void replace(Plan plan) {
    replaceWith(plan);
  }

  /**
   * Adds tasks, or replaces those with the same id in place; new ones go at the end, in order. The
   * plan as a whole must stay consistent.
   *
   * @param changed the tasks
   * @throws IllegalArgumentException when the plan would be inconsistent
   */
  public void put(List<Task> changed) {
    version++;
    if (changed.isEmpty()) {
      return;
    }
    Map<String, Task> next = new LinkedHashMap<>(tasks);
    for (Task t : changed) {
      next.put(t.id(), t);
    }
    Plan checked = Plan.builder(goal).tasks(new ArrayList<>(next.values())).build();
    tasks.clear();
    checked.tasks().forEach(t -> tasks.put(t.id(), t));
  }

  /**
   * Removes tasks by id; ids not in the plan are passed over.
   *
   * @param ids the ids
   */
  public void remove(List<String> ids) {
    version++;
    ids.forEach(tasks::remove);
  }

  private void replaceWith(Plan plan) {
    version++;
    goal = plan.goal();
    tasks.clear();
    plan.tasks().forEach(t -> tasks.put(t.id(), t));
    later.clear();
    later.addAll(plan.later());
    risks.clear();
    risks.addAll(plan.risks());
    releaseNotes = plan.releaseNotes();
    done = plan.done();
    next = plan.next();
  }

  /** Returns a number that changes whenever the plan does: for knowing when to write it again. */
  public long version() {
    return version;
  }

  public String goal() {
    return goal;
  }

  public Task task(String id) {
    return tasks.get(id);
  }

  public boolean contains(String id) {
    return tasks.containsKey(id);
  }

  public List<Task> tasks() {
    return new ArrayList<>(tasks.values());
  }

  public int size() {
    return tasks.size();
  }

  public void update(Task task) {
    version++;
    if (!tasks.containsKey(task.id())) {
      throw new IllegalArgumentException("no task " + task.id() + " in the plan");
    }
    tasks.put(task.id(), task);
  }

  public void setStatus(String id, TaskStatus status) {
    version++;
    tasks.computeIfPresent(id, (k, t) -> t.withStatus(status));
  }

  /** Adds tasks; validates the result as a whole so a bad task cannot half-apply. */
  public void add(List<Task> added) {
    version++;
    List<Task> all = new ArrayList<>(tasks.values());
    all.addAll(added);
    Plan checked = Plan.builder(goal).tasks(all).build();
    tasks.clear();
    checked.tasks().forEach(t -> tasks.put(t.id(), t));
  }

  public void addLater(List<String> items) {
    version++;
    items.stream().map(Text::oneLine).filter(i -> !i.isEmpty()).forEach(later::add);
  }

  public void addRisks(List<String> items) {
    version++;
    items.stream().map(Text::oneLine).filter(i -> !i.isEmpty()).forEach(risks::add);
  }

  public String freshId(String prefix) {
    int n = 1;
    while (tasks.containsKey(prefix + n)) {
      n++;
    }
    return prefix + n;
  }

  /**
   * Returns the plan as it stands, as an immutable {@link Plan}. The run's end, its gates and its
   * release each ask for one while nothing changes in between: the copy is kept until the next
   * change, since building and checking a plan of thousands of tasks is the costliest thing the
   * run does outside its agents.
   */
  public Plan snapshot() {
    if (snapshot == null || snapshotVersion != version) {
      snapshot = copy().toPlan();
      snapshotVersion = version;
    }
    return snapshot;
  }

  /**
   * The plan's parts as they are now, copied without checks: cheap enough to take under the
   * scheduler's lock. {@link Copy#toPlan} builds (and checks) the plan later, outside it.
   */
  public Copy copy() {
    return new Copy(goal, new ArrayList<>(tasks.values()), new ArrayList<>(later), done, next, new ArrayList<>(risks), releaseNotes);
  }

  /** See {@link #copy()}. */
  public record Copy(
      String goal, List<Task> tasks, List<String> later, List<String> done, List<String> next, List<String> risks,
      List<String> releaseNotes) {
    public Plan toPlan() {
      return Plan.builder(goal).tasks(tasks).later(later).summary(done, next, risks).releaseNotes(releaseNotes).build();
    }
  }

  /**
   * Merges a person's edit of plan.md. {@code base} is what the run last wrote, {@code edited} is
   * the file now. The edit decides which tasks exist and what they say; for a task whose status
   * the person did not touch, the run's newer status wins. Tasks the run added after its last
   * write are kept. Returns the ids of tasks the edit added.
   */
  public List<String> mergeEdit(Plan base, Plan edited) {
    Map<String, Task> merged = new LinkedHashMap<>();
    List<String> added = new ArrayList<>();
    for (Task theirs : edited.tasks()) {
      Task baseTask = base.task(theirs.id()).orElse(null);
      Task ours = tasks.get(theirs.id());
      Task result = theirs;
      // A person cannot start a task: 'running' in their copy is a stale copy of ours, not an edit.
      if (baseTask != null && ours != null && (theirs.status() == baseTask.status() || theirs.status() == TaskStatus.RUNNING)) {
        result = theirs.withStatus(ours.status());
        if (!ours.notes().equals(baseTask.notes()) && theirs.notes().equals(baseTask.notes())) {
          result = result.withNotes(ours.notes());
        }
      }
      if (baseTask == null && ours == null) {
        added.add(theirs.id());
      }
      merged.put(theirs.id(), result);
    }
    for (Task ours : tasks.values()) {
      if (base.task(ours.id()).isEmpty() && !merged.containsKey(ours.id())) {
        merged.put(ours.id(), ours);
      }
    }
    Plan checked =
        Plan.builder(edited.goal())
            .tasks(new ArrayList<>(merged.values()))
            .later(union(edited.later(), minus(later, base.later())))
            .summary(edited.done(), edited.next(), union(edited.risks(), minus(risks, base.risks())))
            .releaseNotes(edited.releaseNotes())
            .build();
    replaceWith(checked);
    return added;
  }

  private static List<String> union(List<String> a, List<String> b) {
    Set<String> s = new LinkedHashSet<>(a);
    s.addAll(b);
    return new ArrayList<>(s);
  }

  private static List<String> minus(Set<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.removeAll(b);
    return out;
  }
}
