package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.temporal.LocalTemporalServer;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orchestra worker} and {@code orchestra run --temporal} as a user runs them: a worker
 * process built from the repository's Codex configuration (a provider table pointing at a loopback
 * model server, its key in the environment), a run started from another command, and the worker
 * stopped with SIGTERM afterwards.
 */
final class TemporalWorkerCommandTest {
  private static final String QUEUE = "cli-test";

  @TempDir Path tmp;

  @Test
  @Timeout(180)
  void aWorkerBuiltFromTheConfigurationRunsWhatRunTemporalStartsAndStopsOnSigterm() throws Exception {
    ScriptedModelProvider brain = Issue11CommandLineTest.brain(Duration.ZERO);
    try (LocalTemporalServer temporal = LocalTemporalServer.start(0);
        DemoModelServer model = DemoModelServer.start(brain)) {
      Path home = Files.createDirectories(tmp.resolve("home"));
      Files.writeString(
          home.resolve("config.toml"),
          "model = \"gpt-5.4\"\nsandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\nmodel_provider = \"local\"\n"
              + "[model_providers.local]\nname = \"Local\"\nbase_url = \"" + model.baseUrl() + "\"\nenv_key = \"LOCAL_KEY\"\n");
      Path repo = Files.createDirectories(tmp.resolve("repo"));
      // A check that takes a moment, so the test sees the worker's child processes while they run.
      Files.writeString(repo.resolve("check.sh"), "sleep 1\ntest -f VERSION\n");
      Path out = tmp.resolve("worker.out");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                  Main.class.getName(), "worker", "--temporal", temporal.target(), "--queue", QUEUE, "--repo", repo.toString(), "--check",
                  "sh check.sh")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      pb.environment().put("CODEX_HOME", home.toString());
      pb.environment().put("LOCAL_KEY", "sk-local-test");
      Process worker = pb.start();
      Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
      Thread watcher =
          new Thread(
              () -> {
                while (worker.isAlive()) {
                  worker.descendants().forEach(seen::add);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "worker-descendants");
      watcher.setDaemon(true);
      watcher.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (worker.isAlive() && System.nanoTime() < deadline && !Files.readString(out).contains("worker polling task queue '" + QUEUE + "'")) {
          Thread.sleep(50);
        }
        assertTrue(worker.isAlive() && Files.readString(out).contains("keeps desks"), Files.readString(out));

        Issue11CommandLineTest.Outcome run =
            Issue11CommandLineTest.run(java.util.Map.of(), "run", "--temporal", temporal.target(), "--queue", QUEUE, "--goal", "Add a VERSION file");

        assertEquals(0, run.exit(), run.out() + run.err() + "\nworker:\n" + Files.readString(out));
        assertTrue(run.out().contains("GREEN: "), run.out());
        assertEquals("1.0\n", Files.readString(repo.resolve("VERSION")), "the implementer's write, in the worker's repository");
        List<OrchestraEvent> journal = Files.readAllLines(repo.resolve(".orchestra/journal.jsonl")).stream().map(EventJson::read).toList();
        OrchestraEvent last = journal.get(journal.size() - 1);
        assertTrue(last instanceof OrchestraEvent.RunFinished f && f.stopReason().equals("GREEN"), last.toString());
        assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.GateFinished g && g.summary().contains("sh check.sh")
            && g.verdict() == dev.orchestra.gate.Verdict.PASS), "the worker's --check ran: " + journal);
        List<ModelRequest> asked = brain.requests();
        assertTrue(asked.stream().anyMatch(r -> r.role().equals("orchestrator")) && asked.stream().anyMatch(r -> r.role().equals("implementer")),
            "the worker's provider reached the model server: " + asked.stream().map(ModelRequest::role).toList());
        String logs = Files.readString(out);
        assertFalse(logs.contains("sk-local-test"), "the key never appears in the worker's output");

        worker.destroy(); // SIGTERM, as a service manager stops it
        assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker stops on SIGTERM:\n" + Files.readString(out));
        watcher.join(5_000);
        assertFalse(seen.isEmpty(), "the worker's check ran as a process of its own");
        assertTrue(seen.stream().noneMatch(ProcessHandle::isAlive), "no process the worker started outlives it: " + seen);
      } finally {
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
