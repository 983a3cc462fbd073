package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with a git remote takes over one lost desk at a time ({@link RunActivities#claimDesk}):
 * two runs whose desks moved at once must not both stage their journals into one clone, whose run
 * lock only one of them can hold.
 */
final class DeskClaimTest {
  @TempDir Path dir;

  private static String failureType(ActivityFailure f) {
    return assertInstanceOf(ApplicationFailure.class, f.getCause()).getType();
  }

  @Test
  void aSecondRunsClaimIsRefusedAsBusyUntilTheFirstLapsesAndALapsedClaimTakesNoLines() throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("ws"))).modelProvider(new ScriptedModelProvider()).build();
        RunActivitiesImpl worker =
            new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), "own-queue", Optional.of(new GitRemote(dir.resolve("remote.git").toString())))) {
      env.registerActivitiesImplementations(worker);
      RunActivities call =
          env.newActivityStub(
              RunActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());

      assertEquals("own-queue", call.claimDesk("run-1"));
      call.stageJournal("run-1", 0, List.of("{}"));
      ActivityFailure busy = assertThrows(ActivityFailure.class, () -> call.claimDesk("run-2"));
      assertEquals("DeskBusy", failureType(busy));
      assertTrue(busy.getCause().getMessage().contains("is taking run run-1's desk over"), busy.getCause().getMessage());

      assertEquals("own-queue", call.claimDesk("run-1"), "the same run claims again, after a try that went wrong");
      ActivityFailure fresh = assertThrows(ActivityFailure.class, () -> call.stageJournal("run-1", 1, List.of("{}")));
      assertEquals("DeskLost", failureType(fresh), "a new claim starts with no lines staged");

      worker.claimLasts = Duration.ZERO; // run-1's workflow gave its claim up long ago
      Thread.sleep(2);
      assertEquals("own-queue", call.claimDesk("run-2"));
      ActivityFailure lapsed = assertThrows(ActivityFailure.class, () -> call.stageJournal("run-1", 0, List.of("{}")));
      assertEquals("DeskLost", failureType(lapsed));
      assertTrue(lapsed.getCause().getMessage().contains("no claim"), lapsed.getCause().getMessage());
    } finally {
      env.close();
    }
  }

  /**
   * The workflow gave up a desk's opening on this worker as lost (it stopped heartbeating a while)
   * and claimed this clone anew while that opening still ran; the opening then failed. Dropping its
   * claim must not drop the new one, or the journal staged next finds no claim and the run fails.
   */
  @Test
  void anOpeningGivenUpDropsOnlyTheClaimItStartedFromNotANewerOneOfTheSameRun() throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Orchestrator team = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("ws"))).modelProvider(new ScriptedModelProvider()).build();
        RunActivitiesImpl worker =
            new RunActivitiesImpl(EngineHost.of(team), Duration.ofSeconds(1), "own-queue", Optional.of(new GitRemote(dir.resolve("remote.git").toString())))) {
      env.registerActivitiesImplementations(worker);
      RunActivities call =
          env.newActivityStub(
              RunActivities.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      call.claimDesk("run-1");
      call.stageJournal("run-1", 0, List.of("{}"));
      RunActivitiesImpl.Claim opening = worker.claimOf("run-1"); // what the first opening started from

      call.claimDesk("run-1"); // the workflow claims again, the first opening still under way
      worker.givenUp("run-1", opening); // the first opening fails
      call.stageJournal("run-1", 0, List.of("{}", "{}"));
      assertEquals(2, worker.claimOf("run-1").lines().size(), "the new claim took the journal staged for it");

      worker.givenUp("run-1", worker.claimOf("run-1"));
      ActivityFailure dropped = assertThrows(ActivityFailure.class, () -> call.stageJournal("run-1", 2, List.of("{}")));
      assertEquals("DeskLost", failureType(dropped), "an opening that fails drops its own claim");
    } finally {
      env.close();
    }
  }
}
