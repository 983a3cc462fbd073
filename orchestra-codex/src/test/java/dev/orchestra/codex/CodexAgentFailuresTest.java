package dev.orchestra.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Isolation;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.agent.Agent;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.openai.testing.CodexScript.Step;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Codex processes failing the ways a model provider fails, asking for approval, and calling a
 * role's MCP server: each drives the run as the issue says.
 */
final class CodexAgentFailuresTest {
  @TempDir Path dir;

  private final List<OrchestraEvent> events = new CopyOnWriteArrayList<>();

  /** A run on a fresh repository whose implementers are Codex processes, with these tasks planned. */
  private Orchestrator orchestrator(CodexTestbed bed, Path repo, List<Task> tasks, ApprovalPolicy policy, Consumer<Orchestrator.Builder> more) {
    return orchestrator(bed.agent().build(), repo, tasks, policy, more);
  }

  private Orchestrator orchestrator(CodexAgent codex, Path repo, List<Task> tasks, ApprovalPolicy policy, Consumer<Orchestrator.Builder> more) {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new dev.orchestra.agent.RoleReport.Exploration(List.of(), List.of(), List.of(), List.of()))));
    model.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(tasks)));
    Orchestrator.Builder b =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(model)
            .agent(Agent.byRole(Map.of("implementer", codex), Agent.toolLoop()))
            .role(BuiltInRoles.get("implementer").toBuilder().approvalPolicy(policy).build())
            .addListener((OrchestraListener) events::add)
            .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build());
    more.accept(b);
    return b.build();
  }

  private static Task writer(String id, String file) {
    return Task.builder(id, "Write " + file).writeScope(List.of(file)).role("implementer").build();
  }

  private <E extends OrchestraEvent> List<E> of(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aStormOfRateLimitsStepsTheBudgetDownAndEveryTaskEndsOnce() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      List<Task> tasks = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        String id = "T" + i;
        tasks.add(writer(id, id + ".txt"));
        // Each task's first turn is refused with a 429, as a busy API does; the second works.
        bed.script.task(
            id,
            Step.reply(FakeReply.error(429, "rate_limit_exceeded", "rate_limit_exceeded", "Rate limit reached")),
            Step.command("echo " + id + " > " + id + ".txt"),
            Step.answer(RoleAnswers.implementation("wrote " + id + ".txt")));
      }
      RunResult result;
      // Every rate limit steps the budget down (no spacing), so four at once walk the whole ladder.
      try (Orchestrator o =
          orchestrator(bed, repo, tasks, ApprovalPolicy.NEVER, b -> b.budgetPolicy(BudgetPolicy.defaults().withStepDownSpacing(Duration.ZERO)))) {
        result = o.run("Write four files");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      // Each rate limit reached the budget: down a rung on the ladder, 12 -> 10 -> 8.
      List<String> ladder = of(OrchestraEvent.BudgetChanged.class).stream().map(b -> b.from() + "->" + b.to()).toList();
      assertEquals(List.of("12->10", "10->8"), ladder.subList(0, 2), ladder.toString());
      // Each task was tried again after its backoff, and ended done exactly once.
      assertEquals(4, of(OrchestraEvent.RetryScheduled.class).size());
      Map<String, Long> done =
          of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.status() == TaskStatus.DONE && f.taskId().matches("T\\d"))
              .collect(Collectors.groupingBy(OrchestraEvent.TaskFinished::taskId, Collectors.counting()));
      assertEquals(Map.of("T1", 1L, "T2", 1L, "T3", 1L, "T4", 1L), done);
      for (int i = 1; i <= 4; i++) {
        assertEquals("T" + i, Files.readString(repo.resolve("T" + i + ".txt")).strip());
      }
      assertTrue(of(OrchestraEvent.ModelCallFinished.class).stream().anyMatch(m -> m.outcome().equals("rate_limited")));
      assertEquals(0, bed.script.unusedSteps());
    }
  }

  @Test
  void aTaskOverItsTimeLimitHasItsProcessTreeKilledAndFails() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task("T1", Step.command("sleep 300"), Step.answer(RoleAnswers.implementation("slept")));
      RunResult result;
      try (Orchestrator o = orchestrator(bed.agent().timeout(Duration.ofSeconds(10)).build(), repo, List.of(writer("T1", "a.txt")), ApprovalPolicy.NEVER, b -> {})) {
        result = o.run("Sleep too long");
      }
      OrchestraEvent.TaskFinished t1 =
          of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().equals("T1")).reduce((a, b) -> b).orElseThrow();
      assertEquals(TaskStatus.FAILED, t1.status(), t1.toString());
      assertTrue(t1.summary().contains("did not finish within 10 s; its Codex process tree was killed"), t1.summary());
      assertEquals(StopReason.TASKS_FAILED, result.stopReason(), result.message());
      assertEquals(List.of(), CodexTestbed.codexDescendants(), "nothing of the task's tree is left");
    }
  }

  @ParameterizedTest
  @EnumSource(value = ApprovalPolicy.class, names = {"NEVER", "UNTRUSTED"})
  void aBrokenStreamIsATransientFailureAndTheTaskRunsAgain(ApprovalPolicy policy) throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      // Garbage where the event stream should be: Codex's turn fails, through exec and app-server alike.
      bed.script.task(
          "T1", Step.reply(FakeReply.of(200, "text/event-stream", "this is not an event stream\n\n")),
          Step.command("echo one > one.txt"), Step.answer(RoleAnswers.implementation("wrote one.txt")));
      RunResult result;
      try (Orchestrator o =
          orchestrator(bed, repo, List.of(writer("T1", "one.txt")), policy, b -> b.approvalHandler(r -> ApprovalHandler.Decision.approve("test")))) {
        result = o.run("Write one.txt");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      List<OrchestraEvent.RetryScheduled> retries = of(OrchestraEvent.RetryScheduled.class);
      assertEquals(1, retries.size(), retries.toString());
      assertEquals(dev.orchestra.model.ModelProviderException.Kind.TRANSIENT, retries.get(0).failure());
      assertTrue(retries.get(0).cause().contains("stream"), retries.get(0).cause());
      assertEquals("one", Files.readString(repo.resolve("one.txt")).strip());
    }
  }

  @Test
  void aUsageLimitStopsTheRunResumablyAndResumeEndsGreen() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task(
          "T1",
          Step.reply(FakeReply.error(429, "usage_limit_reached", "usage_limit_reached", "The usage limit has been reached")),
          Step.command("echo one > one.txt"),
          Step.answer(RoleAnswers.implementation("wrote one.txt")));
      RunResult stopped;
      try (Orchestrator o = orchestrator(bed, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> {})) {
        stopped = o.run("Write one.txt");
      }
      assertEquals(StopReason.QUOTA_EXHAUSTED, stopped.stopReason(), stopped.message());
      assertTrue(stopped.message().contains("usage limit"), stopped.message());
      assertEquals(TaskStatus.TODO, stopped.plan().task("T1").orElseThrow().status(), "the task is not lost");

      RunResult resumed;
      try (Orchestrator o = orchestrator(bed, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> {})) {
        resumed = o.resume();
      }
      assertEquals(StopReason.GREEN, resumed.stopReason(), resumed.message());
      assertEquals("one", Files.readString(repo.resolve("one.txt")).strip());
    }
  }

  @Test
  void aRefusedSignInStopsTheRunAndSaysToLogIn() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task("T1", Step.reply(FakeReply.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided")));
      RunResult result;
      try (Orchestrator o = orchestrator(bed, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> {})) {
        result = o.run("Write one.txt");
      }
      assertEquals(StopReason.AUTHENTICATION_FAILED, result.stopReason(), result.message());
      assertTrue(result.message().contains("codex login"), result.message());
      assertFalse(result.message().contains("not-a-secret"), "the key never shows");
    }
  }

  @Test
  void cancelKillsEveryCodexProcessAndTheirCommands() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task("T1", Step.command("sleep 300"), Step.answer(RoleAnswers.implementation("slept")));
      bed.script.task("T2", Step.command("sleep 300"), Step.answer(RoleAnswers.implementation("slept")));
      try (Orchestrator o = orchestrator(bed, repo, List.of(writer("T1", "a.txt"), writer("T2", "b.txt")), ApprovalPolicy.NEVER, b -> {})) {
        CompletableFuture<RunResult> run = o.runAsync("Sleep");
        // Wait until both commands are running under their Codex processes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sleepers() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertEquals(2, sleepers(), CodexTestbed.codexDescendants().toString());
        o.cancel();
        RunResult result = run.get(60, TimeUnit.SECONDS);
        assertEquals(StopReason.CANCELLED, result.stopReason(), result.message());
      }
      assertEquals(List.of(), CodexTestbed.codexDescendants(), "no Codex process, nor a command it ran, outlives the run");
      assertEquals(
          List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(h -> h.info().commandLine().orElse("?")).toList(),
          "the commands Codex ran were killed with it");
    }
  }

  /** How many tasks have their {@code sleep 300} command running now, under Codex's sandbox. */
  private static long sleepers() {
    return CodexTestbed.codexDescendants().stream()
        .filter(c -> c.endsWith("sleep 300"))
        .map(c -> c.contains("/tasks/T1") ? "T1" : c.contains("/tasks/T2") ? "T2" : "?")
        .distinct()
        .count();
  }

  @Test
  void approvalsThroughAppServerAreGrantedOnceAndDeniedOnce() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task(
          "T1",
          Step.command("echo granted > granted.txt"),
          Step.command("echo denied > denied.txt"),
          Step.answer(RoleAnswers.implementation("wrote what was allowed")));
      // The user's dialog: yes to the first command, no to the second.
      List<ApprovalHandler.Request> asked = new CopyOnWriteArrayList<>();
      ApprovalHandler user =
          request -> {
            asked.add(request);
            return request.detail().contains("granted") ? ApprovalHandler.Decision.approve("user") : ApprovalHandler.Decision.deny("user", "not that one");
          };
      RunResult result;
      try (Orchestrator o =
          orchestrator(bed, repo, List.of(writer("T1", "granted.txt")), ApprovalPolicy.UNTRUSTED, b -> b.approvalHandler(user))) {
        result = o.run("Write the files you are allowed to");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      assertEquals(2, asked.size(), asked.toString());
      assertTrue(asked.stream().allMatch(r -> r.action().equals("run_command") && r.taskId().equals("T1")), asked.toString());
      List<OrchestraEvent.ApprovalDecided> decided = of(OrchestraEvent.ApprovalDecided.class);
      assertEquals(List.of(true, false), decided.stream().map(OrchestraEvent.ApprovalDecided::approved).toList());
      // The denied command never ran; the granted one did, and its work was integrated.
      assertEquals("granted", Files.readString(repo.resolve("granted.txt")).strip());
      assertFalse(Files.exists(repo.resolve("denied.txt")));
      List<String> ran = of(OrchestraEvent.ToolCalled.class).stream().filter(t -> t.tool().equals("run_command")).map(OrchestraEvent.ToolCalled::target).toList();
      assertEquals(1, ran.size(), ran.toString());
      assertTrue(ran.get(0).contains("granted"), ran.toString());
    }
  }

  @Test
  void aRolesMcpServerReachesCodexAndIsCalledWithItsVariablesOffTheCommandLine() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    Path calls = dir.resolve("mcp-calls.txt");
    Path server = Path.of("src/test/resources/mcp/EchoMcpServer.java").toAbsolutePath();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task(
          "T1",
          Step.mcp("probe", "echo_upper", "{\"text\":\"hello mcp\"}"),
          Step.command("echo \"[$PROBE_SECRET]\" > done.txt"),
          Step.answer(RoleAnswers.implementation("asked the probe")));
      // What a Codex role file would give the role: its own MCP server, whose tools may run.
      List<String> roleFile =
          List.of(
              "mcp_servers.probe.command=" + CodexCli.tomlString(java.toString()),
              "mcp_servers.probe.args=[" + CodexCli.tomlString(server.toString()) + ", " + CodexCli.tomlString(calls.toString()) + "]",
              "mcp_servers.probe.required=true",
              "mcp_servers.probe.startup_timeout_sec=60",
              "mcp_servers.probe.default_tools_approval_mode=\"approve\"",
              "mcp_servers.probe.env_vars=[\"PROBE_SECRET\"]");
      ScriptedModelProvider model = new ScriptedModelProvider();
      model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new dev.orchestra.agent.RoleReport.Exploration(List.of(), List.of(), List.of(), List.of()))));
      model.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(List.of(writer("T1", "done.txt")))));
      CodexAgent codex =
          bed.agent().roleConfig("implementer", roleFile).roleEnvironment("implementer", Map.of("PROBE_SECRET", "s3cret-mcp-value")).build();
      RunResult result;
      try (Orchestrator o =
          Orchestrator.builder()
              .workspace(repo)
              .modelProvider(model)
              .agent(Agent.byRole(Map.of("implementer", codex), Agent.toolLoop()))
              .role(BuiltInRoles.get("implementer").toBuilder().approvalPolicy(ApprovalPolicy.NEVER).build())
              .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build())
              .addListener((OrchestraListener) events::add)
              .build()) {
        result = o.run("Ask the probe");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      assertEquals(
          List.of("hello mcp", "PROBE_SECRET=s3cret-mcp-value", "on a command line above: false"), Files.readAllLines(calls),
          "the MCP server was called with the model's arguments, and got the role's variable through the environment, not argv");
      assertEquals("[]", Files.readString(repo.resolve("done.txt")).strip(), "the commands Codex runs do not see the server's variable");
      List<OrchestraEvent.ToolCalled> mcp = of(OrchestraEvent.ToolCalled.class).stream().filter(t -> t.tool().startsWith("mcp:")).toList();
      assertEquals(1, mcp.size(), of(OrchestraEvent.ToolCalled.class).toString());
      assertEquals("mcp:probe/echo_upper", mcp.get(0).tool());
      assertTrue(mcp.get(0).ok(), mcp.get(0).toString());
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void anMcpToolCodexAsksAboutIsDecidedByTheApprovalHandler(boolean approve) throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    Path calls = dir.resolve("mcp-calls.txt");
    Path server = Path.of("src/test/resources/mcp/EchoMcpServer.java").toAbsolutePath();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task(
          "T1",
          Step.mcp("probe", "echo_upper", "{\"text\":\"hello mcp\"}"),
          Step.command("echo done > done.txt"),
          Step.answer(RoleAnswers.implementation("asked the probe")));
      // No default_tools_approval_mode: under on-request Codex asks before the server's tool runs.
      List<String> roleFile =
          List.of(
              "mcp_servers.probe.command=" + CodexCli.tomlString(java.toString()),
              "mcp_servers.probe.args=[" + CodexCli.tomlString(server.toString()) + ", " + CodexCli.tomlString(calls.toString()) + "]",
              "mcp_servers.probe.required=true",
              "mcp_servers.probe.startup_timeout_sec=60");
      ScriptedModelProvider model = new ScriptedModelProvider();
      model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new dev.orchestra.agent.RoleReport.Exploration(List.of(), List.of(), List.of(), List.of()))));
      model.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(List.of(writer("T1", "done.txt")))));
      CodexAgent codex = bed.agent().roleConfig("implementer", roleFile).build();
      List<ApprovalHandler.Request> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
      RunResult result;
      try (Orchestrator o =
          Orchestrator.builder()
              .workspace(repo)
              .modelProvider(model)
              .agent(Agent.byRole(Map.of("implementer", codex), Agent.toolLoop()))
              .role(BuiltInRoles.get("implementer").toBuilder().approvalPolicy(ApprovalPolicy.ON_REQUEST).build())
              .approvalHandler(request -> {
                if (request.action().startsWith("mcp:")) {
                  asked.add(request);
                  return approve ? ApprovalHandler.Decision.approve("tester") : ApprovalHandler.Decision.deny("tester", "not this tool");
                }
                return ApprovalHandler.Decision.approve("tester"); // the command that writes done.txt
              })
              .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build())
              .addListener((OrchestraListener) events::add)
              .build()) {
        result = o.run("Ask the probe");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      assertEquals(1, asked.size(), asked.toString());
      assertEquals("mcp:probe/echo_upper", asked.get(0).action());
      assertEquals("{\"text\":\"hello mcp\"}", asked.get(0).detail(), "the handler sees the tool's arguments");
      List<OrchestraEvent.ApprovalDecided> decided =
          of(OrchestraEvent.ApprovalDecided.class).stream().filter(a -> a.action().equals("mcp:probe/echo_upper")).toList();
      assertEquals(1, decided.size(), decided.toString());
      assertEquals(approve, decided.get(0).approved());
      if (approve) {
        assertEquals("hello mcp", Files.readAllLines(calls).get(0), "the approved tool ran");
      } else {
        assertFalse(Files.exists(calls) && Files.readString(calls).contains("hello mcp"), "a denied tool never runs");
      }
    }
  }

  @Test
  void anHttpMcpServersHeaderNamedByEnvHttpHeadersReachesTheServerFromTheEnvironment() throws Exception {
    // orchestra-toml turns a role file's static http_headers into env_http_headers naming a
    // variable (AgentRoleTest); this shows that Codex then sends the header from the environment.
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    List<String> authorizations = new CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer mcp = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    mcp.createContext("/mcp", exchange -> {
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    mcp.start();
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task("T1", Step.command("echo \"[$ORCHESTRA_MCP_WEB_AUTHORIZATION]\" > one.txt"), Step.answer(RoleAnswers.implementation("wrote")));
      List<String> roleFile =
          List.of(
              "mcp_servers.web.url=" + CodexCli.tomlString("http://127.0.0.1:" + mcp.getAddress().getPort() + "/mcp"),
              "mcp_servers.web.startup_timeout_sec=10",
              "mcp_servers.web.env_http_headers.Authorization=\"ORCHESTRA_MCP_WEB_AUTHORIZATION\"");
      CodexAgent codex =
          bed.agent().roleConfig("implementer", roleFile)
              .roleEnvironment("implementer", Map.of("ORCHESTRA_MCP_WEB_AUTHORIZATION", "Bearer s3cret-header")).build();
      RunResult result;
      try (Orchestrator o = orchestrator(codex, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> { })) {
        result = o.run("Write one.txt");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      assertFalse(authorizations.isEmpty(), "Codex never called the MCP server");
      assertTrue(authorizations.stream().allMatch("Bearer s3cret-header"::equals), authorizations.toString());
      assertEquals("[]", Files.readString(repo.resolve("one.txt")).strip(), "the commands Codex runs do not see the header's variable");
    } finally {
      mcp.stop(0);
    }
  }

  @Test
  void aRoleVariableCodexItselfReadsFailsTheTaskSayingWhichWithoutItsValue() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      CodexAgent codex = bed.agent().roleEnvironment("implementer", Map.of("PATH", "/opt/secret-tools/bin")).build();
      RunResult result;
      try (Orchestrator o = orchestrator(codex, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> { })) {
        result = o.run("Write one.txt");
      }
      OrchestraEvent.TaskFinished t1 = of(OrchestraEvent.TaskFinished.class).stream().filter(f -> f.taskId().equals("T1")).findFirst().orElseThrow();
      assertEquals(dev.orchestra.plan.TaskStatus.FAILED, t1.status(), t1.toString());
      assertTrue(t1.summary().contains("set PATH, which Codex itself reads"), t1.summary());
      assertFalse(t1.summary().contains("secret-tools"), t1.summary());
      assertEquals(List.of(), CodexTestbed.codexDescendants(), "no Codex process was started");
      assertTrue(result.stopReason() != StopReason.GREEN, result.toString());
    }
  }

  @Test
  void codexsOwnSubAgentsStayOffEvenWhenTheUsersConfigurationTurnsOnTheNewerOnes() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      // [agents] enabled = false does not turn these off: Codex says so when it warns about multi_agent.
      Files.writeString(bed.codexHome.resolve("config.toml"),
          "\n[features.multi_agent_v2]\nenabled = true\nmax_concurrent_threads_per_session = 4\n", StandardOpenOption.APPEND);
      bed.script.task("T1", Step.command("echo one > one.txt"), Step.answer(RoleAnswers.implementation("wrote one.txt")));
      RunResult result;
      try (Orchestrator o = orchestrator(bed, repo, List.of(writer("T1", "one.txt")), ApprovalPolicy.NEVER, b -> { })) {
        result = o.run("Write one.txt");
      }
      List<String> offered = new java.util.ArrayList<>();
      for (java.util.Optional<dev.orchestra.openai.testing.RecordedRequest> q = bed.server.takeRequest(Duration.ofMillis(50)); q.isPresent();
          q = bed.server.takeRequest(Duration.ofMillis(50))) {
        for (com.fasterxml.jackson.databind.JsonNode tool : new com.fasterxml.jackson.databind.ObjectMapper().readTree(q.get().body()).path("tools")) {
          offered.add(tool.path("name").asText(tool.path("type").asText()));
        }
      }
      assertTrue(!offered.isEmpty(), "Codex called the model with tools");
      // With multi_agent_v2 on, Codex offers its sub-agent tools in a "collaboration" namespace.
      assertTrue(offered.stream().noneMatch(t -> t.contains("collaboration") || t.contains("spawn") || t.contains("wait_agent")),
          "no sub-agent tool is offered: " + new java.util.TreeSet<>(offered));
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    }
  }

  @Test
  void anApprovalNobodyAnswersIsADenialAfterTheTimeoutAndTheCommandNeverRuns() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task(
          "T1",
          Step.command("echo unanswered > unanswered.txt"),
          Step.command("echo after > after.txt"),
          Step.answer(RoleAnswers.implementation("went on without it")));
      // A dialog nobody answers: the handler blocks until the test ends.
      java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
      List<ApprovalHandler.Request> asked = new CopyOnWriteArrayList<>();
      ApprovalHandler user =
          request -> {
            asked.add(request);
            if (request.detail().contains("unanswered")) {
              never.await();
            }
            return ApprovalHandler.Decision.approve("user");
          };
      RunResult result;
      try (Orchestrator o =
          orchestrator(bed, repo, List.of(writer("T1", "after.txt")), ApprovalPolicy.UNTRUSTED,
              b -> b.approvalHandler(user).approvalTimeout(Duration.ofSeconds(2)))) {
        try {
          // Bounded: should the timeout not end the wait, the test fails instead of hanging.
          result = o.runAsync("Write the files").get(120, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
          never.countDown();
        }
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      List<OrchestraEvent.ApprovalDecided> decided = of(OrchestraEvent.ApprovalDecided.class);
      assertEquals(List.of("timeout false", "user true"), decided.stream().map(d -> d.decidedBy() + " " + d.approved()).toList(), decided.toString());
      assertFalse(Files.exists(repo.resolve("unanswered.txt")), "the command nobody approved never ran");
      assertEquals("after", Files.readString(repo.resolve("after.txt")).strip(), "Codex heard the denial and went on");
      assertEquals(List.of(), CodexTestbed.codexDescendants(), "no Codex process outlives the run");
    }
  }

  @Test
  void aCancelWhileAnApprovalIsPendingStopsTheRunAndKillsCodex() throws Exception {
    Path repo = CodexTestbed.repo(dir.resolve("repo"), Map.of("README.md", "x\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      bed.script.task("T1", Step.command("echo pending > pending.txt"), Step.answer(RoleAnswers.implementation("never gets here")));
      java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
      ApprovalHandler user =
          request -> {
            asked.countDown();
            never.await();
            return ApprovalHandler.Decision.approve("user");
          };
      RunResult result;
      try (Orchestrator o =
          orchestrator(bed, repo, List.of(writer("T1", "pending.txt")), ApprovalPolicy.UNTRUSTED, b -> b.approvalHandler(user))) {
        try {
          java.util.concurrent.CompletableFuture<RunResult> run = o.runAsync("Write the file");
          assertTrue(asked.await(60, java.util.concurrent.TimeUnit.SECONDS), "Codex asked for approval");
          assertFalse(CodexTestbed.codexDescendants().isEmpty(), "Codex is running while it waits for the answer");
          o.cancel();
          result = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
          never.countDown(); // before the orchestrator's close, which waits for the run
        }
      }
      assertEquals(StopReason.CANCELLED, result.stopReason(), result.message());
      List<String> ran = of(OrchestraEvent.ToolCalled.class).stream().filter(t -> t.tool().equals("run_command")).map(OrchestraEvent.ToolCalled::target).toList();
      assertTrue(ran.stream().noneMatch(t -> t.contains("pending")), "the command waiting for approval never ran: " + ran);
      assertEquals(List.of(), CodexTestbed.codexDescendants(), "no Codex process outlives the cancelled run");
      List<OrchestraEvent.ApprovalDecided> decided = of(OrchestraEvent.ApprovalDecided.class);
      assertEquals(List.of("cancel false"), decided.stream().map(d -> d.decidedBy() + " " + d.approved()).toList(), decided.toString());
    }
  }
}
