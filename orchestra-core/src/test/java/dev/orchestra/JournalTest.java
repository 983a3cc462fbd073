package dev.orchestra;

import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import dev.orchestra.plan.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.model.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class JournalTest {
  @TempDir Path dir;
  private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void everyLineCarriesTheSchemaVersionAndType() throws Exception {
    Path file = dir.resolve(".orchestra/journal.jsonl");
    try (Journal j = new Journal(file)) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
      j.append(new OrchestraEvent.TaskFinished("r1", T, "T1", "implementer", TaskStatus.DONE, "ok", List.of("a.txt"), 1));
      j.append(new OrchestraEvent.GateFinished("r1", T, "review", 1, Verdict.BLOCK,
          List.of(new Finding("review", Severity.HIGH, "a.txt", 3, "bad", "fix")), "block"));
      j.append(new OrchestraEvent.RunFinished("r1", T, "GREEN", "done", 1, new TokenUsage(10, 5, 2, 1)));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(
        "{\"v\":5,\"type\":\"task_finished\",\"runId\":\"r1\",\"time\":\"2026-11-24T10:00:00Z\",\"taskId\":\"T1\","
            + "\"role\":\"implementer\",\"status\":\"done\",\"summary\":\"ok\",\"changedFiles\":[\"a.txt\"],\"round\":1}",
        lines.get(1));
    JsonNode gate = Json.M.readTree(lines.get(2));
    assertEquals("high", gate.at("/findings/0/severity").asText());
    assertEquals("block", gate.get("verdict").asText());
    assertEquals(5, Json.M.readTree(lines.get(3)).at("/usage/outputTokens").asInt());
    assertEquals(4, Journal.read(file).size());
  }

  @Test
  void eventsAppendedTogetherAreWholeLinesInOrder() throws Exception {
    Path file = dir.resolve("batch.jsonl");
    List<OrchestraEvent> events = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      events.add(new OrchestraEvent.TaskStarted("r1", T, "T" + i, "implementer", "part " + i, 1));
    }
    try (Journal j = new Journal(file)) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
      j.append(events);
      j.append(List.of());
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(6, lines.size());
    for (int i = 1; i <= 5; i++) {
      assertTrue(lines.get(i).contains("\"taskId\":\"T" + i + "\""), lines.get(i));
    }
    assertEquals(6, Journal.read(file).size());
  }

  @Test
  void aLastLineCutByACrashIsSkipped() throws Exception {
    Path file = dir.resolve("j.jsonl");
    try (Journal j = new Journal(file)) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
    }
    Files.writeString(file, "{\"v\":1,\"type\":\"task_fin", StandardOpenOption.APPEND);
    assertEquals(1, Journal.read(file).size());
  }

  @Test
  void aBrokenLineInTheMiddleIsAnErrorNamingTheLine() throws Exception {
    Path file = dir.resolve("j.jsonl");
    Files.writeString(file, "{\"v\":1}\n{broken\n{\"v\":1}\n");
    OrchestraException e = assertThrows(OrchestraException.class, () -> Journal.read(file));
    assertTrue(e.getMessage().startsWith(file + ":2: malformed journal line"), e.getMessage());
  }

  @Test
  void anEventLackingAFieldIsAnErrorNamingItsLineAndTheField() throws Exception {
    Path file = dir.resolve("j.jsonl");
    String started = "{\"v\":1,\"type\":\"run_started\",\"runId\":\"r1\",\"time\":\"2026-11-24T10:00:00Z\",\"goal\":\"g\",\"resumed\":false}";
    // A blank line counts: the message names the line in the file, not the event's number.
    Files.writeString(file, started + "\n\n"
        + "{\"v\":1,\"type\":\"task_started\",\"runId\":\"r1\",\"time\":\"2026-11-24T10:00:00Z\",\"taskId\":\"T1\",\"role\":\"implementer\",\"title\":\"t\"}\n");
    OrchestraException e = assertThrows(OrchestraException.class, () -> Journal.readEvents(file));
    assertEquals(
        file + ":3: journal line cannot be read: a task_started event of schema version 1 lacks its field 'round'", e.getMessage());
  }

  @Test
  void aJournalOfALaterSchemaVersionIsRefused() throws Exception {
    Path file = dir.resolve("j.jsonl");
    Files.writeString(file, "{\"v\":" + (OrchestraEvent.SCHEMA_VERSION + 1)
        + ",\"type\":\"run_started\",\"runId\":\"r1\",\"time\":\"2026-11-24T10:00:00Z\",\"goal\":\"g\",\"resumed\":false}\n");
    OrchestraException e = assertThrows(OrchestraException.class, () -> Journal.readEvents(file));
    assertEquals(file + ":1: journal line cannot be read: schema version " + (OrchestraEvent.SCHEMA_VERSION + 1)
        + ", written by a later Orchestra: this one reads versions 1 to " + OrchestraEvent.SCHEMA_VERSION, e.getMessage());
  }

  @Test
  void aMissingJournalIsEmpty() {
    assertTrue(Journal.read(dir.resolve("none.jsonl")).isEmpty());
  }

  @Test
  void aToolCallIsRecordedByWhatRanNotWhatItReturned() throws Exception {
    Path file = dir.resolve("j.jsonl");
    String longCommand = "sh -c " + "x".repeat(400);
    String reason = "arguments are not valid JSON " + "y".repeat(300) + "\n at [Source: the arguments]";
    try (Journal j = new Journal(file)) {
      j.append(new OrchestraEvent.ToolCalled("r1", T, "T1", "implementer", "read_file", "a.txt", true, "read the whole file", 6, "5891b5b522d5"));
      j.append(new OrchestraEvent.ToolCalled("r1", T, "T1", "implementer", "run_command", longCommand, false, reason, 0, "e3b0c44298fc"));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(
        "{\"v\":5,\"type\":\"tool_called\",\"runId\":\"r1\",\"time\":\"2026-11-24T10:00:00Z\",\"taskId\":\"T1\","
            + "\"role\":\"implementer\",\"tool\":\"read_file\",\"target\":\"a.txt\",\"ok\":true,"
            + "\"detail\":\"read the whole file\",\"outputBytes\":6,\"outputDigest\":\"5891b5b522d5\"}",
        lines.get(0));
    JsonNode cut = Json.M.readTree(lines.get(1));
    assertEquals(longCommand.substring(0, 297) + "...", cut.get("target").asText());
    assertEquals(reason.substring(0, 197) + "...", cut.get("detail").asText());
    assertFalse(cut.get("detail").asText().contains("Source"), "only the first line of a reason is kept");
    assertEquals("one line", new OrchestraEvent.ToolCalled("r1", T, "T1", "r", "t", "", false, "one line\r\nsecond", 0, "e3b0c44298fc").detail());
  }

  @Test
  void aToolCallsDigestIsTwelveHexDigits() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new OrchestraEvent.ToolCalled("r1", T, "T1", "r", "t", "", true, "", 0, "the output itself"));
    assertThrows(
        IllegalArgumentException.class, () -> new OrchestraEvent.ToolCalled("r1", T, "T1", "r", "t", "", true, "", -1, "e3b0c44298fc"));
  }

  @Test
  void theJournalsFolderIsIgnoredByGit() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(TestRepos.gitAvailable(), "git is needed");
    TestRepos.git(dir, "init", "-q");
    Files.writeString(dir.resolve("README.md"), "# r\n");
    TestRepos.git(dir, "add", "README.md");
    TestRepos.git(dir, "commit", "-q", "-m", "start");
    try (Journal j = new Journal(dir.resolve(".orchestra/journal.jsonl"))) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
    }
    assertEquals("", TestRepos.git(dir, "status", "--porcelain", "--untracked-files=all"));
    assertTrue(Files.readAllLines(dir.resolve(".orchestra/.gitignore")).contains("*"));
    try (var left = Files.list(dir.resolve(".orchestra"))) {
      assertEquals(List.of(".gitignore", "journal.jsonl"), left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left");
    }
  }

  @Test
  void aGitignoreSomeoneWroteIsKept() throws Exception {
    Path ignore = dir.resolve(".orchestra/.gitignore");
    Files.createDirectories(ignore.getParent());
    Files.writeString(ignore, "journal.jsonl\n!plan-history/\n");
    try (Journal j = new Journal(dir.resolve(".orchestra/journal.jsonl"))) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
    }
    assertEquals("journal.jsonl\n!plan-history/\n", Files.readString(ignore));
  }

  @Test
  void aJournalOutsideOrchestrasFolderLeavesGitAlone() {
    try (Journal j = new Journal(dir.resolve("logs/journal.jsonl"))) {
      j.append(new OrchestraEvent.RunStarted("r1", T, "goal", false));
    }
    assertFalse(Files.exists(dir.resolve("logs/.gitignore")));
  }
}
