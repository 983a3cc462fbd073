package dev.orchestra;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run in a child JVM is killed with SIGKILL half-way, then resumed: no finished task runs again. */
final class OrchestratorResumeTest {
  private static final int TASKS = 24;

  @TempDir Path repo;

  @Test
  void resumesAfterTheProcessIsKilledHalfWay() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), KillableRun.class.getName(),
                repo.toString(), String.valueOf(TASKS))
            .redirectErrorStream(true)
            .redirectOutput(repo.resolve("child.log").toFile())
            .start();
    Path journal = repo.resolve(".orchestra/journal.jsonl");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Set<String> doneBeforeKill = Set.of();
    while (System.nanoTime() < deadline && child.isAlive()) {
      doneBeforeKill = done(journal);
      if (doneBeforeKill.size() >= TASKS / 2) {
        break;
      }
      Thread.sleep(5);
    }
    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
    child.waitFor();
    doneBeforeKill = done(journal); // what the journal recorded before the kill
    assertTrue(doneBeforeKill.size() >= TASKS / 2 && doneBeforeKill.size() < TASKS,
        "killed half-way: " + doneBeforeKill.size() + " done; child log: " + Files.readString(repo.resolve("child.log")));

    ScriptedModelProvider model = KillableRun.implementers(Duration.ZERO);
    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator orchestra =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(model)
            .explorationProbes(List.of())
            .addListener(events)
            .build()) {
      result = orchestra.resume();
    }

    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    for (String id : doneBeforeKill) {
      assertTrue(model.requests("implementer", id).isEmpty(), id + " was finished before the kill and ran again");
    }
    Plan plan = Plan.read(repo.resolve("plan.md"));
    assertEquals(TASKS, plan.tasks().size());
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
    for (int i = 1; i <= TASKS; i++) {
      assertTrue(Files.exists(repo.resolve("out/T" + i + ".txt")));
    }
    assertEquals(TASKS - doneBeforeKill.size(), events.starts().size(), "resume ran exactly the unfinished tasks");
    assertTrue(events.of(dev.orchestra.event.OrchestraEvent.RunStarted.class).get(0).resumed());
    try (Stream<Path> files = Files.walk(repo)) {
      List<String> leftovers = files.map(Path::toString).filter(p -> p.endsWith(".tmp")).toList();
      assertTrue(leftovers.isEmpty(), "temporary files left behind: " + leftovers);
    }
  }

  private static Set<String> done(Path journal) {
    Set<String> done = new HashSet<>();
    if (!Files.exists(journal)) {
      return done;
    }
    List<JsonNode> events;
    try {
      events = Journal.read(journal);
    } catch (OrchestraException e) {
      // Read while the child appends: the reader can see a line in two parts. Poll again.
      return done;
    }
    for (JsonNode e : events) {
      if ("task_finished".equals(e.path("type").asText()) && "done".equals(e.path("status").asText())
          && e.path("taskId").asText().startsWith("T")) {
        done.add(e.path("taskId").asText());
      }
    }
    return done;
  }
}
