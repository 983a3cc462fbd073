package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the state machine schedules a batch: dependencies, the budget, write scopes, blocking, stopping. */
final class SchedulingTest {

  /** Drives a machine through planning into its first batch; the test then finishes tasks by hand. */
  private static final class Batch {
    final RunMachine machine;
    final List<String> log = new ArrayList<>();
    final List<Command.RunTask> running = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    Batch(int budget, Task... tasks) {
      machine = new RunMachine(new RunSpec(List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), Bounds.defaults(), true, false, budget));
      feed(new OrchestraEvent.RunStarted("r", now, "g", false));
      feed(new OrchestraEvent.TaskFinished("r", now, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "planned", List.of(), 0));
      Plan p = Plan.builder("g").tasks(tasks).build();
      feed(new OrchestraEvent.PlanUpdated("r", now, "planned", p.tasks().size(), List.of(), "g", p.tasks(), List.of(), List.of(), List.of(), false));
    }

    void feed(OrchestraEvent e) {
      now = now.plusSeconds(1);
      RunMachine.Step step = machine.step(e);
      for (OrchestraEvent d : step.events()) {
        if (d instanceof OrchestraEvent.TaskStarted s && s.round() > 0) {
          log.add("start " + s.taskId());
        } else if (d instanceof OrchestraEvent.TaskFinished f) {
          log.add("end " + f.taskId() + " " + f.status().markdownValue());
        }
      }
      for (Command c : step.commands()) {
        switch (c.kind()) {
          case RUN_TASK -> running.add((Command.RunTask) c);
          case CHECK_PLAN -> {
            Command.CheckPlan check = (Command.CheckPlan) c;
            feed(new OrchestraEvent.PlanChecked("r", now, check.round(), check.beforeBatch(), false));
          }
          case FINISH -> feed(new OrchestraEvent.RunFinished("r", now, ((Command.Finish) c).reason().name(), "", 1, machine.state().usage()));
          default -> { } // no gates in this team: RunGates waits for nothing
        }
      }
    }

    List<String> runningIds() {
      return running.stream().map(c -> c.task().id()).toList();
    }

    void finish(String id, TaskStatus status) {
      Command.RunTask c = running.stream().filter(r -> r.task().id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id + " is not running: " + runningIds()));
      running.remove(c);
      log.add("end " + id + " " + status.markdownValue());
      feed(new OrchestraEvent.TaskFinished("r", now, id, c.task().role(), status, status.markdownValue(), List.of(), c.round()));
    }

    /** Finishes the oldest running task until nothing runs. */
    void drain() {
      while (!running.isEmpty()) {
        finish(running.get(0).task().id(), TaskStatus.DONE);
      }
    }

    Task task(String id) {
      return machine.state().plan().orElseThrow().task(id).orElseThrow();
    }
  }

  private static Task writer(String id, String scope, String... deps) {
    return Task.builder(id, "task " + id).writeScope(scope).dependsOn(deps).build();
  }

  private static Task reader(String id) {
    return Task.builder(id, "read " + id).role(BuiltInRoles.EXPLORER).build();
  }

  @Test
  void runsDependenciesInOrderAndLongestChainFirst() {
    Batch b = new Batch(1, writer("X", "x.txt"), writer("A", "a.txt"), writer("B", "b.txt", "A"), writer("C", "c.txt", "B"));
    b.drain();
    assertEquals(
        // A heads the longest chain (3), so it goes before X although X comes first in the plan;
        // once B is done, C and X both head chains of 1 and plan order decides.
        List.of("start A", "end A done", "start B", "end B done", "start X", "end X done", "start C", "end C done"), b.log);
    assertTrue(b.machine.state().plan().orElseThrow().tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
  }

  @Test
  void neverRunsMoreThanTheBudgetAndReachesIt() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(writer("T" + i, "f" + i + ".txt"));
    }
    Batch b = new Batch(5, tasks.toArray(Task[]::new));
    int max = 0;
    while (!b.running.isEmpty()) {
      max = Math.max(max, b.running.size());
      b.finish(b.running.get(b.running.size() - 1).task().id(), TaskStatus.DONE);
    }
    assertEquals(5, max);
    assertEquals(80, b.log.size(), "every task started and ended once");
  }

  @Test
  void overlappingWritersNeverRunTogetherButReadersDoNotWait() {
    Batch b = new Batch(3, writer("W1", "src/**"), writer("W2", "src/main/A.java"), reader("R1"));
    assertEquals(List.of("W1", "R1"), b.runningIds(), "W2 waits for W1; the reader does not");
    b.finish("R1", TaskStatus.DONE);
    assertEquals(List.of("W1"), b.runningIds());
    b.finish("W1", TaskStatus.DONE);
    assertEquals(List.of("W2"), b.runningIds());
    assertTrue(b.log.indexOf("end W1 done") < b.log.indexOf("start W2"), b.log.toString());
  }

  @Test
  void aLoweredBudgetStopsNewStartsOnly() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(writer("T" + i, "f" + i));
    }
    Batch b = new Batch(4, tasks.toArray(Task[]::new));
    assertEquals(4, b.running.size());
    b.feed(new OrchestraEvent.BudgetChanged("r", Instant.parse("2026-01-01T00:01:00Z"), 4, 1, "rate limited"));
    assertEquals(4, b.running.size(), "the four running when the budget fell go on");
    List<String> four = b.runningIds();
    for (int i = 0; i < 3; i++) {
      b.finish(four.get(i), TaskStatus.DONE);
      assertEquals(4 - i - 1, b.running.size(), "no start while over the budget");
    }
    b.finish(four.get(3), TaskStatus.DONE);
    int afterLowering = 0;
    while (!b.running.isEmpty()) {
      afterLowering = Math.max(afterLowering, b.running.size());
      b.drain();
    }
    assertEquals(1, afterLowering, "after the budget fell to 1, tasks ran one at a time");
    assertEquals(16, b.log.size());
  }

  @Test
  void failedDependenciesBlockTheirDependentsTransitively() {
    Batch b = new Batch(2, writer("A", "a"), writer("B", "b", "A"), writer("C", "c", "B"), writer("D", "d"));
    b.finish("A", TaskStatus.FAILED);
    b.drain();
    assertEquals(TaskStatus.FAILED, b.task("A").status());
    assertEquals(TaskStatus.BLOCKED, b.task("B").status());
    assertEquals(TaskStatus.BLOCKED, b.task("C").status());
    assertEquals("blocked: depends on B, which did not finish", b.task("C").notes());
    assertEquals(TaskStatus.DONE, b.task("D").status());
  }

  @Test
  void aStopLetsRunningTasksFinishAndStartsNothingMore() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(writer("T" + i, "f" + i));
    }
    Batch b = new Batch(2, tasks.toArray(Task[]::new));
    b.finish(b.runningIds().get(0), TaskStatus.DONE);
    b.finish(b.runningIds().get(0), TaskStatus.DONE);
    b.finish(b.runningIds().get(0), TaskStatus.DONE);
    b.feed(new OrchestraEvent.StopRequested("r", Instant.parse("2026-01-01T00:01:00Z"), StopReason.CANCELLED, "cancelled"));
    assertEquals(2, b.running.size(), "the two tasks still running go on");
    b.drain();
    long finished = b.machine.state().plan().orElseThrow().tasks().stream().filter(t -> t.status() == TaskStatus.DONE).count();
    assertEquals(5, finished, "the three done before the stop and the two running at it");
    assertTrue(b.machine.state().plan().orElseThrow().tasks().stream().noneMatch(t -> t.status() == TaskStatus.RUNNING));
    assertEquals(RunState.Phase.STOPPED, b.machine.state().phase());
    assertEquals(StopReason.CANCELLED, b.machine.state().stopReason().orElseThrow());
  }
}
