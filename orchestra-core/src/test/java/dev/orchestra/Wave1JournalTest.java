package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workspaces as wave 1 (commit 547aaac, journal schema version 1) left them after a run that
 * stopped part-way, read and resumed by today's Orchestra. The fixtures were made by running wave
 * 1 itself: {@code src/test/resources/dev/orchestra/wave1/README.md} says how.
 */
final class Wave1JournalTest {
  @TempDir Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T09:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());
  final EventRecorder events = new EventRecorder();

  /** Puts a fixture where wave 1 had it: plan.md, .orchestra/journal.jsonl and out/. */
  private void copyFixture(String name) throws IOException {
    copy(name, "plan.md", ws.resolve("plan.md"));
    copy(name, "journal.jsonl", ws.resolve(".orchestra/journal.jsonl"));
    copy(name, "out/T1.txt", ws.resolve("out/T1.txt"));
    copy(name, "out/T2.txt", ws.resolve("out/T2.txt"));
  }

  private static void copy(String fixture, String file, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (InputStream in = Wave1JournalTest.class.getResourceAsStream("wave1/" + fixture + "/" + file)) {
      if (in == null) {
        throw new AssertionError("no fixture file wave1/" + fixture + "/" + file);
      }
      Files.copy(in, to);
    }
  }

  /** Resumes the run in the workspace: F1 adds its line, the reviewer ships, the release is planned. */
  private RunResult resume() {
    model.on("implementer", "F1")
        .reply(Reply.toolCall("write_file", Json.writeArgs("out/T1.txt", "T1\nsummary: one line\n")))
        .otherwise(Reply.text(Json.implemented("added the summary line")));
    model.on("reviewer").otherwise(Reply.text(Json.review(true, "", 0, "", "", List.of())));
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (Orchestrator o =
          Orchestrator.builder()
              .workspace(ws)
              .modelProvider(model)
              .clock(clock)
              .sleeper(clock.sleeper())
              .explorationProbes(List.of())
              .addGate(Gate.review())
              .addListener(events)
              .build()) {
        return o.resume();
      }
    });
  }

  private static List<String> ids(Plan plan) {
    return plan.tasks().stream().map(Task::id).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stopped", "killed"})
  void everyLineOfAWave1JournalReadsBackAsATypedEvent(String fixture) throws Exception {
    copyFixture(fixture);
    Path journal = ws.resolve(".orchestra/journal.jsonl");
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    List<OrchestraEvent> read = Journal.readEvents(journal);
    assertEquals(lines.size(), read.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = Json.M.readTree(lines.get(i));
      assertEquals(1, line.get("v").asInt(), "a wave 1 line: " + lines.get(i));
      assertEquals(line.get("type").asText(), read.get(i).kind().wireName(), lines.get(i));
      assertEquals(line.get("runId").asText(), read.get(i).runId());
      assertEquals(Instant.parse(line.get("time").asText()), read.get(i).time());
    }
    // The two kinds whose form changed since read with the fields added since empty.
    List<OrchestraEvent.PlanUpdated> plans =
        read.stream().filter(OrchestraEvent.PlanUpdated.class::isInstance).map(OrchestraEvent.PlanUpdated.class::cast).toList();
    assertEquals(List.of("planned", "findings"), plans.stream().map(OrchestraEvent.PlanUpdated::reason).toList());
    assertEquals(List.of(List.of("T1", "T2"), List.of("F1")), plans.stream().map(OrchestraEvent.PlanUpdated::addedTaskIds).toList());
    for (OrchestraEvent.PlanUpdated p : plans) {
      assertEquals(new OrchestraEvent.PlanUpdated(p.runId(), p.time(), p.reason(), p.taskCount(), p.addedTaskIds()), p);
    }
    OrchestraEvent.GateFinished gate =
        read.stream().filter(OrchestraEvent.GateFinished.class::isInstance).map(OrchestraEvent.GateFinished.class::cast).findFirst().orElseThrow();
    assertEquals(Verdict.BLOCK, gate.verdict());
    assertEquals("out/T1.txt", gate.findings().get(0).file());
    assertEquals(List.of(), gate.later());
    assertEquals(List.of(), gate.risks());
    OrchestraEvent last = read.get(read.size() - 1);
    if (fixture.equals("stopped")) {
      assertEquals("QUOTA_EXHAUSTED", ((OrchestraEvent.RunFinished) last).stopReason());
    } else {
      assertEquals("F1", ((OrchestraEvent.TaskStarted) last).taskId());
    }
  }

  @Test
  void aWave1RunStoppedPartWayResumesWithItsUnfinishedTaskOnly() throws Exception {
    copyFixture("stopped");
    Plan before = Plan.read(ws.resolve("plan.md"));
    assertEquals(List.of("T1", "T2", "F1"), ids(before));
    assertEquals(TaskStatus.TODO, before.task("F1").orElseThrow().status());

    RunResult result = resume();

    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(0, model.requests("orchestrator").size(), "the plan was not asked for again");
    assertEquals(Map.of("F1", 1), events.starts(), "only the task the stopped run left unfinished ran");
    assertTrue(events.of(OrchestraEvent.RunStarted.class).get(0).resumed());
    assertEquals("T1\nsummary: one line\n", Files.readString(ws.resolve("out/T1.txt")));
    Plan after = Plan.read(ws.resolve("plan.md"));
    assertEquals("Write the two out files", after.goal());
    assertEquals(List.of("T1", "T2", "F1"), ids(after));
    assertTrue(after.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE), after.tasks().toString());
    assertEquals(before.task("F1").orElseThrow().writeScope(), after.task("F1").orElseThrow().writeScope());
    assertEquals(List.of("Add a README"), after.later());

    // The resume appended lines of today's version to wave 1's, and the whole journal reads.
    List<String> lines = Files.readAllLines(ws.resolve(".orchestra/journal.jsonl"), StandardCharsets.UTF_8);
    List<OrchestraEvent> all = Journal.readEvents(ws.resolve(".orchestra/journal.jsonl"));
    assertEquals(lines.size(), all.size());
    assertTrue(lines.get(22).startsWith("{\"v\":1,\"type\":\"run_finished\""), lines.get(22));
    assertTrue(lines.subList(23, lines.size()).stream().allMatch(l -> l.startsWith("{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",")));
    assertEquals("GREEN", ((OrchestraEvent.RunFinished) all.get(all.size() - 1)).stopReason());
  }

  @Test
  void aWave1RunKilledWhileATaskRanResumesWithThatTaskOnly() throws Exception {
    copyFixture("killed");
    assertEquals(TaskStatus.RUNNING, Plan.read(ws.resolve("plan.md")).task("F1").orElseThrow().status());

    RunResult result = resume();

    assertEquals(Map.of("F1", 1), events.starts(), "the task the kill cut short ran again, and only it");
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(0, model.requests("orchestrator").size(), "the plan was not asked for again");
    assertTrue(Plan.read(ws.resolve("plan.md")).tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
  }

  @Test
  void theRestorerTakesPlanMdAsThePlanOfAWave1Journal() throws Exception {
    copyFixture("stopped");

    RunResult result = resume();

    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    List<String> reasons = events.of(OrchestraEvent.PlanUpdated.class).stream().map(OrchestraEvent.PlanUpdated::reason).toList();
    assertEquals("restored from plan.md", reasons.get(0), reasons.toString());
    assertFalse(reasons.contains("edited by hand"), "nobody edited plan.md: " + reasons);
  }
}
