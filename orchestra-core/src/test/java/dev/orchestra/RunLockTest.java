package dev.orchestra;

import dev.orchestra.plan.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, section 5: one run per repository. A second run is refused with a clear message, in
 * the same JVM and from another process, and a run that was killed leaves no lock behind.
 */
final class RunLockTest {
  @TempDir Path repo;

  @Test
  void aSecondRunInTheSameJvmIsRefusedAndTouchesNothing() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedModelProvider slow = new ScriptedModelProvider();
    slow.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Wait").build()))));
    slow.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  started.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return dev.orchestra.model.ModelResponse.text(RoleAnswers.implementation("waited"), dev.orchestra.model.TokenUsage.ZERO);
                }));
    try (Orchestrator first = Orchestrator.builder().workspace(repo).modelProvider(slow).explorationProbes(List.of()).build();
        Orchestrator second =
            Orchestrator.builder().workspace(repo).modelProvider(new ScriptedModelProvider()).explorationProbes(List.of()).build()) {
      CompletableFuture<RunResult> running = first.runAsync("Wait for the latch");
      assertTrue(started.await(30, TimeUnit.SECONDS));
      String planBefore = Files.readString(repo.resolve("plan.md"));
      OrchestraException e = assertThrows(OrchestraException.class, () -> second.run("Another goal"));
      assertTrue(e.getMessage().startsWith("another Orchestra run is going on in " + repo), e.getMessage());
      assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
      assertEquals(planBefore, Files.readString(repo.resolve("plan.md")), "the refused run wrote nothing");
      assertThrows(OrchestraException.class, second::resume);
      release.countDown();
      assertEquals(StopReason.GREEN, running.get(30, TimeUnit.SECONDS).stopReason());
    }
  }

  @Test
  void aRunInAnotherProcessIsRefusedAndItsLockDiesWithIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KillableRun.class.getName(), repo.toString(), "400")
            .redirectErrorStream(true)
            .redirectOutput(repo.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(repo.resolve("plan.md")) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(child.isAlive(), "the child's run is going on");
      try (Orchestrator o =
          Orchestrator.builder().workspace(repo).modelProvider(KillableRun.implementers(Duration.ZERO)).explorationProbes(List.of()).build()) {
        OrchestraException e = assertThrows(OrchestraException.class, o::resume);
        assertTrue(e.getMessage().contains("process " + child.pid()), e.getMessage());
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    // SIGKILL gave no chance to clean up; the operating system released the lock anyway.
    try (Orchestrator o =
        Orchestrator.builder().workspace(repo).modelProvider(KillableRun.implementers(Duration.ZERO)).explorationProbes(List.of()).build()) {
      RunResult resumed = o.resume();
      assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
    }
  }
}
