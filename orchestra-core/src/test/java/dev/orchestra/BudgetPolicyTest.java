package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.BudgetPolicy.Signal;
import dev.orchestra.internal.exec.BudgetLadder.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BudgetPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void defaultLadderIsTwelveTenEight() {
    assertEquals(List.of(12, 10, 8), BudgetPolicy.defaults().ladder());
    assertEquals(List.of(6, 5, 4), BudgetPolicy.startingAt(6).ladder());
    assertEquals(List.of(1), BudgetPolicy.startingAt(1).ladder());
    assertEquals(List.of(2, 1), BudgetPolicy.startingAt(2).ladder());
    assertEquals(12, BudgetPolicy.defaults().top());
  }

  @Test
  void stepsDownTheLadderOnTroubleAndClimbsBackOneAtATime() {
    BudgetPolicy p = BudgetPolicy.defaults();
    State s = p.initial(at(0));
    List<Integer> limits = new ArrayList<>();
    s = p.next(s, Signal.RATE_LIMITED, at(1));
    limits.add(p.limit(s));
    s = p.next(s, Signal.RATE_LIMITED, at(2)); // within the 2 s hold: one burst counts once
    limits.add(p.limit(s));
    s = p.next(s, Signal.UNSTABLE, at(4)); // 10 was too many: remembered
    limits.add(p.limit(s));
    assertEquals(10, s.troubleLimit());
    s = p.next(s, Signal.RATE_LIMITED, at(10)); // at the floor: stays
    limits.add(p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(39)); // 29 s after the last trouble: not yet
    limits.add(p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(40));
    limits.add(p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(50)); // the step up restarted the window
    limits.add(p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(119)); // back to 10, where the trouble was: three windows
    limits.add(p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(130));
    limits.add(p.limit(s));
    assertEquals(Integer.MAX_VALUE, s.troubleLimit(), "forgotten once the budget is back at it");
    for (int t = 160; t <= 190; t += 30) {
      s = p.next(s, Signal.SUCCESS, at(t));
      limits.add(p.limit(s));
    }
    s = p.next(s, Signal.SUCCESS, at(1000)); // at the top: stays
    limits.add(p.limit(s));
    assertEquals(List.of(10, 10, 8, 8, 8, 9, 9, 9, 10, 11, 12, 12), limits);
  }

  @Test
  void aCapacityBetweenRungsIsRunAtForLongerThanTheRungAboveIt() {
    // Capacity 9 on the default ladder: 10 fails whenever it is tried. Over ten minutes of
    // one success a second, and trouble at once whenever the limit is 10 or more, the budget
    // spends most of its time at 9 (it was under half without the remembered limit), and tries
    // 10 only after three windows at 9.
    BudgetPolicy p = BudgetPolicy.defaults();
    State s = p.initial(at(0));
    int atNine = 0;
    int triesOfTen = 0;
    for (int t = 0; t < 600; t++) {
      int before = p.limit(s);
      s = p.next(s, before > 9 ? Signal.RATE_LIMITED : Signal.SUCCESS, at(t));
      if (p.limit(s) == 10 && before == 9) {
        triesOfTen++;
      }
      if (p.limit(s) == 9) {
        atNine++;
      }
    }
    assertTrue(atNine > 400, "seconds at 9: " + atNine); // 440: 90 s at 9, then 2 s at 10 and 30 s at 8
    assertTrue(triesOfTen <= 600 / 90 + 1, "tries of 10: " + triesOfTen);
  }

  @Test
  void aTroubleLimitMustBeAboveTheLimit() {
    assertThrows(IllegalArgumentException.class, () -> new State(9, at(0), at(0), 9));
    assertEquals(Integer.MAX_VALUE, new State(9, at(0), at(0)).troubleLimit());
    BudgetPolicy huge = BudgetPolicy.defaults().withStableWindow(java.time.Duration.ofSeconds(Long.MAX_VALUE / 2));
    State s = huge.next(huge.initial(at(0)), Signal.RATE_LIMITED, at(0));
    assertEquals(s, huge.next(s, Signal.SUCCESS, at(100))); // the cautious window cannot overflow
  }

  @Test
  void troubleBetweenRungsStepsDownToTheRungBelow() {
    BudgetPolicy p = BudgetPolicy.defaults().withStepDownSpacing(Duration.ZERO);
    State s = new State(11, at(0), at(0));
    s = p.next(s, Signal.RATE_LIMITED, at(1));
    assertEquals(10, p.limit(s));
    s = p.next(new State(9, at(0), at(0)), Signal.RATE_LIMITED, at(1));
    assertEquals(8, p.limit(s));
  }

  @Test
  void aStepUpHoldsForTheSpacingBeforeTroubleUndoesIt() {
    BudgetPolicy p = BudgetPolicy.defaults(); // 30 s window, 2 s hold
    State s = p.next(p.initial(at(0)), Signal.RATE_LIMITED, at(0));
    s = p.next(s, Signal.RATE_LIMITED, at(2));
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(32));
    assertEquals(9, p.limit(s));
    s = p.next(s, Signal.RATE_LIMITED, at(33)); // one second into the trial of 9: held
    assertEquals(9, p.limit(s));
    s = p.next(s, Signal.RATE_LIMITED, at(34)); // the trial is over and 9 is still too many
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(63)); // the trouble at 34 restarted the window
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(64)); // 9 was too many at 34: three windows, not one
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(124));
    assertEquals(9, p.limit(s));
  }

  @Test
  void troubleRestartsTheStableWindow() {
    BudgetPolicy p = BudgetPolicy.defaults().withStepDownSpacing(Duration.ZERO);
    State s = p.next(p.initial(at(0)), Signal.RATE_LIMITED, at(0));
    s = p.next(s, Signal.RATE_LIMITED, at(0));
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.UNSTABLE, at(20)); // at the floor, but the window starts again
    s = p.next(s, Signal.SUCCESS, at(31));
    assertEquals(8, p.limit(s));
    s = p.next(s, Signal.SUCCESS, at(50));
    assertEquals(9, p.limit(s));
  }

  @Test
  void floorCutsTheLadder() {
    BudgetPolicy p = new BudgetPolicy(List.of(12, 10, 8, 6, 4), 7, Duration.ofSeconds(5), Duration.ZERO);
    assertEquals(List.of(12, 10, 8, 7), p.ladder());
    State s = p.initial(at(0));
    for (int i = 0; i < 10; i++) {
      s = p.next(s, Signal.RATE_LIMITED, at(i));
    }
    assertEquals(7, p.limit(s));
  }

  @Test
  void fixedNeverMoves() {
    BudgetPolicy p = BudgetPolicy.fixed(9);
    State s = p.next(p.initial(at(0)), Signal.RATE_LIMITED, at(100));
    assertEquals(9, p.limit(s));
  }

  @Test
  void rejectsBadPolicies() {
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(), 1, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(8, 10), 8, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(8, 0), 1, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(8), 9, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(8), 0, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new BudgetPolicy(List.of(8), 8, Duration.ofSeconds(-1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> BudgetPolicy.startingAt(0));
  }
}
