package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How much history a run on Temporal lets its workflow runs take: a continued workflow run reads
 * the whole journal back, and a desk moving to another clone of the run's remote is sent it once
 * more, both into a history Temporal ends at its size limit.
 */
final class JournalLimitTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void aJournalLineTakesItsUtf8BytesAndItsEscapesInAPayload() {
    assertEquals(3 + 3, RunWorkflowImpl.payloadBytes("abc")); // quotes and comma
    assertEquals(2 + 2 + 3, RunWorkflowImpl.payloadBytes("\"\""));
    assertEquals(3 + 3, RunWorkflowImpl.payloadBytes("\u00e9a"), "é is two bytes");
    assertEquals(3 * 6, RunWorkflowImpl.payloadBytes(List.of("abc", "def", "ghi")));
  }

  @Test
  void aJournalOutgrowsItsShareAtThirtyPercentOfTheHistoryLimit() {
    List<String> journal = Collections.nCopies(1000, "x".repeat(97)); // 100 bytes each in a payload
    assertEquals(100_000, RunWorkflowImpl.payloadBytes(journal));
    assertFalse(RunWorkflowImpl.journalOutgrew(journal, 340_000)); // may take 102,000
    assertTrue(RunWorkflowImpl.journalOutgrew(journal, 330_000)); // may take 99,000
    assertEquals(15 * MIB, RunWorkflowImpl.journalLimit(50 * MIB));
  }

  @Test
  void aWorkflowRunsHistoryNearsItsLimitPastEightyPercent() {
    assertFalse(RunWorkflowImpl.historyNearLimit(40 * MIB, 50 * MIB));
    assertTrue(RunWorkflowImpl.historyNearLimit(40 * MIB + 1, 50 * MIB));
  }

  @Test
  void aJournalIsSentToAnotherCloneOnlyWhenTheHistoryHoldsItWithRoomForTheCalls() {
    assertTrue(DeskLink.stagingFits(10 * MIB, 39 * MIB, 50 * MIB)); // 10 + 39 + 1
    assertFalse(DeskLink.stagingFits(10 * MIB, 39 * MIB + 1, 50 * MIB));
  }

  @Test
  void aJournalAtItsLimitLeavesAContinuedRunRoomToGrowAndToMoveItsDeskEarlyInIt() {
    for (long limit : new long[] {50 * MIB, 200 * MIB, 20 * MIB}) {
      long journal = RunWorkflowImpl.journalLimit(limit);
      // The continued run's history once it holds the journal and nears its limit: the run stops there.
      long fullest = limit / 10 * 8 - journal;
      assertTrue(journal < fullest, "a continued run's history holds the journal with room to grow under " + limit);
      assertTrue(DeskLink.stagingFits(journal + MIB, journal, limit), "a move early in a continued run fits under " + limit);
    }
  }
}
