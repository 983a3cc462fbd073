package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.TaskStatus;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose workspace is not the run's folder refuses the run's tasks: its agents' writes would
 * be where the desk's gates never look, and the run could end GREEN for unchecked work.
 */
final class WrongWorkspaceTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-wrong-ws";

  @TempDir Path dir;
  @Test
  void aWorkerInAnotherFolderFailsTheTasksItIsGivenAndTheRunIsNotGreen() throws Exception {
    Path runs = Files.createDirectories(dir.resolve("runs"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    WorkerFactory second = WorkerFactory.newInstance(env.getWorkflowClient());
    try (Orchestrator deskTeam = SyntheticTeam.build(runs, 6, 2, 50, 12, id -> {});
        Orchestrator strayTeam = SyntheticTeam.build(elsewhere, 6, 2, 50, 12, id -> {});
        OrchestraWorker desk = OrchestraWorker.builder(deskTeam).taskQueue(QUEUE).slots(1).build();
        OrchestraWorker stray = OrchestraWorker.builder(strayTeam).taskQueue(QUEUE).slots(4).keepsDesks(false).build()) {
      desk.registerOn(env.getWorkerFactory());
      stray.registerOn(second);
      env.start();
      second.start();
      TemporalOrchestrator temporal = TemporalOrchestrator.builder(env.getWorkflowClient()).taskQueue(QUEUE).build();
      OrchestraEvent.RunFinished end = temporal.run("Write six files");

      assertNotEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      List<OrchestraEvent> journal = InMemoryTemporalTest.journal(runs);
      assertTrue(
          journal.stream()
              .anyMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.FAILED && f.summary().contains("is not where run")),
          journal.toString());
      try (var files = Files.list(elsewhere)) {
        assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("f")), "nothing was written in the stray worker's folder");
      }
    } finally {
      second.shutdownNow();
    }
  }
}
