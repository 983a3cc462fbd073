package dev.orchestra.issues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.StopReason;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.gate.Verdict;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, sections 2 and 3 through the orchestrator: a gate that checked nothing does not pass,
 * tests added during the gates are run and reviewed before green, a role that says nothing (or
 * refuses) has not said yes, and nothing a gate reports is dropped.
 */
final class Issue11GatesTest {
  @TempDir Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());
  final List<OrchestraEvent> events = new CopyOnWriteArrayList<>();

  private Orchestrator.Builder builder() {
    Task t1 = Task.builder("T1", "Write out/T1.txt").writeScope("out/T1.txt").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(t1))));
    model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("done")));
    return Orchestrator.builder()
        .workspace(ws)
        .modelProvider(model)
        .clock(clock)
        .sleeper(clock.sleeper())
        .explorationProbes(List.of())
        .addListener(events::add);
  }

  private static RunResult run(Orchestrator.Builder b) {
    try (Orchestrator o = b.build()) {
      return o.run("Make it so");
    }
  }

  private List<GateResult> gateResults(String gate) {
    return events.stream()
        .filter(e -> e instanceof OrchestraEvent.GateFinished g && g.gate().equals(gate))
        .map(e -> (OrchestraEvent.GateFinished) e)
        .map(g -> GateResult.of(g.gate(), g.verdict(), g.findings(), g.summary()))
        .toList();
  }

  @Test
  void aGateThatCheckedNothingKeepsTheRunFromGreenAndTheSummarySaysWhy() {
    Gate nothing =
        new Gate() {
          @Override
          public String name() {
            return "ci";
          }

          @Override
          public GateResult evaluate(Batch batch, GateContext context) {
            return GateResult.of("ci", Verdict.NOTHING_CHECKED, List.of(), "no check found; name one with --check");
          }
        };
    RunResult r = run(builder().addGate(nothing));
    assertEquals(StopReason.NOT_VERIFIED, r.stopReason(), r.message());
    assertTrue(r.message().contains("the ci gate checked nothing: no check found; name one with --check"), r.message());
    assertTrue(r.risks().contains("ci gate checked nothing: no check found; name one with --check"), r.risks().toString());
  }

  @Test
  void aReviewersShipThatListsMustFixItemsIsABlockAndTheItemsBecomeTasks() {
    String shipButFix =
        "{\"mustFix\":[{\"severity\":\"high\",\"file\":\"out/T1.txt\",\"line\":1,\"message\":\"T1 is empty\",\"suggestedTask\":\"Fill out/T1.txt\"}],"
            + "\"regressionRisks\":[\"callers of T1\"],\"missingTests\":[\"no test reads T1\"],\"verdict\":\"ship\",\"outOfScope\":[]}";
    model.on("reviewer").reply(Reply.text(shipButFix)).otherwise(Reply.text(RoleAnswers.ship()));
    RunResult r = run(builder().addGate(Gate.review()));

    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    GateResult first = gateResults("review").get(0);
    assertEquals(Verdict.BLOCK, first.verdict());
    assertTrue(first.summary().contains("ship, but with 1 must-fix items, so taken as block"), first.summary());
    assertEquals("Fill out/T1.txt", r.plan().task("F1").orElseThrow().title());
    assertEquals(TaskStatus.DONE, r.plan().task("F1").orElseThrow().status());
    assertTrue(r.risks().contains("reviewer: regression risk: callers of T1"), r.risks().toString());
    assertTrue(r.risks().contains("reviewer: missing test: no test reads T1"), r.risks().toString());
  }

  @Test
  void anEmptyQaAnswerIsNotAPass() {
    model.on("qa_test_author").otherwise(Reply.text("{}"));
    RunResult r = run(builder().addGate(Gate.qa()));
    assertNotEquals(StopReason.GREEN, r.stopReason(), r.message());
    GateResult qa = gateResults("qa").get(0);
    assertEquals(Verdict.FAIL, qa.verdict());
    assertTrue(qa.summary().contains("field 'findings' is missing"), qa.summary());
  }

  @Test
  void aReviewersRefusalIsAFindingWithItsWordsAndTheRunGoesOn() {
    model.on("reviewer").reply(Reply.refusal("I cannot review code that handles payments.")).otherwise(Reply.text(RoleAnswers.ship()));
    RunResult r = run(builder().addGate(Gate.review()));
    GateResult first = gateResults("review").get(0);
    assertEquals(Verdict.FAIL, first.verdict());
    assertTrue(first.findings().get(0).message().contains("refused to check the change: I cannot review code that handles payments."),
        first.findings().toString());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(2, gateResults("review").size());
    assertTrue(r.plan().task("F1").isEmpty(), "a refusal is no work for an implementer: " + r.plan().tasks());
    assertTrue(r.risks().stream().anyMatch(k -> k.contains("refused to check the change: I cannot review")), r.risks().toString());
  }

  @Test
  void gatesThatAllSkippedTheLastRoundCheckedNothingSoTheRunIsNotVerified() {
    RunResult r = run(builder().addGate(Gate.security())); // T1 touches nothing sensitive: security skips
    assertEquals(StopReason.NOT_VERIFIED, r.stopReason(), r.message());
    assertTrue(r.message().contains("no gate ran on round 1's changes (security: no change touches"), r.message());
  }

  @Test
  void aRunWithNoGateConfiguredSaysNothingCheckedIt() {
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertTrue(r.risks().contains("no gate is configured, so no check ran on this work"), r.risks().toString());
  }

  @Test
  void aQaAuthorThatRewritesTheSameTestEachRoundLetsTheRunSettle() {
    Reply writeTest = Reply.toolCall("write_file", "{\"path\":\"tests/t.sh\",\"content\":\"true\\n\"}");
    Reply report = Reply.text(RoleAnswers.qaPass("high", List.of("sh tests/t.sh")));
    model.on("qa_test_author").reply(writeTest, report, writeTest, report, writeTest, report);
    RunResult r = run(builder().addGate(Gate.qa()));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(2, r.rounds(), "the second round's rewrite changed nothing, so nothing new was left to check");
  }

  @Test
  void anImplementersRefusalFailsItsTaskWithItsWords() {
    model.on("implementer", "T1").reply(Reply.refusal("I won't write that."));
    RunResult r = run(builder());
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    Task t1 = r.plan().task("T1").orElseThrow();
    assertEquals(TaskStatus.FAILED, t1.status());
    assertTrue(t1.notes().contains("refused by the implementer role: I won't write that."), t1.notes());
  }

  @Test
  void aPlannersRefusalEndsTheRunWithItsWords() {
    Orchestrator.Builder b = builder();
    ScriptedModelProvider refusing = new ScriptedModelProvider(clock.sleeper());
    refusing.on("orchestrator").reply(Reply.refusal("I can't plan this."));
    RunResult r = run(b.modelProvider(refusing));
    assertEquals(StopReason.FAILED, r.stopReason());
    assertTrue(r.message().contains("the orchestrator role refused to plan: I can't plan this."), r.message());
  }

  @Test
  void testsTheQaAuthorAddsDuringTheGatesAreRunAndReviewedBeforeGreen() throws Exception {
    // The CI gate runs every tests/*.sh; each test leaves a mark that it ran.
    Files.writeString(ws.resolve("run-tests.sh"), "for t in tests/*.sh; do [ -f \"$t\" ] && sh \"$t\" || true; done\n");
    String test = "echo ran >> ran-new-test.txt";
    model.on("qa_test_author")
        .reply(
            Reply.toolCall("write_file", "{\"path\":\"tests/new_test.sh\",\"content\":\"" + test + "\\n\"}"),
            Reply.text(
                "{\"testsChanged\":[\"tests/new_test.sh\"],\"commandsRun\":[],\"confidence\":\"medium\",\"remainingRisks\":[],\"findings\":[]}"))
        .otherwise(Reply.text(RoleAnswers.qaPass("high", List.of("sh run-tests.sh"))));
    model.on("reviewer").otherwise(Reply.text(RoleAnswers.ship()));
    RunResult r = run(builder().addGate(Gate.shell("sh run-tests.sh").build()).addGate(Gate.review()).addGate(Gate.qa()));

    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(2, r.rounds(), "a second round checks what the QA author added");
    assertTrue(Files.readString(ws.resolve("ran-new-test.txt")).contains("ran"), "the CI gate ran the new test");
    String secondReview = model.requests("reviewer").get(1).lastUserText();
    assertTrue(secondReview.contains("tests/new_test.sh"), secondReview);
  }

  @Test
  void theRunsSandboxCeilingHoldsForBuiltInRolesToo() {
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"out/T1.txt\",\"content\":\"x\"}"), Reply.text(RoleAnswers.implementation("tried")));
    run(builder().sandboxCeiling(SandboxMode.READ_ONLY));
    assertFalse(Files.exists(ws.resolve("out/T1.txt")), "a read-only run wrote nothing");
    assertTrue(
        events.stream().noneMatch(e -> e instanceof OrchestraEvent.ToolCalled c && c.tool().equals("write_file") && c.ok()),
        "no write succeeded");
  }

  @Test
  void aSensitiveChangeWithNoSecurityReviewerIsNamedInRisks() {
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall("write_file", "{\"path\":\"out/T1.txt\",\"content\":\"String password = System.getenv(\\\"DB_PASSWORD\\\");\"}"),
            Reply.text(RoleAnswers.implementation("read the password")));
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertTrue(r.risks().stream().anyMatch(k -> k.startsWith("not security-reviewed: ")), r.risks().toString());
  }

  @Test
  void theReleaseManagersNotesAreSavedInPlanMdAndInTheirOwnFile() throws Exception {
    model.on("release_manager").otherwise(Reply.text(RoleAnswers.release(List.of("T1 is written"), List.of("Delete out/T1.txt"))));
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(List.of("T1 is written", "Rollback: Delete out/T1.txt"), r.plan().releaseNotes());
    String planMd = Files.readString(ws.resolve("plan.md"));
    assertTrue(planMd.contains("## Release notes\n\n- T1 is written\n- Rollback: Delete out/T1.txt\n"), planMd);
    String notes = Files.readString(ws.resolve(".orchestra/release-notes.md"));
    assertTrue(notes.startsWith("# Release notes: Make it so"), notes);
    assertTrue(notes.contains("## For users\n\n- T1 is written\n"), notes);
    assertTrue(notes.contains("## Rollback\n\n- Delete out/T1.txt\n"), notes);
  }
}
