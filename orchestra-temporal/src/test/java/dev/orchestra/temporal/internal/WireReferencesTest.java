package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.plan.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A desk's answer refers to the lines it was sent ({@link Wire#referTo}), and the workflow resolves them. */
final class WireReferencesTest {
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  private static String line(OrchestraEvent e) {
    return Wire.event(e);
  }

  @Test
  void linesSentComeBackAsTheirPlacesAndResolveToTheSameTextWhileNewLinesStay() {
    String stepped = line(new OrchestraEvent.BudgetChanged("r", T0, 12, 10, "rate limited"));
    String finished = line(new OrchestraEvent.TaskFinished("r", T0, "T1", "implementer", TaskStatus.DONE, "wrote a", List.of("a"), 1));
    String decided = line(new OrchestraEvent.StopRequested("r", T0, dev.orchestra.StopReason.GREEN, "done"));
    List<String> sent = List.of(stepped, finished);
    List<String> answer = List.of(stepped, decided, finished);

    List<String> referred = Wire.referTo(sent, answer);

    assertEquals(List.of("=0", decided, "=1"), referred);
    assertEquals(answer, Wire.resolve(sent, referred));
    assertEquals(answer, Wire.resolve(sent, answer), "an answer in full, as recorded before references, stays as it is");
    assertEquals(List.of(decided), Wire.referTo(List.of(), List.of(decided)));
  }

  @Test
  void aLineSentTwiceIsReferredToAtItsFirstPlace() {
    String a = line(new OrchestraEvent.BudgetChanged("r", T0, 12, 10, "rate limited"));
    assertEquals(List.of("=0", "=0"), Wire.referTo(List.of(a, a), List.of(a, a)));
  }

  @Test
  void aReferenceToNoLineSentOrNotANumberFailsSayingWhat() {
    IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> Wire.resolve(List.of("{}"), List.of("=1")));
    assertTrue(beyond.getMessage().contains("line 1 of the 1"), beyond.getMessage());
    IllegalArgumentException garbled = assertThrows(IllegalArgumentException.class, () -> Wire.resolve(List.of("{}"), List.of("=x")));
    assertTrue(garbled.getMessage().contains("'=x'"), garbled.getMessage());
  }

  @Test
  void theEndsThatTakeReferencesOfferTheirResultsLinesThenTheirBudgetChangesInOrder() {
    String a = line(new OrchestraEvent.TaskFinished("r", T0, "T1", "implementer", TaskStatus.DONE, "a", List.of(), 1));
    String b = line(new OrchestraEvent.TaskFinished("r", T0, "T2", "implementer", TaskStatus.DONE, "b", List.of(), 1));
    String change = line(new OrchestraEvent.BudgetChanged("r", T0, 12, 10, "rate limited"));
    String resultA = Wire.result(new TaskResult(List.of(Wire.event(a)), List.of(), List.of(), Optional.empty()));
    String resultB = Wire.result(new TaskResult(List.of(Wire.event(b)), List.of(), List.of(), Optional.empty()));

    List<String> lines =
        TaskEnd.referable(List.of(new TaskEnd("c1", resultA, List.of(change), true), new TaskEnd("c2", resultB, List.of(), false)));

    assertEquals(List.of(a, change), lines, "the second end asked for its lines in full");
    assertEquals(List.of(), Wire.readResult(resultA).result().health());
  }

  @Test
  void onlyADeskThatSaysSoIsAskedAndAnEndNotAskingLeavesThePropertyOutForDesksOnOlderCode() {
    assertTrue(Wire.teamAnswersByReference(Wire.team(
        new dev.orchestra.internal.engine.RunSpec(List.of(), new java.util.LinkedHashSet<>(List.of("implementer")), List.of(), dev.orchestra.Bounds.defaults(), false, true, 12),
        dev.orchestra.BudgetPolicy.defaults(), "q", "/w", "")));
    assertFalse(Wire.teamAnswersByReference("{\"deskQueue\":\"q\",\"workspace\":\"/w\"}"), "a desk's answer from before references");

    // Through Temporal's own converter, as activity arguments travel.
    io.temporal.common.converter.DataConverter converter = io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    String asked = converter.toPayload(new TaskEnd("c", "{}", List.of(), true)).orElseThrow().getData().toStringUtf8();
    String notAsked = converter.toPayload(new TaskEnd("c", "{}", List.of(), false)).orElseThrow().getData().toStringUtf8();
    assertTrue(asked.contains("\"refers\":true"), asked);
    assertFalse(notAsked.contains("refers"), "a desk on older code refuses a property it does not know: " + notAsked);
    io.temporal.api.common.v1.Payload old =
        converter.toPayload(java.util.Map.of("command", "c", "result", "{}", "budgetChanges", List.of())).orElseThrow();
    assertFalse(converter.fromPayload(old, TaskEnd.class, TaskEnd.class).refers(), "an end recorded before references");
  }
}
