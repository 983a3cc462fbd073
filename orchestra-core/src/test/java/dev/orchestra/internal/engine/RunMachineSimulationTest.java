package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of the run's state machine: for each seed a {@link SimulatedEngine}
 * drives one run through a random but legal interleaving of events and checks the invariants after
 * every step. {@code -Dorchestra.simulation.seeds=N} runs N seeds (2,000 by default);
 * {@code -Dorchestra.simulation.seed=S} runs seed S alone, as a failure says.
 */
final class RunMachineSimulationTest {
  private static final int DEFAULT_SEEDS = 2_000;

  @Test
  void invariantsHoldOverManySeeds() {
    String only = System.getProperty("orchestra.simulation.seed", "");
    long first = only.isBlank() ? 1 : Long.parseLong(only.trim());
    int seeds = only.isBlank() ? Integer.getInteger("orchestra.simulation.seeds", DEFAULT_SEEDS) : 1;
    Map<StopReason, Integer> reasons = new EnumMap<>(StopReason.class);
    long events = 0;
    int crashes = 0;
    int truncations = 0;
    int interrupted = 0;
    int undecided = 0;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    for (long seed = first; seed < first + seeds; seed++) {
      SimulatedEngine sim = new SimulatedEngine(seed, 0.25);
      try {
        OrchestraEvent.RunFinished end = sim.run();
        reasons.merge(StopReason.valueOf(end.stopReason()), 1, Integer::sum);
        events += sim.journal.size();
        crashes += sim.crashes;
        truncations += sim.truncations;
        interrupted += sim.interrupted;
        undecided += sim.undecided;
      } catch (AssertionError | RuntimeException e) {
        int from = Math.max(0, sim.journal.size() - 25);
        StringBuilder tail = new StringBuilder();
        for (OrchestraEvent ev : sim.journal.subList(from, sim.journal.size())) {
          tail.append("\n  ").append(ev);
        }
        AssertionError failure =
            new AssertionError("seed " + seed + " broke an invariant after " + sim.steps + " steps: " + e.getMessage()
                + "\nreplay it alone: mvn -pl orchestra-core test -Dtest=RunMachineSimulationTest -Dorchestra.simulation.seed=" + seed
                + "\nlast events:" + tail, e);
        throw failure;
      }
    }
    System.out.printf(
        "simulation: %d seeds, %d events, %d crashes replayed (%d lost the journal's tail), %d agents interrupted, %d gates failed without a finding, stop reasons %s;"
            + " %d ms (%d ms of CPU)%n",
        seeds, events, crashes, truncations, interrupted, undecided, reasons, (System.nanoTime() - wall) / 1_000_000,
        (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000);
    if (seeds >= 500) {
      // The driver reaches the loop's exits, so the invariants are checked on every path to them.
      for (StopReason r : new StopReason[] {
          StopReason.GREEN, StopReason.CANCELLED, StopReason.ITERATION_LIMIT, StopReason.FAILED, StopReason.TIME_LIMIT, StopReason.TOKEN_LIMIT,
          StopReason.FINDINGS_REGRESSED, StopReason.ATTEMPTS_EXHAUSTED, StopReason.NO_PROGRESS, StopReason.TASKS_FAILED, StopReason.NOT_VERIFIED,
          StopReason.ONE_BATCH_COMPLETE, StopReason.QUOTA_EXHAUSTED, StopReason.AUTHENTICATION_FAILED}) {
        assertTrue(reasons.getOrDefault(r, 0) > 0, "no simulated run ended " + r + ": " + reasons);
      }
      assertTrue(crashes > 0, "no simulated run crashed and replayed");
      assertTrue(truncations > 0, "no simulated crash lost the journal's last events");
      assertTrue(interrupted > 0, "no simulated agent was interrupted");
      assertTrue(undecided > 0, "no simulated gate failed without a finding");
    }
  }

  @Test
  void theSameSeedGivesTheSameRun() {
    for (long seed = 1; seed <= 50; seed++) {
      SimulatedEngine a = new SimulatedEngine(seed, 0);
      SimulatedEngine b = new SimulatedEngine(seed, 0);
      a.run();
      b.run();
      if (!a.journal.equals(b.journal)) {
        fail("seed " + seed + " gave two different journals");
      }
      assertEquals(a.machine().state().describe(), b.machine().state().describe());
    }
  }
}
