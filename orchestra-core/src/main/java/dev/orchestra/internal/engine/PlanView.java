package dev.orchestra.internal.engine;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import java.util.List;

/**
 * A read-only view of the run's plan as it changes ({@link RunState#planView()}). Not thread-safe:
 * read it under the run's lock, or take a {@link #copy()} there to read later.
 */
public interface PlanView {

  /** Returns a number that changes whenever the plan does: for knowing when to write it again. */
  long version();

  /** Returns the plan's goal. */
  String goal();

  /** Returns the task with this id, or null when the plan has none. */
  Task task(String id);

  /** Returns whether the plan has a task with this id. */
  boolean contains(String id);

  /** Returns the tasks, in plan order, in a new list. */
  List<Task> tasks();

  /** Returns the number of tasks. */
  int size();

  /** Returns the plan as it is now, built and checked. */
  Plan snapshot();

  /** Returns the plan's parts as they are now, copied without checks: cheap under the lock. */
  LivePlan.Copy copy();
}
