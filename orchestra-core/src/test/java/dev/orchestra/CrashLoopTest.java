package dev.orchestra;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.store.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestration in a child JVM is killed with SIGKILL at random points, again and again, and
 * resumed each time: plan.md and the journal always parse, and in the end every task completed
 * exactly once and no temporary file is left.
 */
final class CrashLoopTest {
  static final int TASKS = 80;
  static final int KILLS = Integer.getInteger("orchestra.crash.kills", 6);

  @TempDir Path repo;

  @Test
  void killedAtRandomPointsManyTimesThenResumed() throws Exception {
    Random random = new Random(Long.getLong("orchestra.crash.seed", 7L));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int killsDone = 0;
    for (int k = 0; k < KILLS; k++) {
      boolean first = !Files.exists(repo.resolve("plan.md"));
      long journalBefore = journalSize();
      Process child =
          new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KillableRun.class.getName(), repo.toString(),
                  String.valueOf(TASKS), first ? "run" : "resume")
              .redirectErrorStream(true)
              .redirectOutput(repo.resolve("child-" + k + ".log").toFile())
              .start();
      // Kill at a random moment of the run itself, not of JVM start-up, which on a loaded machine
      // can take longer than any fixed delay.
      awaitJournalGrowthOrExit(child, journalBefore);
      Thread.sleep(100 + random.nextInt(700));
      if (!child.isAlive()) {
        break; // it finished before this kill: nothing left to interrupt
      }
      child.destroyForcibly();
      child.waitFor();
      killsDone++;
      // Whatever moment the kill hit, what is on disk can be read back.
      if (Files.exists(repo.resolve("plan.md"))) {
        Plan.read(repo.resolve("plan.md"));
      }
      Journal.read(repo.resolve(".orchestra/journal.jsonl"));
    }
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(KillableRun.implementers(Duration.ZERO))
            .explorationProbes(List.of())
            .build()) {
      result = Files.exists(repo.resolve("plan.md")) ? o.resume() : null;
    }
    if (result == null) {
      // Every kill landed before the plan was written: what is left is a whole run.
      try (Orchestrator o =
          Orchestrator.builder()
              .workspace(repo)
              .modelProvider(KillableRun.model(TASKS, Duration.ZERO))
              .explorationProbes(List.of())
              .build()) {
        result = o.run("Write every output file");
      }
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    Map<String, Integer> doneEvents = new HashMap<>();
    List<JsonNode> events = Journal.read(repo.resolve(".orchestra/journal.jsonl"));
    for (JsonNode e : events) {
      if ("task_finished".equals(e.path("type").asText()) && "done".equals(e.path("status").asText()) && e.path("taskId").asText().startsWith("T")) {
        doneEvents.merge(e.path("taskId").asText(), 1, Integer::sum);
      }
    }
    assertEquals(TASKS, doneEvents.size(), "every task completed: " + doneEvents);
    assertTrue(doneEvents.values().stream().allMatch(n -> n == 1), "every task completed exactly once: " + doneEvents);
    Plan plan = Plan.read(repo.resolve("plan.md"));
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
    try (Stream<Path> files = Files.walk(repo)) {
      List<String> leftovers = files.map(Path::toString).filter(p -> p.endsWith(".tmp")).toList();
      assertTrue(leftovers.isEmpty(), "temporary files left behind: " + leftovers);
    }
    System.out.println("RELIABILITY crash-loop: " + killsDone + " SIGKILLs, " + TASKS + " tasks, each completed once, " + events.size() + " journal lines");
  }

  private long journalSize() throws java.io.IOException {
    Path journal = repo.resolve(".orchestra/journal.jsonl");
    return Files.exists(journal) ? Files.size(journal) : -1;
  }

  /** Waits until the child has written to the journal (its run has begun) or has exited. */
  private void awaitJournalGrowthOrExit(Process child, long before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (journalSize() <= before && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
