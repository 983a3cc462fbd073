package dev.orchestra.agent;

import dev.orchestra.plan.Task;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, section 3: a role that says nothing has not said yes. Every role's answer form is in
 * its prompt as well as in the structured-output setting; an answer without the fields that carry
 * it is malformed (one repair, then {@link AgentException.Reason#MALFORMED_ANSWER}); a refusal is a
 * {@link RoleReport.Refusal}, not an empty answer.
 */
final class RoleAnswerFormTest {
  @TempDir Path ws;
  final ScriptedModelProvider model = new ScriptedModelProvider();
  private final Task task = Task.builder("T1", "Do the thing").build();

  private AgentContext context(Role role) {
    return new TestAgentContext(ws, role, List.of(), "Goal: check the answer forms", 5, model);
  }

  private RoleReport run(String role) {
    Role r = BuiltInRoles.get(role);
    return Agent.toolLoop().run(r, task, context(r));
  }

  static Stream<String> structuredRoles() {
    return BuiltInRoles.all().stream().map(Role::name).filter(n -> Reports.schemaFor(n).isPresent());
  }

  @ParameterizedTest
  @MethodSource("structuredRoles")
  void everyRolesAnswerFormIsInItsPromptWithEveryFieldOfItsSchema(String role) throws Exception {
    model.on(role).reply(Reply.text("not json"), Reply.text("still not json"));
    assertThrows(AgentException.class, () -> run(role));
    String prompt = model.requests().get(0).lastUserText();
    assertTrue(prompt.contains("Answer with only one JSON object, no text around it, in this form:"), prompt);
    JsonNode schema = new ObjectMapper().readTree(model.requests().get(0).responseSchema().orElseThrow());
    schema.path("properties").fieldNames().forEachRemaining(f -> assertTrue(prompt.contains("\"" + f + "\": "), role + " prompt lacks " + f + ": " + prompt));
    // The repair request repeats the form.
    assertTrue(model.requests().get(1).lastUserText().contains("in this form:"), model.requests().get(1).lastUserText());
  }

  static Stream<Arguments> answersThatSayNothing() {
    return Stream.of(
        Arguments.of("orchestrator", "{\"tasks\":[],\"later\":[],\"risks\":[]}", "field 'tasks' is empty: a plan needs at least one task"),
        Arguments.of("orchestrator", "{\"later\":[]}", "field 'tasks' is missing"),
        Arguments.of("reviewer", "{\"mustFix\":[]}", "field 'verdict' is missing"),
        Arguments.of("reviewer", "{\"verdict\":\"ship\"}", "field 'mustFix' is missing"),
        Arguments.of("qa_test_author", "{}", "field 'findings' is missing"),
        Arguments.of("qa_test_author", "{\"findings\":[],\"confidence\":\"\"}", "field 'confidence' is empty"),
        Arguments.of("qa_test_author", "{\"findings\":[],\"confidence\":\"high\",\"testsChanged\":[],\"commandsRun\":[]}",
            "fields 'testsChanged' and 'commandsRun' are both empty"),
        Arguments.of("security_reviewer", "{\"fixes\":[]}", "field 'findings' is missing"),
        Arguments.of("implementer", "{\"whatChanged\":[],\"commandsRun\":[]}", "field 'result' is missing"),
        Arguments.of("explorer", "{\"pathsAndSymbols\":[]}", "field 'pathsAndSymbols' is empty"),
        Arguments.of("ci_runner", "{\"commandsRun\":[]}", "field 'passed' is missing"),
        Arguments.of("ci_runner", "{\"passed\":false,\"rootCause\":\"\"}", "field 'rootCause' is empty"),
        Arguments.of("release_manager", "{\"userNotes\":[],\"rollbackPlan\":[]}", "fields 'userNotes' and 'rollbackPlan' must not be empty"));
  }

  @ParameterizedTest
  @MethodSource("answersThatSayNothing")
  void anAnswerWithoutWhatCarriesItIsMalformedRepairedOnceThenATypedFailure(String role, String answer, String why) {
    model.on(role).reply(Reply.text(answer), Reply.text(answer));
    AgentException e = assertThrows(AgentException.class, () -> run(role));
    assertEquals(AgentException.Reason.MALFORMED_ANSWER, e.reason());
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertEquals(2, model.requests().size(), "one repair request");
    assertTrue(model.requests().get(1).lastUserText().startsWith("Your answer could not be read: " + why), model.requests().get(1).lastUserText());
  }

  @Test
  void aRepairedAnswerIsTaken() {
    model.on("reviewer").reply(Reply.text("{\"mustFix\":[]}"), Reply.text("{\"mustFix\":[],\"verdict\":\"ship\"}"));
    assertTrue(assertInstanceOf(RoleReport.Review.class, run("reviewer")).ship());
  }

  @Test
  void aRefusalIsARefusalNotAnEmptyAnswer() {
    model.on("reviewer").reply(Reply.refusal("I can't help with reviewing this."));
    RoleReport.Refusal r = assertInstanceOf(RoleReport.Refusal.class, run("reviewer"));
    assertEquals("I can't help with reviewing this.", r.refusal());
    assertEquals(1, model.requests().size(), "a refusal is not repaired");
  }

  @Test
  void anUnreadableAnswerOnTheLastTurnStillGetsItsRepair() {
    model.on("reviewer").reply(Reply.text("looks fine"), Reply.text("{\"mustFix\":[],\"verdict\":\"ship\"}"));
    Role r = BuiltInRoles.get("reviewer");
    RoleReport report = Agent.toolLoop().run(r, task, new TestAgentContext(ws, r, List.of(), "Goal: one turn", 1, model));
    assertTrue(assertInstanceOf(RoleReport.Review.class, report).ship());
  }
}
