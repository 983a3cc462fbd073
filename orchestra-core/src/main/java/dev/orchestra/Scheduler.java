package dev.orchestra;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Runs a set of tasks in parallel: every ready task (its dependencies done) starts as soon as the
 * thread budget has room, longest dependency chain first; two tasks whose write scopes overlap
 * never run together; read-only tasks never wait on writers. A lowered budget stops new starts
 * only. The coordinating thread owns the plan; workers only run agents and report back.
 */
final class Scheduler {
  /** What a worker reports: the task's new state and what it produced. */
  record Outcome(TaskStatus status, String summary, List<String> changedFiles, RoleReport report) {}

  /** The work and the bookkeeping around it. */
  interface Hooks {
    /** Runs on a worker thread. Must not throw; failures are outcomes. */
    Outcome run(Task task);

    /** Runs on the coordinating thread before the task is handed to a worker. */
    void started(Task task);

    /** Runs on the coordinating thread after the task's status was updated. */
    void finished(Task task, Outcome outcome);
  }

  private record Completion(Task task, Outcome outcome) {}

  private static final Completion WAKE = new Completion(null, null);

  private final ExecutorService executor;
  private final IntSupplier limit;
  private final Predicate<Task> readOnly;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Map<String, Future<?>> running = new LinkedHashMap<>();
  private final Map<String, Task> runningTasks = new LinkedHashMap<>();

  Scheduler(ExecutorService executor, IntSupplier limit, Predicate<Task> readOnly) {
    this.executor = executor;
    this.limit = limit;
    this.readOnly = readOnly;
  }

  /** Wakes the coordinator, for example after the budget rose or a cancel. Thread-safe. */
  void wake() {
    completions.offer(WAKE);
  }

  /** Interrupts every running agent. Thread-safe with respect to the coordinator. */
  synchronized void interruptAll() {
    running.values().forEach(f -> f.cancel(true));
  }

  /**
   * Runs every TODO task of the plan that can run, until none is left that can start. Tasks whose
   * dependencies failed become BLOCKED.
   *
   * @param stopStarting checked before each start: when true, running tasks finish and nothing new
   *     starts. An interrupt of the coordinating thread interrupts the running agents; the method
   *     still returns only when all of them have reported back.
   */
  void runAll(LivePlan plan, Hooks hooks, BooleanSupplier stopStarting) {
    Map<String, List<String>> dependents = new HashMap<>();
    for (Task t : plan.tasks()) {
      for (String d : t.dependsOn()) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t.id());
      }
    }
    Map<String, Integer> chain = chainLengths(plan, dependents);
    Map<String, Integer> order = new HashMap<>();
    int i = 0;
    for (Task t : plan.tasks()) {
      order.put(t.id(), i++);
    }
    PriorityQueue<String> ready =
        new PriorityQueue<>(
            Comparator.<String>comparingInt(id -> -chain.getOrDefault(id, 1))
                .thenComparingInt(id -> order.getOrDefault(id, Integer.MAX_VALUE)));
    for (Task t : plan.tasks()) {
      if (t.status() == TaskStatus.TODO) {
        if (depsBroken(plan, t)) {
          block(plan, hooks, t, dependents);
        } else if (depsDone(plan, t)) {
          ready.add(t.id());
        }
      }
    }
    List<String> skipped = new ArrayList<>();
    while (true) {
      if (!stopStarting.getAsBoolean()) {
        skipped.clear();
        while (runningTasks.size() < limit.getAsInt() && !ready.isEmpty()) {
          String id = ready.poll();
          Task t = plan.task(id);
          if (t == null || t.status() != TaskStatus.TODO) {
            continue;
          }
          if (conflictsWithRunning(t)) {
            skipped.add(id);
            continue;
          }
          start(plan, hooks, t);
        }
        ready.addAll(skipped);
      }
      if (runningTasks.isEmpty()) {
        return;
      }
      Completion c;
      try {
        c = completions.take();
      } catch (InterruptedException e) {
        // A cancel: stop the agents, then keep collecting until every one has reported back, so
        // nothing is still writing when the run ends.
        interruptAll();
        continue;
      }
      if (c == WAKE) {
        continue;
      }
      synchronized (this) {
        running.remove(c.task().id());
      }
      runningTasks.remove(c.task().id());
      Task updated = plan.task(c.task().id());
      if (updated != null) {
        plan.setStatus(updated.id(), c.outcome().status());
        hooks.finished(plan.task(updated.id()), c.outcome());
      }
      if (c.outcome().status() == TaskStatus.DONE) {
        for (String dep : dependents.getOrDefault(c.task().id(), List.of())) {
          Task d = plan.task(dep);
          if (d != null && d.status() == TaskStatus.TODO && depsDone(plan, d)) {
            ready.add(dep);
          }
        }
      } else if (c.outcome().status() != TaskStatus.TODO) {
        for (String dep : dependents.getOrDefault(c.task().id(), List.of())) {
          Task d = plan.task(dep);
          if (d != null && d.status() == TaskStatus.TODO) {
            block(plan, hooks, d, dependents);
          }
        }
      }
    }
  }

  private void start(LivePlan plan, Hooks hooks, Task t) {
    plan.setStatus(t.id(), TaskStatus.RUNNING);
    Task runningTask = plan.task(t.id());
    runningTasks.put(t.id(), runningTask);
    hooks.started(runningTask);
    synchronized (this) {
      running.put(
          t.id(),
          executor.submit(
              () -> {
                Outcome o;
                try {
                  o = hooks.run(runningTask);
                } catch (RuntimeException | Error e) {
                  o = new Outcome(TaskStatus.FAILED, "unexpected error: " + e, List.of(), null);
                }
                completions.add(new Completion(runningTask, o));
              }));
    }
  }

  private boolean conflictsWithRunning(Task t) {
    if (readOnly.test(t)) {
      return false;
    }
    for (Task other : runningTasks.values()) {
      if (!readOnly.test(other) && WriteScopes.overlap(effectiveScope(t), effectiveScope(other))) {
        return true;
      }
    }
    return false;
  }

  /** A writer without a declared scope may write anywhere, so it conflicts with every writer. */
  private static List<String> effectiveScope(Task t) {
    return t.writeScope().isEmpty() ? List.of("**") : t.writeScope();
  }

  private static boolean depsDone(LivePlan plan, Task t) {
    for (String d : t.dependsOn()) {
      Task dep = plan.task(d);
      if (dep == null || dep.status() != TaskStatus.DONE) {
        return false;
      }
    }
    return true;
  }

  private static boolean depsBroken(LivePlan plan, Task t) {
    for (String d : t.dependsOn()) {
      Task dep = plan.task(d);
      if (dep == null || dep.status() == TaskStatus.FAILED || dep.status() == TaskStatus.BLOCKED) {
        return true;
      }
    }
    return false;
  }

  /** Marks a task and, transitively, its waiting dependents blocked. */
  private static void block(LivePlan plan, Hooks hooks, Task first, Map<String, List<String>> dependents) {
    Deque<String> todo = new ArrayDeque<>();
    todo.push(first.id());
    while (!todo.isEmpty()) {
      Task t = plan.task(todo.pop());
      if (t == null || t.status() != TaskStatus.TODO) {
        continue;
      }
      String broken =
          t.dependsOn().stream()
              .filter(d -> plan.task(d) == null || plan.task(d).status() == TaskStatus.FAILED || plan.task(d).status() == TaskStatus.BLOCKED)
              .findFirst()
              .orElse("?");
      plan.update(t.withStatus(TaskStatus.BLOCKED).withNotes("blocked: depends on " + broken + ", which did not finish"));
      hooks.finished(plan.task(t.id()), new Outcome(TaskStatus.BLOCKED, "depends on " + broken + ", which did not finish", List.of(), null));
      dependents.getOrDefault(t.id(), List.of()).forEach(todo::push);
    }
  }

  /** The longest chain of tasks that wait on each task, itself included, over tasks not yet done. */
  static Map<String, Integer> chainLengths(LivePlan plan, Map<String, List<String>> dependents) {
    // Tasks in reverse topological order (dependents before the tasks they wait on).
    Map<String, Integer> indegree = new HashMap<>();
    for (Task t : plan.tasks()) {
      indegree.putIfAbsent(t.id(), 0);
      for (String d : t.dependsOn()) {
        indegree.merge(t.id(), 1, Integer::sum);
      }
    }
    Deque<String> queue = new ArrayDeque<>();
    indegree.forEach((id, n) -> {
      if (n == 0) {
        queue.add(id);
      }
    });
    List<String> topo = new ArrayList<>();
    while (!queue.isEmpty()) {
      String id = queue.poll();
      topo.add(id);
      for (String dep : dependents.getOrDefault(id, List.of())) {
        if (indegree.merge(dep, -1, Integer::sum) == 0) {
          queue.add(dep);
        }
      }
    }
    Map<String, Integer> chain = new HashMap<>();
    for (int i = topo.size() - 1; i >= 0; i--) {
      String id = topo.get(i);
      int longest = 0;
      for (String dep : dependents.getOrDefault(id, List.of())) {
        longest = Math.max(longest, chain.getOrDefault(dep, 1));
      }
      Task t = plan.task(id);
      boolean counts = t != null && t.status() != TaskStatus.DONE;
      chain.put(id, longest + (counts ? 1 : 0));
    }
    return chain;
  }
}
