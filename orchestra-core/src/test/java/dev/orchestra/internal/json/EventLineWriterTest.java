package dev.orchestra.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The journal's lines are written by {@link EventLineWriter}, not by Jackson; Jackson's text for
 * the same event is the oracle: every kind of event, with texts of every awkward character, must
 * come out the same, character for character, and read back equal.
 */
final class EventLineWriterTest {
  /** What Jackson writes for the event, in the journal's line form. */
  private static String jackson(OrchestraEvent e) throws Exception {
    String object = EventJson.MAPPER.writeValueAsString(e);
    return "{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",\"type\":\"" + e.kind().wireName() + "\"," + object.substring(1);
  }

  @Test
  void everyKindOfEventIsWrittenAsJacksonWritesIt() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    EnumSet<OrchestraEvent.Kind> seen = EnumSet.noneOf(OrchestraEvent.Kind.class);
    for (int n = 0; n < 300; n++) {
      for (OrchestraEvent e : samples(random)) {
        String line = EventJson.line(e);
        assertEquals(jackson(e), line);
        assertEquals(e, EventJson.read(line), "read back");
        seen.add(e.kind());
      }
    }
    assertEquals(EnumSet.allOf(OrchestraEvent.Kind.class), seen, "a sample of every kind");
  }

  @Test
  void controlCharactersQuotesAndBackslashesAreEscapedAsJacksonDoes() throws Exception {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      every.append(c);
    }
    every.append("\u00e9\u2028\u2029\ud83d\ude00\uffff");
    OrchestraEvent e = new OrchestraEvent.StopRequested("r", Instant.EPOCH, StopReason.FAILED, every.toString());
    String line = EventJson.line(e);
    assertEquals(jackson(e), line);
    assertTrue(line.contains("\\u0000\\u0001") && line.contains("\\b\\t\\n\\u000B\\f\\r") && line.contains("\\u001F"), line);
  }

  private static List<OrchestraEvent> samples(SplittableRandom r) {
    Instant at = Instant.ofEpochSecond(r.nextLong(0, 4_102_444_800L), r.nextInt(1_000_000_000));
    String run = text(r);
    List<OrchestraEvent> out = new ArrayList<>();
    out.add(new OrchestraEvent.RunStarted(run, at, text(r), r.nextBoolean()));
    Task task =
        Task.builder("T" + r.nextInt(100), "title " + line(r))
            .acceptanceCriteria("a " + line(r))
            .writeScope("src/" + r.nextInt(9) + "/**")
            .status(TaskStatus.values()[r.nextInt(TaskStatus.values().length)])
            .notes(line(r))
            .build();
    out.add(
        new OrchestraEvent.PlanUpdated(
            run, at, text(r), r.nextInt(10), List.of(task.id()), line(r), r.nextBoolean() ? List.of(task) : List.of(), List.of(text(r)),
            List.of(text(r), text(r)), List.of(), r.nextBoolean()));
    out.add(new OrchestraEvent.TaskStarted(run, at, "T1", "implementer", text(r), r.nextInt(5)));
    out.add(
        new OrchestraEvent.TaskFinished(
            run, at, "T1", "implementer", TaskStatus.values()[r.nextInt(TaskStatus.values().length)], text(r), List.of(text(r)), r.nextInt(5)));
    out.add(new OrchestraEvent.ToolCalled(run, at, "T1", "implementer", "read_file", text(r), r.nextBoolean(), text(r), r.nextLong(1L << 40), String.format("%012x", r.nextLong(1L << 48))));
    out.add(new OrchestraEvent.ApprovalDecided(run, at, "T1", "implementer", text(r), text(r), r.nextBoolean(), text(r), text(r)));
    out.add(new OrchestraEvent.GateStarted(run, at, "review", r.nextInt(5), text(r)));
    Finding f =
        new Finding("review", Severity.values()[r.nextInt(Severity.values().length)], "src/" + line(r), r.nextInt(500), line(r), line(r), List.of(line(r)), line(r));
    out.add(
        new OrchestraEvent.GateFinished(
            run, at, "review", r.nextInt(5), Verdict.values()[r.nextInt(Verdict.values().length)], r.nextBoolean() ? List.of(f) : List.of(), text(r),
            List.of(text(r)), List.of(), List.of(text(r))));
    out.add(new OrchestraEvent.GateSkipped(run, at, "qa", r.nextInt(5), text(r)));
    out.add(new OrchestraEvent.BudgetChanged(run, at, 1 + r.nextInt(12), 1 + r.nextInt(12), text(r)));
    TokenUsage usage = new TokenUsage(r.nextLong(1L << 50), r.nextLong(1000), r.nextLong(1000), r.nextLong(1000));
    out.add(new OrchestraEvent.ModelCallFinished(run, at, "implementer", "T1", text(r), usage, r.nextLong(100_000), text(r)));
    out.add(
        new OrchestraEvent.RetryScheduled(
            run, at, "implementer", "T1", text(r), ModelProviderException.Kind.values()[r.nextInt(ModelProviderException.Kind.values().length)],
            text(r), r.nextLong(60_000), 2 + r.nextInt(5), text(r)));
    out.add(new OrchestraEvent.RunFinished(run, at, StopReason.values()[r.nextInt(StopReason.values().length)].name(), text(r), r.nextInt(9), usage));
    out.add(new OrchestraEvent.StopRequested(run, at, StopReason.values()[r.nextInt(StopReason.values().length)], text(r)));
    out.add(new OrchestraEvent.PlanChecked(run, at, r.nextInt(9), r.nextBoolean(), r.nextBoolean()));
    out.add(new OrchestraEvent.WorktreeCreated(run, at, text(r), text(r), text(r), text(r)));
    out.add(new OrchestraEvent.TaskCommitted(run, at, text(r), text(r), text(r), List.of(text(r), text(r)), r.nextInt(9)));
    out.add(new OrchestraEvent.TaskIntegrated(run, at, text(r), text(r), text(r), r.nextInt(9)));
    out.add(new OrchestraEvent.IntegrationConflicted(run, at, text(r), text(r), List.of(text(r), text(r)), text(r), r.nextBoolean(), r.nextInt(9)));
    out.add(new OrchestraEvent.AgentThreadStarted(run, at, text(r), text(r), text(r), text(r)));
    out.add(new OrchestraEvent.AgentMessage(run, at, text(r), text(r), text(r)));
    out.add(new OrchestraEvent.RetryDue(run, at, text(r)));
    return out;
  }

  /** Any text: control characters, quotes, backslashes, accents, emoji, lone surrogates. */
  private static String text(SplittableRandom r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      b.append(
          switch (r.nextInt(6)) {
            case 0 -> (char) r.nextInt(0x20);
            case 1 -> "\"\\/".charAt(r.nextInt(3));
            case 2 -> (char) (0x20 + r.nextInt(0x60));
            case 3 -> "\u00e9\u4e2d\u2028\u007f".charAt(r.nextInt(4));
            case 4 -> "\ud83d\ude00";
            default -> (char) r.nextInt(0x10000);
          });
    }
    return b.toString();
  }

  /** A text on one line (no line breaks), for fields that must be. */
  private static String line(SplittableRandom r) {
    return "x" + text(r).replace('\n', ' ').replace('\r', ' ').strip();
  }
}
