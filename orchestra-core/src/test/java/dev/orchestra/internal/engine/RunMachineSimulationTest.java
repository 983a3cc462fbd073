package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of the run's state machine: for each seed a {@link SimulatedEngine}
 * drives one run through a random but legal interleaving of events and checks the invariants after
 * every step. {@code -Dorchestra.simulation.seeds=N} runs N seeds (2,000 by default);
 * {@code -Dorchestra.simulation.seed=S} runs seed S alone, as a failure says.
 *
 * <p>The journals of three seeds are pinned by their digest ({@link #PINNED}), so that a change in
 * what the machine decides shows up even when every invariant still holds.
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
    int retriedLater = 0;
    int released = 0;
    int undecided = 0;
    int isolated = 0;
    int merges = 0;
    int batching = 0;
    int mergeFailures = 0;
    int conflicts = 0;
    int resolvingRuns = 0;
    int resolvingAgents = 0;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    for (long seed = first; seed < first + seeds; seed++) {
      SimulatedEngine sim = new SimulatedEngine(seed, 0.25, true);
      try {
        OrchestraEvent.RunFinished end = sim.run();
        reasons.merge(StopReason.valueOf(end.stopReason()), 1, Integer::sum);
        events += sim.journal.size();
        crashes += sim.crashes;
        truncations += sim.truncations;
        interrupted += sim.interrupted;
        retriedLater += sim.retriedLater;
        released += sim.released;
        undecided += sim.undecided;
        isolated += sim.spec.isolated() ? 1 : 0;
        merges += sim.merges;
        batching += sim.spec.mergesAtOnce() > 1 ? 1 : 0;
        mergeFailures += sim.mergeFailures;
        conflicts += sim.conflicts;
        resolvingRuns += sim.resolveConflicts ? 1 : 0;
        resolvingAgents += sim.resolvingAgents;
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
        "simulation: %d seeds, %d events, %d crashes replayed (%d lost the journal's tail), %d agents interrupted, %d retried later (%d waits ended), %d gates failed without a finding, stop reasons %s;"
            + " %d in worktrees (%d merges, %d conflicts; %d runs resolve conflicts by a new task, %d such agents ran; %d runs merge several"
            + " branches at once, %d such merges git could not do); %d ms (%d ms of CPU)%n",
        seeds, events, crashes, truncations, interrupted, retriedLater, released, undecided, reasons, isolated, merges, conflicts, resolvingRuns, resolvingAgents,
        batching, mergeFailures,
        (System.nanoTime() - wall) / 1_000_000,
        (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000);
    if (seeds >= 500 && (merges == 0 || conflicts == 0 || resolvingAgents == 0 || batching == 0 || mergeFailures == 0)) {
      throw new AssertionError(
          "the driver ran no merge, no conflict, no resolving task, no run merging several branches at once or no failed merge among"
              + " several: integration went unchecked");
    }
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
      assertTrue(retriedLater > 0 && released > 0, "no simulated task waited out a retry in the queue");
      assertTrue(undecided > 0, "no simulated gate failed without a finding");
    }
  }

  /**
   * The SHA-256 of three seeds' journals, one {@link EventJson} line each. Seed 135 ends GREEN
   * after a re-plan; 205 ATTEMPTS_EXHAUSTED after a re-plan and a crash that lost the journal's
   * tail; 142 QUOTA_EXHAUSTED, with an interrupted agent, findings and such a crash.
   *
   * <p>They change whenever the machine decides anything differently, or the driver
   * ({@link SimulatedEngine}) draws its random numbers differently. When that is intended: run
   * {@code mvn -pl orchestra-core test -Dtest=RunMachineSimulationTest#theJournalsOfThreeSeedsAreAsPinned
   * -Dorchestra.simulation.print=135} (and 205, 142) to print a seed's journal, check the
   * decisions that changed are the ones meant to, and paste the digests the failure gives here,
   * saying in the commit why they changed.
   */
  private static final Map<Long, String> PINNED = Map.of(
      135L, "d262d202e87c8d19a4ff67902cc3d0427d3d184bdd35fc7790bc7d412c310e79",
      // 205 runs in worktrees (commits and merges).
      205L, "26e371fb5222a86975198ac4db89890ad0ac4db8e1864eca039a574a8de7af3e",
      142L, "a1fe3522f7fc97864b5be562eaa08b7fe5175800f2ee12324da466384e314ca3");

  @Test
  void theJournalsOfThreeSeedsAreAsPinned() {
    String print = System.getProperty("orchestra.simulation.print", "");
    Map<Long, String> actual = new TreeMap<>();
    for (long seed : PINNED.keySet()) {
      SimulatedEngine sim = new SimulatedEngine(seed, 0);
      sim.run();
      if (print.equals(Long.toString(seed))) {
        sim.journal.forEach(e -> System.out.println(EventJson.line(e)));
      }
      actual.put(seed, digest(sim));
    }
    assertEquals(new TreeMap<>(PINNED), actual, "the pinned journals changed; if the machine's decisions were meant to change, see PINNED");
  }

  private static String digest(SimulatedEngine sim) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (OrchestraEvent e : sim.journal) {
        sha.update(EventJson.line(e).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
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
