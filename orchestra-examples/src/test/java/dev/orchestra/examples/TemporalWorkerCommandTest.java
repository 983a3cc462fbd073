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
      Path home = codexHome(model);
      Path repo = Files.createDirectories(tmp.resolve("repo"));
      // A check that takes a moment, so the test sees the worker's child processes while they run.
      Files.writeString(repo.resolve("check.sh"), "sleep 1\ntest -f VERSION\n");
      Path out = tmp.resolve("worker.out");
      Process worker = startWorker(home, out, "--temporal", temporal.target(), "--queue", QUEUE, "--repo", repo.toString(), "--check", "sh check.sh");
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
        awaitPolling(worker, out);
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

  @Test
  @Timeout(180)
  void aWorkerGivenARemoteClonesItIntoItsEmptyRepoFolderAndTheRunsWorkLandsOnTheRemotesRunBranch() throws Exception {
    ScriptedModelProvider brain = Issue11CommandLineTest.brain(Duration.ZERO);
    try (LocalTemporalServer temporal = LocalTemporalServer.start(0);
        DemoModelServer model = DemoModelServer.start(brain)) {
      Path home = codexHome(model);
      Path seed = Files.createDirectories(tmp.resolve("seed"));
      Files.writeString(seed.resolve("check.sh"), "test -f VERSION\n");
      TemporalDemoTest.git(seed, "init", "-q", "-b", "main");
      TemporalDemoTest.git(seed, "add", "check.sh");
      TemporalDemoTest.git(seed, "-c", "user.name=T", "-c", "user.email=t@orchestra.invalid", "commit", "-q", "-m", "check");
      Path remote = tmp.resolve("remote.git");
      TemporalDemoTest.git(tmp, "clone", "-q", "--bare", seed.toString(), remote.toString());
      Path clone = tmp.resolve("clones/worker"); // not there yet: the worker clones the remote into it
      Path out = tmp.resolve("worker.out");
      Process worker =
          startWorker(
              home, out, "--temporal", temporal.target(), "--queue", QUEUE + "-remote", "--repo", clone.toString(), "--remote", remote.toString(),
              "--check", "sh check.sh");
      try {
        awaitPolling(worker, out);
        String log = Files.readString(out);
        assertTrue(log.contains("cloned " + remote + " into " + clone) && log.contains("clone of " + remote), log);

        Issue11CommandLineTest.Outcome run =
            Issue11CommandLineTest.run(java.util.Map.of(), "run", "--temporal", temporal.target(), "--queue", QUEUE + "-remote", "--goal", "Add a VERSION file");

        assertEquals(0, run.exit(), run.out() + run.err() + "\nworker:\n" + Files.readString(out));
        assertTrue(run.out().contains("GREEN: "), run.out());
        String branch = TemporalDemoTest.git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/orchestra/").strip();
        assertEquals("1.0\n", TemporalDemoTest.git(remote, "show", branch + ":VERSION"), "the implementer's write, on the run's branch of the remote");
        assertFalse(Files.exists(clone.resolve("VERSION")), "the clone's checkout is not moved");
        worker.destroy();
        assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker stops on SIGTERM:\n" + Files.readString(out));
      } finally {
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aWorkerGivenARemoteRefusesARepoThatIsNotACloneOrAFileAndSaysWhyWithoutTheRemotesPassword() throws Exception {
    String remote = "https://ana:s3cret-token@git.invalid/team/repo.git";
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("notes.txt"), "mine\n");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path missing = tmp.resolve("clones/new");
    for (Object[] c : new Object[][] {
        {project, "is neither empty nor the top of a git clone"}, {file, "is a file"}, {missing, "git could not clone https://***@git.invalid/team/repo.git"}}) {
      Issue11CommandLineTest.Outcome o =
          Issue11CommandLineTest.run(java.util.Map.of(), "worker", "--temporal", "127.0.0.1:1", "--remote", remote, "--repo", c[0].toString());
      assertEquals(2, o.exit(), o.out() + o.err());
      assertTrue(o.err().contains((String) c[1]), o.err());
      assertFalse((o.out() + o.err()).contains("s3cret-token"), "the password never shows: " + o.out() + o.err());
    }
    assertEquals("mine\n", Files.readString(project.resolve("notes.txt")), "nothing of the folder was touched");
  }

  /** A CODEX_HOME whose configuration points at the loopback model server, its key in {@code LOCAL_KEY}. */
  private Path codexHome(DemoModelServer model) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        home.resolve("config.toml"),
        "model = \"gpt-5.4\"\nsandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\nmodel_provider = \"local\"\n"
            + "[model_providers.local]\nname = \"Local\"\nbase_url = \"" + model.baseUrl() + "\"\nenv_key = \"LOCAL_KEY\"\n");
    return home;
  }

  /** Starts {@code orchestra worker ARGS} as a process of its own, its output in {@code out}. */
  private static Process startWorker(Path home, Path out, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "worker"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("CODEX_HOME", home.toString());
    pb.environment().put("LOCAL_KEY", "sk-local-test");
    return pb.start();
  }

  private static void awaitPolling(Process worker, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (worker.isAlive() && System.nanoTime() < deadline && !Files.readString(out).contains("worker polling task queue '")) {
      Thread.sleep(50);
    }
  }
}
