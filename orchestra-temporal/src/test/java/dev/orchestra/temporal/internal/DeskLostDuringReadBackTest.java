package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.temporal.Histories;
import dev.orchestra.temporal.SyntheticTeam;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.temporal.TestRemotes;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run through a git remote continues as new; the worker that keeps its desk is lost while the
 * next workflow run reads the journal back from it, before that workflow run holds the journal.
 * The desk kept a copy of the journal on the remote when the workflow continued, so a worker with
 * another clone claims the desk, stages the copy, opens the desk from it, and the run ends GREEN
 * with every task done once (before desks kept a copy, the run failed with {@code DeskLost}).
 */
final class DeskLostDuringReadBackTest {
  private static final String QUEUE = "orchestra-read-back";
  private static final String CHECK = "test -f f1.txt && test -f f2.txt && test -f f3.txt";

  @TempDir Path dir;

  /** A first desk's worker that hangs (no heartbeat, no answer) when a workflow run first reads the journal back from it. */
  private static class HangsOnFirstReadBack extends ActivitiesBetween {
    private final CountDownLatch done;
    private final AtomicBoolean hung;

    HangsOnFirstReadBack(RunActivities real, CountDownLatch done, AtomicBoolean hung) {
      super(real);
      this.done = done;
      this.hung = hung;
    }

    @Override
    public List<String> journalLines(String runId, int from, long maxChars) {
      if (hung.compareAndSet(false, true)) {
        throw ActivitiesBetween.hang(done);
      }
      return real.journalLines(runId, from, maxChars);
    }
  }

  /** The test's part once two workers, one of which keeps the run's first desk, serve a run. */
  private interface Body {
    void run(TemporalOrchestrator temporal, WorkflowClient client, Path remote, Path otherClone) throws Exception;
  }

  /**
   * Serves runs through a git remote on the in-memory server with two workers, each with a clone of
   * its own: the first desk opens on the first worker, whose desk calls go through {@code firstDesk}
   * (given the worker and a latch the test counts down at its end); the worker with the other clone
   * takes desks over. Workflows continue as new at every round boundary.
   */
  private void twoWorkers(java.util.function.BiFunction<RunActivitiesImpl, CountDownLatch, RunActivities> firstDesk, Body body) throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path lostClone = TestRemotes.cloneOf(remote, dir, "lost");
    Path otherClone = TestRemotes.cloneOf(remote, dir, "other");
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    CountDownLatch done = new CountDownLatch(1);
    try (Orchestrator lostTeam = SyntheticTeam.build(lostClone, 3, 2, 10, 3, id -> {}, CHECK);
        Orchestrator otherTeam = SyntheticTeam.build(otherClone, 3, 2, 10, 3, id -> {}, CHECK);
        RunActivitiesImpl lost =
            new RunActivitiesImpl(EngineHost.of(lostTeam), Duration.ofMillis(200), QUEUE + "-own", Optional.of(new GitRemote(remote.toString())));
        RunActivitiesImpl other =
            new RunActivitiesImpl(EngineHost.of(otherTeam), Duration.ofMillis(200), QUEUE + "-other", Optional.of(new GitRemote(remote.toString())))) {
      // The queue of workers that keep desks: the first desk opens on the first worker; once it is
      // lost, the worker with the other clone answers there.
      RunActivities desks = new ActivitiesBetween(lost) {
        @Override
        public String claimDesk(String runId) {
          return other.claimDesk(runId);
        }

        @Override
        public String reopenDesk(String runId, int known, String lastEvent, java.util.Map<String, String> explorations, int mergesAtOnce) {
          return other.reopenDesk(runId, known, lastEvent, explorations, mergesAtOnce);
        }
      };
      Worker tasks = env.newWorker(QUEUE);
      tasks.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
      tasks.registerActivitiesImplementations(lost);
      env.newWorker(QUEUE + "-desks").registerActivitiesImplementations(desks);
      env.newWorker(QUEUE + "-own").registerActivitiesImplementations(firstDesk.apply(lost, done));
      env.newWorker(QUEUE + "-other").registerActivitiesImplementations(other);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal =
          TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).continueAsNewAfter(1).build();
      body.run(temporal, client, remote, otherClone);
    } finally {
      done.countDown();
      env.close();
    }
  }

  @Test
  void aDeskLostWhileAContinuedRunReadsTheJournalBackMovesToAnotherCloneFromTheCopyOnTheRemote() throws Exception {
    AtomicBoolean hung = new AtomicBoolean();
    List<Integer> kept = new ArrayList<>();
    // The first desk's worker keeps the journal on the remote as the workflow continues, and hangs
    // (no heartbeat, no answer) when the next workflow run first reads the journal back.
    twoWorkers((lost, done) -> new HangsOnFirstReadBack(lost, done, hung) {
      @Override
      public void keepJournal(String runId) {
        kept.add(1);
        real.keepJournal(runId);
      }
    }, (temporal, client, remote, otherClone) -> {
      String runId = temporal.start("Write 3 files");
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(hung.get(), "the first desk was lost while the journal was read back");
      assertEquals(List.of(1), kept, "the first desk kept the journal once, at the first continuation; the other kept it after");
      for (int i = 1; i <= 3; i++) {
        assertEquals("T" + i + "\n", TestRemotes.git(remote, "show", "orchestra/" + runId + ":f" + i + ".txt"));
      }
      // The other clone's journal holds the whole run, the lost desk's part from the copy.
      List<OrchestraEvent> journal =
          Files.readAllLines(otherClone.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
      assertEquals(1, journal.stream().filter(e -> e instanceof OrchestraEvent.RunStarted).count(), "one run: " + journal);
      for (String id : List.of("T1", "T2", "T3")) {
        assertEquals(
            1, journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals(id) && f.status() == TaskStatus.DONE).count(),
            id + " done once: " + journal);
      }

      // Every workflow run of the chain replays; the one that read the journal back moved the desk
      // with the copy on the remote, not with journal lines sent through its history.
      List<WorkflowExecutionHistory> chain = Histories.chain(client, runId);
      assertTrue(chain.size() >= 2, "continued as new: " + chain.size() + " workflow runs");
      WorkflowExecutionHistory moved =
          chain.stream().filter(h -> Histories.scheduled(h, "StageKeptJournal") > 0).findFirst().orElseThrow();
      assertEquals(1, Histories.scheduled(moved, "StageKeptJournal"));
      assertEquals(1, Histories.scheduled(moved, "ClaimDesk"));
      assertEquals(0, Histories.scheduled(moved, "StageJournal"), "no journal lines went through the history");
      for (WorkflowExecutionHistory h : chain) {
        WorkflowReplayer.replayWorkflowExecution(h, RunWorkflowImpl.class);
      }
      Path out = Files.createDirectories(Path.of("target/histories")).resolve("desk-lost-during-read-back.json");
      Files.writeString(out, moved.toJson(true), StandardCharsets.UTF_8);
    });
  }

  /**
   * The remote refuses the journal's copy: the run goes on, continuing as new all the same, and a
   * desk lost during the read-back then fails it with {@code DeskLost}, saying the remote keeps no copy.
   */
  @Test
  void aCopyTheRemoteRefusedLeavesTheRunGoingUntilADeskIsLostDuringTheReadBackWhichFailsItSayingWhy() throws Exception {
    AtomicBoolean hung = new AtomicBoolean();
    twoWorkers((lost, done) -> new HangsOnFirstReadBack(lost, done, hung) {
      @Override
      public void keepJournal(String runId) {
        throw new IllegalStateException("git could not push run " + runId + "'s journal: refused by the test");
      }
    }, (temporal, client, remote, otherClone) -> {
      String runId = temporal.start("Write 3 files");
      io.temporal.client.WorkflowFailedException failed =
          org.junit.jupiter.api.Assertions.assertThrows(io.temporal.client.WorkflowFailedException.class, () -> temporal.await(runId));
      Throwable cause = failed;
      while (cause.getCause() != null && !(cause instanceof io.temporal.failure.ApplicationFailure)) {
        cause = cause.getCause();
      }
      io.temporal.failure.ApplicationFailure why = org.junit.jupiter.api.Assertions.assertInstanceOf(io.temporal.failure.ApplicationFailure.class, cause);
      assertEquals(DeskLink.DESK_LOST, why.getType(), why.getOriginalMessage());
      assertTrue(why.getOriginalMessage().contains("keeps no copy of run " + runId + "'s journal"), why.getOriginalMessage());
      assertTrue(hung.get());
      assertTrue(Histories.chain(client, runId).size() >= 2, "continued as new after the refused copy");
    });
  }

  /**
   * A person cancels the run while its desk pushes the journal's copy, just before the workflow
   * would continue as new: the cancel is not left behind with the workflow run; the run ends CANCELLED.
   */
  @Test
  void aCancelThatComesWhileTheJournalIsKeptEndsTheRunCancelledInsteadOfBeingLeftBehind() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Runnable> cancel = new java.util.concurrent.atomic.AtomicReference<>();
    twoWorkers((lost, done) -> new ActivitiesBetween(lost) {
      @Override
      public void keepJournal(String runId) {
        Runnable c = cancel.getAndSet(null);
        if (c != null) {
          c.run(); // the cancel reaches the workflow while this call is under way
        }
        real.keepJournal(runId);
      }
    }, (temporal, client, remote, otherClone) -> {
      String runId = temporal.start("Write 3 files");
      cancel.set(() -> temporal.cancel(runId));
      OrchestraEvent.RunFinished end = temporal.await(runId);
      assertEquals(StopReason.CANCELLED.name(), end.stopReason(), end.message());
      assertEquals(null, cancel.get(), "cancelled during a keep");
      for (WorkflowExecutionHistory h : Histories.chain(client, runId)) {
        WorkflowReplayer.replayWorkflowExecution(h, RunWorkflowImpl.class);
      }
    });
  }
  /**
   * The first desk's worker is lost while it pushes the journal's copy: the desk moves to the other
   * clone as after any desk call (the workflow still holds the whole journal and sends it), the
   * copy is kept from there, and the run continues as new and ends GREEN.
   */
  @Test
  void aDeskLostWhileItKeepsTheJournalMovesWithTheWorkflowsJournalAndTheCopyIsKeptFromTheOtherClone() throws Exception {
    AtomicBoolean hung = new AtomicBoolean();
    twoWorkers((lost, done) -> new ActivitiesBetween(lost) {
      @Override
      public void keepJournal(String runId) {
        if (hung.compareAndSet(false, true)) {
          throw ActivitiesBetween.hang(done);
        }
        real.keepJournal(runId);
      }
    }, (temporal, client, remote, otherClone) -> {
      String runId = temporal.start("Write 3 files");
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(hung.get(), "the first desk was lost while it kept the journal");
      List<WorkflowExecutionHistory> chain = Histories.chain(client, runId);
      WorkflowExecutionHistory first = chain.get(chain.size() - 1);
      assertEquals(2, Histories.scheduled(first, "KeepJournal"), "kept again after the move");
      assertEquals(1, Histories.scheduled(first, "ClaimDesk"));
      assertTrue(Histories.scheduled(first, "StageJournal") > 0, "the workflow's journal went to the other clone");
      assertEquals(0, chain.stream().mapToLong(h -> Histories.scheduled(h, "StageKeptJournal")).sum(), "the remote's copy was never needed");
      assertTrue(TestRemotes.git(remote, "for-each-ref", "refs/orchestra-journals/" + runId).contains(runId), "the copy is on the remote");
      for (WorkflowExecutionHistory h : chain) {
        WorkflowReplayer.replayWorkflowExecution(h, RunWorkflowImpl.class);
      }
    });
  }
}
