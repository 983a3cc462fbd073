package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the command line: exit codes and output. */
final class MainTest {
  @TempDir Path tmp;

  record Outcome(int exit, String out, String err) {}

  Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Outcome run(String... args) {
    try {
      return run(Map.of("CODEX_HOME", Files.createDirectories(tmp.resolve("empty-codex-home")).toString()), args);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Map<String, String> home(String... extra) throws java.io.IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("CODEX_HOME", Files.createDirectories(tmp.resolve("home")).toString());
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  @Test
  void helpAndUsageErrors() {
    Outcome help = run("--help");
    assertEquals(0, help.exit());
    for (String c : List.of("init", "verify", "roles", "run", "resume", "demo")) {
      assertTrue(help.out().contains(c), help.out());
      assertEquals(0, run(c, "--help").exit(), c + " --help");
    }
    assertEquals(2, run().exit());
    assertEquals(2, run("frobnicate").exit());
    Outcome badTier = run("init", "--tier", "gold", "--dir", tmp.resolve("x").toString());
    assertEquals(2, badTier.exit());
    assertTrue(badTier.err().contains("--tier must be pro or plus, got 'gold'"), "out: " + badTier.out() + " err: " + badTier.err());
    assertEquals(2, run("run").exit(), "--goal is required");
  }

  @Test
  void foldersThatAreNotThereOrNotFoldersAreUsageErrors() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file.txt"), "x");
    Path full = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(full.resolve("keep.txt"), "mine");
    for (String[] args :
        List.of(
            new String[] {"verify", "--dir", tmp.resolve("missing").toString()},
            new String[] {"roles", "--dir", file.toString()},
            new String[] {"run", "--goal", "x", "--repo", tmp.resolve("missing").toString()},
            new String[] {"demo", "--dir", file.toString()},
            new String[] {"demo", "--dir", full.toString()})) {
      Outcome o = run(args);
      assertEquals(2, o.exit(), String.join(" ", args) + ": " + o.err());
      assertTrue(o.err().startsWith("error: --"), o.err());
      assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }
    assertEquals("mine", Files.readString(full.resolve("keep.txt")));
  }

  @Test
  void rolesWithoutAnyConfiguredShowsTheBuiltInTeamThatRunUses() {
    Outcome o = run("roles");
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("run uses Orchestra's built-in roles"), o.out());
    for (String role : List.of("orchestrator", "explorer", "implementer", "reviewer")) {
      assertTrue(o.out().lines().anyMatch(l -> l.startsWith(role + " ")), role + " in:\n" + o.out());
    }
  }

  @Test
  void initVerifyAndRoles() throws Exception {
    Path dir = tmp.resolve("cfg/.codex");
    Outcome init = run("init", "--tier", "pro", "--dir", dir.toString(), "--with-security-reviewer", "--events", tmp.resolve("e.jsonl").toString());
    assertEquals(0, init.exit(), init.err());
    assertTrue(Files.exists(dir.resolve("config.toml")) && Files.exists(dir.resolve("agents/security_reviewer.toml")));
    assertTrue(Files.exists(tmp.resolve("e.jsonl")), "--events makes its file even without a run");
    Outcome again = run("init", "--tier", "pro", "--dir", dir.toString());
    assertEquals(1, again.exit());
    assertTrue(again.out().contains("nothing was written; use --force to overwrite"), again.out());
    assertEquals(0, run("init", "--tier", "plus", "--dir", dir.toString(), "--force", "--with-security-reviewer").exit());
    assertTrue(Files.readString(dir.resolve("agents/explorer.toml")).contains("gpt-5.4"));

    Outcome verify = run("verify", "--dir", dir.toString());
    assertEquals(0, verify.exit(), verify.out());
    assertTrue(verify.out().endsWith("0 errors, 0 warnings\n"), verify.out());

    Outcome roles = run("roles", "--dir", dir.toString());
    assertEquals(0, roles.exit(), roles.err());
    assertTrue(roles.out().startsWith("name "), roles.out());
    assertTrue(roles.out().contains("security_reviewer"), roles.out());
    assertTrue(roles.out().contains("max_threads = 12"), roles.out());
    assertTrue(!roles.out().contains("note:"), "a fresh starter pack and its run agree: " + roles.out());
  }

  @Test
  void verifyPrintsEveryProblemWithFileLineAndColumn() throws Exception {
    Path dir = tmp.resolve("bad/.codex");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.toml"), "model = \"gpt-5.4\"\nsandbox_mode = \"yolo\"\n[agents]\nmax_threads = 0\n");
    Outcome verify = run("verify", "--dir", dir.toString());
    assertEquals(1, verify.exit());
    assertTrue(verify.out().contains(dir.resolve("config.toml") + ":2:"), verify.out());
    assertTrue(verify.out().contains(": error: sandbox_mode: "), verify.out());
    assertTrue(verify.out().contains("read-only, workspace-write, danger-full-access"), verify.out());
    assertTrue(verify.out().contains("max_threads"), verify.out());
    assertTrue(verify.out().contains("    hint: "), verify.out());
    Outcome strict = run("verify", "--dir", dir.toString(), "--strict");
    assertEquals(1, strict.exit());
  }

  @Test
  void runWithoutAKeySaysWhichVariableToSet() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Outcome r = run(home(), "run", "--goal", "x", "--repo", repo.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().endsWith("error: no API key for provider 'OpenAI': set the OPENAI_API_KEY environment variable\n"), r.err());
    assertTrue(r.err().startsWith("note: the run's sandbox is read-only"), r.err());
  }

  @Test
  void resumeWithoutAPlanSaysSo() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Outcome r = run(home("OPENAI_API_KEY", "sk-x"), "resume", "--repo", repo.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("error: nothing to resume: "), r.err());
  }

  @Test
  void runAndResumeAgainstAConfiguredProvider() throws Exception {
    ScriptedModelProvider brain = new ScriptedModelProvider();
    brain.on("orchestrator")
        .otherwise(Reply.text("{\"tasks\":[{\"id\":\"T1\",\"title\":\"Add VERSION\",\"acceptance\":[\"VERSION exists\"],"
            + "\"dependsOn\":[],\"writeScope\":[\"VERSION\"],\"role\":\"implementer\"}],\"later\":[],\"risks\":[]}"));
    brain.on("implementer")
        .otherwise(
            Reply.answer(
                req -> req.messages().get(req.messages().size() - 1) instanceof Message.ToolResult
                    ? ModelResponse.text("{\"whatChanged\":[\"VERSION\"],\"commandsRun\":[],\"result\":\"done\"}", new TokenUsage(5, 5, 0, 0))
                    : new ModelResponse("", List.of(new ToolCall("c1", "write_file", "{\"path\":\"VERSION\",\"content\":\"1.0\\n\"}")), new TokenUsage(5, 5, 0, 0))));
    brain.on("reviewer").otherwise(Reply.text("{\"mustFix\":[],\"regressionRisks\":[],\"missingTests\":[],\"verdict\":\"ship\",\"outOfScope\":[]}"));
    brain.on("release_manager").otherwise(Reply.text(RoleAnswers.release(List.of("VERSION added"), List.of("Delete VERSION"))));
    try (DemoModelServer server = DemoModelServer.start(brain)) {
      Path home = Files.createDirectories(tmp.resolve("home"));
      Files.writeString(home.resolve("config.toml"),
          "model = \"gpt-5.4\"\nsandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\nmodel_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \"" + server.baseUrl()
              + "\"\nenv_key = \"LOCAL_KEY\"\n[agents]\nmax_threads = 4\n"
              + "[agents.orchestrator]\ndescription = \"plans\"\n[agents.implementer]\ndescription = \"does\"\n[agents.reviewer]\ndescription = \"reviews\"\n");
      Path repo = Files.createDirectories(tmp.resolve("repo"));
      Path events = tmp.resolve("events.jsonl");
      Map<String, String> env = Map.of("CODEX_HOME", home.toString(), "LOCAL_KEY", "sk-local-test");
      // Issue 11: a run whose CI gate checks nothing is not green, so the repository has a check.
      Files.writeString(repo.resolve("Makefile"), "test:\n\ttest -f VERSION\n");
      Outcome r = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--events", events.toString());
      assertTrue(r.out().contains("Stopped: GREEN"), r.out() + r.err());
      assertTrue(r.out().contains("gate ci        round 1 PASS: passed: make test"), r.out());
      assertEquals(0, r.exit(), r.out() + r.err());
      assertEquals("1.0\n", Files.readString(repo.resolve("VERSION")));
      List<String> lines = Files.readAllLines(events);
      assertTrue(lines.size() > 5 && lines.stream().allMatch(l -> l.startsWith("{\"v\":" + dev.orchestra.event.OrchestraEvent.SCHEMA_VERSION + ",\"type\":\"")), lines.toString());
      Plan plan = Plan.read(repo.resolve("plan.md"));
      assertEquals(TaskStatus.DONE, plan.task("T1").orElseThrow().status());

      // Issue 11: a green run leaves nothing to resume, and resume says so without calling a model.
      int calls = brain.requests().size();
      Outcome resumed = run(env, "resume", "--repo", repo.toString());
      assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
      assertTrue(resumed.out().contains("nothing to resume: run "), resumed.out() + resumed.err());
      assertEquals(calls, brain.requests().size());
    }
  }

  @Test
  void theDemoCommandWritesItsEvents() throws Exception {
    Path events = tmp.resolve("demo-events.jsonl");
    Outcome r = run("demo", "--dir", tmp.resolve("demo").toString(), "--events", events.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(Files.readAllLines(events).stream().anyMatch(l -> l.contains("\"type\":\"budget_changed\"")));
  }

  @Test
  void theDemoRunsItsImplementersAsRealCodexProcessesAndLeavesNoneBehind() throws Exception {
    // The build installs the pinned Codex (build/install-codex.sh); the agent finds it there.
    Path events = tmp.resolve("codex-demo-events.jsonl");
    Outcome r = run("demo", "--agent", "codex", "--dir", tmp.resolve("codex-demo").toString(), "--events", events.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("Codex: "), "it names the Codex it runs: " + r.out());
    List<String> lines = Files.readAllLines(events);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"agent_thread_started\"")), "a Codex thread per task");
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"run_finished\"") && l.contains("\"GREEN\"")), "the run ends green");
    List<String> left =
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
            .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains("codex")).toList();
    assertEquals(List.of(), left, "no Codex process outlives the demo");
  }
}
