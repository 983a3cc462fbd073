package dev.orchestra.internal.engine;

import dev.orchestra.internal.workspace.WriteScopes;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which of a round's tasks may start next: a task whose dependencies are done, longest dependency
 * chain first, then plan order; never a writer whose write scope overlaps a running writer's (in a
 * shared working tree two writers of one file would undo each other); read-only tasks never wait
 * on writers. Tasks whose dependencies failed are handed back to be blocked. Pure bookkeeping over
 * the plan; built at the start of each batch.
 */
final class Scheduling {
  /** A ready task with its priority keys looked up once: the queue compares plain ints. */
  private record Ready(String id, int chain, int order) {}

  /** Longest dependency chain first, then plan order. */
  private static final Comparator<Ready> READY_ORDER =
      (a, b) -> a.chain() != b.chain() ? Integer.compare(b.chain(), a.chain()) : Integer.compare(a.order(), b.order());

  private final LivePlan plan;
  private final Set<String> writerRoles;
  /** Whether tasks work in worktrees of their own: overlapping scopes may then run together. */
  private final boolean isolated;
  /** Done tasks whose work is not integrated yet (a live view): their dependents wait. */
  private final Set<String> notIntegrated;
  private final Map<String, List<String>> dependents = new HashMap<>();
  private final Map<String, Integer> chain;
  private final Map<String, Integer> order = new HashMap<>();
  private final PriorityQueue<Ready> ready = new PriorityQueue<>(READY_ORDER);
  /** Tasks to mark blocked, in the order their broken dependency was found. */
  private final Deque<String> toBlock = new ArrayDeque<>();
  /**
   * Each task's role check and compiled scope, made once: a start compares the task with every
   * running one under the run's lock. An entry is stale when the task's role or scope list is
   * another (a hand edit); a status change keeps both. Filled for every writer to do or running
   * when this is built: at the batch's start, before any of its agents runs (or after a plan change,
   * which rebuilds it and walks the plan anyway); any other task is compiled when first compared.
   */
  private final Map<String, Writer> writers;

  /** What the conflict check needs of a task. */
  private record Writer(String role, boolean writes, boolean anywhere, WriteScopes.Compiled scope) {}

  Scheduling(LivePlan plan, Set<String> writerRoles) {
    this(plan, writerRoles, false, Set.of());
  }

  Scheduling(LivePlan plan, Set<String> writerRoles, boolean isolated, Set<String> notIntegrated) {
    this.plan = plan;
    this.writerRoles = writerRoles;
    this.isolated = isolated;
    this.notIntegrated = notIntegrated;
    List<Task> tasks = plan.tasks();
    for (Task t : tasks) {
      for (String d : t.dependsOn()) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t.id());
      }
    }
    chain = chainLengths(tasks, dependents);
    int i = 0;
    for (Task t : tasks) {
      order.put(t.id(), i++);
    }
    // Compiled here, once, rather than on a task's first comparison: that comparison happens in
    // the step that ends another task, under the run's lock, where every agent of the batch waits.
    writers = new HashMap<>(isolated ? 0 : tasks.size() * 4 / 3 + 1);
    if (!isolated) {
      for (Task t : tasks) {
        if ((t.status() == TaskStatus.TODO || t.status() == TaskStatus.RUNNING) && writes(t)) {
          writer(t);
        }
      }
    }
    for (Task t : tasks) {
      if (t.status() == TaskStatus.TODO) {
        if (depsBroken(t)) {
          toBlock.add(t.id());
        } else if (depsDone(t)) {
          enqueue(t.id());
        }
      }
    }
  }

  /** Whether a task writes: its role is one of the writers. */
  boolean writes(Task t) {
    return writerRoles.contains(t.role());
  }

  /**
   * Takes the best task that may start beside the running ones, or null when none may.
   *
   * @param running the running tasks of the plan
   * @param held whether a task waits out a retry's wait: it stays in the queue
   */
  Task next(Iterable<Task> running, Predicate<String> held) {
    List<Ready> skipped = null;
    Task chosen = null;
    while (!ready.isEmpty()) {
      Ready r = ready.poll();
      Task t = plan.task(r.id());
      if (t == null || t.status() != TaskStatus.TODO) {
        continue;
      }
      if (held.test(r.id()) || conflicts(t, running)) {
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
    return chosen;
  }

  /** The queue as text, best first, and the tasks to block: for {@link RunState#describe()}. */
  String describe() {
    return "ready " + ready.stream().sorted(READY_ORDER).map(r -> r.id() + "/" + r.chain()).toList() + " to block " + toBlock;
  }

  /** Records a finished task: its dependents become ready, or are to be blocked. */
  void finished(String id, TaskStatus status) {
    if (status == TaskStatus.DONE || status == TaskStatus.SUPERSEDED) {
      for (String dep : dependents.getOrDefault(id, List.of())) {
        Task d = plan.task(dep);
        if (d != null && d.status() == TaskStatus.TODO && depsDone(d)) {
          enqueue(dep);
        }
      }
    } else if (status == TaskStatus.FAILED || status == TaskStatus.BLOCKED) {
      for (String dep : dependents.getOrDefault(id, List.of())) {
        Task d = plan.task(dep);
        if (d != null && d.status() == TaskStatus.TODO) {
          toBlock.add(dep);
        }
      }
    } else if (status == TaskStatus.TODO) {
      enqueue(id); // interrupted: it may run again
    }
  }

  /** A task that cannot run, and why. */
  record ToBlock(String taskId, String why) {}

  /** Takes the next task to block with why, or null; a task no longer todo is passed over. */
  ToBlock nextToBlock() {
    while (!toBlock.isEmpty()) {
      Task t = plan.task(toBlock.poll());
      if (t == null || t.status() != TaskStatus.TODO) {
        continue;
      }
      String broken = t.dependsOn().stream().filter(this::broken).findFirst().orElse("?");
      return new ToBlock(t.id(), "depends on " + broken + ", which did not finish");
    }
    return null;
  }

  private void enqueue(String id) {
    ready.add(new Ready(id, chain.getOrDefault(id, 1), order.getOrDefault(id, Integer.MAX_VALUE)));
  }

  /** Whether a writer's scope overlaps a running writer's (as {@link Task#writeScopeOverlaps}), in a shared tree. */
  private boolean conflicts(Task t, Iterable<Task> running) {
    if (isolated || !writes(t)) {
      return false; // a read-only task's scope is never compared, so never compiled
    }
    Writer w = writer(t);
    for (Task other : running) {
      if (!writes(other)) {
        continue;
      }
      Writer o = writer(other);
      if (o.writes() && (w.anywhere() || o.anywhere() || w.scope().overlaps(o.scope()))) {
        return true;
      }
    }
    return false;
  }

  private Writer writer(Task t) {
    Writer w = writers.get(t.id());
    if (w == null || !w.role().equals(t.role()) || !w.scope().compiledFrom(t.writeScope())) {
      w = new Writer(t.role(), writes(t), t.writeScope().isEmpty(), WriteScopes.compile(t.writeScope()));
      writers.put(t.id(), w);
    }
    return w;
  }

  private boolean depsDone(Task t) {
    for (String d : t.dependsOn()) {
      Task dep = plan.task(d);
      if (dep == null || (dep.status() != TaskStatus.DONE && dep.status() != TaskStatus.SUPERSEDED) || notIntegrated.contains(d)) {
        return false;
      }
    }
    return true;
  }

  private boolean depsBroken(Task t) {
    return t.dependsOn().stream().anyMatch(this::broken);
  }

  private boolean broken(String id) {
    Task dep = plan.task(id);
    return dep == null || dep.status() == TaskStatus.FAILED || dep.status() == TaskStatus.BLOCKED;
  }

  /** The longest chain of tasks that wait on each task, itself included, over tasks not yet done. */
  static Map<String, Integer> chainLengths(List<Task> tasks, Map<String, List<String>> dependents) {
    Map<String, Integer> indegree = new HashMap<>();
    Map<String, Task> byId = new HashMap<>();
    for (Task t : tasks) {
      indegree.put(t.id(), t.dependsOn().size());
      byId.put(t.id(), t);
    }
    Deque<String> queue = new ArrayDeque<>();
    for (Task t : tasks) {
      if (t.dependsOn().isEmpty()) {
        queue.add(t.id());
      }
    }
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
      Task t = byId.get(id);
      boolean counts = t != null && t.status() != TaskStatus.DONE && t.status() != TaskStatus.SUPERSEDED;
      chain.put(id, longest + (counts ? 1 : 0));
    }
    return chain;
  }
}
