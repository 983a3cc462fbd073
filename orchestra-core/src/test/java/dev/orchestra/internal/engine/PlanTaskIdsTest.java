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
 * A plan task may have the id of a task the machine makes itself (an explorer's {@code explore-N},
 * a re-plan's {@code replan-X}): it is a plan task all the same, and the machine's task of that name
 * leaves it alone.
 */
final class PlanTaskIdsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";

  @Test
  void aPlanTaskNamedLikeAnExplorerIsAPlanTask() {
    RunMachine machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, 4));
    machine.step(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "2 tasks", List.of(), 0));
    List<Task> tasks =
        List.of(
            Task.builder("explore-1", "look around").role(BuiltInRoles.IMPLEMENTER).writeScope("src/a/**").build(),
            Task.builder("T2", "build").role(BuiltInRoles.IMPLEMENTER).writeScope("src/b/**").build());
    machine.step(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 2, List.of("explore-1", "T2"), "g", tasks, List.of(), List.of(), List.of(), false));
    RunMachine.Step batch = machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false));
    assertEquals(2, batch.commands().size(), "both tasks start: " + batch.commands());
    assertTrue(machine.state().exploring.isEmpty(), "no explorer runs: " + machine.state().exploring);
    assertEquals(0, machine.state().probesStarted);

    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "explore-1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "done", List.of("src/a/X"), 1));
    RunMachine.Step last = machine.step(new OrchestraEvent.TaskFinished(RUN, T, "T2", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "done", List.of(), 1));

    assertEquals(TaskStatus.DONE, machine.state().plan().orElseThrow().task("explore-1").orElseThrow().status());
    Command.RunGates gates =
        last.commands().stream().filter(Command.RunGates.class::isInstance).map(Command.RunGates.class::cast).findFirst().orElseThrow();
    assertEquals(List.of("explore-1", "T2"), gates.taskIds(), "the batch's tasks, in the order they finished");
    assertEquals(List.of("src/a/X"), gates.changedFiles());
  }

  @Test
  void aPlanTaskNamedLikeAReplanIsLeftAloneByTheReplan() {
    RunMachine machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of("review"), new Bounds(10, 0, Duration.ZERO, 30, 1), false, false, 4));
    Finding a = new Finding("review", Severity.HIGH, "src/t/X.java", 1, "A broken", "fix", List.of());
    machine.step(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "2 tasks", List.of(), 0));
    List<Task> tasks =
        List.of(
            Task.builder("T1", "t").role(BuiltInRoles.IMPLEMENTER).writeScope("src/t/**").build(),
            Task.builder("replan-F1", "a task of the plan").role(BuiltInRoles.IMPLEMENTER).writeScope("src/r/**").build());
    machine.step(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 2, List.of("T1", "replan-F1"), "g", tasks, List.of(), List.of(), List.of(), false));
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "T1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "did T1", List.of("src/t/X.java"), 1));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "replan-F1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "did it", List.of(), 1));
    gate(machine, 1, a);
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, false, false));
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 2, true, false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "F1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "fixed", List.of("src/t/X.java"), 2));
    gate(machine, 2, a); // the finding again, at its one attempt: the orchestrator re-plans F1
    RunMachine.Step replan = machine.step(new OrchestraEvent.PlanChecked(RUN, T, 2, false, false));

    assertTrue(replan.commands().stream().anyMatch(c -> c instanceof Command.AskReplan r && r.task().id().equals("replan-F1")), "re-plans: " + replan.commands());
    assertEquals(TaskStatus.DONE, machine.state().plan().orElseThrow().task("replan-F1").orElseThrow().status(), "the plan task is not the re-plan");
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "replan-F1", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "no new plan", List.of(), 2));
    assertEquals(TaskStatus.DONE, machine.state().plan().orElseThrow().task("replan-F1").orElseThrow().status());
    assertTrue(machine.state().running().isEmpty(), "nothing left running: " + machine.state().running());
  }

  private static void gate(RunMachine machine, int round, Finding f) {
    machine.step(new OrchestraEvent.GateStarted(RUN, T, "review", round, "after the batch"));
    machine.step(new OrchestraEvent.GateFinished(RUN, T, "review", round, Verdict.FAIL, List.of(f), "s", List.of(), List.of(), List.of()));
  }
}
