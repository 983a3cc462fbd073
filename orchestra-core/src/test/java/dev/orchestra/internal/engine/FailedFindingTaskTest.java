package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A finding's task that fails keeps its finding: its notes say why it failed and still carry the
 * tag the ledger is rebuilt from at every plan update, so the finding reported again is another
 * attempt of that task, not a new task.
 */
final class FailedFindingTaskTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";

  private RunMachine machine;

  @Test
  void aFailedFindingTaskIsReopenedAfterAnUnrelatedPlanUpdate() {
    machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of("review"), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, 4));
    Finding a = new Finding("review", Severity.HIGH, "src/a/X.java", 1, "A broken", "fix", List.of());
    machine.step(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "1 task", List.of(), 0));
    List<Task> tasks = List.of(Task.builder("T1", "t").role(BuiltInRoles.IMPLEMENTER).writeScope("src/t/**").build());
    machine.step(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 1, List.of("T1"), "g", tasks, List.of(), List.of(), List.of(), false));
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "T1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "did T1", List.of("src/t/A"), 1));
    gate(1, a);
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, false, false));
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 2, true, false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "F1", BuiltInRoles.IMPLEMENTER, TaskStatus.FAILED, "gave up", List.of(), 2));
    assertTrue(machine.state().plan().orElseThrow().task("F1").orElseThrow().notes().startsWith("failed: gave up"));
    // The engine notes a risk while the round goes on (a task wrote outside its scope, say).
    machine.step(new OrchestraEvent.PlanUpdated(
        RUN, T, "a task wrote outside its scope", 2, List.of(), "g", List.of(), List.of(), List.of(), List.of("T9 wrote x"), false));
    gate(2, a);
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 2, false, false));

    Task f1 = machine.state().plan().orElseThrow().task("F1").orElseThrow();
    assertEquals(TaskStatus.TODO, f1.status(), "F1 goes back to work: " + f1);
    assertTrue(f1.notes().contains("attempt 2"), f1.notes());
    assertEquals(2, machine.state().plan().orElseThrow().tasks().size(), "no new task for the same finding: " + machine.state().plan().orElseThrow().tasks());
    RunMachine.Step round3 = machine.step(new OrchestraEvent.PlanChecked(RUN, T, 3, true, false));
    Command.RunTask again = (Command.RunTask) round3.commands().get(0);
    assertEquals("F1", again.task().id());
    assertTrue(again.attempts().size() == 1 && again.attempts().get(0).startsWith("attempt 1 (F1): gave up"), "its brief: " + again.attempts());
  }

  private void gate(int round, Finding f) {
    machine.step(new OrchestraEvent.GateStarted(RUN, T, "review", round, "after the batch"));
    machine.step(new OrchestraEvent.GateFinished(RUN, T, "review", round, Verdict.FAIL, List.of(f), "s", List.of(), List.of(), List.of()));
  }
}
