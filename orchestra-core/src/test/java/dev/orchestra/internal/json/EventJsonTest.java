package dev.orchestra.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class EventJsonTest {

  @Test
  void instantsReadAsInstantToStringDoes() {
    List<Instant> cases =
        List.of(
            Instant.EPOCH,
            Instant.ofEpochSecond(0, 1),
            Instant.ofEpochSecond(1_764_486_000L, 0),
            Instant.ofEpochSecond(1_764_486_000L, 120_000_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_400_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_450_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_456_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_456_789),
            Instant.ofEpochSecond(1_764_486_000L, 999_999_999),
            Instant.ofEpochSecond(1_764_486_001L, 5),
            Instant.parse("9999-12-31T23:59:59.5Z"),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("1969-12-31T23:59:59.25Z"),
            Instant.MIN,
            Instant.MAX);
    for (Instant i : cases) {
      assertEquals(i.toString(), EventJson.isoInstant(i));
      assertEquals(i.toString(), EventJson.isoInstant(i), "again, with its second remembered");
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 20_000; n++) {
      long second = random.nextLong(0, 4_102_444_800L); // 1970 to 2100
      int nano = switch (n % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(second, nano);
      assertEquals(i.toString(), EventJson.isoInstant(i));
    }
  }

  @Test
  void lineHasVersionTypeAndLowerCaseEnums() {
    Instant at = Instant.ofEpochSecond(1_764_486_000L, 7_000_000);
    String line =
        EventJson.line(
            new OrchestraEvent.TaskFinished("run-1", at, "T1", "implementer", TaskStatus.DONE, "ok", List.of("a.txt"), 1));
    assertTrue(
        line.startsWith("{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",\"type\":\"task_finished\","), line);
    assertTrue(line.contains("\"time\":\"" + at + "\""), line);
    assertTrue(line.contains("\"status\":\"done\""), line);
  }

  /** One event of every kind, each with every component set. */
  static List<OrchestraEvent> everyKind() {
    Instant t = Instant.parse("2026-12-04T10:00:00.123Z");
    dev.orchestra.plan.Task task =
        dev.orchestra.plan.Task.builder("F1", "Fix it").acceptanceCriteria("it works").dependsOn(List.of()).writeScope("src/**")
            .notes("ci finding (high) at a.txt: bad [finding 0123456789abcdef attempt 2]").status(TaskStatus.TODO).build();
    dev.orchestra.gate.Finding finding =
        new dev.orchestra.gate.Finding("ci", dev.orchestra.gate.Severity.HIGH, "a.txt", 3, "bad", "Fix a", List.of("test.sh"), "check: sh test.sh");
    return List.of(
        new OrchestraEvent.RunStarted("r", t, "goal", true),
        new OrchestraEvent.PlanUpdated("r", t, "findings", 2, List.of("F1"), "goal", List.of(task), List.of("T9"), List.of("later"), List.of("risk"), false),
        new OrchestraEvent.TaskStarted("r", t, "F1", "implementer", "Fix it", 2),
        new OrchestraEvent.TaskFinished("r", t, "F1", "implementer", TaskStatus.DONE, "fixed", List.of("a.txt"), 2),
        new OrchestraEvent.ToolCalled("r", t, "F1", "implementer", "write_file", "a.txt", true, "wrote 3 bytes", 3, "0123456789ab"),
        new OrchestraEvent.ApprovalDecided("r", t, "F1", "implementer", "run_command", "make", true, "ide-user", "asked"),
        new OrchestraEvent.GateStarted("r", t, "ci", 2, "runs after every batch"),
        new OrchestraEvent.GateFinished("r", t, "ci", 2, dev.orchestra.gate.Verdict.FAIL, List.of(finding), "failed", List.of("t.sh"), List.of("l"), List.of("k")),
        new OrchestraEvent.GateSkipped("r", t, "security", 2, "nothing sensitive"),
        new OrchestraEvent.BudgetChanged("r", t, 12, 10, "rate limited"),
        new OrchestraEvent.ModelCallFinished("r", t, "implementer", "F1", "gpt", new dev.orchestra.model.TokenUsage(10, 5, 2, 1), 30, "ok"),
        new OrchestraEvent.StopRequested("r", t, dev.orchestra.StopReason.CANCELLED, "cancelled"),
        new OrchestraEvent.PlanChecked("r", t, 2, false, true),
        new OrchestraEvent.RetryScheduled("r", t, "implementer", "T1", "m", ModelProviderException.Kind.TRANSIENT, "HTTP 503", 250, 3, "orchestrator"),
        new OrchestraEvent.RunFinished("r", t, "GREEN", "done", 2, new dev.orchestra.model.TokenUsage(10, 5, 2, 1)));
  }

  @Test
  void everyKindOfEventReadsBackEqualFromItsJournalLine() {
    java.util.Set<OrchestraEvent.Kind> seen = java.util.EnumSet.noneOf(OrchestraEvent.Kind.class);
    for (OrchestraEvent e : everyKind()) {
      String line = EventJson.line(e);
      assertEquals(e, EventJson.read(line), line);
      seen.add(e.kind());
    }
    assertEquals(java.util.EnumSet.allOf(OrchestraEvent.Kind.class), seen, "a sample of every kind");
  }

  @Test
  void aLineOfNoKnownTypeSaysSo() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventJson.read("{\"v\":1,\"type\":\"nope\"}"));
    assertTrue(e.getMessage().contains("unknown event type 'nope'"), e.getMessage());
  }

  @Test
  void derivedPropertiesAreNotWritten() {
    String line = EventJson.line(everyKind().get(7));
    assertTrue(!line.contains("\"refusal\""), line);
  }

  @Test
  void aScheduledRetryIsOneLineWithItsFailureKindInLowerCase() {
    Instant at = Instant.ofEpochSecond(1_764_486_000L, 7_000_000);
    String line =
        EventJson.line(
            new OrchestraEvent.RetryScheduled(
                "run-1", at, "implementer", "T1", "gpt-5.4", ModelProviderException.Kind.RATE_LIMITED,
                "HTTP 429 from POST /responses: slow down", 1_500, 2, "openai"));
    assertEquals(
        "{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",\"type\":\"retry_scheduled\",\"runId\":\"run-1\",\"time\":\"" + at + "\","
            + "\"role\":\"implementer\",\"taskId\":\"T1\",\"model\":\"gpt-5.4\",\"failure\":\"rate_limited\","
            + "\"cause\":\"HTTP 429 from POST /responses: slow down\",\"delayMillis\":1500,\"attempt\":2,\"retriedBy\":\"openai\"}",
        line);
    assertFalse(line.contains("\n"));
  }
}
