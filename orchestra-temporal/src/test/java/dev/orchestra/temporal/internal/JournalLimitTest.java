package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * How much journal a run on Temporal keeps: a continued workflow run reads it all back, and a desk
 * moving to another clone of the run's remote is sent it once more, both into a history Temporal
 * ends at its size limit.
 */
final class JournalLimitTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void aJournalIsSentToAnotherCloneOnlyWhenTheHistoryHoldsItEscapedWithRoomForTheCalls() {
    assertTrue(DeskLink.stagingFits(10 * MIB, 8 * MIB, 50 * MIB)); // 10 + 8 + 2 + 1
    assertTrue(DeskLink.stagingFits(0, 39 * MIB, 50 * MIB)); // 39 + 9.75 + 1
    assertFalse(DeskLink.stagingFits(0, 40 * MIB, 50 * MIB)); // 40 + 10 + 1
    assertFalse(DeskLink.stagingFits(20 * MIB, 24 * MIB, 50 * MIB)); // 20 + 24 + 6 + 1
  }

  @Test
  void aJournalAtItsLimitReadBackByAContinuedRunThatGrewUntilItContinuesAgainStillMovesToAnotherClone() {
    for (long limit : new long[] {50 * MIB, 200 * MIB, 20 * MIB}) {
      long journal = RunWorkflowImpl.journalLimit(limit);
      long readBack = journal + journal / 4;
      long grown = readBack + 4 * MIB; // CONTINUE_AFTER_BYTES
      assertTrue(grown < limit, "a continued run's history fits under " + limit);
      assertTrue(DeskLink.stagingFits(grown, journal, limit), "a move fits under " + limit);
    }
    assertEquals(15 * MIB, RunWorkflowImpl.journalLimit(50 * MIB));
  }
}
