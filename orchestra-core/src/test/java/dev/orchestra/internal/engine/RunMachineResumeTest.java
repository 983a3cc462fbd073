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
}
