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
        new OrchestraEvent.WorktreeCreated("r", t, "T1", "orchestra-task/r/T1", "/repo/.git/orchestra/r/tasks/T1", "0123abc"),
        new OrchestraEvent.TaskCommitted("r", t, "T1", "orchestra-task/r/T1", "4567def", List.of("src/A.java"), 1),
        new OrchestraEvent.TaskIntegrated("r", t, "T1", "orchestra-task/r/T1", "89abcde", 1),
        new OrchestraEvent.IntegrationConflicted("r", t, "T2", "orchestra-task/r/T2", List.of("a.txt"), "<<<<<<< HEAD", false, 1),
        new OrchestraEvent.RetryScheduled("r", t, "implementer", "T1", "m", ModelProviderException.Kind.TRANSIENT, "HTTP 503", 250, 3, "orchestrator"),
        new OrchestraEvent.AgentThreadStarted("r", t, "T1", "implementer", "codex", "016f6011-ccb9-7f52-a07f-46295c580d1b"),
        new OrchestraEvent.AgentMessage("r", t, "T1", "implementer", "Looking at the tests first."),
        new OrchestraEvent.RetryDue("r", t, "T1"),
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

  // ------------------------------------------------------------------ older and newer lines

  /** The line of {@code e} as wave 1 wrote it: version 1, without the fields added since. */
  private static com.fasterxml.jackson.databind.node.ObjectNode versionOne(OrchestraEvent e, String... added) {
    com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) tree(EventJson.line(e));
    node.put("v", 1);
    node.remove(List.of(added));
    return node;
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String line) {
    try {
      return EventJson.MAPPER.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aVersionOnePlanUpdateNamesTheChangeWithoutCarryingIt() {
    Instant t = Instant.parse("2026-12-04T12:00:00Z");
    String wave1 =
        "{\"v\":1,\"type\":\"plan_updated\",\"runId\":\"r1\",\"time\":\"2026-12-04T12:00:00Z\",\"reason\":\"planned\","
            + "\"taskCount\":2,\"addedTaskIds\":[\"T1\",\"T2\"]}";
    OrchestraEvent.PlanUpdated read = (OrchestraEvent.PlanUpdated) EventJson.read(wave1);
    assertEquals(new OrchestraEvent.PlanUpdated("r1", t, "planned", 2, List.of("T1", "T2")), read);
    assertEquals("", read.goal());
    assertEquals(List.of(), read.tasks());
    assertFalse(read.whole());
  }

  @Test
  void aVersionOneGateResultHasNothingForLaterOrRisks() {
    Instant t = Instant.parse("2026-12-04T12:00:00Z");
    String wave1 =
        "{\"v\":1,\"type\":\"gate_finished\",\"runId\":\"r1\",\"time\":\"2026-12-04T12:00:00Z\",\"gate\":\"review\",\"round\":1,"
            + "\"verdict\":\"block\",\"findings\":[{\"gate\":\"reviewer\",\"severity\":\"high\",\"file\":\"a.txt\",\"line\":1,"
            + "\"message\":\"bad\",\"suggestedTask\":\"Fix a\",\"relatedFiles\":[],\"key\":\"\",\"refusal\":false}],"
            + "\"summary\":\"reviewer: block, 1 must-fix\",\"changedFiles\":[]}";
    dev.orchestra.gate.Finding finding =
        new dev.orchestra.gate.Finding("reviewer", dev.orchestra.gate.Severity.HIGH, "a.txt", 1, "bad", "Fix a", List.of(), "");
    assertEquals(
        new OrchestraEvent.GateFinished("r1", t, "review", 1, dev.orchestra.gate.Verdict.BLOCK, List.of(finding), "reviewer: block, 1 must-fix", List.of()),
        EventJson.read(wave1));
  }

  /** The fields each kind of event gained after version 1, which a version-1 line lacks. */
  private static final java.util.Map<OrchestraEvent.Kind, List<String>> ADDED_IN_2 =
      java.util.Map.of(
          OrchestraEvent.Kind.PLAN_UPDATED, List.of("goal", "tasks", "removedTaskIds", "later", "risks", "whole"),
          OrchestraEvent.Kind.GATE_FINISHED, List.of("later", "risks"));

  @Test
  void everyKindWithoutItsAddedFieldsReadsAsWithThemEmptyAndWithoutAnyOtherIsAnErrorNamingIt() {
    for (OrchestraEvent e : everyKind()) {
      List<String> added = ADDED_IN_2.getOrDefault(e.kind(), List.of());
      OrchestraEvent old = EventJson.read(versionOne(e, added.toArray(String[]::new)));
      assertEquals(e.kind(), old.kind());
      for (java.lang.reflect.RecordComponent c : e.getClass().getRecordComponents()) {
        Object value = component(old, c);
        if (added.contains(c.getName())) {
          assertTrue(
              List.of(List.of(), "", false, 0, 0L).contains(value), e.kind() + "." + c.getName() + " read as " + value);
        } else {
          assertEquals(component(e, c), value, e.kind() + "." + c.getName());
        }
        for (int v = 1; v <= OrchestraEvent.SCHEMA_VERSION; v++) {
          if (v == 1 && added.contains(c.getName())) {
            continue;
          }
          com.fasterxml.jackson.databind.node.ObjectNode lacking = versionOne(e, c.getName());
          lacking.put("v", v);
          IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> EventJson.read(lacking), e.kind() + " v" + v + " without " + c.getName());
          assertTrue(x.getMessage().contains("lacks its field '" + c.getName() + "'"), x.getMessage());
          assertTrue(x.getMessage().contains("a " + e.kind().wireName() + " event of schema version " + v), x.getMessage());
        }
      }
    }
  }

  private static Object component(OrchestraEvent e, java.lang.reflect.RecordComponent c) {
    try {
      return c.getAccessor().invoke(e);
    } catch (ReflectiveOperationException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void aLineOfALaterVersionIsRefusedSayingSo() {
    OrchestraEvent e = everyKind().get(0);
    com.fasterxml.jackson.databind.node.ObjectNode later = versionOne(e);
    later.put("v", OrchestraEvent.SCHEMA_VERSION + 1);
    IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventJson.read(later));
    assertEquals(
        "schema version " + (OrchestraEvent.SCHEMA_VERSION + 1) + ", written by a later Orchestra: this one reads versions 1 to "
            + OrchestraEvent.SCHEMA_VERSION,
        x.getMessage());
  }

  @Test
  void aLineWithoutAWholeVersionIsRefused() {
    String run = "\"type\":\"run_started\",\"runId\":\"r\",\"time\":\"2026-12-04T10:00:00Z\",\"goal\":\"g\",\"resumed\":false}";
    java.util.Map<String, String> cases = java.util.Map.of(
        "{" + run, "without its schema version 'v'",
        "{\"v\":\"2\"," + run, "not a whole number",
        "{\"v\":1.5," + run, "not a whole number",
        "{\"v\":0," + run, "schema version 0 was never written",
        "{\"v\":-1," + run, "schema version -1 was never written",
        "{\"v\":99999999999," + run, "schema version 99999999999 was never written");
    cases.forEach((line, why) -> {
      IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventJson.read(line), line);
      assertTrue(x.getMessage().contains(why), line + ": " + x.getMessage());
    });
  }

  /**
   * Each kind's fields as schema version {@value OrchestraEvent#SCHEMA_VERSION} writes them. A
   * field added to an event changes what a journal line holds: an older line lacks it. Add it to
   * EventJson's table of added fields with the version that first writes it, raise {@link
   * OrchestraEvent#SCHEMA_VERSION}, and then this list.
   */
  @Test
  void theFieldsOfEachKindAreThoseOfThisSchemaVersion() {
    java.util.Map<String, String> expected = new java.util.TreeMap<>(java.util.Map.ofEntries(
        java.util.Map.entry("run_started", "runId time goal resumed"),
        java.util.Map.entry("plan_updated", "runId time reason taskCount addedTaskIds goal tasks removedTaskIds later risks whole"),
        java.util.Map.entry("task_started", "runId time taskId role title round"),
        java.util.Map.entry("task_finished", "runId time taskId role status summary changedFiles round"),
        java.util.Map.entry("tool_called", "runId time taskId role tool target ok detail outputBytes outputDigest"),
        java.util.Map.entry("approval_decided", "runId time taskId role action detail approved decidedBy reason"),
        java.util.Map.entry("gate_started", "runId time gate round reason"),
        java.util.Map.entry("gate_finished", "runId time gate round verdict findings summary changedFiles later risks"),
        java.util.Map.entry("gate_skipped", "runId time gate round reason"),
        java.util.Map.entry("budget_changed", "runId time from to cause"),
        java.util.Map.entry("model_call_finished", "runId time role taskId model usage durationMillis outcome"),
        java.util.Map.entry("retry_scheduled", "runId time role taskId model failure cause delayMillis attempt retriedBy"),
        java.util.Map.entry("run_finished", "runId time stopReason message rounds usage"),
        java.util.Map.entry("stop_requested", "runId time reason message"),
        java.util.Map.entry("plan_checked", "runId time round beforeBatch edited"),
        java.util.Map.entry("worktree_created", "runId time taskId branch path base"),
        java.util.Map.entry("task_committed", "runId time taskId branch commit files round"),
        java.util.Map.entry("task_integrated", "runId time taskId branch commit round"),
        java.util.Map.entry("integration_conflicted", "runId time taskId branch files detail resolveByNewTask round"),
        java.util.Map.entry("agent_thread_started", "runId time taskId role agent threadId"),
        java.util.Map.entry("agent_message", "runId time taskId role text"),
        java.util.Map.entry("retry_due", "runId time taskId")));
    java.util.Map<String, String> actual = new java.util.TreeMap<>();
    for (OrchestraEvent e : everyKind()) {
      actual.put(e.kind().wireName(), String.join(" ", java.util.Arrays.stream(e.getClass().getRecordComponents()).map(c -> c.getName()).toList()));
    }
    assertEquals(5, OrchestraEvent.SCHEMA_VERSION, "a new schema version: update this list and EventJson's added fields");
    assertEquals(expected, actual);
  }
}
