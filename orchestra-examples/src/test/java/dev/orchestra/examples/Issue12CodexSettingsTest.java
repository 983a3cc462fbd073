package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12 §4 end to end: a Codex {@code config.toml} with {@code [shell_environment_policy]} and
 * {@code [sandbox_workspace_write]}, loaded by {@code orchestra run} and carried into the run, decides
 * what the implementer's commands and the CI check see and where the implementer may write and
 * fetch. The model is scripted behind a loopback server; every tool call and command is real.
 */
final class Issue12CodexSettingsTest {
  /** Variables {@code sh} sets for itself, whatever its environment. */
  private static final Set<String> SHELL_OWN = Set.of("PWD", "OLDPWD", "SHLVL", "_");
  private static final String FETCH = "curl --version > /dev/null 2>&1; echo fetched > fetched.txt";

  @TempDir Path tmp;

  private static String shell(String line) {
    return "{\"command\":[],\"shell\":\"" + line + "\",\"cwd\":\"\",\"timeout_seconds\":0}";
  }

  private static String write(Path file, String content) {
    return "{\"path\":\"" + file + "\",\"content\":\"" + content + "\"}";
  }

  /** The variables a command's {@code env > file} wrote, without those the shell sets for itself. */
  private static Map<String, String> seen(Path file) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !SHELL_OWN.contains(line.substring(0, eq))) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "network_access = {0}")
  @ValueSource(booleans = {false, true})
  void theConfigurationsEnvironmentPolicyAndSandboxReachTheRun(boolean networkAccess) throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    ScriptedModelProvider brain = new ScriptedModelProvider();
    brain.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Take notes").writeScope("notes.md").build()))));
    brain.on("implementer").reply(
        Reply.toolCall("run_command", shell("env > agent-env.txt")),
        Reply.toolCall("write_file", write(shared.resolve("notes.txt"), "shared")),
        Reply.toolCall("write_file", write(elsewhere.resolve("x.txt"), "no")),
        Reply.toolCall("run_command", shell(FETCH)),
        Reply.text(RoleAnswers.implementation("done")));
    try (DemoModelServer server = DemoModelServer.start(brain)) {
      Path home = Files.createDirectories(tmp.resolve("home"));
      Files.writeString(home.resolve("config.toml"),
          "model = \"gpt-5.4\"\nsandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\nmodel_provider = \"local\"\n"
              + "[model_providers.local]\nname = \"Local\"\nbase_url = \"" + server.baseUrl() + "\"\nenv_key = \"LOCAL_KEY\"\n"
              + "[agents.orchestrator]\ndescription = \"plans\"\n"
              + "[agents.implementer]\ndescription = \"does\"\nconfig_file = \"agents/implementer.toml\"\n"
              + "[shell_environment_policy]\nignore_default_excludes = false\nexclude = [\"ORCH_DROP_*\"]\n"
              + "set = { ORCH_MARK = \"from-config\" }\ninclude_only = [\"PATH\", \"orch_*\", \"*_KEY\"]\n"
              + "[sandbox_workspace_write]\nwritable_roots = [\"../shared\"]\nnetwork_access = " + networkAccess + "\n");
      // The role asks for less oversight than its built-in default, so a refusal is a refusal, not a question.
      Files.createDirectories(home.resolve("agents"));
      Files.writeString(home.resolve("agents/implementer.toml"), "approval_policy = \"never\"\n");
      Map<String, String> env =
          Map.of("CODEX_HOME", home.toString(), "LOCAL_KEY", "sk-local-test", "PATH", System.getenv("PATH"),
              "ORCH_KEEP", "kept", "ORCH_DROP_ME", "dropped", "UNRELATED", "x");

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit =
          Main.execute(new String[] {"run", "--goal", "Take notes", "--repo", repo.toString(), "--check", "env > ci-env.txt"},
              new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
      String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertEquals(0, exit, printed);
      assertTrue(printed.contains("Stopped: GREEN"), printed);

      // [shell_environment_policy]: the same choice for the implementer's command and the CI check;
      // LOCAL_KEY matches include_only but ignore_default_excludes = false dropped it first.
      Set<String> chosen = Set.of("PATH", "ORCH_KEEP", "ORCH_MARK");
      Set<String> agent = new HashSet<>(chosen);
      if (!networkAccess) {
        agent.add("CODEX_SANDBOX_NETWORK_DISABLED");
      }
      assertEquals(agent, seen(repo.resolve("agent-env.txt")).keySet());
      assertEquals(chosen, seen(repo.resolve("ci-env.txt")).keySet());
      assertEquals("from-config", seen(repo.resolve("ci-env.txt")).get("ORCH_MARK"));
      assertEquals("kept", seen(repo.resolve("agent-env.txt")).get("ORCH_KEEP"));

      // [sandbox_workspace_write]: writes outside the workspace only inside writable_roots
      // (relative to CODEX_HOME), and a known network command only with network_access.
      List<ModelRequest> requests = brain.requests("implementer");
      List<String> results =
          requests.get(requests.size() - 1).messages().stream()
              .filter(m -> m instanceof Message.ToolResult)
              .map(m -> ((Message.ToolResult) m).output())
              .toList();
      assertEquals(
          List.of(
              "exit code 0\n",
              "wrote 6 bytes to " + shared.resolve("notes.txt"),
              "error: absolute paths are not allowed: '" + elsewhere.resolve("x.txt") + "'; use a path relative to the workspace",
              networkAccess
                  ? "exit code 0\n"
                  : "error: '" + FETCH + "' reaches the network, and this role's sandbox gives no network access (danger-full-access"
                      + " does, and workspace-write with [sandbox_workspace_write] network_access = true); the approval policy 'never' does not ask"),
          results);
      assertEquals("shared", Files.readString(shared.resolve("notes.txt")));
      assertFalse(Files.exists(elsewhere.resolve("x.txt")));
      assertEquals(networkAccess, Files.exists(repo.resolve("fetched.txt")));
    }
  }
}
