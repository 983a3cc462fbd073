package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.temporal.Histories;
import dev.orchestra.temporal.SyntheticTeam;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.temporal.TestRemotes;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run through a git remote whose first desk answered as the code before batched merges did (its
 * team text has no {@code mergesAtOnce}: one merge at a time) goes on deciding one at a time when
 * its desk moves: the workflow asks the desk opened again for what the first one answered, not for
 * today's number, or the two would be different teams and the move would fail with {@code
 * DeskLost} (as a deploy in the middle of such a run would have made it).
 */
final class DeskMovedMergesAtOnceTest {
  private static final String QUEUE = "orchestra-merges-moved";

  @TempDir Path dir;

  @Test
  void aDeskOpenedAgainForARunWhoseFirstDeskMergedOneAtATimeIsAskedForOneAndTheRunEndsGreen() throws Exception {
    Path remote = TestRemotes.bare(dir);
    Path clone = TestRemotes.cloneOf(remote, dir, "clone");
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    CountDownLatch done = new CountDownLatch(1);
    try (Orchestrator team = SyntheticTeam.build(clone, 3, 2, 10, 3, id -> {}, "test -f f1.txt && test -f f2.txt && test -f f3.txt");
        RunActivitiesImpl real =
            new RunActivitiesImpl(EngineHost.of(team), Duration.ofMillis(200), QUEUE + "-own", Optional.of(new GitRemote(remote.toString())))) {
      List<Integer> asked = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean hung = new AtomicBoolean();
      RunActivities older = new ActivitiesBetween(real) {
        @Override
        public String openDesk(String runId, int mergesAtOnce) {
          asked.add(mergesAtOnce);
          // As a desk on the code before answered: it merged one at a time, and had no word for it.
          String answer = real.openDesk(runId, 1);
          String before = answer.replace(",\"mergesAtOnce\":1", "");
          assertFalse(before.contains("mergesAtOnce"), before);
          return before;
        }

        @Override
        public String reopenDesk(String runId, int known, String lastEvent, Map<String, String> explorations, int mergesAtOnce) {
          asked.add(mergesAtOnce);
          return real.reopenDesk(runId, known, lastEvent, explorations, mergesAtOnce);
        }

        @Override
        public DeskReply carryOut(String runId, String command) {
          if (Wire.command(command).kind() == Command.Kind.CHECK_PLAN && hung.compareAndSet(false, true)) {
            throw ActivitiesBetween.hang(done); // as a worker that hangs: no heartbeat, no answer
          }
          return real.carryOut(runId, command);
        }
      };
      ActivitiesBetween.serve(env, QUEUE, older);
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).build();
      String runId = temporal.start("Write 3 files");
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(hung.get(), "the desk was lost during its plan check");
      assertEquals(List.of(DeskLink.MERGES_AT_ONCE, 1), asked, "asked for the most at first; then for what the first desk answered");
      for (int i = 1; i <= 3; i++) {
        assertEquals("T" + i + "\n", TestRemotes.git(remote, "show", "orchestra/" + runId + ":f" + i + ".txt"));
      }
      WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
      assertEquals(
          1,
          Histories.scheduled(history, "ReopenDesk"),
          "opened again once");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    } finally {
      done.countDown();
      env.close();
    }
  }
}
