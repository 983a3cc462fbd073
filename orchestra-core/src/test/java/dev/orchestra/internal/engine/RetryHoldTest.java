package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A task back in the queue after a failed attempt of its own waits out its retry's wait there,
 * without a slot of the budget: others start meanwhile, the batch does not end, and the machine
 * starts it once told the time ({@link RunMachine#tick}).
 */
final class RetryHoldTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";

  private static List<String> starts(RunMachine.Step step) {
    List<String> ids = new ArrayList<>();
    step.commands().stream().filter(Command.RunTask.class::isInstance).forEach(c -> ids.add(((Command.RunTask) c).task().id()));
    return ids;
  }

  @Test
  void aHeldTaskLeavesItsSlotToAnotherAndStartsWhenItsWaitEnds() {
    RunMachine machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, 1));
    machine.step(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "2 tasks", List.of(), 0));
    List<Task> tasks =
        List.of(
            Task.builder("T1", "a").role(BuiltInRoles.IMPLEMENTER).writeScope("a").build(),
            Task.builder("T2", "b").role(BuiltInRoles.IMPLEMENTER).writeScope("b").build());
    machine.step(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 2, List.of("T1", "T2"), "g", tasks, List.of(), List.of(), List.of(), false));
    assertEquals(List.of("T1"), starts(machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false))), "one slot");

    Instant failed = T.plusSeconds(10);
    machine.step(new OrchestraEvent.RetryScheduled(
        RUN, failed, BuiltInRoles.IMPLEMENTER, "T1", "m", ModelProviderException.Kind.RATE_LIMITED, "429", 1_000, 2, "orchestrator"));
    RunMachine.Step requeued =
        machine.step(new OrchestraEvent.TaskFinished(RUN, failed, "T1", BuiltInRoles.IMPLEMENTER, TaskStatus.TODO, "rate limited", List.of(), 1));
    assertEquals(List.of("T2"), starts(requeued), "T1 waits in the queue; its slot goes to T2");
    assertEquals(Optional.of(failed.plusSeconds(1)), machine.state().nextRelease());

    RunMachine.Step t2Done =
        machine.step(new OrchestraEvent.TaskFinished(RUN, failed.plusMillis(500), "T2", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "b", List.of(), 1));
    assertEquals(List.of(), t2Done.commands(), "nothing starts and the batch does not end while T1 waits");
    assertEquals(List.of(), machine.tick(failed.plusMillis(999)).commands(), "not yet");
    assertEquals(List.of("T1"), starts(machine.tick(failed.plusSeconds(1))), "its wait is over");
    assertTrue(machine.state().heldNone());

    RunMachine.Step end =
        machine.step(new OrchestraEvent.TaskFinished(RUN, failed.plusSeconds(2), "T1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "a", List.of(), 1));
    assertTrue(end.commands().stream().anyMatch(Command.RunGates.class::isInstance), "the batch ends once T1 is done: " + end.commands());
  }

  @Test
  void aRetryInsideARunningTaskHoldsNothingWhenTheTaskEndsOtherwise() {
    RunMachine machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, 1));
    machine.step(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "1 task", List.of(), 0));
    List<Task> tasks = List.of(Task.builder("T1", "a").role(BuiltInRoles.IMPLEMENTER).writeScope("a").build());
    machine.step(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 1, List.of("T1"), "g", tasks, List.of(), List.of(), List.of(), false));
    machine.step(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false));
    // A model call retried within the task (its wait spent in the agent's thread), then the task ends DONE.
    machine.step(new OrchestraEvent.RetryScheduled(
        RUN, T, BuiltInRoles.IMPLEMENTER, "T1", "m", ModelProviderException.Kind.RATE_LIMITED, "429", 60_000, 2, "orchestrator"));
    machine.step(new OrchestraEvent.TaskFinished(RUN, T.plusSeconds(1), "T1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "a", List.of(), 1));
    assertTrue(machine.state().heldNone(), "nothing is held");
    assertTrue(machine.state().retryAt.isEmpty(), "the task's retry is forgotten with its end");
  }
}
