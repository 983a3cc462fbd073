package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.orchestra.agent.Agent;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Task;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the engine ends a run when something goes wrong around the state machine: an agent or the
 * planner throwing, a lost quota while preparing the release, a cancel while a resume starts, a
 * resume from plan.md alone, and what a listener finds in plan.md. Each of these hung, looped or
 * ended with the wrong reason in a review of the first state-machine engine.
 */
final class RunEngineFailureTest {
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

  private Orchestrator.Builder builder() {
    return Orchestrator.builder().workspace(ws).modelProvider(model).clock(clock).sleeper(clock.sleeper())
        .explorationProbes(List.of()).addListener(events);
  }

  @Test
  void aPlannerThatThrowsAnUncheckedExceptionEndsTheRun() {
    plan(1);
    Agent throwing = (role, task, ctx) -> {
      if (role.name().equals(BuiltInRoles.ORCHESTRATOR)) {
        throw new IllegalStateException("boom");
      }
      return Agent.toolLoop().run(role, task, ctx);
    };
    RunResult r = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
      try (Orchestrator o = builder().agent(throwing).build()) {
        return o.run("Write the files");
      }
    });
    assertEquals(StopReason.FAILED, r.stopReason(), r.message());
  }

  @Test
  void anExhaustedQuotaAtTheReleaseStopsQuotaExhaustedAsWave1Did() {
    plan(1);
    model.on("release_manager").reply(Reply.quotaExhausted());
    RunResult r;
    try (Orchestrator o = builder().build()) {
      r = o.run("Write the files");
    }
    assertEquals(StopReason.QUOTA_EXHAUSTED, r.stopReason(), r.message());
  }

  @Test
  void resumeFromPlanMdWithoutAJournalDoesNotPlanAgain() throws Exception {
    Files.writeString(ws.resolve("plan.md"), dev.orchestra.plan.Plan.builder("Write the files")
        .tasks(List.of(Json.task("T1", "Write out/T1.txt", List.of("out/T1.txt"), List.of()))).build().toMarkdown());
    model.on("orchestrator").otherwise(Reply.text(Json.plan(List.of(Json.task("T1", "Other", List.of("x/**"), List.of())), List.of(), List.of())));
    model.on("implementer").otherwise(KillableRun.writeOwnFile());
    model.on("release_manager").otherwise(Reply.text(Json.release()));
    RunResult r = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
      try (Orchestrator o = builder().build()) {
        return o.resume();
      }
    });
    assertEquals(0, model.requests("orchestrator").size(), "planner asked on resume; plan now " + r.plan().tasks());
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
  }

  static final class GatedClock extends java.time.Clock {
    final java.time.Clock inner;
    volatile java.util.concurrent.CountDownLatch gate;
    final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
    GatedClock(java.time.Clock inner) { this.inner = inner; }
    @Override public java.time.ZoneId getZone() { return inner.getZone(); }
    @Override public java.time.Clock withZone(java.time.ZoneId z) { return this; }
    @Override public Instant instant() {
      java.util.concurrent.CountDownLatch g = gate;
      if (g != null && Thread.currentThread().getName().equals("orchestra-run")) {
        gate = null;
        reached.countDown();
        try { g.await(); } catch (InterruptedException e) { throw new AssertionError(e); }
      }
      return inner.instant();
    }
  }

  @Test
  void aCancelWhileAResumeIsStartingStopsIt() throws Exception {
    plan(4);
    model.on("implementer", "T2").reply(Reply.quotaExhausted());
    GatedClock gated = new GatedClock(clock);
    try (Orchestrator o = builder().clock(gated).budgetPolicy(BudgetPolicy.fixed(1)).build()) {
      assertEquals(StopReason.QUOTA_EXHAUSTED, o.run("Write the files").stopReason());
    }
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    gated.gate = release;
    Orchestrator o = builder().clock(gated).sleeper(Sleeper.SYSTEM).build();
    java.util.concurrent.CompletableFuture<RunResult> f = o.resumeAsync();
    gated.reached.await();
    o.cancel(); // lands while the resume is starting: cancelPending
    release.countDown();
    try {
      RunResult r = f.get(15, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(StopReason.CANCELLED, r.stopReason(), r.message());
    } finally {
      // Before the fix the run looped, starting the interrupted task again and again.
      org.junit.jupiter.api.Assertions.assertTrue(events.of(OrchestraEvent.TaskStarted.class).size() < 20, "tasks kept restarting");
    }
  }

  @Test
  void anAgentThrowingAnErrorDoesNotHangTheRun() {
    plan(1);
    Agent throwing = (role, task, ctx) -> {
      if (role.name().equals(BuiltInRoles.IMPLEMENTER)) {
        throw new AssertionError("agent bug");
      }
      return Agent.toolLoop().run(role, task, ctx);
    };
    RunResult r = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
      try (Orchestrator o = builder().agent(throwing).build()) {
        return o.run("Write the files");
      }
    });
    assertEquals(StopReason.TASKS_FAILED, r.stopReason(), r.message());
    org.junit.jupiter.api.Assertions.assertTrue(r.plan().task("T1").orElseThrow().notes().contains("agent bug"), r.plan().toMarkdown());
  }

  @Test
  void aListenerToldThePlanIsPlannedFindsItInPlanMd() {
    plan(2);
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    dev.orchestra.event.OrchestraListener l = e -> {
      if (e instanceof OrchestraEvent.PlanUpdated p && p.reason().equals("planned")) {
        try {
          Path f = ws.resolve("plan.md");
          seen.add(Files.exists(f) ? Files.readString(f) : "<none>");
        } catch (java.io.IOException x) {
          throw new java.io.UncheckedIOException(x);
        }
      }
    };
    try (Orchestrator o = builder().addListener(l).build()) {
      o.run("Write the files");
    }
    assertEquals(1, seen.size());
    org.junit.jupiter.api.Assertions.assertTrue(seen.get(0).contains("T2"), seen.get(0));
  }
}
