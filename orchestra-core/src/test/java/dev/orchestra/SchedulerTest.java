package dev.orchestra;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class SchedulerTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  private static Task writer(String id, String scope, String... deps) {
    return Task.builder(id, "task " + id).writeScope(scope).dependsOn(deps).build();
  }

  private static Task reader(String id) {
    return Task.builder(id, "read " + id).role("explorer").build();
  }

  private final class Hooks implements Scheduler.Hooks {
    final Function<Task, TaskStatus> work;

    Hooks(Function<Task, TaskStatus> work) {
      this.work = work;
    }

    @Override
    public Scheduler.Outcome run(Task task) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        return new Scheduler.Outcome(work.apply(task), "", List.of(), null);
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public void started(Task task) {
      log.add("start " + task.id());
    }

    @Override
    public void finished(Task task, Scheduler.Outcome outcome) {
      log.add("end " + task.id() + " " + outcome.status().markdownValue());
    }

    @Override
    public void afterUnlock() {}
  }

  private Scheduler scheduler(int limit) {
    return new Scheduler(pool, () -> limit, t -> t.role().equals("explorer"));
  }

  @Test
  void runsDependenciesInOrderAndLongestChainFirst() {
    LivePlan plan =
        new LivePlan(
            Plan.builder("g")
                .tasks(writer("X", "x.txt"), writer("A", "a.txt"), writer("B", "b.txt", "A"), writer("C", "c.txt", "B"))
                .build());
    scheduler(1).runAll(plan, new Hooks(t -> TaskStatus.DONE), () -> false);
    assertEquals(
        // A heads the longest chain (3), so it goes before X although X comes first in the plan;
        // once B is done, C and X both head chains of 1 and plan order decides.
        List.of("start A", "end A done", "start B", "end B done", "start X", "end X done", "start C", "end C done"), log);
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
  }

  @Test
  void neverRunsMoreThanTheBudgetAndReachesIt() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(writer("T" + i, "f" + i + ".txt"));
    }
    CountDownLatch five = new CountDownLatch(5);
    scheduler(5)
        .runAll(
            new LivePlan(Plan.builder("g").tasks(tasks).build()),
            new Hooks(
                t -> {
                  five.countDown();
                  await(five);
                  return TaskStatus.DONE;
                }),
            () -> false);
    assertEquals(5, maxRunning.get());
  }

  @Test
  void overlappingWritersNeverRunTogetherButReadersDoNotWait() {
    CountDownLatch readerRan = new CountDownLatch(1);
    Map<String, Integer> concurrentWriters = new ConcurrentHashMap<>();
    AtomicInteger writersNow = new AtomicInteger();
    LivePlan plan =
        new LivePlan(
            Plan.builder("g").tasks(writer("W1", "src/**"), writer("W2", "src/main/A.java"), reader("R1")).build());
    scheduler(3)
        .runAll(
            plan,
            new Hooks(
                t -> {
                  if (t.id().startsWith("W")) {
                    concurrentWriters.merge("max", writersNow.incrementAndGet(), Math::max);
                    // The first writer holds on until the reader has run: readers never wait.
                    if (t.id().equals("W1")) {
                      await(readerRan);
                    }
                    writersNow.decrementAndGet();
                  } else {
                    readerRan.countDown();
                  }
                  return TaskStatus.DONE;
                }),
            () -> false);
    assertEquals(1, concurrentWriters.get("max"));
    assertTrue(log.indexOf("start R1") < log.indexOf("end W1 done"), log.toString());
    assertTrue(log.indexOf("end W1 done") < log.indexOf("start W2"), log.toString());
  }

  @Test
  void aLoweredBudgetStopsNewStartsOnly() {
    AtomicInteger limit = new AtomicInteger(4);
    CountDownLatch fourRunning = new CountDownLatch(4);
    CountDownLatch lowered = new CountDownLatch(1);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(writer("T" + i, "f" + i));
    }
    AtomicInteger afterLowering = new AtomicInteger();
    Scheduler s = new Scheduler(pool, limit::get, t -> false);
    s.runAll(
        new LivePlan(Plan.builder("g").tasks(tasks).build()),
        new Hooks(
            t -> {
              if (fourRunning.getCount() > 0) {
                fourRunning.countDown();
                if (fourRunning.getCount() == 0) {
                  limit.set(1);
                  lowered.countDown();
                }
                await(lowered);
                return TaskStatus.DONE; // the four running when the budget fell all finish
              }
              afterLowering.accumulateAndGet(running.get(), Math::max);
              return TaskStatus.DONE;
            }),
        () -> false);
    assertEquals(4, maxRunning.get());
    assertEquals(1, afterLowering.get(), "after the budget fell to 1, tasks ran one at a time");
    assertEquals(16, log.size());
  }

  @Test
  void failedDependenciesBlockTheirDependentsTransitively() {
    LivePlan plan =
        new LivePlan(
            Plan.builder("g").tasks(writer("A", "a"), writer("B", "b", "A"), writer("C", "c", "B"), writer("D", "d")).build());
    scheduler(2).runAll(plan, new Hooks(t -> t.id().equals("A") ? TaskStatus.FAILED : TaskStatus.DONE), () -> false);
    assertEquals(TaskStatus.FAILED, plan.task("A").status());
    assertEquals(TaskStatus.BLOCKED, plan.task("B").status());
    assertEquals(TaskStatus.BLOCKED, plan.task("C").status());
    assertEquals("blocked: depends on B, which did not finish", plan.task("C").notes());
    assertEquals(TaskStatus.DONE, plan.task("D").status());
  }

  @Test
  void stopStartingLetsRunningTasksFinish() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(writer("T" + i, "f" + i));
    }
    AtomicInteger done = new AtomicInteger();
    LivePlan plan = new LivePlan(Plan.builder("g").tasks(tasks).build());
    scheduler(2).runAll(plan, new Hooks(t -> {
      done.incrementAndGet();
      return TaskStatus.DONE;
    }), () -> done.get() >= 3);
    long finished = plan.tasks().stream().filter(t -> t.status() == TaskStatus.DONE).count();
    assertTrue(finished >= 3 && finished <= 4, "finished " + finished);
    assertTrue(plan.tasks().stream().noneMatch(t -> t.status() == TaskStatus.RUNNING));
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for other tasks to start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
