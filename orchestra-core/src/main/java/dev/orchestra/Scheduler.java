package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.workspace.WriteScopes;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Runs a set of tasks in parallel: every ready task (its dependencies done) starts as soon as the
 * thread budget has room, longest dependency chain first; two tasks whose write scopes overlap
 * never run together; read-only tasks never wait on writers. A lowered budget stops new starts
 * only.
 *
 * <p>A worker that finishes a task records the outcome and, if the budget allows, takes the next
 * ready task itself: no hand-off to a coordinating thread between two tasks, which matters when a
 * model answers in milliseconds. All bookkeeping (the plan, the hooks' {@code started} and {@code
 * finished}) happens under one lock, so the plan is changed by one thread at a time.
 */
final class Scheduler {
  /** What a worker reports: the task's new state and what it produced. */
  record Outcome(TaskStatus status, String summary, List<String> changedFiles, RoleReport report) {}

  /** The work and the bookkeeping around it. */
  interface Hooks {
    /** Runs on a worker thread, outside the lock. Must not throw; failures are outcomes. */
    Outcome run(Task task);

    /** Runs under the scheduler's lock before the task's work starts. */
    void started(Task task);

    /** Runs under the scheduler's lock after the task's status was updated. */
    void finished(Task task, Outcome outcome);

    /** Runs after a thread released the scheduler's lock: deliver what the hooks queued. */
    void afterUnlock();
  }

  private final Executor executor;
  private final IntSupplier limit;
  private final Predicate<Task> readOnly;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // All guarded by lock.
  private final Map<String, Task> runningTasks = new LinkedHashMap<>();
  private final Set<Thread> workers = new HashSet<>();
  private PriorityQueue<Ready> ready;
  private Map<String, Integer> chain;
  private Map<String, Integer> order;
  private Map<String, List<String>> dependents;
  private LivePlan plan;
  private Hooks hooks;
  private BooleanSupplier stopStarting;
  private boolean wakeRequested;
  private volatile RuntimeException hookFailure; // written under lock; read after the loop too

  Scheduler(Executor executor, IntSupplier limit, Predicate<Task> readOnly) {
    this.executor = executor;
    this.limit = limit;
    this.readOnly = readOnly;
  }

  /** Wakes the coordinating thread to start more work, for example after the budget rose. */
  void wake() {
    lock.lock();
    try {
      wakeRequested = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Interrupts every running agent. */
  void interruptAll() {
    lock.lock();
    try {
      workers.forEach(Thread::interrupt);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs every TODO task of the plan that can run, until none is left that can start. Tasks whose
   * dependencies failed become BLOCKED. Returns when no task is running.
   *
   * @param stopStarting checked before each start: when true, running tasks finish and nothing new
   *     starts. An interrupt of the calling thread interrupts the running agents; the method still
   *     returns only when all of them have reported back, so nothing writes after it returns.
   */
  void runAll(LivePlan plan, Hooks hooks, BooleanSupplier stopStarting) {
    lock.lock();
    try {
      this.plan = plan;
      this.hooks = hooks;
      this.stopStarting = stopStarting;
      this.dependents = new HashMap<>();
      for (Task t : plan.tasks()) {
        for (String d : t.dependsOn()) {
          dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t.id());
        }
      }
      chain = chainLengths(plan, dependents);
      order = new HashMap<>();
      int i = 0;
      for (Task t : plan.tasks()) {
        order.put(t.id(), i++);
      }
      ready = new PriorityQueue<>(READY_ORDER);
      for (Task t : plan.tasks()) {
        if (t.status() == TaskStatus.TODO) {
          if (depsBroken(t)) {
            block(t);
          } else if (depsDone(t)) {
            enqueue(t.id());
          }
        }
      }
      fill();
      while (!runningTasks.isEmpty()) {
        lock.unlock();
        try {
          afterUnlock();
        } finally {
          lock.lock();
        }
        if (runningTasks.isEmpty()) {
          break;
        }
        try {
          if (!wakeRequested) {
            changed.await();
          }
          wakeRequested = false;
        } catch (InterruptedException e) {
          // A cancel: stop the agents and keep waiting until every one has reported back.
          workers.forEach(Thread::interrupt);
          continue;
        }
        fill();
      }
    } finally {
      lock.unlock();
    }
    hooks.afterUnlock();
    if (hookFailure != null) {
      throw hookFailure; // only now: every agent has reported back
    }
  }

  /**
   * Runs {@link Hooks#afterUnlock} while agents may still run. A failure there must not end
   * {@link #runAll} early (agents would go on after it returned) nor kill an agent's thread that
   * has already taken its next task (the batch would never end): the first one is kept, nothing
   * new starts, and runAll throws it once every agent has reported back.
   */
  private void afterUnlock() {
    try {
      hooks.afterUnlock();
    } catch (RuntimeException e) {
      lock.lock();
      try {
        if (hookFailure == null) {
          hookFailure = e;
        } else if (hookFailure != e) {
          hookFailure.addSuppressed(e);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Starts ready tasks on new workers while the budget has room. Holds the lock. */
  private void fill() {
    Task next;
    while ((next = pickNext(runningTasks.size())) != null) {
      Task first = next;
      executor.execute(() -> work(first));
    }
  }

  /**
   * Takes the best startable task and marks it running, or returns null. {@code busy} is how many
   * slots are taken by others. Holds the lock.
   */
  private Task pickNext(int busy) {
    if (hookFailure != null || stopStarting.getAsBoolean() || busy >= limit.getAsInt()) {
      return null;
    }
    List<Ready> skipped = null;
    Task chosen = null;
    while (!ready.isEmpty()) {
      Ready r = ready.poll();
      Task t = plan.task(r.id());
      if (t == null || t.status() != TaskStatus.TODO) {
        continue;
      }
      if (conflictsWithRunning(t)) {
        if (skipped == null) {
          skipped = new ArrayList<>();
        }
        skipped.add(r);
        continue;
      }
      chosen = t;
      break;
    }
    if (skipped != null) {
      ready.addAll(skipped);
    }
    if (chosen == null) {
      return null;
    }
    plan.setStatus(chosen.id(), TaskStatus.RUNNING);
    Task running = plan.task(chosen.id());
    runningTasks.put(running.id(), running);
    hooks.started(running);
    return running;
  }

  /** A worker: runs its task, then the next ready one, until there is none for it. */
  private void work(Task first) {
    Thread self = Thread.currentThread();
    lock.lock();
    try {
      workers.add(self);
    } finally {
      lock.unlock();
    }
    Task task = first;
    while (task != null) {
      Outcome outcome;
      try {
        outcome = hooks.run(task);
      } catch (RuntimeException | Error e) {
        outcome = new Outcome(TaskStatus.FAILED, "unexpected error: " + e, List.of(), null);
      }
      lock.lock();
      try {
        complete(task, outcome);
        // This worker's own slot is free again: it may take the next task itself.
        task = Thread.currentThread().isInterrupted() ? null : pickNext(runningTasks.size());
        fill(); // finishing may have made several tasks ready at once, or the budget rose
        if (task == null) {
          workers.remove(self);
          Thread.interrupted(); // a cancel's interrupt must not leak into the pool's next job
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      afterUnlock();
    }
  }

  /** Records a finished task and readies or blocks its dependents. Holds the lock. */
  private void complete(Task task, Outcome outcome) {
    runningTasks.remove(task.id());
    Task current = plan.task(task.id());
    if (current != null) {
      plan.setStatus(current.id(), outcome.status());
      hooks.finished(plan.task(current.id()), outcome);
    }
    if (outcome.status() == TaskStatus.DONE) {
      for (String dep : dependents.getOrDefault(task.id(), List.of())) {
        Task d = plan.task(dep);
        if (d != null && d.status() == TaskStatus.TODO && depsDone(d)) {
          enqueue(dep);
        }
      }
    } else if (outcome.status() != TaskStatus.TODO) {
      for (String dep : dependents.getOrDefault(task.id(), List.of())) {
        Task d = plan.task(dep);
        if (d != null && d.status() == TaskStatus.TODO) {
          block(d);
        }
      }
    }
  }

  /**
   * A ready task with its priority keys looked up once: the queue compares plain ints, since it
   * reorders on every start and finish.
   */
  private record Ready(String id, int chain, int order) {}

  /** Longest dependency chain first, then plan order. */
  private static final Comparator<Ready> READY_ORDER =
      (a, b) -> a.chain() != b.chain() ? Integer.compare(b.chain(), a.chain()) : Integer.compare(a.order(), b.order());

  private void enqueue(String id) {
    ready.add(new Ready(id, chain.getOrDefault(id, 1), order.getOrDefault(id, Integer.MAX_VALUE)));
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

  private boolean depsDone(Task t) {
    for (String d : t.dependsOn()) {
      Task dep = plan.task(d);
      if (dep == null || (dep.status() != TaskStatus.DONE && dep.status() != TaskStatus.SUPERSEDED)) {
        return false;
      }
    }
    return true;
  }

  private boolean depsBroken(Task t) {
    for (String d : t.dependsOn()) {
      Task dep = plan.task(d);
      if (dep == null || dep.status() == TaskStatus.FAILED || dep.status() == TaskStatus.BLOCKED) {
        return true;
      }
    }
    return false;
  }

  /** Marks a task and, transitively, its waiting dependents blocked. Holds the lock. */
  private void block(Task first) {
    Deque<String> todo = new ArrayDeque<>();
    todo.push(first.id());
    while (!todo.isEmpty()) {
      Task t = plan.task(todo.pop());
      if (t == null || t.status() != TaskStatus.TODO) {
        continue;
      }
      String broken =
          t.dependsOn().stream()
              .filter(
                  d -> {
                    Task dep = plan.task(d);
                    return dep == null || dep.status() == TaskStatus.FAILED || dep.status() == TaskStatus.BLOCKED;
                  })
              .findFirst()
              .orElse("?");
      String why = "depends on " + broken + ", which did not finish";
      plan.update(t.withStatus(TaskStatus.BLOCKED).withNotes("blocked: " + why));
      hooks.finished(plan.task(t.id()), new Outcome(TaskStatus.BLOCKED, why, List.of(), null));
      dependents.getOrDefault(t.id(), List.of()).forEach(todo::push);
    }
  }

  /** The longest chain of tasks that wait on each task, itself included, over tasks not yet done. */
  static Map<String, Integer> chainLengths(LivePlan plan, Map<String, List<String>> dependents) {
    Map<String, Integer> indegree = new HashMap<>();
    for (Task t : plan.tasks()) {
      indegree.put(t.id(), t.dependsOn().size());
    }
    Deque<String> queue = new ArrayDeque<>();
    indegree.forEach(
        (id, n) -> {
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
      boolean counts = t != null && t.status() != TaskStatus.DONE && t.status() != TaskStatus.SUPERSEDED;
      chain.put(id, longest + (counts ? 1 : 0));
    }
    return chain;
  }
}
