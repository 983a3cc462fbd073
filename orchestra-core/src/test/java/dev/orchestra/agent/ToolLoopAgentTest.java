package dev.orchestra.agent;

import dev.orchestra.Json;
import dev.orchestra.plan.Task;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ToolLoopAgentTest {
  @TempDir Path ws;
  final ScriptedModelProvider model = new ScriptedModelProvider();

  private AgentContext context(Role role, List<String> scope, int maxTurns) {
    return new TestAgentContext(ws, role, scope, "Goal: test the loop", maxTurns, model);
  }

  private final Task task = Task.builder("T1", "Write hello").acceptanceCriteria("hello.txt says hi").writeScope("hello.txt").build();

  @Test
  void runsToolsUntilTheFinalAnswerAndRecordsChangedFiles() throws Exception {
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", Json.writeArgs("hello.txt", "hi")), Reply.text(Json.implemented("wrote hello")));
    RoleReport report = Agent.toolLoop().run(BuiltInRoles.get("implementer"), task, context(BuiltInRoles.get("implementer"), task.writeScope(), 5));
    RoleReport.Implementation impl = assertInstanceOf(RoleReport.Implementation.class, report);
    assertEquals("wrote hello", impl.result());
    assertEquals(List.of("hello.txt"), impl.changedFiles());
    assertEquals("hi", Files.readString(ws.resolve("hello.txt")));

    List<ModelRequest> requests = model.requests();
    assertEquals(2, requests.size());
    ModelRequest first = requests.get(0);
    assertEquals("model-x", first.model());
    assertEquals(ReasoningEffort.MEDIUM, first.reasoningEffort());
    assertTrue(first.responseSchema().orElseThrow().contains("\"whatChanged\""));
    assertTrue(first.lastUserText().contains("Task T1: Write hello"));
    assertTrue(first.lastUserText().contains("- hello.txt says hi"));
    assertTrue(first.lastUserText().contains("You may write only: hello.txt"));
    assertEquals(
        List.of("read_file", "list_dir", "search", "write_file", "apply_patch", "run_command"),
        first.tools().stream().map(t -> t.name()).toList());
    // The second request carries the call and its result.
    List<Message> msgs = requests.get(1).messages();
    assertInstanceOf(Message.Assistant.class, msgs.get(1));
    Message.ToolResult result = assertInstanceOf(Message.ToolResult.class, msgs.get(2));
    assertEquals("wrote 2 bytes to hello.txt", result.output());
  }

  @Test
  void anUnreadableAnswerGetsOneRepairAttempt() {
    model.on("reviewer").reply(Reply.text("Looks good to me!"), Reply.text(Json.review(true, "", 0, "", "", List.of())));
    RoleReport report = Agent.toolLoop().run(BuiltInRoles.get("reviewer"), task, context(BuiltInRoles.get("reviewer"), List.of(), 5));
    assertTrue(assertInstanceOf(RoleReport.Review.class, report).ship());
    String repair = model.requests().get(1).lastUserText();
    assertTrue(repair.startsWith("Your answer could not be read: the answer is not valid JSON"), repair);
  }

  @Test
  void aSecondUnreadableAnswerFailsClearly() {
    model.on("reviewer").reply(Reply.text("{\"verdict\":\"maybe\"}"), Reply.text("{\"verdict\":\"perhaps\"}"));
    AgentException e =
        assertThrows(AgentException.class, () -> Agent.toolLoop().run(BuiltInRoles.get("reviewer"), task, context(BuiltInRoles.get("reviewer"), List.of(), 5)));
    assertTrue(e.getMessage().contains("reviewer on task T1 gave an answer that does not parse, even after a repair attempt"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'verdict' must be \"ship\" or \"block\", got \"perhaps\""), e.getMessage());
  }

  @Test
  void theTurnLimitBoundsTheLoop() {
    model.on("explorer").otherwise(Reply.toolCall("list_dir", "{\"path\":\"\"}"));
    AgentException e =
        assertThrows(AgentException.class, () -> Agent.toolLoop().run(BuiltInRoles.get("explorer"), task, context(BuiltInRoles.get("explorer"), List.of(), 3)));
    assertEquals("explorer on task T1 gave no final answer within 3 turns", e.getMessage());
    assertEquals(3, model.requests().size());
  }

  @Test
  void reportsAreParsedForEveryBuiltInRole() throws Exception {
    // Written by hand: a task the model left without an id, which RoleAnswers cannot write.
    String plan =
        "{\"tasks\":[{\"id\":\"A\",\"title\":\"Do a\",\"acceptance\":[\"Do a is done\"],\"dependsOn\":[],\"writeScope\":[\"a\"],\"role\":\"implementer\"},"
            + "{\"id\":\"\",\"title\":\"No id given\",\"acceptance\":[\"No id given is done\"],\"dependsOn\":[\"A\"],\"writeScope\":[],\"role\":\"implementer\"}],"
            + "\"later\":[\"later\"],\"risks\":[\"risk\"]}";
    RoleReport.PlanProposal p = assertInstanceOf(RoleReport.PlanProposal.class, Reports.parse("orchestrator", "```json\n" + plan + "\n```", List.of()));
    assertEquals(List.of("A", "T2"), p.tasks().stream().map(Task::id).toList());
    assertEquals(List.of("later"), p.later());
    assertInstanceOf(RoleReport.Exploration.class, Reports.parse("explorer", Json.exploration("a", "b"), List.of()));
    assertInstanceOf(RoleReport.CiDiagnosis.class, Reports.parse("ci_runner", Json.ciDiagnosis("c", "f", "x"), List.of()));
    assertInstanceOf(RoleReport.QaReview.class, Reports.parse("qa_test_author", Json.qaPass(), List.of()));
    assertInstanceOf(RoleReport.SecurityReview.class, Reports.parse("security_reviewer", Json.securityClean(), List.of()));
    assertInstanceOf(RoleReport.ReleasePlan.class, Reports.parse("release_manager", Json.release(), List.of()));
    RoleReport.Text text = assertInstanceOf(RoleReport.Text.class, Reports.parse("custom_role", "free text", List.of()));
    assertEquals("free text", text.text());
    Reports.ParseException bad = assertThrows(Reports.ParseException.class, () -> Reports.parse("orchestrator", "{\"tasks\":[{\"id\":\"bad id\",\"title\":\"x\"}]}", List.of()));
    assertTrue(bad.getMessage().startsWith("tasks[0]: task id must be letters"), bad.getMessage());
    assertThrows(Reports.ParseException.class, () -> Reports.parse("explorer", "{\"pathsAndSymbols\": 3}", List.of()));
    assertThrows(Reports.ParseException.class, () -> Reports.parse("qa_test_author", "{\"findings\":[{\"severity\":\"apocalyptic\",\"message\":\"m\"}]}", List.of()));
  }
}
