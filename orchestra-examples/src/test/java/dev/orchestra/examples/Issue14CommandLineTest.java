package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.openai.testing.CodexScript;
import dev.orchestra.openai.testing.CodexScript.Step;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 as a user drives it: {@code orchestra run --agent codex:implementer} and {@code orchestra
 * resume --agent codex:implementer} on a git repository, the implementers real Codex processes (the
 * pinned CLI the build installs) and the planner Orchestra's own tool loop, both answered by one
 * scripted server on this machine that the user's Codex configuration names.
 */
final class Issue14CommandLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void runAndResumeWithCodexImplementersFromTheCommandLine() throws Exception {
    ScriptedModelProvider brain = new ScriptedModelProvider();
    brain.on("orchestrator")
        .otherwise(Reply.text(RoleAnswers.plan(List.of(
            Task.builder("T1", "Add VERSION").writeScope("VERSION").role("implementer").build(),
            Task.builder("T2", "Add NOTES").writeScope("NOTES").role("implementer").build()))));
    brain.on("release_manager").otherwise(Reply.text(RoleAnswers.release(List.of("VERSION and NOTES added"), List.of("Delete them"))));
    CodexScript codex = new CodexScript();
    codex.task("T1", Step.command("printf '1.0\\n' > VERSION"), Step.answer(RoleAnswers.implementation("wrote VERSION")));
    codex.task(
        "T2",
        // The first run's T2 meets the plan's usage limit: the run stops, resumable.
        Step.reply(FakeReply.error(429, "usage_limit_reached", "usage_limit_reached", "The usage limit has been reached")),
        Step.command("printf 'notes\\n' > NOTES"),
        Step.answer(RoleAnswers.implementation("wrote NOTES")));
    // One server for both: Orchestra's provider tags its requests with the role; Codex's do not.
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.dispatcher(req -> orchestraRequest(req) ? DemoModelServer.answer(brain, req) : codex.apply(req));
      Path home = Files.createDirectories(tmp.resolve("codex-home"));
      Files.writeString(home.resolve("config.toml"), String.join("\n",
          "model = \"gpt-5.4\"",
          "sandbox_mode = \"workspace-write\"",
          "approval_policy = \"never\"",
          "model_provider = \"local\"",
          "[model_providers.local]",
          "name = \"Local\"",
          "base_url = \"" + server.baseUrl().toString().replaceAll("/$", "") + "\"",
          "env_key = \"LOCAL_KEY\"",
          "wire_api = \"responses\"",
          "request_max_retries = 0",
          "stream_max_retries = 0",
          "[sandbox_workspace_write]",
          "exclude_slash_tmp = true",
          "exclude_tmpdir_env_var = true",
          "[agents]",
          "max_threads = 4",
          "[agents.orchestrator]",
          "description = \"plans\"",
          "[agents.implementer]",
          "description = \"does\"",
          ""));
      Path repo = gitRepository(tmp.resolve("repo"));
      Map<String, String> env = Map.of("CODEX_HOME", home.toString(), "LOCAL_KEY", "sk-local-test", "PATH", System.getenv("PATH"), "HOME",
          System.getenv("HOME"));
      Path events = tmp.resolve("events.jsonl");

      Issue11CommandLineTest.Outcome first =
          Issue11CommandLineTest.run(env, "run", "--goal", "Add VERSION and NOTES", "--repo", repo.toString(), "--agent", "codex:implementer",
              "--check", "test -f VERSION && test -f NOTES", "--events", events.toString());
      assertTrue(first.out().contains("QUOTA_EXHAUSTED"), first.out() + first.err());
      assertTrue(first.exit() != 0, "a run stopped by a usage limit is no success: " + first.out());
      assertEquals(List.of(), codexProcessesLeft(), "no Codex process outlives the run");
      Plan stopped = Plan.read(repo.resolve("plan.md"));
      assertEquals(TaskStatus.DONE, stopped.task("T1").orElseThrow().status(), stopped.toMarkdown());
      assertEquals(TaskStatus.TODO, stopped.task("T2").orElseThrow().status(), "T2 is to do again: " + stopped.toMarkdown());

      Issue11CommandLineTest.Outcome resumed =
          Issue11CommandLineTest.run(env, "resume", "--repo", repo.toString(), "--agent", "codex:implementer",
              "--check", "test -f VERSION && test -f NOTES", "--events", events.toString());
      assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
      assertTrue(resumed.out().contains("Stopped: GREEN"), resumed.out() + resumed.err());
      assertEquals(List.of(), codexProcessesLeft(), "no Codex process outlives the resumed run");
      java.util.regex.Matcher branch = java.util.regex.Pattern.compile("on branch (orchestra/\\S+):").matcher(resumed.out());
      assertTrue(branch.find(), "the run names the branch its work is on: " + resumed.out());
      assertEquals("1.0\n", git(repo, "show", branch.group(1) + ":VERSION"));
      assertEquals("notes\n", git(repo, "show", branch.group(1) + ":NOTES"));
      assertEquals(Map.of("T1", 2, "T2", 3), codex.served(), "T1 ran once; T2 met the limit, then ran in the resumed run");
      assertEquals(0, codex.unusedSteps());
      String journal = Files.readString(repo.resolve(".orchestra/journal.jsonl"));
      assertFalse(journal.contains("sk-local-test") || Files.readString(events).contains("sk-local-test"), "the key never reaches an event");
      assertEquals(3, journal.lines().filter(l -> l.contains("\"type\":\"agent_thread_started\"")).count(), "a Codex thread per attempt");
    }
  }

  /** Whether a Responses request came from Orchestra's own provider, which names the role in its metadata. */
  private static boolean orchestraRequest(RecordedRequest request) {
    try {
      return JSON.readTree(request.body()).path("metadata").has("orchestra_role");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path gitRepository(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("README.md"), "a project\n");
    for (List<String> c : List.of(
        List.of("git", "init", "-q", "-b", "main"),
        List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A"),
        List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start"))) {
      Process p = new ProcessBuilder(c).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", c) + " failed: " + out);
      }
    }
    return dir;
  }

  private static String git(Path repo, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(repo.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
    return out;
  }

  private static List<String> codexProcessesLeft() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains("codex")).toList();
  }
}
