package dev.orchestra.issues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.gate.Gate;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.ShellEnvironmentPolicy.Inherit;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12 §4: the shell environment policy and the workspace-write sandbox's settings reach the
 * commands of a real run. Each case is one run whose implementer calls its tools for real and
 * whose gates run real commands; the assertions read what those commands saw and did.
 */
final class Issue12CommandEnvironmentTest {
  /** Variables {@code sh} sets for itself, whatever its environment. */
  private static final Set<String> SHELL_OWN = Set.of("PWD", "OLDPWD", "SHLVL", "_");
  private static final String NETWORK_DISABLED = "CODEX_SANDBOX_NETWORK_DISABLED";
  private static final Map<String, String> PARENT =
      Map.of(
          "PATH", System.getenv("PATH"),
          "HOME", "/home/tester",
          "LANG", "C",
          "OPENAI_API_KEY", "sk-test-never-shown",
          "AWS_SECRET_ACCESS_KEY", "aws-secret",
          "BUILD_ID", "7",
          "CI_DROP_ME", "1");

  @TempDir Path tmp;
  Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-10T10:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());

  @BeforeEach
  void setUp() throws IOException {
    ws = Files.createDirectories(tmp.resolve("ws"));
    Task t1 = Task.builder("T1", "Do the thing").writeScope("out/T1.txt").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(t1))));
  }

  /** An implementer that makes these tool calls, one per turn, then says it is done. */
  private void implementerCalls(String... toolAndArguments) {
    Reply[] replies = new Reply[toolAndArguments.length / 2 + 1];
    for (int i = 0; i < toolAndArguments.length; i += 2) {
      replies[i / 2] = Reply.toolCall(toolAndArguments[i], toolAndArguments[i + 1]);
    }
    replies[replies.length - 1] = Reply.text(RoleAnswers.implementation("done"));
    model.on("implementer").reply(replies);
  }

  private static String shell(String line) {
    return "{\"command\":[],\"shell\":\"" + line + "\",\"cwd\":\"\",\"timeout_seconds\":0}";
  }

  private Orchestrator.Builder builder() {
    return Orchestrator.builder()
        .workspace(ws)
        .modelProvider(model)
        .clock(clock)
        .sleeper(clock.sleeper())
        .explorationProbes(List.of())
        .parentEnvironment(PARENT);
  }

  private static RunResult run(Orchestrator.Builder b) {
    try (Orchestrator o = b.build()) {
      return o.run("Do the thing");
    }
  }

  /** The variables a command's {@code env > file} wrote, by name, without those the shell sets for itself. */
  private Map<String, String> seen(String file) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(ws.resolve(file))) {
      int eq = line.indexOf('=');
      if (eq > 0 && !SHELL_OWN.contains(line.substring(0, eq))) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** What the implementer's tools answered, in order. */
  private List<String> toolResults() {
    List<ModelRequest> requests = model.requests("implementer");
    return requests.get(requests.size() - 1).messages().stream()
        .filter(m -> m instanceof Message.ToolResult)
        .map(m -> ((Message.ToolResult) m).output())
        .toList();
  }

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("inherit = none, set", new ShellEnvironmentPolicy(Inherit.NONE, false, List.of(), Map.of("MARK", "set"), List.of()),
            Set.of("MARK")),
        Arguments.of("inherit = core", new ShellEnvironmentPolicy(Inherit.CORE, false, List.of(), Map.of(), List.of()),
            Set.of("PATH", "HOME")),
        Arguments.of("include_only, default excludes ignored",
            new ShellEnvironmentPolicy(Inherit.ALL, true, List.of(), Map.of(), List.of("path", "BUILD_*", "*_KEY")),
            Set.of("PATH", "BUILD_ID", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY")),
        Arguments.of("exclude, default excludes ignored", new ShellEnvironmentPolicy(Inherit.ALL, true, List.of("ci_*", "AWS_*"), Map.of(), List.of()),
            Set.of("PATH", "HOME", "LANG", "OPENAI_API_KEY", "BUILD_ID")),
        Arguments.of("Orchestra's defaults", ShellEnvironmentPolicy.defaults(),
            Set.of("PATH", "HOME", "LANG", "BUILD_ID", "CI_DROP_ME")),
        Arguments.of("set overrides, then include_only drops what it does not name",
            new ShellEnvironmentPolicy(Inherit.ALL, false, List.of(), Map.of("HOME", "/override", "EXTRA", "1"), List.of("HOME", "PATH")),
            Set.of("HOME", "PATH")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void everyCommandOfTheRunSeesWhatThePolicyChooses(String name, ShellEnvironmentPolicy policy, Set<String> expected) throws IOException {
    implementerCalls("run_command", shell("env > agent-env.txt"));
    RunResult r =
        run(
            builder()
                .shellEnvironmentPolicy(policy)
                .addGate(Gate.shell("env > gate-env.txt").name("lint").build())
                .addGate(Gate.ci(List.of("env > ci-env.txt"))));
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    Set<String> agentExpected = new HashSet<>(expected);
    agentExpected.add(NETWORK_DISABLED); // a workspace-write implementer without network_access is told so
    assertEquals(agentExpected, seen("agent-env.txt").keySet(), "the implementer's run_command");
    assertEquals(expected, seen("gate-env.txt").keySet(), "a command gate");
    assertEquals(expected, seen("ci-env.txt").keySet(), "the CI gate's check");
    for (String file : List.of("agent-env.txt", "gate-env.txt", "ci-env.txt")) {
      Map<String, String> vars = seen(file);
      policy.set().forEach((k, v) -> assertTrue(!expected.contains(k) || v.equals(vars.get(k)), file + ": " + k + " as the policy sets it"));
      expected.stream().filter(k -> !policy.set().containsKey(k)).forEach(k -> assertEquals(PARENT.get(k), vars.get(k), file + ": " + k));
    }
  }

  @ParameterizedTest(name = "writable_roots configured: {0}")
  @ValueSource(booleans = {true, false})
  void anImplementerWritesOutsideTheWorkspaceOnlyInsideAWritableRoot(boolean configured) throws IOException {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    implementerCalls(
        "write_file", "{\"path\":\"" + shared.resolve("notes.txt") + "\",\"content\":\"shared notes\"}",
        "write_file", "{\"path\":\"" + elsewhere.resolve("x.txt") + "\",\"content\":\"no\"}");
    run(builder().writableRoots(configured ? List.of(shared) : List.of()));
    List<String> results = toolResults();
    String refused = "error: absolute paths are not allowed: '%s'; use a path relative to the workspace";
    assertEquals(
        List.of(configured ? "wrote 12 bytes to " + shared.resolve("notes.txt") : String.format(refused, shared.resolve("notes.txt")),
            String.format(refused, elsewhere.resolve("x.txt"))),
        results);
    assertEquals(configured, Files.exists(shared.resolve("notes.txt")));
    if (configured) {
      assertEquals("shared notes", Files.readString(shared.resolve("notes.txt")));
    }
    assertFalse(Files.exists(elsewhere.resolve("x.txt")), "outside the workspace only inside a writable root");
  }

  @ParameterizedTest(name = "network_access: {0}")
  @ValueSource(booleans = {true, false})
  void aNetworkCommandRunsOnlyWithNetworkAccess(boolean networkAccess) throws IOException {
    String line = "curl --version > /dev/null 2>&1; env > fetch-env.txt";
    implementerCalls("run_command", shell(line), "run_command", shell("env > other-env.txt"));
    run(
        builder()
            .role(BuiltInRoles.get(BuiltInRoles.IMPLEMENTER).toBuilder().approvalPolicy(ApprovalPolicy.NEVER).build())
            .networkAccess(networkAccess));
    List<String> results = toolResults();
    assertEquals(
        networkAccess
            ? "exit code 0\n"
            : "error: '" + line + "' reaches the network, and this role's sandbox gives no network access (danger-full-access does,"
                + " and workspace-write with [sandbox_workspace_write] network_access = true); the approval policy 'never' does not ask",
        results.get(0));
    assertEquals(networkAccess, Files.exists(ws.resolve("fetch-env.txt")));
    assertEquals("exit code 0\n", results.get(1));
    assertEquals(networkAccess ? null : "1", seen("other-env.txt").get(NETWORK_DISABLED), "a command is told when it has no network");
  }
}
