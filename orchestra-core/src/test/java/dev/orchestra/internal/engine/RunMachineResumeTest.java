package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a machine rebuilt from a journal does before and at the resumed run's start. */
final class RunMachineResumeTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private final List<OrchestraEvent> journal = new ArrayList<>();

  private static RunSpec spec() {
    return new RunSpec(List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 2), false, false, 4);
  }

  private void feed(RunMachine m, OrchestraEvent e) {
    journal.add(e);
    journal.addAll(m.step(e).events());
  }

  @Test
  void aPlanRestoredBeforeTheStartDecidesNothingAndTheStartGoesOnWithIt() {
    RunMachine m = new RunMachine(spec()).replay(List.of());
    Plan p = Plan.builder("g").tasks(List.of(Task.builder("T1", "t").writeScope("a.txt").build())).build();
    RunMachine.Step restored =
        m.step(new OrchestraEvent.PlanUpdated("r", T, "restored from plan.md", 1, List.of(), "g", p.tasks(), List.of(), List.of(), List.of(), true));
    assertTrue(restored.commands().isEmpty() && restored.events().isEmpty(), "restoring decided " + restored);
    RunMachine.Step start = m.step(new OrchestraEvent.RunStarted("r", T.plusSeconds(1), "g", true));
    assertEquals(List.of(Command.Kind.CHECK_PLAN), start.commands().stream().map(Command::kind).toList(), "no planner: the plan is there");
  }

  @Test
  void aResumedRunStartsWithTheWholeBudgetAsTheEnginesFreshThreadBudgetDoes() {
    RunMachine m = new RunMachine(spec());
    feed(m, new OrchestraEvent.RunStarted("r", T, "g", false));
    feed(m, new OrchestraEvent.BudgetChanged("r", T, 4, 1, "rate limited"));
    assertEquals(1, m.state().budget());
    RunMachine resumed = new RunMachine(spec()).replay(journal);
    assertEquals(1, resumed.state().budget(), "the replay reproduces the stopped run");
    resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(5), "g", true));
    assertEquals(4, resumed.state().budget());
  }

  @Test
  void workCommittedBeforeAStopIsIntegratedAtTheResumeAndItsFilesReachTheGates() {
    RunSpec isolated = isolatedRunStoppedAfterACommit(new Bounds(10, 0, Duration.ZERO, 30, 2), false);
    RunMachine resumed = new RunMachine(isolated).replay(journal);
    RunMachine.Step start = resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(5), "g", true));
    assertEquals(List.of(Command.Kind.CHECK_PLAN), start.commands().stream().map(Command::kind).toList(), "plan.md is checked before any merge");
    RunMachine.Step merge = resumed.step(new OrchestraEvent.PlanChecked("r2", T.plusSeconds(5), 1, true, false));
    Command.Integrate integrate =
        merge.commands().stream().filter(Command.Integrate.class::isInstance).map(Command.Integrate.class::cast).findFirst().orElseThrow();
    assertEquals("orchestra-task/r/T1", integrate.branch(), "the committed work is merged, not redone: " + merge.commands());
    RunMachine.Step gates = resumed.step(new OrchestraEvent.TaskIntegrated("r2", T.plusSeconds(6), "T1", integrate.branch(), "def456", 1));
    Command.RunGates g =
        gates.commands().stream().filter(Command.RunGates.class::isInstance).map(Command.RunGates.class::cast).findFirst().orElseThrow();
    assertEquals(List.of("T1"), g.taskIds());
    assertEquals(List.of("src/A.java"), g.changedFiles(), "the gates judge what the committed task changed");
  }

  @Test
  void aTaskSetToDoAgainInPlanMdWhileTheRunWasStoppedHasItsCommittedWorkLeftOnItsBranch() {
    RunSpec isolated = isolatedRunStoppedAfterACommit(new Bounds(10, 0, Duration.ZERO, 30, 2), false);
    List<Task> tasks = List.of(Task.builder("T1", "t").role(BuiltInRoles.IMPLEMENTER).writeScope("src/**").build());
    RunMachine resumed = new RunMachine(isolated).replay(journal);
    resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(5), "g", true));
    // The person set T1 back to do in plan.md: the check reports the edit, then itself.
    List<Task> edited = List.of(tasks.get(0).withStatus(dev.orchestra.plan.TaskStatus.TODO));
    RunMachine.Step edit =
        resumed.step(new OrchestraEvent.PlanUpdated("r2", T.plusSeconds(5), RunMachine.EDITED, 1, List.of("T1"), "g", edited, List.of(), List.of(), List.of(), false));
    RunMachine.Step batch = resumed.step(new OrchestraEvent.PlanChecked("r2", T.plusSeconds(5), 1, true, true));
    List<Command> commands = new ArrayList<>(edit.commands());
    commands.addAll(batch.commands());
    assertTrue(commands.stream().noneMatch(Command.Integrate.class::isInstance), "nothing is merged: " + commands);
    assertTrue(commands.stream().anyMatch(c -> c instanceof Command.RunTask r && r.task().id().equals("T1")), "T1 runs again: " + commands);
  }

  /** A run with work committed but not merged, stopped mid-batch: the journal a resume replays. */
  private RunSpec isolatedRunStoppedAfterACommit(Bounds bounds, boolean overTokens) {
    RunSpec isolated = new RunSpec(List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of("review"), bounds, false, false, 4, true);
    RunMachine m = new RunMachine(isolated);
    feed(m, new OrchestraEvent.RunStarted("r", T, "g", false));
    feed(m, new OrchestraEvent.TaskFinished("r", T, "plan", BuiltInRoles.ORCHESTRATOR, dev.orchestra.plan.TaskStatus.DONE, "1 task", List.of(), 0));
    List<Task> tasks = List.of(Task.builder("T1", "t").role(BuiltInRoles.IMPLEMENTER).writeScope("src/**").build());
    feed(m, new OrchestraEvent.PlanUpdated("r", T, "planned", 1, List.of("T1"), "g", tasks, List.of(), List.of(), List.of(), false));
    feed(m, new OrchestraEvent.PlanChecked("r", T, 1, true, false));
    if (overTokens) {
      feed(m, new OrchestraEvent.ModelCallFinished("r", T, BuiltInRoles.IMPLEMENTER, "T1", "m", new dev.orchestra.model.TokenUsage(200, 0, 0, 0), 1, "ok"));
    }
    feed(m, new OrchestraEvent.TaskCommitted("r", T, "T1", "orchestra-task/r/T1", "abc123", List.of("src/A.java"), 1));
    return isolated;
  }

  @Test
  void aResumeThatStopsAtOnceOnALimitFinishesWithTheWorkLeftOnItsBranch() {
    RunSpec spec = isolatedRunStoppedAfterACommit(new Bounds(10, 100, Duration.ZERO, 30, 2), true);
    RunMachine resumed = new RunMachine(spec).replay(journal);
    RunMachine.Step start = resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(5), "g", true));
    assertTrue(start.commands().stream().anyMatch(Command.Finish.class::isInstance), "the run finishes, not waits: " + start.commands());
    assertTrue(start.commands().stream().noneMatch(Command.Integrate.class::isInstance), "before the plan check nothing is merged");
    assertEquals(List.of("T1"), resumed.state().notIntegrated());
  }

  @Test
  void aResumeWhosePlanMdCannotBeReadFinishesWithTheWorkLeftOnItsBranch() {
    RunSpec spec = isolatedRunStoppedAfterACommit(new Bounds(10, 0, Duration.ZERO, 30, 2), false);
    RunMachine resumed = new RunMachine(spec).replay(journal);
    resumed.step(new OrchestraEvent.RunStarted("r2", T.plusSeconds(5), "g", true));
    RunMachine.Step stop =
        resumed.step(new OrchestraEvent.StopRequested("r2", T.plusSeconds(5), dev.orchestra.StopReason.PLAN_INVALID, "plan.md cannot be read"));
    assertTrue(stop.commands().stream().anyMatch(Command.Finish.class::isInstance), "the run finishes, not waits: " + stop.commands());
  }
}
