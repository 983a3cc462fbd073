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

  /** A team with nothing to do: the worker's desks need one. */
  private static Orchestrator team(Path workspace) {
    return Orchestrator.builder().workspace(workspace).modelProvider(new ScriptedModelProvider()).build();
  }

  /** A worker that keeps desks, whose desk queue is {@code own-queue}, through the remote at {@code remote}. */
  private static RunActivitiesImpl worker(EngineHost host, Path remote) {
    return new RunActivitiesImpl(host, Duration.ofSeconds(1), "own-queue", Optional.of(new GitRemote(remote.toString())));
  }

  /** {@code real}, but for its method {@code name}, which does {@code instead}. */
  private static EngineHost intercepting(EngineHost real, String name, java.util.concurrent.Callable<Object> instead) {
    return (EngineHost) java.lang.reflect.Proxy.newProxyInstance(
        EngineHost.class.getClassLoader(), new Class<?>[] {EngineHost.class}, (proxy, method, args) -> {
          if (method.getName().equals(name)) {
            return instead.call();
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The worker's activities, each tried once. */
  private static RunActivities once(TestActivityEnvironment env) {
    return env.newActivityStub(
        RunActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  private static String failureType(ActivityFailure f) {
    return assertInstanceOf(ApplicationFailure.class, f.getCause()).getType();
  }

  @Test
  void aSecondRunsClaimIsRefusedAsBusyUntilTheFirstLapsesAndALapsedClaimTakesNoLines() throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Orchestrator team = team(Files.createDirectories(dir.resolve("ws")));
        RunActivitiesImpl worker =
            worker(EngineHost.of(team), dir.resolve("remote.git"))) {
      env.registerActivitiesImplementations(worker);
      RunActivities call = once(env);

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
    try (Orchestrator team = team(Files.createDirectories(dir.resolve("ws")));
        RunActivitiesImpl worker =
            worker(EngineHost.of(team), dir.resolve("remote.git"))) {
      env.registerActivitiesImplementations(worker);
      RunActivities call = once(env);
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

  /**
   * A claim staged from the copy of the journal a desk kept on the remote ({@link
   * RunActivities#stageKeptJournal}): refused, as a lost desk, when the remote keeps no copy or one
   * without the run's first lines as the workflow knows them; staged when it holds them.
   */
  @Test
  void aClaimIsStagedFromTheJournalKeptOnTheRemoteOnlyWhenItHoldsTheLinesTheWorkflowKnows() throws Exception {
    Path remote = dev.orchestra.temporal.TestRemotes.bare(dir);
    Path clone = dev.orchestra.temporal.TestRemotes.cloneOf(remote, dir, "clone");
    Path keeper = dev.orchestra.temporal.TestRemotes.cloneOf(remote, dir, "keeper");
    GitRemote shared = new GitRemote(remote.toString());
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Orchestrator team = team(clone);
        RunActivitiesImpl worker = worker(EngineHost.of(team), remote)) {
      env.registerActivitiesImplementations(worker);
      RunActivities call = once(env);
      ActivityFailure unclaimed = assertThrows(ActivityFailure.class, () -> call.stageKeptJournal("run-1", 2, "{\"n\":2}"));
      assertEquals("DeskLost", failureType(unclaimed), "staged only into a claim");
      assertTrue(unclaimed.getCause().getMessage().contains("holds no claim"), unclaimed.getCause().getMessage());
      call.claimDesk("run-1");
      ActivityFailure none = assertThrows(ActivityFailure.class, () -> call.stageKeptJournal("run-1", 2, "{\"n\":2}"));
      assertEquals("DeskLost", failureType(none));
      assertTrue(none.getCause().getMessage().contains("keeps no copy of run run-1's journal"), none.getCause().getMessage());
      assertEquals(null, worker.claimOf("run-1"), "a refused staging gives the claim up: the workflow tries it once");
      assertEquals("own-queue", call.claimDesk("run-2"), "so another run's desk may come here");
      worker.givenUp("run-2", worker.claimOf("run-2"));

      dev.orchestra.internal.io.CommandEnvironment environment =
          dev.orchestra.internal.io.CommandEnvironment.of(dev.orchestra.role.ShellEnvironmentPolicy.defaults(), System.getenv());
      dev.orchestra.internal.workspace.KeptJournals.keep(shared, keeper, environment, dev.orchestra.internal.workspace.GitIdentity.ORCHESTRA, "run-1", List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
      call.claimDesk("run-1");
      ActivityFailure older = assertThrows(ActivityFailure.class, () -> call.stageKeptJournal("run-1", 4, "{\"n\":4}"));
      assertEquals("DeskLost", failureType(older), "a copy kept before the workflow's last lines");
      assertTrue(older.getCause().getMessage().contains("holds 3 lines, not the run's first 4"), older.getCause().getMessage());
      call.claimDesk("run-1");
      ActivityFailure other = assertThrows(ActivityFailure.class, () -> call.stageKeptJournal("run-1", 2, "{\"n\":9}"));
      assertEquals("DeskLost", failureType(other), "another line where the workflow's last is");
      assertEquals(null, worker.claimOf("run-1"), "nothing staged by a refusal, and the claim given up");

      call.claimDesk("run-1");
      call.stageKeptJournal("run-1", 2, "{\"n\":2}");
      assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), worker.claimOf("run-1").lines(), "the first two, as the workflow knows the run");
      ActivityFailure twice = assertThrows(ActivityFailure.class, () -> call.stageKeptJournal("run-1", 2, "{\"n\":2}"));
      assertEquals("DeskLost", failureType(twice), "staged once per claim");
      assertTrue(twice.getCause().getMessage().contains("holds 2 lines for it already"), twice.getCause().getMessage());
    } finally {
      env.close();
    }
  }

  /**
   * The same as {@link #anOpeningGivenUpDropsOnlyTheClaimItStartedFromNotANewerOneOfTheSameRun},
   * through a real {@code reopenDesk}: while an opening is under way (held here until the new claim
   * is staged), the workflow claims the clone again and stages the journal anew; the opening then
   * fails, and the new claim keeps its lines.
   */
  @Test
  void aClaimMadeWhileAnOpeningRunsOutlivesThatOpeningsFailure() throws Exception {
    // Two environments on one worker: one environment runs one activity at a time.
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    TestActivityEnvironment workflowMeanwhile = TestActivityEnvironment.newInstance();
    java.util.concurrent.atomic.AtomicBoolean waited = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CountDownLatch opening = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch claimedAgain = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Orchestrator team = team(Files.createDirectories(dir.resolve("ws")))) {
      EngineHost real = EngineHost.of(team);
      // The team's host, but an opening from the staged journal waits for the new claim, then fails as git might.
      EngineHost host = intercepting(real, "reopenDeskAtRemote", () -> {
        opening.countDown();
        waited.set(claimedAgain.await(30, java.util.concurrent.TimeUnit.SECONDS));
        throw new IllegalStateException("git could not fetch the run's branch (as the test has it)");
      });
      try (RunActivitiesImpl worker = worker(host, dir.resolve("remote.git"))) {
        env.registerActivitiesImplementations(worker);
        workflowMeanwhile.registerActivitiesImplementations(worker);
        RunActivities call = once(env);
        RunActivities meanwhile = once(workflowMeanwhile);
        call.claimDesk("run-1");
        call.stageJournal("run-1", 0, List.of("{}"));
        String last = Wire.event(new dev.orchestra.event.OrchestraEvent.RunStarted("run-1", java.time.Instant.EPOCH, "goal", false));
        java.util.concurrent.Future<String> first = caller.submit(() -> call.reopenDesk("run-1", 1, last, java.util.Map.of(), 1));
        assertTrue(opening.await(30, java.util.concurrent.TimeUnit.SECONDS), "the opening started");

        meanwhile.claimDesk("run-1"); // the workflow gave the opening up as lost, and claims the clone again
        meanwhile.stageJournal("run-1", 0, List.of("{}", "{}"));
        claimedAgain.countDown();
        java.util.concurrent.ExecutionException failed =
            assertThrows(java.util.concurrent.ExecutionException.class, () -> first.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertInstanceOf(ActivityFailure.class, failed.getCause());
        assertTrue(waited.get(), "the opening failed after the new claim, not before");
        assertEquals(2, worker.claimOf("run-1").lines().size(), "the new claim, with its lines, outlived the opening's failure");
      }
    } finally {
      caller.shutdownNow();
      workflowMeanwhile.close();
      env.close();
    }
  }

  /**
   * A staging from the remote's copy that Temporal gave up on while it fetched (the workflow claimed
   * the clone again meanwhile) does not stage into the newer claim, which stays empty for the
   * workflow's own staging.
   */
  @Test
  void aStagingFromTheRemoteThatOutlivedItsClaimLeavesTheNewerClaimAlone() throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    TestActivityEnvironment workflowMeanwhile = TestActivityEnvironment.newInstance();
    java.util.concurrent.CountDownLatch fetching = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch claimedAgain = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Orchestrator team = team(Files.createDirectories(dir.resolve("ws")))) {
      EngineHost real = EngineHost.of(team);
      // The team's host, but the remote's copy comes only once the workflow claimed the clone again.
      EngineHost host = intercepting(real, "journalKeptAtRemote", () -> {
        fetching.countDown();
        assertTrue(claimedAgain.await(30, java.util.concurrent.TimeUnit.SECONDS));
        return Optional.of(List.of("{\"n\":1}", "{\"n\":2}"));
      });
      try (RunActivitiesImpl worker = worker(host, dir.resolve("remote.git"))) {
        env.registerActivitiesImplementations(worker);
        workflowMeanwhile.registerActivitiesImplementations(worker);
        RunActivities call = once(env);
        RunActivities meanwhile = once(workflowMeanwhile);
        call.claimDesk("run-1");
        java.util.concurrent.Future<?> stale = caller.submit(() -> call.stageKeptJournal("run-1", 2, "{\"n\":2}"));
        assertTrue(fetching.await(30, java.util.concurrent.TimeUnit.SECONDS), "the first staging is fetching");

        meanwhile.claimDesk("run-1"); // the workflow gave that staging up, and claims the clone again
        RunActivitiesImpl.Claim newer = worker.claimOf("run-1");
        claimedAgain.countDown();
        java.util.concurrent.ExecutionException failed =
            assertThrows(java.util.concurrent.ExecutionException.class, () -> stale.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("DeskLost", failureType(assertInstanceOf(ActivityFailure.class, failed.getCause())));
        assertTrue(worker.claimOf("run-1") == newer, "the newer claim is still the run's");
        assertEquals(0, newer.lines().size(), "and holds nothing the stale staging fetched");
      }
    } finally {
      caller.shutdownNow();
      workflowMeanwhile.close();
      env.close();
    }
  }
}
