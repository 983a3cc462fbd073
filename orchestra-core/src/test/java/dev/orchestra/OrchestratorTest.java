package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's exits and edges, each on a small scripted run. */
final class OrchestratorTest {
  @TempDir Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());
  final EventRecorder events = new EventRecorder();

  private void plan(int n) {
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      tasks.add(Json.task("T" + i, "Write out/T" + i + ".txt", List.of("out/T" + i + ".txt"), List.of()));
    }
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer").otherwise(KillableRun.writeOwnFile());
    model.on("release_manager").otherwise(Reply.text(Json.release()));
  }

  private static dev.orchestra.model.ModelResponse answer(dev.orchestra.model.ModelRequest req, String text) {
    return dev.orchestra.model.ModelResponse.text(text, new dev.orchestra.model.TokenUsage(10, 10, 0, 0));
  }

  private Orchestrator.Builder builder() {
    return Orchestrator.builder()
        .workspace(ws)
        .modelProvider(model)
        .clock(clock)
        .sleeper(clock.sleeper())
        .explorationProbes(List.of())
        .addListener(events);
  }

  private RunResult run(Orchestrator.Builder b) {
    try (Orchestrator o = b.build()) {
      return o.run("Write the files");
    }
  }

  @Test
  void greenWithoutGates() throws Exception {
    plan(3);
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(List.of("T1: Write out/T1.txt", "T2: Write out/T2.txt", "T3: Write out/T3.txt"), r.done());
    assertTrue(Files.exists(ws.resolve("out/T3.txt")));
    assertTrue(r.usage().totalTokens() > 0);
  }

  @Test
  void oneBatchModeStopsAfterTheFirstBatchAndItsGates() {
    plan(2);
    model.on("reviewer").otherwise(Reply.text(Json.review(false, "out/T1.txt", 1, "T1 is wrong", "Fix T1", List.of())));
    RunResult r = run(builder().addGate(Gate.review()).oneBatch(true));
    assertEquals(StopReason.ONE_BATCH_COMPLETE, r.stopReason());
    assertEquals(1, r.rounds());
    assertEquals(TaskStatus.TODO, r.plan().task("F1").orElseThrow().status(), "the finding is planned, not run");
    assertEquals(1, events.of(OrchestraEvent.GateFinished.class).size());
  }

  @Test
  void noNewTaskAndNoFinishedTaskIsNoProgress() {
    plan(1);
    Gate undecided =
        new Gate() {
          @Override
          public String name() {
            return "flaky";
          }

          @Override
          public GateResult evaluate(Batch batch, GateContext context) {
            throw new IllegalStateException("cannot reach the CI server");
          }
        };
    RunResult r = run(builder().addGate(undecided));
    assertEquals(StopReason.NO_PROGRESS, r.stopReason(), r.message());
    assertEquals(2, r.rounds());
    assertTrue(r.gateResults().get(0).summary().contains("cannot reach the CI server"));
    assertTrue(r.risks().stream().anyMatch(s -> s.startsWith("run stopped (no_progress)")), r.risks().toString());
  }

  @Test
  void theRoundLimitStopsALoopThatKeepsFindingThings() {
    plan(1);
    List<Reply> blocks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      blocks.add(Reply.text(Json.review(false, "out/x" + i + ".txt", 1, "problem number " + (char) ('a' + i), "Fix " + i, List.of())));
    }
    model.on("reviewer").reply(blocks.toArray(new Reply[0]));
    RunResult r = run(builder().addGate(Gate.review()).bounds(Bounds.defaults().withMaxRounds(3)));
    assertEquals(StopReason.ITERATION_LIMIT, r.stopReason());
    assertEquals(3, r.rounds());
  }

  @Test
  void anExhaustedQuotaStopsTheRunAndResumeFinishesIt() {
    plan(4);
    model.on("implementer", "T2").reply(Reply.quotaExhausted());
    RunResult r = run(builder().budgetPolicy(BudgetPolicy.fixed(1)));
    assertEquals(StopReason.QUOTA_EXHAUSTED, r.stopReason());
    assertEquals(TaskStatus.TODO, r.plan().task("T2").orElseThrow().status());
    try (Orchestrator o = builder().build()) {
      RunResult resumed = o.resume();
      assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    }
    assertEquals(1, model.requests("implementer", "T1").size() / 2, "T1 ran once");
  }

  @Test
  void authenticationFailureStopsTheRun() {
    model.on("orchestrator").reply(Reply.authenticationFailure());
    RunResult r = run(builder());
    assertEquals(StopReason.AUTHENTICATION_FAILED, r.stopReason());
    assertTrue(r.plan().tasks().isEmpty());
  }

  @Test
  void theTokenLimitStopsNewWork() {
    plan(6);
    RunResult r = run(builder().budgetPolicy(BudgetPolicy.fixed(1)).bounds(Bounds.defaults().withMaxTokens(1)));
    assertEquals(StopReason.TOKEN_LIMIT, r.stopReason());
    assertTrue(r.plan().tasks().stream().anyMatch(t -> t.status() == TaskStatus.TODO));
  }

  @Test
  void rejectedTasksFailAndBlockTheirDependents() {
    List<Task> tasks =
        List.of(
            Json.task("T1", "a", List.of("out/T1.txt"), List.of()),
            Json.task("T2", "b", List.of("out/T2.txt"), List.of("T1")),
            Json.task("T3", "c", List.of("out/T3.txt"), List.of()));
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer", "T1").reply(Reply.rejected("context too long"));
    model.on("implementer").otherwise(KillableRun.writeOwnFile());
    RunResult r = run(builder());
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    assertEquals(TaskStatus.FAILED, r.plan().task("T1").orElseThrow().status());
    assertEquals("failed: rejected: context too long", r.plan().task("T1").orElseThrow().notes());
    assertEquals(TaskStatus.BLOCKED, r.plan().task("T2").orElseThrow().status());
    assertEquals(TaskStatus.DONE, r.plan().task("T3").orElseThrow().status());
  }

  @Test
  void transientFailuresAreRetriedWithBackoff() {
    plan(1);
    model.on("implementer", "T1").reply(Reply.transientFailure(), Reply.transientFailure());
    Instant before = clock.instant();
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason());
    assertTrue(clock.instant().isAfter(before), "backoff waited in fake time");
    List<String> outcomes = events.of(OrchestraEvent.ModelCallFinished.class).stream().map(OrchestraEvent.ModelCallFinished::outcome).toList();
    assertEquals(List.of("ok", "transient", "transient", "ok", "ok", "ok"), outcomes);
  }

  @Test
  void aFailureWhoseProviderSpentItsRetriesIsNotRetriedAgain() {
    plan(1);
    model.on("implementer", "T1")
        .reply(
            Reply.fail(
                () ->
                    new dev.orchestra.model.RateLimitedException(
                        "429 after the provider's own 5 attempts", Duration.ofHours(1), null, true)));
    Instant before = clock.instant();
    RunResult r = run(builder());
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    assertEquals(before, clock.instant(), "the hour the server asked for was not slept");
    List<String> outcomes = events.of(OrchestraEvent.ModelCallFinished.class).stream().map(OrchestraEvent.ModelCallFinished::outcome).toList();
    assertEquals(List.of("ok", "rate_limited"), outcomes);
  }

  @Test
  void eachRetryOfTheOrchestratorIsAnEventAndAJournalLine() throws Exception {
    plan(1);
    model.on("implementer", "T1").reply(Reply.rateLimited(Duration.ofSeconds(3)), Reply.transientFailure());
    Instant before = clock.instant();
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    List<OrchestraEvent.RetryScheduled> retries = events.of(OrchestraEvent.RetryScheduled.class);
    assertEquals(2, retries.size(), retries.toString());
    OrchestraEvent.RetryScheduled first = retries.get(0);
    assertEquals(
        List.of("implementer", "T1", "gpt-5.4", "RATE_LIMITED", "3000", "2", "orchestrator"),
        List.of(first.role(), first.taskId(), first.model(), first.failure().name(), String.valueOf(first.delayMillis()),
            String.valueOf(first.attempt()), first.retriedBy()));
    assertFalse(first.cause().isBlank() || first.cause().contains("\n"), first.cause());
    OrchestraEvent.RetryScheduled second = retries.get(1);
    assertEquals(ModelProviderException.Kind.TRANSIENT, second.failure());
    assertEquals(3, second.attempt());
    // The second retry's backoff: 500 ms doubled once, less up to a quarter of jitter.
    assertTrue(second.delayMillis() >= 750 && second.delayMillis() <= 1000, second.toString());
    assertEquals(before.plusMillis(3000 + second.delayMillis()), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
        "the waits the events announce are the waits taken, in fake time");
    // Each comes between the failed call it retries and the next attempt (then the implementer's
    // second turn, which writes nothing to retry).
    List<OrchestraEvent.Kind> t1 =
        events.events().stream()
            .filter(e -> e instanceof OrchestraEvent.ModelCallFinished m && m.taskId().equals("T1") || e instanceof OrchestraEvent.RetryScheduled)
            .map(OrchestraEvent::kind).toList();
    assertEquals(
        List.of(OrchestraEvent.Kind.MODEL_CALL_FINISHED, OrchestraEvent.Kind.RETRY_SCHEDULED, OrchestraEvent.Kind.MODEL_CALL_FINISHED,
            OrchestraEvent.Kind.RETRY_SCHEDULED, OrchestraEvent.Kind.MODEL_CALL_FINISHED, OrchestraEvent.Kind.MODEL_CALL_FINISHED),
        t1);
    List<String> journalled =
        Files.readAllLines(ws.resolve(".orchestra/journal.jsonl")).stream().filter(l -> l.contains("\"type\":\"retry_scheduled\"")).toList();
    assertEquals(2, journalled.size(), journalled.toString());
    assertTrue(journalled.get(0).contains("\"failure\":\"rate_limited\",") && journalled.get(0).contains("\"delayMillis\":3000,"), journalled.get(0));
  }

  /**
   * A provider that retries on its own: it tells the orchestrator of its retry, which becomes an
   * event naming the call and the provider, and its final failure is not retried again.
   */
  @Test
  void aProvidersOwnRetriesAreEventsAndItsFinalFailureIsNotRetriedAgain() {
    plan(1);
    model.on("implementer", "T1")
        .reply(Reply.fail(() -> new dev.orchestra.model.TransientModelException("HTTP 502 (after 2 attempts)", null, true)));
    ModelProvider selfRetrying =
        new ModelProvider() {
          @Override
          public ModelResponse respond(ModelRequest request, ProviderSignals signals) {
            if (request.taskId().equals("T1")) {
              signals.unstable("HTTP 502");
              signals.retryScheduled(new dev.orchestra.model.TransientModelException("HTTP 502\nfrom the gateway"), Duration.ofMillis(250), 2);
            }
            return model.respond(request, signals);
          }

          @Override
          public String name() {
            return "gateway";
          }
        };
    Instant before = clock.instant();
    RunResult r = run(builder().modelProvider(selfRetrying));
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    assertEquals(before, clock.instant(), "the orchestrator waited for nothing: the provider had the last word");
    List<OrchestraEvent.RetryScheduled> retries = events.of(OrchestraEvent.RetryScheduled.class);
    assertEquals(1, retries.size(), retries.toString());
    OrchestraEvent.RetryScheduled retry = retries.get(0);
    assertEquals(List.of("gateway", "T1", "implementer", "250", "2"),
        List.of(retry.retriedBy(), retry.taskId(), retry.role(), String.valueOf(retry.delayMillis()), String.valueOf(retry.attempt())));
    assertEquals("HTTP 502 from the gateway", retry.cause(), "one line");
    assertEquals(1, model.requests("implementer", "T1").size());
  }

  /** A reply that says it has started, then waits until a cancel interrupts it. */
  private static Reply untilInterrupted(CountDownLatch started) {
    return Reply.answer(
        req -> {
          started.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            throw new dev.orchestra.model.TransientModelException("interrupted", e);
          }
          throw new AssertionError("not interrupted");
        });
  }

  @Test
  void resumeRemovesTheTemporaryFileOfAWriteTheStopInterrupted() throws Exception {
    plan(2);
    try (Orchestrator o = builder().build()) {
      assertEquals(StopReason.GREEN, o.run("Write the files").stopReason());
    }
    // As a SIGKILL during T1's write would leave it: T1 running, its write's temporary file beside
    // the target. A file of the same shape outside every running task's scope is the user's.
    Path planFile = ws.resolve("plan.md");
    Files.writeString(planFile, Files.readString(planFile).replaceFirst("(### T1: [^\\n]*\\n- status: )done", "$1running"));
    Path interrupted = Files.writeString(ws.resolve("out/.T1.txt.5f3a9c.tmp"), "half");
    // Written during the stopped run, by the run's clock (not the machine's, which may be behind).
    Files.setLastModifiedTime(interrupted, java.nio.file.attribute.FileTime.from(clock.instant()));
    Path users = Files.writeString(Files.createDirectories(ws.resolve("keep")).resolve(".data.77.tmp"), "mine");
    // In the scope, but older than the stopped run: not the run's.
    Path older = Files.writeString(ws.resolve("out/.T1.txt.77.tmp"), "older");
    Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    try (Orchestrator o = builder().build()) {
      assertEquals(StopReason.GREEN, o.resume().stopReason());
    }
    assertFalse(Files.exists(interrupted), "the interrupted write's temporary file is gone");
    assertEquals("mine", Files.readString(users));
    assertEquals("older", Files.readString(older));
  }

  @Test
  void resumeRemovesWhatAKillLeftOfPlanMdsOwnWrites() throws Exception {
    plan(2);
    try (Orchestrator o = builder().build()) {
      assertEquals(StopReason.GREEN, o.run("Write the files").stopReason());
    }
    // A SIGKILL during the atomic write of plan.md, or of the run's copy of what it last wrote.
    Path planTmp = Files.writeString(ws.resolve(".plan.md.3141.tmp"), "half");
    Path copyTmp = Files.writeString(ws.resolve(".orchestra/.last-written-plan.md.2718.tmp"), "half");
    Path planFile = ws.resolve("plan.md");
    Files.writeString(planFile, Files.readString(planFile).replaceFirst("(### T1: [^\\n]*\\n- status: )done", "$1running"));
    try (Orchestrator o = builder().build()) {
      o.resume();
    }
    assertFalse(Files.exists(planTmp), "plan.md's temporary file is gone");
    assertFalse(Files.exists(copyTmp), "the last-written copy's temporary file is gone");
  }

  @Test
  void cancelStopsTheRunAndResumeContinues() throws Exception {
    plan(6);
    CountDownLatch started = new CountDownLatch(1);
    model.on("implementer", "T1")
        .reply(
            untilInterrupted(started));
    Orchestrator o = builder().budgetPolicy(BudgetPolicy.fixed(1)).sleeper(Sleeper.SYSTEM).build();
    CompletableFuture<RunResult> future = o.runAsync("Write the files");
    assertTrue(started.await(20, TimeUnit.SECONDS));
    assertThrows(IllegalStateException.class, () -> o.run("another"));
    o.cancel();
    RunResult r = future.get(20, TimeUnit.SECONDS);
    assertEquals(StopReason.CANCELLED, r.stopReason());
    assertEquals(TaskStatus.TODO, r.plan().task("T1").orElseThrow().status());
    RunResult resumed = o.resume();
    assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    o.close();
  }

  @Test
  void aStopDuringTheGatesIsResumedByGatingTheSameRoundsChanges() throws Exception {
    plan(2);
    CountDownLatch reviewing = new CountDownLatch(1);
    model.on("reviewer")
        .reply(
            untilInterrupted(reviewing),
            Reply.text(Json.review(true, "", 0, "", "", List.of())));
    Orchestrator o = builder().addGate(Gate.review()).sleeper(Sleeper.SYSTEM).build();
    CompletableFuture<RunResult> future = o.runAsync("Write the files");
    assertTrue(reviewing.await(20, TimeUnit.SECONDS));
    o.cancel();
    assertEquals(StopReason.CANCELLED, future.get(20, TimeUnit.SECONDS).stopReason());
    RunResult resumed = o.resume();
    o.close();
    assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    List<dev.orchestra.model.ModelRequest> reviews = model.requests("reviewer");
    assertEquals(2, reviews.size());
    String brief = reviews.get(1).messages().toString();
    // The work done before the stop is what the resumed review must see.
    assertTrue(brief.contains("- out/T1.txt") && brief.contains("- out/T2.txt"), brief);
    assertTrue(brief.contains("- T1 [done] Write out/T1.txt"), brief);
    assertEquals(1, brief.split("Goal: ", -1).length - 1, "the goal is given once: " + brief);
    assertEquals(2, model.requests("implementer").size() / 2, "no task ran again");
    assertEquals(1, resumed.rounds(), "the resumed gates belong to the round they stopped in");
  }

  @Test
  void aHandEditDuringTheRunIsMergedNotLost() throws Exception {
    plan(2);
    Path planFile = ws.resolve("plan.md");
    model.on("reviewer")
        .reply(Reply.answer(req -> {
          // A person edits plan.md while the gates run: adds a task, drops T2's acceptance.
          try {
            String md = Files.readString(planFile);
            Files.writeString(planFile, md.replace("## Later", "### H1: Added by hand\n- write scope:\n  - out/H1.txt\n\n## Later"));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return answer(req, Json.review(true, "", 0, "", "", List.of()));
        }))
        .otherwise(Reply.text(Json.review(true, "", 0, "", "", List.of())));
    RunResult r = run(builder().addGate(Gate.review()));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(TaskStatus.DONE, r.plan().task("H1").orElseThrow().status());
    assertTrue(Files.exists(ws.resolve("out/H1.txt")));
    assertTrue(events.of(OrchestraEvent.PlanUpdated.class).stream().anyMatch(p -> p.reason().equals("edited by hand") && p.addedTaskIds().equals(List.of("H1"))));
  }

  @Test
  void handEditsWhileTheBatchKeepsRewritingThePlanAreMergedNotLost() throws Exception {
    plan(12);
    Path planFile = ws.resolve("plan.md");
    // While twelve implementers finish (each finish rewrites plan.md), one person saves three
    // edits, each adding a task: none of them may be lost.
    AtomicInteger edits = new AtomicInteger();
    List<String> saved = java.util.Collections.synchronizedList(new ArrayList<>());
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  boolean afterTool = req.messages().get(req.messages().size() - 1) instanceof dev.orchestra.model.Message.ToolResult;
                  int n = req.taskId().startsWith("T") ? Integer.parseInt(req.taskId().substring(1)) : 0;
                  if (afterTool && n % 4 == 0 && n > 0) {
                    int h = edits.incrementAndGet();
                    // As most editors save: the whole file to a temporary one, renamed over plan.md.
                    synchronized (saved) {
                    try {
                      String md = Files.readString(planFile);
                      Path tmp = Files.writeString(ws.resolve(".plan.md.editor"), md.replace("## Later", "### H" + h + ": Added by hand\n- write scope:\n  - out/H" + h + ".txt\n\n## Later"));
                      Files.move(tmp, planFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                      saved.add("H" + h);
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                    }
                  }
                  if (afterTool) {
                    return answer(req, Json.implemented("wrote " + req.taskId()));
                  }
                  return new dev.orchestra.model.ModelResponse(
                      "",
                      List.of(new dev.orchestra.model.ToolCall("w-" + req.taskId(), "write_file", Json.writeArgs("out/" + req.taskId() + ".txt", req.taskId()))),
                      new dev.orchestra.model.TokenUsage(10, 5, 0, 0));
                }));
    // At the default write interval. (With plan.md rewritten at every finish, a save could still
    // land in the microseconds between the run's last check and its rename: see writePlan.)
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    // A save made from a copy read just before the run's last write carries stale statuses, which
    // the merge takes as the person's: that task runs again, and its reply saves once more.
    assertTrue(saved.size() >= 3, "the person's saves: " + saved);
    for (String h : saved) {
      assertEquals(TaskStatus.DONE, r.plan().task(h).map(Task::status).orElse(null), h + " was lost: " + Files.readString(planFile));
    }
  }

  @Test
  void anUnreadableHandEditStopsTheRunAndIsLeftAlone() throws Exception {
    plan(1);
    Path planFile = ws.resolve("plan.md");
    model.on("reviewer")
        .reply(Reply.answer(req -> {
          try {
            Files.writeString(planFile, "# Plan: x\n## Tasks\n### T1: a\n- status: half-done\n");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return answer(req, Json.review(false, "a", 1, "needs work", "Work", List.of()));
        }));
    RunResult r = run(builder().addGate(Gate.review()));
    assertEquals(StopReason.PLAN_INVALID, r.stopReason());
    assertTrue(r.message().contains(":4: unknown status 'half-done'"), r.message());
    assertEquals("# Plan: x\n## Tasks\n### T1: a\n- status: half-done\n", Files.readString(planFile));
  }

  @Test
  void aNewRunKeepsThePreviousPlanAsABackup() throws Exception {
    Files.writeString(ws.resolve("plan.md"), "# Plan: old goal\n");
    plan(1);
    run(builder());
    try (var files = Files.list(ws.resolve(".orchestra"))) {
      List<Path> backups = files.filter(p -> p.getFileName().toString().startsWith("plan-")).toList();
      assertEquals(1, backups.size());
      assertEquals("# Plan: old goal\n", Files.readString(backups.get(0)));
    }
  }

  @Test
  void explorersRunInParallelBeforeThePlanner() {
    plan(1);
    CountDownLatch both = new CountDownLatch(2);
    model.on("explorer")
        .otherwise(
            Reply.answer(
                req -> {
                  both.countDown();
                  try {
                    assertTrue(both.await(20, TimeUnit.SECONDS), "the two explorers ran at once");
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                  return answer(req, Json.exploration("src/Main.java", "make test"));
                }));
    RunResult r = run(builder().explorationProbes(List.of("Where is main?", "Where is CI?")));
    assertEquals(StopReason.GREEN, r.stopReason());
    String plannerInput = model.requests("orchestrator").get(0).lastUserText();
    assertTrue(plannerInput.contains("src/Main.java") && plannerInput.contains("make test"), plannerInput);
    assertEquals(List.of("explore-1", "explore-2"), model.requests("explorer").stream().map(q -> q.taskId()).sorted().toList());
  }

  @Test
  void builderExplainsWhatIsMissing() {
    IllegalStateException noWs = assertThrows(IllegalStateException.class, () -> Orchestrator.builder().modelProvider(model).build());
    assertTrue(noWs.getMessage().contains("workspace is required"));
    IllegalStateException noModel = assertThrows(IllegalStateException.class, () -> Orchestrator.builder().workspace(ws).build());
    assertTrue(noModel.getMessage().contains("model provider is required"));
    IllegalStateException noRole =
        assertThrows(
            IllegalStateException.class,
            () -> builder().roles(BuiltInRoles.minimalTeam()).addGate(Gate.qa()).build());
    assertEquals("the qa gate needs the 'qa_test_author' role; the team has: orchestrator, implementer, ci_runner, reviewer", noRole.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder().addGate(Gate.review()).addGate(Gate.review()));
    assertThrows(IllegalArgumentException.class, () -> builder().build().run(" "));
  }

  @Test
  void resumeWithoutAPlanSaysSo() {
    try (Orchestrator o = builder().build()) {
      OrchestraException e = assertThrows(OrchestraException.class, o::resume);
      assertTrue(e.getMessage().startsWith("nothing to resume: "), e.getMessage());
    }
  }

  @Test
  void changedFilesComeFromGitSoCommandsCountToo() throws Exception {
    TestRepos.write(ws, "README.md", "# x\n");
    TestRepos.git(ws, "init", "-q");
    TestRepos.git(ws, "add", "-A");
    TestRepos.git(ws, "commit", "-q", "-m", "init");
    List<Task> tasks = List.of(Json.task("T1", "Generate the file", List.of("gen/**"), List.of()));
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[],\"shell\":\"mkdir -p gen && echo 'token = 1' > gen/out.txt\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(Json.implemented("generated")));
    model.on("security_reviewer").otherwise(Reply.text(Json.securityClean()));
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    RunResult r = run(builder().addGate(Gate.security()));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    OrchestraEvent.TaskFinished t1 =
        events.of(OrchestraEvent.TaskFinished.class).stream().filter(t -> t.taskId().equals("T1")).findFirst().orElseThrow();
    assertEquals(List.of("gen/out.txt"), t1.changedFiles());
    OrchestraEvent.GateStarted security = events.of(OrchestraEvent.GateStarted.class).get(0);
    assertEquals("gen/out.txt:1: change adds 'token' (secrets and credentials)", security.reason());
    String brief = model.requests("security_reviewer").get(0).lastUserText();
    assertTrue(brief.contains("+token = 1"), "the reviewer sees the diff");
    assertTrue(!brief.contains("plan.md"), "Orchestra's own files are not the batch's changes: " + brief);
  }

  @Test
  void aCommandThatWritesOutsideItsTasksScopeIsSeenByGitAndReportedOnTheTask() throws Exception {
    TestRepos.write(ws, "README.md", "# x\n");
    TestRepos.git(ws, "init", "-q");
    TestRepos.git(ws, "add", "-A");
    TestRepos.git(ws, "commit", "-q", "-m", "init");
    List<Task> tasks =
        List.of(Json.task("T1", "Generate the file", List.of("gen/**"), List.of()), Json.task("T2", "Write docs", List.of("docs/**"), List.of()));
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall(
                "run_command", "{\"command\":[],\"shell\":\"mkdir -p gen lib && echo 1 > gen/out.txt && echo 2 > lib/stray.txt\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(Json.implemented("generated")));
    model.on("implementer", "T2")
        .reply(Reply.toolCall("write_file", Json.writeArgs("docs/a.md", "a")), Reply.text(Json.implemented("documented")));
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    RunResult r = run(builder().isolation(Isolation.shared())); // scopes keep writers apart only in a shared tree
    OrchestraEvent.TaskFinished t1 =
        events.of(OrchestraEvent.TaskFinished.class).stream().filter(t -> t.taskId().equals("T1")).findFirst().orElseThrow();
    assertEquals(List.of("gen/out.txt", "lib/stray.txt"), t1.changedFiles());
    assertTrue(t1.summary().contains("T1 wrote outside its write scope: lib/stray.txt"), t1.summary());
    OrchestraEvent.TaskFinished t2 =
        events.of(OrchestraEvent.TaskFinished.class).stream().filter(t -> t.taskId().equals("T2")).findFirst().orElseThrow();
    assertFalse(t2.summary().contains("outside"), "T2's own write is not stray: " + t2.summary());
    assertTrue(r.risks().contains("T1 wrote outside its write scope: lib/stray.txt"), r.risks().toString());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "on-request, approve, true, ide-user", "on-request, deny, false, ide-user", "on-request, hang, false, timeout",
    "on-failure, approve, true, ide-user", "on-failure, deny, false, ide-user", "on-failure, hang, false, timeout",
    "untrusted, approve, true, ide-user", "untrusted, hang, false, timeout"
  })
  void approvalsAreAskedDecidedAndRecorded(String policy, String behaviour, boolean approved, String decidedBy) throws Exception {
    List<Task> tasks = List.of(Json.task("T1", "Touch a file", List.of(), List.of()));
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"made.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(Json.implemented("tried")));
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    Role cautious =
        BuiltInRoles.get("implementer").toBuilder()
            .sandboxMode(SandboxMode.READ_ONLY)
            .approvalPolicy(ApprovalPolicy.fromConfigValue(policy).orElseThrow())
            .build();
    ApprovalHandler handler =
        request -> {
          assertEquals("run_command", request.action());
          assertEquals("touch made.txt", request.detail());
          switch (behaviour) {
            case "approve" -> {
              return ApprovalHandler.Decision.approve("ide-user");
            }
            case "deny" -> {
              return ApprovalHandler.Decision.deny("ide-user", "looks risky");
            }
            default -> {
              new CountDownLatch(1).await(60, TimeUnit.SECONDS); // never answers in time; the orchestrator's timeout interrupts it
              return ApprovalHandler.Decision.approve("too late");
            }
          }
        };
    RunResult r = run(builder().role(cautious).approvalHandler(handler).approvalTimeout(Duration.ofMillis(300)));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    OrchestraEvent.ApprovalDecided d = events.of(OrchestraEvent.ApprovalDecided.class).get(0);
    assertEquals(approved, d.approved());
    assertEquals(decidedBy, d.decidedBy());
    assertEquals("T1", d.taskId());
    assertEquals(approved, Files.exists(ws.resolve("made.txt")));
    String toolResult = ((dev.orchestra.model.Message.ToolResult) model.requests("implementer", "T1").get(1).messages().get(2)).output();
    assertEquals(approved, toolResult.startsWith("exit code 0"), toolResult);
  }

  @Test
  void skillsReachOnlyTheirRoleAsNameAndDescriptionAndLoadInFull(@TempDir Path skillsDir) throws Exception {
    String javaStyle = "---\nname: java-style\ndescription: How we write Java\n---\n# Java style\n\nBODY-JAVA: prefer records.\n";
    TestRepos.write(skillsDir, "java/java-style/SKILL.md", javaStyle);
    TestRepos.write(
        skillsDir, "review/review-checklist/SKILL.md",
        "---\nname: review-checklist\ndescription: What a review must check\n---\nBODY-REVIEW: check null handling.\n");
    List<Skill> implementerSkills = Skill.discover(skillsDir.resolve("java"));
    List<Skill> reviewerSkills = Skill.discover(skillsDir.resolve("review"));

    plan(1);
    model.on("implementer", "T1")
        .reply(
            Reply.toolCalls(
                List.of(
                    new dev.orchestra.model.ToolCall("s1", "load_skill", "{\"name\":\"java-style\"}"),
                    new dev.orchestra.model.ToolCall("s2", "load_skill", "{\"name\":\"review-checklist\"}"))),
            Reply.text(Json.implemented("read the style")));
    model.on("reviewer").otherwise(Reply.text(Json.review(true, "", 0, "", "", List.of())));
    RunResult r =
        run(builder().addGate(Gate.review()).skills("implementer", implementerSkills).skills("reviewer", reviewerSkills));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());

    // The request carries each of the role's skills as a name and a description, and only its own.
    dev.orchestra.model.ModelRequest first = model.requests("implementer", "T1").get(0);
    assertTrue(first.lastUserText().contains("Skills you can load with load_skill when they help:\n- java-style: How we write Java\n"), first.lastUserText());
    assertTrue(!first.lastUserText().contains("review-checklist"), first.lastUserText());
    assertTrue(first.tools().stream().anyMatch(t -> t.name().equals("load_skill")));
    String review = model.requests("reviewer").get(0).lastUserText();
    assertTrue(review.contains("- review-checklist: What a review must check\n"), review);
    assertTrue(!review.contains("java-style"), review);
    for (String role : List.of("orchestrator", "release_manager")) {
      for (dev.orchestra.model.ModelRequest q : model.requests(role)) {
        assertTrue(!q.lastUserText().contains("Skills you can load"), role + ": " + q.lastUserText());
        assertTrue(q.tools().stream().noneMatch(t -> t.name().equals("load_skill")), role + " has no skills, so no load_skill tool");
      }
    }
    // No body is ever sent unless the model loads it: not in instructions, messages or tool specs.
    for (dev.orchestra.model.ModelRequest q : model.requests()) {
      StringBuilder sent = new StringBuilder(q.instructions());
      q.tools().forEach(t -> sent.append(t.description()).append(t.parametersSchema()));
      q.messages().stream().filter(m -> !(m instanceof dev.orchestra.model.Message.ToolResult)).forEach(m -> sent.append(m));
      assertTrue(!sent.toString().contains("BODY-"), q + " carries a skill's body: " + sent);
    }

    // load_skill answers with the whole SKILL.md, and only for the role's own skills.
    List<dev.orchestra.model.Message> afterLoad = model.requests("implementer", "T1").get(1).messages();
    dev.orchestra.model.Message.ToolResult loaded = (dev.orchestra.model.Message.ToolResult) afterLoad.get(2);
    assertEquals(new dev.orchestra.model.Message.ToolResult("s1", javaStyle, false), loaded);
    dev.orchestra.model.Message.ToolResult other = (dev.orchestra.model.Message.ToolResult) afterLoad.get(3);
    assertEquals("error: no skill 'review-checklist'; available: java-style", other.output());
    assertTrue(other.error());
  }

  @Test
  void theWallTimeLimitStopsTheRunAndSaysWhy() {
    plan(3);
    // One agent at a time; T1's first model call takes 31 minutes of fake time against a 30-minute limit.
    model.on("implementer", "T1").reply(KillableRun.writeOwnFile().after(Duration.ofMinutes(31)));
    Instant start = clock.instant();
    RunResult r = run(builder().budgetPolicy(BudgetPolicy.fixed(1)).bounds(Bounds.defaults().withMaxWallTime(Duration.ofMinutes(30))));
    assertEquals(StopReason.TIME_LIMIT, r.stopReason(), r.message());
    assertEquals("ran for PT30M, the limit", r.message());
    assertTrue(r.risks().contains("run stopped (time_limit): ran for PT30M, the limit"), r.risks().toString());
    assertEquals(Duration.ofMinutes(31), Duration.between(start, clock.instant()), "nothing waited after the limit");
    // The task that was running finishes; nothing new starts once the limit has passed.
    assertEquals(List.of("T1: Write out/T1.txt"), r.done());
    assertEquals(TaskStatus.TODO, r.plan().task("T2").orElseThrow().status());
    assertEquals(TaskStatus.TODO, r.plan().task("T3").orElseThrow().status());
    assertTrue(model.requests("implementer", "T2").isEmpty() && model.requests("implementer", "T3").isEmpty());
    assertTrue(model.requests("release_manager").isEmpty(), "a stopped run gets no release notes");
    assertTrue(r.releasePlan().isEmpty());
    OrchestraEvent.RunFinished finished = events.of(OrchestraEvent.RunFinished.class).get(0);
    assertEquals("TIME_LIMIT", finished.stopReason());
  }

  @Test
  void aTaskRemovedByHandDuringTheRunIsDropped() throws Exception {
    plan(2);
    Path planFile = ws.resolve("plan.md");
    // Round 1: while the reviewer works, a person deletes T2 (done) from plan.md; the reviewer
    // blocks, which plans F1. As soon as F1 appears in plan.md the person deletes it too.
    model.on("reviewer")
        .reply(
            Reply.answer(req -> {
              removeTask(planFile, "T2");
              return answer(req, Json.review(false, "out/T1.txt", 1, "T1 is too terse", "Expand out/T1.txt", List.of()));
            }))
        .otherwise(Reply.text(Json.review(true, "", 0, "", "", List.of())));
    dev.orchestra.event.OrchestraListener deleteF1 =
        e -> {
          if (e instanceof OrchestraEvent.PlanUpdated u && u.reason().equals("findings") && u.addedTaskIds().contains("F1")) {
            removeTask(planFile, "F1");
          }
        };
    RunResult r = run(builder().addGate(Gate.review()).addListener(deleteF1));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(List.of("T1"), r.plan().tasks().stream().map(Task::id).toList());
    assertTrue(model.requests("implementer", "F1").isEmpty(), "the removed task never ran");
    assertEquals(1, model.requests("implementer", "T2").size() / 2, "T2 had run before it was removed, and not again");
    String md = Files.readString(planFile);
    assertTrue(!md.contains("### T2") && !md.contains("### F1"), md);
    assertEquals(List.of("T1: Write out/T1.txt"), r.done());
    assertEquals(2, events.of(OrchestraEvent.PlanUpdated.class).stream().filter(p -> p.reason().equals("edited by hand")).count());
  }

  /** Deletes one task's section from plan.md, as a person would in an editor. */
  private static void removeTask(Path planFile, String id) {
    try {
      String md = Files.readString(planFile);
      String cut = md.replaceAll("(?ms)^### " + id + ": .*?(?=^### |^## )", "");
      assertTrue(!cut.equals(md), "task " + id + " was in plan.md:\n" + md);
      Files.writeString(planFile, cut);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aGreenRunEndsWithTheReleaseManagersPlan() {
    plan(2);
    RunResult r = run(builder());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    RoleReport.ReleasePlan release = r.releasePlan().orElseThrow();
    assertEquals(List.of("Parts and config added"), release.userNotes());
    assertEquals(List.of("Built by the scripted team"), release.internalNotes());
    assertEquals(List.of("Merge and tag"), release.rolloutSteps());
    assertEquals(List.of("Revert the merge commit"), release.rollbackPlan());
    assertEquals(List.of("No migrations; no new environment variables"), release.preDeployChecklist());
    List<dev.orchestra.model.ModelRequest> asked = model.requests("release_manager");
    assertEquals(1, asked.size());
    String brief = asked.get(0).lastUserText();
    assertTrue(brief.contains("Goal: Write the files") && brief.contains("- T1: Write out/T1.txt") && brief.contains("- T2: Write out/T2.txt"), brief);
  }

  @Test
  void aRunThatIsNotGreenDoesNotCallTheReleaseManager() {
    List<Task> tasks = List.of(Json.task("T1", "a", List.of("out/T1.txt"), List.of()), Json.task("T2", "b", List.of("out/T2.txt"), List.of()));
    model.on("orchestrator").reply(Reply.text(Json.plan(tasks, List.of(), List.of())));
    model.on("implementer", "T1").reply(Reply.rejected("context too long"));
    model.on("implementer").otherwise(KillableRun.writeOwnFile());
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    model.on("reviewer").otherwise(Reply.text(Json.review(true, "", 0, "", "", List.of())));
    RunResult r = run(builder().addGate(Gate.review()));
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    assertTrue(r.gateResults().stream().allMatch(g -> g.verdict().passed()), "every gate passed, yet the run is not green");
    assertTrue(model.requests("release_manager").isEmpty());
    assertTrue(r.releasePlan().isEmpty());
  }

  @Test
  void gatesRunWithTheOrchestratorsShellEnvironmentPolicy() throws Exception {
    plan(1);
    Files.writeString(ws.resolve("Makefile"), "test:\n\t@env > ci-env.txt\n");
    ShellEnvironmentPolicy policy =
        new ShellEnvironmentPolicy(
            ShellEnvironmentPolicy.Inherit.ALL, false, List.of("LEAKY_*"), Map.of("ORCHESTRA_MARK", "from-policy"), List.of());
    Map<String, String> parent = Map.of("PATH", System.getenv("PATH"), "LEAKY_PASSWORD", "hunter2", "GITHUB_TOKEN", "ghp_x");
    RunResult r =
        run(
            builder()
                .shellEnvironmentPolicy(policy)
                .parentEnvironment(parent)
                .addGate(Gate.shell("env > gate-env.txt").name("lint").build())
                .addGate(Gate.ci()));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    for (String file : List.of("gate-env.txt", "ci-env.txt")) {
      String env = Files.readString(ws.resolve(file));
      assertTrue(env.contains("ORCHESTRA_MARK=from-policy"), file + " lacks what the orchestrator's policy sets");
      assertTrue(!env.contains("hunter2") && !env.contains("ghp_x"), file + " has what the orchestrator's policy drops");
    }
  }

  @Test
  void securityReviewRunsOnlyForSensitiveChanges() {
    Batch benign = new Batch(1, "g", ws, List.of(), java.util.Map.of(), List.of("docs/intro.md"));
    assertTrue(!Gate.security().applies(benign).applies());
    Batch byPath = new Batch(1, "g", ws, List.of(), java.util.Map.of(), List.of("src/auth/Login.java"));
    assertEquals("src/auth/Login.java: path mentions 'auth' (authentication)", Gate.security().applies(byPath).reason());
  }

  @Test
  void securityReviewLooksAtChangedContent() throws Exception {
    TestRepos.write(ws, "src/Client.java", "class Client {\n  String base = \"https://api.example.com\";\n}\n");
    Batch batch = new Batch(1, "g", ws, List.of(), java.util.Map.of(), List.of("src/Client.java"));
    assertEquals("src/Client.java:2: change mentions 'https://' (external fetches and URLs)", Gate.security().applies(batch).reason());
  }
}
