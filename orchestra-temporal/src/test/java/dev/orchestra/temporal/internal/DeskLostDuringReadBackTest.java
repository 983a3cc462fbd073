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
import dev.orchestra.temporal.SyntheticTeam;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.temporal.TestRemotes;
import io.temporal.api.history.v1.HistoryEvent;
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

  @Test
  void aDeskLostWhileAContinuedRunReadsTheJournalBackMovesToAnotherCloneFromTheCopyOnTheRemote() throws Exception {
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
      AtomicBoolean hung = new AtomicBoolean();
      List<Integer> kept = new ArrayList<>();
      // The first desk's worker: it keeps the journal on the remote as the workflow continues, and
      // hangs (no heartbeat, no answer) when the next workflow run first reads the journal back.
      RunActivities firstDesk = new ActivitiesBetween(lost) {
        @Override
        public void keepJournal(String runId) {
          kept.add(1);
          real.keepJournal(runId);
        }

        @Override
        public List<String> journalLines(String runId, int from, long maxChars) {
          if (hung.compareAndSet(false, true)) {
            throw ActivitiesBetween.hang(done);
          }
          return real.journalLines(runId, from, maxChars);
        }
      };
      // The queue of workers that keep desks: the first desk opens on the lost worker; once it is
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
      env.newWorker(QUEUE + "-own").registerActivitiesImplementations(firstDesk);
      env.newWorker(QUEUE + "-other").registerActivitiesImplementations(other);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal =
          TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).continueAsNewAfter(1).build();
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
      List<WorkflowExecutionHistory> chain = new ArrayList<>();
      chain.add(client.fetchHistory(TemporalOrchestrator.workflowId(runId)));
      while (true) {
        HistoryEvent started = chain.get(chain.size() - 1).getEvents().get(0);
        String previous = started.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
        if (previous.isEmpty()) {
          break;
        }
        chain.add(client.fetchHistory(TemporalOrchestrator.workflowId(runId), previous));
      }
      assertTrue(chain.size() >= 2, "continued as new: " + chain.size() + " workflow runs");
      WorkflowExecutionHistory moved =
          chain.stream().filter(h -> ActivitiesBetween.scheduled(h, "StageKeptJournal") > 0).findFirst().orElseThrow();
      assertEquals(1, ActivitiesBetween.scheduled(moved, "StageKeptJournal"));
      assertEquals(1, ActivitiesBetween.scheduled(moved, "ClaimDesk"));
      assertEquals(0, ActivitiesBetween.scheduled(moved, "StageJournal"), "no journal lines went through the history");
      for (WorkflowExecutionHistory h : chain) {
        WorkflowReplayer.replayWorkflowExecution(h, RunWorkflowImpl.class);
      }
      Path out = Files.createDirectories(Path.of("target/histories")).resolve("desk-lost-during-read-back.json");
      Files.writeString(out, moved.toJson(true), StandardCharsets.UTF_8);
    } finally {
      done.countDown();
      env.close();
    }
  }
}
