package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A task back in the queue after its agent's own attempt failed waits out its retry's wait there,
 * holding no slot of the budget: others start meanwhile, the batch does not end, and the task
 * starts again only after its {@code RetryDue}, an event, so a replay holds and releases it exactly
 * where the run did.
 */
final class RetryHoldTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";

  /** The machine and every event it was fed or decided, in order: its journal. */
  private final List<OrchestraEvent> journal = new ArrayList<>();

  private RunMachine machine(int budget) {
    return new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, budget));
  }

  private RunMachine.Step feed(RunMachine m, OrchestraEvent e) {
    RunMachine.Step step = m.step(e);
    journal.add(e);
    journal.addAll(step.events());
    return step;
  }

  private static List<String> starts(RunMachine.Step step) {
    return step.commands().stream().filter(Command.RunTask.class::isInstance).map(c -> ((Command.RunTask) c).task().id()).toList();
  }

  private static List<Command.AwaitRetry> holds(RunMachine.Step step) {
    return step.commands().stream().filter(Command.AwaitRetry.class::isInstance).map(Command.AwaitRetry.class::cast).toList();
  }

  /** Plans T1 and T2 (independent) and returns the first step's starts. */
  private List<String> planTwo(RunMachine m) {
    feed(m, new OrchestraEvent.RunStarted(RUN, T, "g", false));
    feed(m, new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "2 tasks", List.of(), 0));
    List<Task> tasks =
        List.of(
            Task.builder("T1", "a").role(BuiltInRoles.IMPLEMENTER).writeScope("a").build(),
            Task.builder("T2", "b").role(BuiltInRoles.IMPLEMENTER).writeScope("b").build());
    feed(m, new OrchestraEvent.PlanUpdated(RUN, T, "planned", 2, List.of("T1", "T2"), "g", tasks, List.of(), List.of(), List.of(), false));
    return starts(feed(m, new OrchestraEvent.PlanChecked(RUN, T, 1, true, false)));
  }

  private static OrchestraEvent.RetryScheduled retry(Instant at, String task, long delayMillis) {
    return new OrchestraEvent.RetryScheduled(
        RUN, at, BuiltInRoles.IMPLEMENTER, task, "m", ModelProviderException.Kind.RATE_LIMITED, "429", delayMillis, 2, "orchestrator");
  }

  private static OrchestraEvent.TaskFinished finished(Instant at, String task, TaskStatus status) {
    return new OrchestraEvent.TaskFinished(RUN, at, task, BuiltInRoles.IMPLEMENTER, status, status.markdownValue(), List.of(), 1);
  }

  @Test
  void aHeldTaskLeavesItsSlotToAnotherAndStartsOnlyAfterItsRetryDue() {
    RunMachine m = machine(1);
    assertEquals(List.of("T1"), planTwo(m), "one slot");

    Instant failed = T.plusSeconds(10);
    feed(m, retry(failed, "T1", 1_000));
    RunMachine.Step requeued = feed(m, finished(failed, "T1", TaskStatus.TODO));
    assertEquals(List.of("T2"), starts(requeued), "T1 waits in the queue; its slot goes to T2");
    assertEquals(List.of(new Command.AwaitRetry("T1", failed.plusSeconds(1))), holds(requeued), "the engine is asked to report the wait's end");

    // Any event after the wait's end, other than the RetryDue, releases nothing: only that event does.
    RunMachine.Step t2Done = feed(m, finished(failed.plusSeconds(5), "T2", TaskStatus.DONE));
    assertEquals(List.of(), t2Done.commands(), "nothing starts and the batch does not end while T1 waits, whatever the time");
    RunMachine.Step due = feed(m, new OrchestraEvent.RetryDue(RUN, failed.plusSeconds(6), "T1"));
    assertEquals(List.of("T1"), starts(due), "its wait is over");
    assertEquals(1, ((Command.RunTask) due.commands().get(0)).retriesTaken(), "the start carries the count of its own failures");
    assertTrue(m.state().held.isEmpty());

    RunMachine.Step end = feed(m, finished(failed.plusSeconds(7), "T1", TaskStatus.DONE));
    assertTrue(m.state().ownRetries.isEmpty(), "done: its count is forgotten");
    assertTrue(end.commands().stream().anyMatch(Command.RunGates.class::isInstance), "the batch ends once T1 is done: " + end.commands());

    RunMachine replayed = machine(1).replay(journal);
    assertEquals(m.state().describe(), replayed.state().describe(), "a replay of the journal holds and releases where the run did");
  }

  @Test
  void aReplayOfAJournalCutWhileATaskWaitsHoldsIt() {
    RunMachine m = machine(2);
    assertEquals(List.of("T1", "T2"), planTwo(m));
    feed(m, retry(T.plusSeconds(1), "T1", 5_000));
    feed(m, finished(T.plusSeconds(1), "T1", TaskStatus.TODO));
    RunMachine replayed = machine(2).replay(journal);
    assertEquals(m.state().describe(), replayed.state().describe());
    assertTrue(replayed.state().describe().contains("held {T1=" + T.plusSeconds(6) + "}"), replayed.state().describe());
  }

  @Test
  void aJournalOfVersionFourWhoseTaskEndedAfterItsWaitHoldsNothing() {
    // Before version 5 the agent's thread slept the wait, then ended the task: the run started it
    // again at once, and a replay must too.
    RunMachine m = machine(1);
    assertEquals(List.of("T1"), planTwo(m));
    feed(m, retry(T.plusSeconds(1), "T1", 1_000));
    RunMachine.Step requeued = feed(m, finished(T.plusSeconds(2), "T1", TaskStatus.TODO));
    assertEquals(List.of(), holds(requeued));
    assertEquals(List.of("T1"), starts(requeued), "T1 starts again at once, as the run that wrote the journal did");
  }

  @Test
  void aRetryWithinARunningTaskHoldsNothingWhenTheTaskEndsOtherwise() {
    RunMachine m = machine(2);
    planTwo(m);
    // A model call retried within the task (its wait spent in the agent's thread), then the task ends DONE.
    feed(m, retry(T, "T1", 60_000));
    RunMachine.Step done = feed(m, finished(T.plusSeconds(1), "T1", TaskStatus.DONE));
    assertEquals(List.of(), holds(done));
    assertTrue(m.state().held.isEmpty() && m.state().retryAt.isEmpty(), "the task's retry is forgotten with its end");
  }

  @Test
  void aStoppingRunHoldsNothingAndFinishesWithoutWaiting() {
    RunMachine m = machine(2);
    planTwo(m);
    feed(m, new OrchestraEvent.StopRequested(RUN, T, StopReason.QUOTA_EXHAUSTED, "quota"));
    feed(m, retry(T, "T1", 60_000));
    RunMachine.Step t1 = feed(m, finished(T.plusSeconds(1), "T1", TaskStatus.TODO));
    assertEquals(List.of(), holds(t1), "no wait is worth starting: the run stops");
    RunMachine.Step t2 = feed(m, finished(T.plusSeconds(2), "T2", TaskStatus.TODO));
    assertTrue(t2.commands().stream().anyMatch(Command.Finish.class::isInstance), "finishes once nothing runs: " + t2.commands());
  }

  @Test
  void aResumeForgetsEveryHold() {
    RunMachine m = machine(1);
    planTwo(m);
    feed(m, retry(T, "T1", 60_000));
    feed(m, finished(T, "T1", TaskStatus.TODO));
    RunMachine resumed = machine(1).replay(journal);
    RunMachine.Step start = resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(1), "g", true));
    assertTrue(resumed.state().held.isEmpty() && resumed.state().retryAt.isEmpty(), resumed.state().describe());
    assertEquals(List.of(Command.Kind.CHECK_PLAN), start.commands().stream().map(Command::kind).toList());
    assertEquals(List.of("T1"), starts(resumed.step(new OrchestraEvent.PlanChecked("r2", T.plusSeconds(1), 1, true, false))),
        "T1 runs at once: the wait of the stopped run is not carried over");
  }
}
