package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.internal.engine.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a desk opened again elsewhere decides as the first one did ({@link Wire#sameTeam}). */
final class WireTeamTest {
  private static RunSpec spec(List<String> writers, List<String> gates) {
    return new RunSpec(List.of("probe"), new LinkedHashSet<>(writers), gates, Bounds.defaults(), false, true, 12);
  }

  @Test
  void teamsAreComparedAsValuesSoASetsOrderInTheTextDoesNotMatterButTheirGatesAndBudgetDo() {
    BudgetPolicy budget = BudgetPolicy.defaults();
    String first = Wire.team(spec(List.of("implementer", "qa"), List.of("ci", "review")), budget, "q1", "/w1", "");
    List<String> reversed = new ArrayList<>(List.of("implementer", "qa"));
    java.util.Collections.reverse(reversed);
    String again = Wire.team(spec(reversed, List.of("ci", "review")), budget, "q2", "/w2", "");
    assertTrue(!first.equals(again), "the texts differ: another queue, workspace and set order");
    assertTrue(Wire.sameTeam(first, again));
    assertFalse(Wire.sameTeam(first, Wire.team(spec(List.of("implementer", "qa"), List.of("ci")), budget, "q1", "/w1", "")), "another gate list");
    assertFalse(Wire.sameTeam(first, Wire.team(spec(List.of("implementer"), List.of("ci", "review")), budget, "q1", "/w1", "")), "other writers");
    assertFalse(Wire.sameTeam(first, Wire.team(spec(List.of("implementer", "qa"), List.of("ci", "review")), BudgetPolicy.fixed(4), "q1", "/w1", "")), "another budget");
  }

  @Test
  void aTeamWrittenBeforeMergesAtOnceReadsAsOneAtATimeAndADeskMergingMoreIsAnotherTeam() {
    BudgetPolicy budget = BudgetPolicy.defaults();
    RunSpec batching =
        new RunSpec(List.of("probe"), new LinkedHashSet<>(List.of("implementer")), List.of("ci"), Bounds.defaults(), false, true, 12, true, 32);
    String now = Wire.team(batching, budget, "q1", "/w1", "/remote.git");
    assertEquals(32, Wire.teamSpec(now).mergesAtOnce());
    // As a desk on the code before wrote it: no such property.
    String before = now.replace("\"mergesAtOnce\":32,", "").replace(",\"mergesAtOnce\":32", "");
    assertFalse(before.contains("mergesAtOnce"), before);
    assertEquals(1, Wire.teamSpec(before).mergesAtOnce(), "one at a time, as that run's workflow decides");
    // So a desk opened again for that run must be asked for 1 (DeskLink passes the first team's), or it is another team.
    RunSpec one = new RunSpec(batching.probes(), batching.writerRoles(), batching.gates(), batching.bounds(), false, true, 12, true, 1);
    assertTrue(Wire.sameTeam(before, Wire.team(one, budget, "q2", "/w2", "/remote.git")));
    assertFalse(Wire.sameTeam(before, now));
  }
}
