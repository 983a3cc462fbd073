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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A finding at its attempt limit is re-planned, and the task the re-plan gives it is briefed with
 * what was tried, whatever else the round's gates reported. (The plan updates of the round's other
 * findings rebuild the ledger's entries; the re-plan must act on the entry as it is then.)
 */
final class ReplanHistoryTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";

  private final List<OrchestraEvent> journal = new ArrayList<>();
  private RunMachine machine;

  @Test
  void theReplannedTaskKnowsWhatWasTriedWhenTheFindingIsAlone() {
    Outcome o = replanAfterSecondRound(false);
    assertTrue(o.askAttempts.stream().anyMatch(l -> l.contains("tried A")), "the re-plan's brief: " + o.askAttempts);
    assertTrue(o.r1Attempts.stream().anyMatch(l -> l.contains("tried A")), "R1's attempts: " + o.r1Attempts);
  }

  @Test
  void theReplannedTaskKnowsWhatWasTriedWhenAnotherFindingIsNewInTheSameRound() {
    Outcome o = replanAfterSecondRound(true);
    assertTrue(o.askAttempts.stream().anyMatch(l -> l.contains("tried A")), "the re-plan's brief: " + o.askAttempts);
    assertTrue(o.r1Attempts.stream().anyMatch(l -> l.contains("tried A")), "R1's attempts: " + o.r1Attempts);
    assertEquals(o.askAttempts, o.r1Attempts, "R1 is briefed with what the re-plan was told");
    // A replay of the journal has the same history.
    RunMachine replayed = new RunMachine(machine.spec()).replay(journal);
    assertEquals(machine.state().describe(), replayed.state().describe());
    assertEquals(o.r1Attempts, replayed.attemptsOf("R1"));
  }

  private record Outcome(List<String> askAttempts, List<String> r1Attempts) {}

  /**
   * One task, attempt limit 1. Round 1: the review gate reports finding A, which becomes F1.
   * Round 2: F1 is done ("tried A"), and the gate reports A again (at its limit, so re-planned),
   * plus, when {@code another}, a new finding B. The re-plan gives R1; round 3 starts it.
   */
  private Outcome replanAfterSecondRound(boolean another) {
    machine = new RunMachine(new RunSpec(
        List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of("review"), new Bounds(10, 0, Duration.ZERO, 30, 1), false, false, 4));
    Finding a = finding("src/a/X.java", "A broken");
    feed(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    feed(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "1 task", List.of(), 0));
    List<Task> tasks = List.of(Task.builder("T1", "t").role(BuiltInRoles.IMPLEMENTER).writeScope("src/t/**").build());
    feed(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 1, List.of("T1"), "g", tasks, List.of(), List.of(), List.of(), false));
    Command.RunTask t1 = runTask(feed(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false)));
    feed(new OrchestraEvent.TaskFinished(RUN, T, t1.task().id(), BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "did T1", List.of("src/t/A"), 1));
    gate(1, List.of(a));
    feed(new OrchestraEvent.PlanChecked(RUN, T, 1, false, false));
    Command.RunTask f1 = runTask(feed(new OrchestraEvent.PlanChecked(RUN, T, 2, true, false)));
    assertEquals("F1", f1.task().id());
    feed(new OrchestraEvent.TaskFinished(RUN, T, "F1", BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "tried A", List.of("src/a/X.java"), 2));
    gate(2, another ? List.of(a, finding("src/b/Y.java", "B broken")) : List.of(a));
    RunMachine.Step s = feed(new OrchestraEvent.PlanChecked(RUN, T, 2, false, false));
    Command.AskReplan ask = s.commands().stream().filter(c -> c instanceof Command.AskReplan).map(c -> (Command.AskReplan) c).findFirst()
        .orElseThrow(() -> new AssertionError("no re-plan asked: " + s));
    LivePlan current = new LivePlan(machine.state().plan().orElseThrow());
    List<Task> fresh = FindingTasks.adoptReplan(
        List.of(Task.builder("R1", "new way").role(BuiltInRoles.IMPLEMENTER).writeScope("src/a/**").build()),
        current, ask.finding(), ask.oldTask(), ask.attempts().size());
    List<Task> changed = new ArrayList<>(fresh);
    changed.add(ask.oldTask().withStatus(TaskStatus.SUPERSEDED));
    feed(new OrchestraEvent.PlanUpdated(
        RUN, T, "re-planned: " + ask.oldTask().id(), current.size() + 1, List.of("R1"), "g", changed, List.of(), List.of(), List.of(), false));
    feed(new OrchestraEvent.TaskFinished(RUN, T, ask.task().id(), BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "1 task", List.of(), 2));
    RunMachine.Step round3 = feed(new OrchestraEvent.PlanChecked(RUN, T, 3, true, false));
    Command.RunTask r1 = round3.commands().stream().filter(c -> c instanceof Command.RunTask r && r.task().id().equals("R1"))
        .map(c -> (Command.RunTask) c).findFirst().orElseThrow(() -> new AssertionError("R1 did not start: " + round3));
    return new Outcome(ask.attempts(), r1.attempts());
  }

  private RunMachine.Step feed(OrchestraEvent e) {
    RunMachine.Step s = machine.step(e);
    journal.add(e);
    journal.addAll(s.events());
    return s;
  }

  private void gate(int round, List<Finding> findings) {
    feed(new OrchestraEvent.GateStarted(RUN, T, "review", round, "after the batch"));
    feed(new OrchestraEvent.GateFinished(
        RUN, T, "review", round, findings.isEmpty() ? Verdict.PASS : Verdict.FAIL, findings, "s", List.of(), List.of(), List.of()));
  }

  private static Command.RunTask runTask(RunMachine.Step s) {
    return s.commands().stream().filter(c -> c instanceof Command.RunTask).map(c -> (Command.RunTask) c).findFirst()
        .orElseThrow(() -> new AssertionError("no task started: " + s));
  }

  private static Finding finding(String file, String message) {
    return new Finding("review", Severity.HIGH, file, 1, message, "fix", List.of());
  }
}
