package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.util.ArrayList;
import dev.orchestra.plan.Task;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 as a user drives it, through {@code orchestra run} and {@code resume} against a
 * loopback OpenAI-compatible server: the bounds the library has, the sandbox ceiling for built-in
 * roles, and Ctrl-C.
 */
final class Issue11CommandLineTest {
  @TempDir Path tmp;

  record Outcome(int exit, String out, String err) {}

  static Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A brain that plans one task, T1, whose implementer writes VERSION; no roles configured: the built-in team. */
  static ScriptedModelProvider brain(Duration implementerDelay) {
    ScriptedModelProvider brain = new ScriptedModelProvider();
    brain.on("explorer").otherwise(Reply.text("{\"pathsAndSymbols\":[\"README.md\"],\"ciLocations\":[],\"localCommands\":[],\"nextProbes\":[]}"));
    brain.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Add VERSION").writeScope("VERSION").build()))));
    brain.on("implementer")
        .otherwise(
            Reply.answer(
                    req ->
                        req.messages().get(req.messages().size() - 1) instanceof Message.ToolResult
                            ? ModelResponse.text(RoleAnswers.implementation("wrote VERSION"), new TokenUsage(50, 50, 0, 0))
                            : new ModelResponse(
                                "", List.of(new ToolCall("c1", "write_file", "{\"path\":\"VERSION\",\"content\":\"1.0\\n\"}")),
                                new TokenUsage(50, 50, 0, 0)))
                .after(implementerDelay));
    brain.on("reviewer").otherwise(Reply.text(RoleAnswers.ship()));
    brain.on("qa_test_author").otherwise(Reply.text(RoleAnswers.qaPass("high", List.of("cat VERSION"))));
    brain.on("release_manager").otherwise(Reply.text(RoleAnswers.release(List.of("VERSION added"), List.of("Delete VERSION"))));
    return brain;
  }

  /** A Codex home whose provider is the server; {@code sandbox} may be empty (no sandbox_mode set). */
  Map<String, String> home(DemoModelServer server, String sandbox) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        home.resolve("config.toml"),
        "model = \"gpt-5.4\"\n" + (sandbox.isEmpty() ? "" : "sandbox_mode = \"" + sandbox + "\"\n")
            + "approval_policy = \"never\"\nmodel_provider = \"local\"\n[model_providers.local]\nname = \"Local\"\nbase_url = \""
            + server.baseUrl() + "\"\nenv_key = \"LOCAL_KEY\"\n");
    Map<String, String> env = new HashMap<>();
    env.put("CODEX_HOME", home.toString());
    env.put("LOCAL_KEY", "sk-local-test");
    return env;
  }

  Path repo() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("check.sh"), "test -f VERSION\n");
    return repo;
  }

  @Test
  void maxTokensStopsTheRunAndCountsItsEarlierPartsOnResume() throws Exception {
    ScriptedModelProvider brain = brain(Duration.ZERO);
    try (DemoModelServer server = DemoModelServer.start(brain)) {
      Map<String, String> env = home(server, "workspace-write");
      Path repo = repo();
      Outcome first = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--check", "sh check.sh", "--max-tokens", "150");
      assertEquals(1, first.exit(), first.out() + first.err());
      assertTrue(first.out().contains("Stopped: TOKEN_LIMIT"), first.out());

      int calls = brain.requests().size();
      Outcome again = run(env, "resume", "--repo", repo.toString(), "--check", "sh check.sh", "--max-tokens", "150");
      assertTrue(again.out().contains("Stopped: TOKEN_LIMIT"), again.out());
      assertEquals(calls, brain.requests().size(), "the same bound stops the resumed run before any model call");

      // No --check this time: the resume checks with the lines the run was started with.
      Outcome higher = run(env, "resume", "--repo", repo.toString(), "--max-tokens", "100000");
      assertEquals(0, higher.exit(), higher.out() + higher.err());
      assertTrue(higher.err().contains("checking with the run's --check lines"), higher.err());
      assertTrue(higher.out().contains("PASS: passed: sh check.sh"), higher.out());
      assertTrue(higher.out().contains("Stopped: GREEN"), higher.out());
      assertTrue(higher.out().contains("Release notes (also in .orchestra/release-notes.md):\n  - VERSION added\n  - Rollback: Delete VERSION\n"), higher.out());
      assertTrue(Files.readString(repo.resolve(".orchestra/release-notes.md")).contains("- VERSION added"));
    }
  }

  @Test
  void maxMinutesStopsTheRunAndAResumeWithMoreTimeFinishesIt() throws Exception {
    try (DemoModelServer server = DemoModelServer.start(brain(Duration.ofMillis(1500)))) {
      Map<String, String> env = home(server, "workspace-write");
      Path repo = repo();
      Outcome first = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--check", "sh check.sh", "--max-minutes", "0.01");
      assertEquals(1, first.exit(), first.out() + first.err());
      assertTrue(first.out().contains("Stopped: TIME_LIMIT"), first.out());
      Outcome resumed = run(env, "resume", "--repo", repo.toString(), "--check", "sh check.sh", "--max-minutes", "5");
      assertTrue(resumed.out().contains("Stopped: GREEN"), resumed.out() + resumed.err());
    }
  }

  @Test
  void anUntrustedProjectsReadOnlySandboxHoldsForTheBuiltInImplementerToo() throws Exception {
    try (DemoModelServer server = DemoModelServer.start(brain(Duration.ZERO))) {
      Map<String, String> env = home(server, ""); // no sandbox_mode, no trust decision: read-only
      Path repo = repo();
      Outcome r = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--check", "sh check.sh");
      assertTrue(r.err().contains("no role can write"), r.err());
      assertFalse(Files.exists(repo.resolve("VERSION")), "the built-in implementer wrote nothing: " + r.out());
      assertTrue(!r.out().contains("Stopped: GREEN"), r.out());
    }
  }

  @Test
  void ctrlCEndsWithOneLineSayingHowToResumeAndTheJournalRecordsTheStop() throws Exception {
    try (DemoModelServer server = DemoModelServer.start(brain(Duration.ofSeconds(30)))) {
      Map<String, String> env = home(server, "workspace-write");
      Path repo = repo();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
                  java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--goal", "Add a VERSION file", "--repo",
                  repo.toString(), "--check", "sh check.sh")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("child.out").toFile());
      pb.environment().putAll(env);
      Process child = pb.start();
      try {
        Path journal = repo.resolve(".orchestra/journal.jsonl");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (child.isAlive() && System.nanoTime() < deadline
            && !(Files.exists(journal) && Files.readString(journal).contains("\"type\":\"task_started\",") && Files.readString(journal).contains("\"taskId\":\"T1\""))) {
          Thread.sleep(50);
        }
        assertTrue(child.isAlive(), Files.readString(tmp.resolve("child.out")));
        new ProcessBuilder("kill", "-INT", String.valueOf(child.pid())).start().waitFor();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
          // What it was doing: SIGQUIT makes the JVM print its threads into its output, read below.
          new ProcessBuilder("kill", "-QUIT", String.valueOf(child.pid())).start().waitFor(10, TimeUnit.SECONDS);
          Thread.sleep(1_000);
          throw new AssertionError(
              "the run did not stop within 60 s of Ctrl-C (was SIGINT ignored where the test was started?); its output and threads:\n"
                  + Files.readString(tmp.resolve("child.out")));
        }
        String out = Files.readString(tmp.resolve("child.out"));
        assertEquals(130, child.exitValue(), out);
        long lines = out.lines().filter(l -> l.startsWith("Interrupted: the run is saved as CANCELLED; continue it with: orchestra resume --repo ")).count();
        assertEquals(1, lines, out);
        List<String> journalLines = Files.readAllLines(journal);
        String last = journalLines.get(journalLines.size() - 1);
        assertTrue(last.contains("\"type\":\"run_finished\"") && last.contains("\"stopReason\":\"CANCELLED\""), last);
      } finally {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A Chat Completions server in front of the brain. Chat requests carry no metadata, so the role
   * is known by its instructions and the task by the first user message ("Task T1: ...").
   */
  static FakeOpenAiServer chatServer(ScriptedModelProvider brain, List<String> paths) throws Exception {
    FakeOpenAiServer server = FakeOpenAiServer.start();
    ObjectMapper json = new ObjectMapper();
    server.dispatcher(
        http -> {
          paths.add(http.path());
          try {
            JsonNode body = json.readTree(http.body());
            String role = "unknown";
            String task = "unknown";
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : body.path("messages")) {
              String text = m.path("content").asText("");
              switch (m.path("role").asText()) {
                case "system", "developer" -> {
                  for (Role r : BuiltInRoles.all()) {
                    if (r.instructions().equals(text)) {
                      role = r.name();
                    }
                  }
                }
                case "user" -> {
                  if (task.equals("unknown") && text.startsWith("Task ")) {
                    task = text.substring(5, text.indexOf(':'));
                  }
                  messages.add(Message.user(text));
                }
                case "tool" -> messages.add(new Message.ToolResult(m.path("tool_call_id").asText(), text, false));
                default -> messages.add(new Message.Assistant(text, List.of()));
              }
            }
            ModelRequest req = ModelRequest.builder().role(role).taskId(task).model("m").messages(messages).build();
            ModelResponse r = brain.respond(req, ProviderSignals.NONE);
            List<String[]> calls = new ArrayList<>();
            r.toolCalls().forEach(c -> calls.add(new String[] {c.id(), c.name(), c.arguments()}));
            long in = r.usage().inputTokens();
            long out = r.usage().outputTokens();
            return body.path("stream").asBoolean() ? FakeReply.chatStream(r.text(), calls, in, out) : FakeReply.chatJson(r.text(), calls, in, out);
          } catch (Exception e) {
            return FakeReply.error(400, "invalid_request_error", null, String.valueOf(e.getMessage()));
          }
        });
    return server;
  }

  @Test
  void wireApiChatWorksFromTheCommandLineAndFromConfiguration() throws Exception {
    for (boolean fromConfig : List.of(false, true)) {
      List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (FakeOpenAiServer server = chatServer(brain(Duration.ZERO), paths)) {
        Path home = Files.createDirectories(tmp.resolve("chat-home-" + fromConfig));
        Files.writeString(
            home.resolve("config.toml"),
            "model = \"gpt-5.4\"\nsandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\nmodel_provider = \"local\"\n"
                + "[model_providers.local]\nname = \"Local\"\nbase_url = \"" + server.baseUrl() + "\"\nenv_key = \"LOCAL_KEY\"\n"
                + (fromConfig ? "wire_api = \"chat\"\n" : ""));
        Path repo = Files.createDirectories(tmp.resolve("chat-repo-" + fromConfig));
        Files.writeString(repo.resolve("check.sh"), "test -f VERSION\n");
        List<String> args =
            new ArrayList<>(List.of("run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--check", "sh check.sh"));
        if (!fromConfig) {
          args.addAll(List.of("--wire-api", "chat"));
        }
        Outcome r = run(Map.of("CODEX_HOME", home.toString(), "LOCAL_KEY", "sk-local"), args.toArray(new String[0]));
        assertEquals(0, r.exit(), "from config: " + fromConfig + "\n" + r.out() + r.err());
        assertTrue(!paths.isEmpty() && paths.stream().allMatch(p -> p.endsWith("/chat/completions")), paths.toString());
        assertEquals("1.0\n", Files.readString(repo.resolve("VERSION")));
      }
    }
  }

  @Test
  void aRoleThatCannotBeLoadedStopsTheRunBeforeItStarts() throws Exception {
    ScriptedModelProvider brain = brain(Duration.ZERO);
    try (DemoModelServer server = DemoModelServer.start(brain)) {
      Map<String, String> env = home(server, "workspace-write");
      Path home = Path.of(env.get("CODEX_HOME"));
      Files.writeString(
          home.resolve("config.toml"),
          Files.readString(home.resolve("config.toml"))
              + "[agents.reviewer]\ndescription = \"reviews\"\nconfig_file = \"agents/reviewr.toml\"\n");
      Files.createDirectories(home.resolve("agents"));
      Files.writeString(home.resolve("agents/reviewer.toml"), "model = \"gpt-5.4\"\n");
      Path repo = repo();
      Outcome r = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString(), "--check", "sh check.sh");
      assertEquals(1, r.exit(), r.out() + r.err());
      assertTrue(r.err().contains("config.toml:"), r.err());
      assertTrue(r.err().contains("reviewr.toml"), r.err());
      assertTrue(r.err().contains("nothing ran"), r.err());
      assertFalse(Files.exists(repo.resolve("plan.md")), "no run started");
      assertEquals(0, brain.requests().size(), "no model was called");
    }
  }

  @Test
  void namedChecksComeFromTheConfigurationAndTheCommandLineAndReplaceDiscovery() throws Exception {
    try (DemoModelServer server = DemoModelServer.start(brain(Duration.ZERO))) {
      Map<String, String> env = home(server, "workspace-write");
      Path home = Path.of(env.get("CODEX_HOME"));
      Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml")) + "[orchestra]\nchecks = [\"sh check.sh\"]\n");
      Path repo = repo();
      // Discovery alone would run this Makefile's failing test target.
      Files.writeString(repo.resolve("Makefile"), "test:\n\tfalse\n");
      Outcome fromConfig = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString());
      assertEquals(0, fromConfig.exit(), fromConfig.out() + fromConfig.err());
      assertTrue(fromConfig.out().contains("gate ci        round 1 PASS: passed: sh check.sh"), fromConfig.out());

      Path other = Files.createDirectories(tmp.resolve("other"));
      Files.writeString(other.resolve("Makefile"), "test:\n\tfalse\n");
      Outcome fromFlag = run(env, "run", "--goal", "Add a VERSION file", "--repo", other.toString(), "--check", "test -f VERSION");
      assertEquals(0, fromFlag.exit(), fromFlag.out() + fromFlag.err());
      assertTrue(fromFlag.out().contains("gate ci        round 1 PASS: passed: test -f VERSION"), fromFlag.out());
    }
  }

  @Test
  void withNothingToCheckTheRunIsNotVerifiedAndSaysHowToNameChecks() throws Exception {
    try (DemoModelServer server = DemoModelServer.start(brain(Duration.ZERO))) {
      Map<String, String> env = home(server, "workspace-write");
      Path repo = Files.createDirectories(tmp.resolve("bare"));
      Outcome r = run(env, "run", "--goal", "Add a VERSION file", "--repo", repo.toString());
      assertEquals(1, r.exit(), r.out() + r.err());
      assertTrue(r.out().contains("Stopped: NOT_VERIFIED"), r.out());
      assertTrue(r.out().contains("--check"), r.out());
      assertTrue(r.out().contains("[orchestra]"), r.out());
    }
  }

  @Test
  void verifyStrictFailsOnSettingsOrchestraWillNotHonour() throws Exception {
    Path codex = Files.createDirectories(tmp.resolve("strict/.codex"));
    Files.writeString(codex.resolve("config.toml"), "[features]\nmulti_agent = false\n");
    Map<String, String> env = Map.of("CODEX_HOME", Files.createDirectories(tmp.resolve("strict-home")).toString());
    Outcome lenient = run(env, "verify", "--dir", codex.toString());
    assertEquals(0, lenient.exit(), lenient.out());
    assertTrue(lenient.out().contains("warning: features.multi_agent: features.multi_agent is deprecated"), lenient.out());
    assertTrue(lenient.out().contains("note: features.multi_agent: features.multi_agent = false is not honoured"), lenient.out());
    Outcome strict = run(env, "verify", "--dir", codex.toString(), "--strict");
    assertEquals(1, strict.exit(), strict.out());
    assertTrue(strict.out().contains("config.toml:2:"), strict.out());
    assertTrue(strict.out().contains("error: features.multi_agent"), strict.out());
  }
}
