package dev.orchestra.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Isolation;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.agent.Agent;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.gate.Gate;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.openai.testing.CodexScript.Step;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** A whole run whose implementers are real Codex processes, on a git repository, to GREEN. */
final class CodexAgentEndToEndTest {
  @TempDir Path dir;

  /**
   * With approval policy never, each task is a {@code codex exec --json}; with on-request (the
   * built-in implementer's), a {@code codex app-server} session.
   */
  @ParameterizedTest
  @EnumSource(value = ApprovalPolicy.class, names = {"NEVER", "ON_REQUEST"})
  void codexImplementersFixWhatCiFoundAndTheRunEndsGreen(ApprovalPolicy policy) throws Exception {
    Path repo =
        CodexTestbed.repo(
            dir.resolve("repo"),
            Map.of("README.md", "# Sample\n", "check.sh", "#!/bin/sh\nset -e\ntest -f one.txt\ntest -f two.txt\ngrep -q ready config.txt\n"));
    try (CodexTestbed bed = new CodexTestbed(dir)) {
      // The implementers' model: shell commands through Codex's own exec_command, then the report.
      bed.script
          .task("T1", Step.command("printf 'one\\n' > one.txt"), Step.answer(RoleAnswers.implementation("wrote one.txt")))
          .task("T2", Step.command("printf 'two\\n' > two.txt"), Step.answer(RoleAnswers.implementation("wrote two.txt")))
          .task("F1", Step.command("echo ready > config.txt"), Step.answer(RoleAnswers.implementation("wrote config.txt")));
      // The other roles run Orchestra's own tool loop on a scripted model.
      ScriptedModelProvider model = new ScriptedModelProvider();
      model.on("explorer").otherwise(Reply.text(RoleAnswers.exploration(new RoleReport.Exploration(List.of("check.sh"), List.of(), List.of("sh check.sh"), List.of()))));
      model.on("orchestrator")
          .reply(
              Reply.text(
                  RoleAnswers.plan(
                      List.of(
                          Task.builder("T1", "Write one.txt").writeScope(List.of("one.txt")).role("implementer").build(),
                          Task.builder("T2", "Write two.txt").writeScope(List.of("two.txt")).role("implementer").build()))));
      model.on("ci_runner")
          .reply(Reply.text(RoleAnswers.diagnosis(new RoleReport.CiDiagnosis(List.of("sh check.sh"), false, "config.txt is missing", "Create config.txt with ready", "config.txt", 0))));

      List<OrchestraEvent> events = new CopyOnWriteArrayList<>();
      CodexAgent codex = bed.agent().build();
      RunResult result;
      try (Orchestrator orchestra =
          Orchestrator.builder()
              .workspace(repo)
              .modelProvider(model)
              .agent(Agent.byRole(Map.of("implementer", codex), Agent.toolLoop()))
              .role(BuiltInRoles.get("implementer").toBuilder().approvalPolicy(policy).build())
              .addGate(Gate.command("sh", "check.sh").build())
              .addListener((OrchestraListener) events::add)
              .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build())
              .build()) {
        result = orchestra.run("Add one.txt, two.txt and the config");
      }

      assertEquals(StopReason.GREEN, result.stopReason(), result.message() + "\n" + events);
      // The Codex processes' commands made the files, each task's commit was integrated, and the
      // green run fast-forwarded the checkout.
      assertEquals("one", Files.readString(repo.resolve("one.txt")).strip());
      assertEquals("two", Files.readString(repo.resolve("two.txt")).strip());
      assertEquals("ready", Files.readString(repo.resolve("config.txt")).strip());
      Plan plan = result.plan();
      assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE), plan.toMarkdown());
      assertTrue(plan.task("F1").isPresent(), plan.toMarkdown());
      assertEquals(0, bed.script.unusedSteps());

      // Codex's lines became events: a thread per task, its commands with their exit codes, and
      // the tokens of its turns counted for the implementer.
      List<String> threads =
          events.stream().filter(e -> e instanceof OrchestraEvent.AgentThreadStarted).map(e -> ((OrchestraEvent.AgentThreadStarted) e).taskId()).sorted().toList();
      assertEquals(List.of("F1", "T1", "T2"), threads);
      List<OrchestraEvent.ToolCalled> commands =
          events.stream().filter(e -> e instanceof OrchestraEvent.ToolCalled t && t.tool().equals("run_command") && t.role().equals("implementer"))
              .map(e -> (OrchestraEvent.ToolCalled) e).toList();
      assertEquals(3, commands.size(), commands.toString());
      assertTrue(commands.stream().allMatch(c -> c.detail().startsWith("exit code 0 after ")), commands.toString());
      assertTrue(commands.stream().anyMatch(c -> c.target().contains("echo ready > config.txt")), commands.toString());
      TokenUsage implementerTokens =
          events.stream().filter(e -> e instanceof OrchestraEvent.ModelCallFinished m && m.role().equals("implementer"))
              .map(e -> ((OrchestraEvent.ModelCallFinished) e).usage()).reduce(TokenUsage.ZERO, TokenUsage::plus);
      // Two model requests per task, 100 in and 20 out each, as the script answers.
      assertEquals(new TokenUsage(600, 120, 300, 30), implementerTokens);
      assertTrue(result.usage().inputTokens() >= 600, result.usage().toString());
      assertTrue(CodexTestbed.codexDescendants().isEmpty(), "no Codex process outlives the run: " + CodexTestbed.codexDescendants());
    }
  }
}
