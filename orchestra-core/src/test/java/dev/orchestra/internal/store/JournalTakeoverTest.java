package dev.orchestra.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.OrchestraException;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal taken over by a run's desk opened again elsewhere ({@link Journal#keepRun}) and read by
 * a workflow that starts afresh ({@link Journal#runLines}).
 */
final class JournalTakeoverTest {
  private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir Path dir;

  private static List<OrchestraEvent> run(String runId, int checks) {
    List<OrchestraEvent> events = new ArrayList<>();
    events.add(new OrchestraEvent.RunStarted(runId, T, "goal of " + runId, false));
    for (int i = 1; i <= checks; i++) {
      events.add(new OrchestraEvent.PlanChecked(runId, T.plusSeconds(i), i, true, false));
    }
    return events;
  }

  private Path journal(List<OrchestraEvent> events) throws Exception {
    Path file = dir.resolve("journal.jsonl");
    Journal j = new Journal(file);
    j.append(events);
    j.close();
    return file;
  }

  @Test
  void theRunIsCutBackToWhatItsDecidingEngineKnowsEarlierRunsStayAndAHalfWrittenLastLineGoes() throws Exception {
    List<OrchestraEvent> earlier = run("r0", 2);
    List<OrchestraEvent> mine = run("r1", 5);
    List<OrchestraEvent> all = new ArrayList<>(earlier);
    all.addAll(mine);
    Path file = journal(all);
    // A desk killed in the middle of a write leaves part of a line, after a blank one.
    Files.writeString(file, "\n{\"v\":2,\"type\":\"stop_req", java.nio.file.StandardOpenOption.APPEND);

    List<OrchestraEvent> kept = Journal.keepRun(file, "r1", 3, mine.get(2));

    assertEquals(mine.subList(0, 3), kept);
    List<OrchestraEvent> expected = new ArrayList<>(earlier);
    expected.addAll(mine.subList(0, 3));
    assertEquals(expected, Journal.readEvents(file));
    assertTrue(Files.readString(file).endsWith("\n"), "the next line starts on a line of its own");
    // What comes next is appended as one whole line.
    Journal j = new Journal(file);
    OrchestraEvent stop = new OrchestraEvent.StopRequested("r1", T, StopReason.CANCELLED, "stop");
    j.append(List.of(stop));
    j.close();
    expected.add(stop);
    assertEquals(expected, Journal.readEvents(file));
  }

  @Test
  void aLastKeptLineWithoutItsLineBreakGetsOne() throws Exception {
    List<OrchestraEvent> mine = run("r1", 1);
    Path file = dir.resolve("journal.jsonl");
    Files.writeString(file, EventJson.line(mine.get(0)) + "\n" + EventJson.line(mine.get(1)));

    assertEquals(mine, Journal.keepRun(file, "r1", 2, mine.get(1)));
    assertEquals(EventJson.line(mine.get(0)) + "\n" + EventJson.line(mine.get(1)) + "\n", Files.readString(file));
  }

  @Test
  void aJournalThatHoldsExactlyTheRunIsLeftUntouchedAndBlankLinesAreNotCounted() throws Exception {
    List<OrchestraEvent> mine = run("r1", 2);
    Path file = dir.resolve("journal.jsonl");
    Files.writeString(file, String.join("\n\n", mine.stream().map(EventJson::line).toList()) + "\n");
    byte[] before = Files.readAllBytes(file);

    assertEquals(mine, Journal.keepRun(file, "r1", 3, mine.get(2)));
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void aJournalIsCutInPlaceKeepingItsFileOwnerAndPermissions() throws Exception {
    List<OrchestraEvent> mine = run("r1", 3);
    Path file = journal(mine);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Object inode = Files.getAttribute(file, "unix:ino");
    Object owner = Files.getOwner(file);

    Journal.keepRun(file, "r1", 2, mine.get(1));

    assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the same file, not a replacement");
    assertEquals(owner, Files.getOwner(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(mine.subList(0, 2), Journal.readEvents(file));
  }

  @Test
  void aJournalThatDoesNotHoldTheRunAsItsEngineKnowsItIsRefusedSayingWhereAndLeftAsItIs() throws Exception {
    List<OrchestraEvent> mine = run("r1", 3);
    Path file = journal(mine);
    byte[] before = Files.readAllBytes(file);

    OrchestraException other = assertThrows(OrchestraException.class, () -> Journal.keepRun(file, "r1", 3, mine.get(1)));
    assertTrue(other.getMessage().startsWith(file + ":3: "), other.getMessage());
    OrchestraException fewer = assertThrows(OrchestraException.class, () -> Journal.keepRun(file, "r1", 9, mine.get(3)));
    assertTrue(fewer.getMessage().contains("holds 4 of its events, the run knows 9"), fewer.getMessage());
    OrchestraException none = assertThrows(OrchestraException.class, () -> Journal.keepRun(file, "r2", 1, mine.get(0)));
    assertTrue(none.getMessage().contains("does not hold the run's start"), none.getMessage());
    assertThrows(OrchestraException.class, () -> Journal.keepRun(dir.resolve("missing.jsonl"), "r1", 1, mine.get(0)));
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void aRunsLinesAreReadInChunksFromItsStart() throws Exception {
    List<OrchestraEvent> earlier = run("r0", 2);
    List<OrchestraEvent> mine = run("r1", 4);
    List<OrchestraEvent> all = new ArrayList<>(earlier);
    all.addAll(mine);
    Path file = journal(all);
    List<String> lines = mine.stream().map(EventJson::line).toList();
    long two = lines.get(1).length() + lines.get(2).length();

    assertEquals(lines, Journal.runLines(file, "r1", 0, Long.MAX_VALUE));
    assertEquals(lines.subList(1, 3), Journal.runLines(file, "r1", 1, two));
    assertEquals(lines.subList(1, 2), Journal.runLines(file, "r1", 1, 1), "at least one line");
    assertEquals(List.of(), Journal.runLines(file, "r1", 5, 100));
    assertThrows(OrchestraException.class, () -> Journal.runLines(file, "r2", 0, 100));
  }

  @Test
  void aRunsJournalRestoredInAnotherCloneReplacesItsLinesThereAndKeepsEveryOtherRunsLines() throws Exception {
    List<OrchestraEvent> earlier = run("r0", 2);
    List<OrchestraEvent> stale = run("r1", 1); // an older account of r1 in this clone
    List<OrchestraEvent> later = run("r2", 2); // a run that used this clone after r1's desk left it
    List<OrchestraEvent> all = new ArrayList<>(earlier);
    all.addAll(stale);
    all.addAll(later);
    Path file = journal(all);
    Files.writeString(file, "{\"v\":2,\"type\":\"stop_req", java.nio.file.StandardOpenOption.APPEND); // cut short by a crash
    List<OrchestraEvent> mine = run("r1", 4);
    List<String> lines = mine.stream().map(dev.orchestra.internal.json.EventJson::line).toList();

    Journal.restoreRun(file, "r1", lines);

    List<OrchestraEvent> expected = new ArrayList<>(earlier);
    expected.addAll(later);
    expected.addAll(mine);
    assertEquals(expected, Journal.readEvents(file));
    assertEquals(mine.subList(0, 4), Journal.keepRun(file, "r1", 4, mine.get(3)), "a desk then takes it over as if it had been here");
    // Into a clone with no journal at all.
    Path fresh = dir.resolve("fresh/.orchestra/journal.jsonl");
    Journal.restoreRun(fresh, "r1", lines);
    assertEquals(mine, Journal.readEvents(fresh));
    // Lines of another run, or not starting with the run's start, are refused and nothing is written.
    String before = Files.readString(file);
    assertThrows(IllegalArgumentException.class, () -> Journal.restoreRun(file, "r1", List.of(lines.get(1))));
    assertThrows(IllegalArgumentException.class, () -> Journal.restoreRun(file, "r2", lines));
    assertEquals(before, Files.readString(file));
  }
}
