package dev.orchestra.issues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.gate.Batch;
import dev.orchestra.Bounds;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.OrchestraException;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.gate.Severity;
import dev.orchestra.StopReason;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.gate.Verdict;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelRequest;
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
 * Issue 11, section 1: the loop repeats until green. A fix that does not work the first time goes
 * back to work with what was tried; at the attempt limit the orchestrator role re-plans; only a
 * finding that was fixed, passed its gate and came back is a regression; a green run has nothing to
 * resume. Everything through the public API, with real command gates.
 */
final class Issue11LoopTest {
  @TempDir Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());
  final List<OrchestraEvent> events = new CopyOnWriteArrayList<>();

  private Orchestrator.Builder builder() {
    return Orchestrator.builder()
        .workspace(ws)
        .modelProvider(model)
        .clock(clock)
        .sleeper(clock.sleeper())
        .explorationProbes(List.of())
        .addListener(events::add);
  }

  private RunResult run(Orchestrator.Builder b) {
    try (Orchestrator o = b.build()) {
      return o.run("Make the check pass");
    }
  }

  private static Reply write(String path, String content) {
    return Reply.toolCall("write_file", "{\"path\":\"" + path + "\",\"content\":\"" + content + "\"}");
  }

  private static Reply done(String result) {
    return Reply.text(RoleAnswers.implementation(result));
  }

  /** One task T1 that writes out/T1.txt, then whatever the findings need. */
  private void planOneTask() {
    Task t1 = Task.builder("T1", "Write out/T1.txt").writeScope("out/T1.txt").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(t1))));
    model.on("implementer", "T1").reply(write("out/T1.txt", "one"), done("wrote out/T1.txt"));
  }

  private long started(String taskId) {
    return events.stream()
        .filter(e -> e instanceof OrchestraEvent.TaskStarted s && s.taskId().equals(taskId))
        .count();
  }

  @Test
  void aFixThatFailsTwiceGoesBackToWorkWithWhatWasTriedAndEndsGreen() throws Exception {
    planOneTask();
    // The check wants "good" in out/fix.txt; the first two attempts write something else.
    model.on("implementer", "F1")
        .reply(
            write("out/fix.txt", "bad"), done("wrote bad"),
            write("out/fix.txt", "worse"), done("wrote worse"),
            write("out/fix.txt", "good"), done("wrote good"));
    RunResult r = run(builder().addGate(Gate.shell("grep -qs good out/fix.txt").name("check").build()));

    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(3, started("F1"), "F1 ran three times");
    assertEquals("good", Files.readString(ws.resolve("out/fix.txt")));
    List<ModelRequest> f1 = model.requests("implementer", "F1");
    String third = f1.get(4).lastUserText();
    assertTrue(third.contains("This is attempt 3 at this finding"), third);
    assertTrue(third.contains("attempt 1 (F1): wrote bad -> the check gate then reported"), third);
    assertTrue(third.contains("attempt 2 (F1): wrote worse"), third);
    assertTrue(r.plan().task("F1").orElseThrow().notes().contains("attempt 3 of 3"), r.plan().task("F1").orElseThrow().notes());
    assertEquals(1, model.requests("orchestrator").size(), "no re-plan was needed");
  }

  @Test
  void aFindingStillOpenAtItsLimitIsReplannedOnceThenStopsWithTheFindingInNextAndRisks() {
    planOneTask();
    Task fix = Task.builder("T1", "Fix the check another way").writeScope("out/**").build(); // clashes: becomes R1
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(fix))));
    model.on("implementer").otherwise(done("tried"));
    RunResult r =
        run(builder().addGate(Gate.shell("echo still broken; exit 1").name("check").build()).bounds(Bounds.defaults().withMaxRounds(10)));

    assertEquals(StopReason.ATTEMPTS_EXHAUSTED, r.stopReason(), r.message());
    assertTrue(r.message().contains("after 3 attempts and a new plan (task R1)"), r.message());
    assertEquals(3, started("F1"));
    assertEquals(1, started("R1"), "the re-planned task got one attempt");
    List<ModelRequest> planner = model.requests("orchestrator");
    assertEquals(2, planner.size(), "asked once at the start and once at the limit");
    String replan = planner.get(1).lastUserText();
    assertTrue(replan.contains("still open after 3 attempts"), replan);
    assertTrue(replan.contains("attempt 2 (F1)"), replan);
    assertEquals(TaskStatus.FAILED, r.plan().task("R1").orElseThrow().status());
    assertTrue(r.next().stream().anyMatch(n -> n.startsWith("R1: Fix the check another way (failed")), r.next().toString());
    assertTrue(r.risks().stream().anyMatch(k -> k.startsWith("still open: the check gate reports")), r.risks().toString());
  }

  @Test
  void withoutANewPlanTheRunStopsAtTheLimitAndSaysSo() {
    planOneTask();
    model.on("implementer").otherwise(done("tried"));
    RunResult r = run(builder().addGate(Gate.shell("exit 1").name("check").build()).bounds(Bounds.defaults().withMaxFindingAttempts(2)));
    assertEquals(StopReason.ATTEMPTS_EXHAUSTED, r.stopReason(), r.message());
    assertTrue(r.message().contains("after 2 attempts (the orchestrator role gave no new plan)"), r.message());
    assertEquals(2, started("F1"));
    assertEquals(TaskStatus.FAILED, r.plan().task("F1").orElseThrow().status());
  }

  @Test
  void onlyAFindingThatPassedItsGateAndCameBackIsARegressionAndResumeWorksOnIt() throws Exception {
    // Round 1: the check fails (F1). Round 2: F1 fixes it and the check passes, but the reviewer
    // asks for a change (F2) that breaks it again. Round 3: the check reports F1's finding again.
    planOneTask();
    model.on("implementer", "F1").reply(write("out/x.txt", "good"), done("wrote good"), write("out/x.txt", "good"), done("wrote good again"));
    model.on("implementer", "F2").reply(write("out/x.txt", "bad"), done("rewrote x"));
    model.on("reviewer")
        .reply(
            Reply.text(RoleAnswers.ship()),
            Reply.text(RoleAnswers.block("out/x.txt", 1, "x.txt must say bad", "Make out/x.txt say bad")))
        .otherwise(Reply.text(RoleAnswers.ship()));
    Orchestrator.Builder b =
        builder().addGate(Gate.shell("grep -qs good out/x.txt").name("check").build()).addGate(Gate.review());
    RunResult r = run(b);

    assertEquals(StopReason.FINDINGS_REGRESSED, r.stopReason(), r.message());
    assertEquals(3, r.rounds());
    assertTrue(r.message().contains("reports again what task F1 had fixed (the gate had passed since)"), r.message());
    assertEquals(TaskStatus.TODO, r.plan().task("F1").orElseThrow().status(), "F1 is back in the plan");
    assertTrue(r.next().stream().anyMatch(n -> n.startsWith("F1:")), r.next().toString());

    try (Orchestrator o = b.build()) {
      RunResult resumed = o.resume();
      assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    }
    assertEquals("good", Files.readString(ws.resolve("out/x.txt")));
  }

  @Test
  void aFindingsTaskMayWriteWhatTheFixNeedsNotOnlyTheFileTheDiagnosisNamed() throws Exception {
    planOneTask();
    // The gate names src/app/Main.txt, but the fix belongs in src/app/Config.txt, beside it.
    Gate gate =
        new Gate() {
          @Override
          public String name() {
            return "check";
          }

          @Override
          public GateResult evaluate(Batch batch, GateContext context) {
            if (Files.exists(batch.workspace().resolve("src/app/Config.txt"))) {
              return GateResult.pass("check", "config present");
            }
            Finding f =
                new Finding("check", Severity.HIGH, "src/app/Main.txt", 3, "Main cannot find its config", "Give Main its config",
                    List.of("run-check.sh"));
            return GateResult.of("check", Verdict.FAIL, List.of(f), "Main cannot find its config");
          }
        };
    model.on("implementer", "F1").reply(write("src/app/Config.txt", "port=1"), done("added the config beside Main"));
    RunResult r = run(builder().addGate(gate));

    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    Task f1 = r.plan().task("F1").orElseThrow();
    assertEquals(List.of("src/app/Main.txt", "src/app/**", "run-check.sh"), f1.writeScope());
    assertTrue(f1.notes().contains("may write the file the diagnosis named, its folder and the files the check touched"), f1.notes());
    assertTrue(Files.exists(ws.resolve("src/app/Config.txt")));
  }

  @Test
  void resumeAfterAGreenRunSaysThereIsNothingToResumeAndCallsNoModel() {
    planOneTask();
    assertEquals(StopReason.GREEN, run(builder()).stopReason());
    int calls = model.requests().size();
    try (Orchestrator o = builder().build()) {
      OrchestraException e = assertThrows(OrchestraException.class, o::resume);
      assertTrue(e.getMessage().startsWith("nothing to resume: run "), e.getMessage());
      assertTrue(e.getMessage().contains("ended GREEN"), e.getMessage());
    }
    assertEquals(calls, model.requests().size(), "no model was called");
    assertFalse(events.stream().anyMatch(e -> e instanceof OrchestraEvent.RunStarted s && s.resumed()), "no run started");
  }

  @Test
  void aDiagnosisWordedDifferentlyEachRoundIsStillTheSameFinding() {
    planOneTask();
    String[] causes = {"fix.txt lacks the word good", "The file out/fix.txt does not contain 'good'", "out/fix.txt still misses good"};
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    model.on("ci_runner")
        .otherwise(
            Reply.answer(
                req ->
                    dev.orchestra.model.ModelResponse.text(
                        "{\"commandsRun\":[\"grep\"],\"passed\":false,\"rootCause\":\"" + causes[n.getAndIncrement() % 3]
                            + "\",\"smallestFix\":\"Write good\",\"file\":\"out/fix.txt\",\"line\":0}",
                        dev.orchestra.model.TokenUsage.ZERO)));
    model.on("implementer", "F1")
        .reply(write("out/fix.txt", "bad"), done("wrote bad"), write("out/fix.txt", "good"), done("wrote good"));
    RunResult r = run(builder().addGate(Gate.shell("grep -qs good out/fix.txt").name("check").build()));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(2, started("F1"), "the second diagnosis, worded otherwise, sent F1 back to work");
    assertTrue(r.plan().task("F2").isEmpty(), "no second task for the same failing check: " + r.plan().tasks());
  }

  @Test
  void aResumeAfterAReopenRunsTheReopenedTaskAndKeepsItsHistory() {
    planOneTask();
    model.on("implementer", "F1")
        .reply(write("out/fix.txt", "bad"), done("wrote bad"), write("out/fix.txt", "good"), done("wrote good"));
    Orchestrator.Builder b = builder().addGate(Gate.shell("grep -qs good out/fix.txt").name("check").build());
    RunResult first = run(b.bounds(Bounds.defaults().withMaxRounds(2)));
    assertEquals(StopReason.ITERATION_LIMIT, first.stopReason(), first.message());
    assertEquals(TaskStatus.TODO, first.plan().task("F1").orElseThrow().status(), "F1 was sent back to work");
    RunResult resumed;
    try (Orchestrator o = b.bounds(Bounds.defaults()).build()) {
      resumed = o.resume();
    }
    assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    assertEquals(2, started("F1"), "the resume ran F1's second attempt, once");
    assertTrue(resumed.plan().task("F1").orElseThrow().notes().contains("attempt 2 of 3"), resumed.plan().task("F1").orElseThrow().notes());
    String brief = model.requests("implementer", "F1").get(2).lastUserText();
    assertTrue(brief.contains("attempt 1 (F1): wrote bad -> the check gate then reported"), "history from the journal: " + brief);
  }

  @Test
  void aReplannedTaskThatFailedCanGoBackToWorkOnResumeAndUnblocksItsDependents() {
    planOneTask();
    Task r1 = Task.builder("A", "Prepare the fix").writeScope("out/**").build();
    Task r2 = Task.builder("B", "Finish the fix").dependsOn("A").writeScope("out/**").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(r1, r2))));
    model.on("implementer", "F1").otherwise(done("tried"));
    model.on("implementer", "A").reply(Reply.rejected("cannot"), Reply.rejected("cannot")).otherwise(done("prepared"));
    model.on("implementer", "B").reply(write("out/fix.txt", "good"), done("wrote good"));
    Orchestrator.Builder b =
        builder().addGate(Gate.shell("grep -qs good out/fix.txt").name("check").build()).bounds(Bounds.defaults().withMaxFindingAttempts(1));
    RunResult first = run(b);
    assertEquals(StopReason.ATTEMPTS_EXHAUSTED, first.stopReason(), first.message());
    assertEquals(TaskStatus.FAILED, first.plan().task("A").orElseThrow().status());
    assertEquals(TaskStatus.BLOCKED, first.plan().task("B").orElseThrow().status());
    assertEquals(TaskStatus.SUPERSEDED, first.plan().task("F1").orElseThrow().status());
    assertTrue(first.done().stream().noneMatch(d -> d.startsWith("F1:")), "a superseded task is not done: " + first.done());
    RunResult resumed;
    try (Orchestrator o = b.bounds(Bounds.defaults().withMaxFindingAttempts(5)).build()) {
      resumed = o.resume();
    }
    assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    assertEquals(TaskStatus.DONE, resumed.plan().task("B").orElseThrow().status(), "B waited for A again and ran");
  }

  @Test
  void aReviewersFindingThatPassedReviewAndCameBackIsARegression() {
    planOneTask();
    String m1 = RoleAnswers.block("out/x.txt", 1, "x.txt must greet", "Make out/x.txt greet");
    model.on("reviewer").reply(Reply.text(m1), Reply.text(RoleAnswers.ship()), Reply.text(m1));
    model.on("implementer", "F1").reply(write("out/x.txt", "hello"), done("greets"));
    model.on("implementer", "F2").reply(done("tried"), write("out/y.txt", "y"), done("wrote y"));
    RunResult r =
        run(builder().addGate(Gate.review()).addGate(Gate.shell("test -f out/y.txt").name("check").build()));
    assertEquals(StopReason.FINDINGS_REGRESSED, r.stopReason(), r.message());
    assertTrue(r.message().contains("the review gate reports again what task F1 had fixed"), r.message());
  }
}
