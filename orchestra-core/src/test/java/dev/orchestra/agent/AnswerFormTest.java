package dev.orchestra.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.gate.Severity;
import dev.orchestra.internal.answer.Answers.OneOf;
import dev.orchestra.internal.answer.Answers.Required;
import dev.orchestra.internal.answer.Answers.Verdict;
import dev.orchestra.internal.json.Json;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each role's answer form is derived from its record: the schema and prompt text stay those wave 1
 * wrote by hand, byte for byte, and the reader's messages name the field and what it must be.
 */
final class AnswerFormTest {

  /** Per role: the schema and the prompt's answer form wave 1 sent (see answer-forms.txt). */
  static Map<String, List<String>> wave1() throws IOException {
    Map<String, List<String>> forms = new LinkedHashMap<>();
    try (InputStream in = AnswerFormTest.class.getResourceAsStream("answer-forms.txt")) {
      List<String> current = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("ROLE ")) {
          current = new ArrayList<>();
          forms.put(line.substring(5), current);
        } else {
          current.add(line);
        }
      }
    }
    return forms;
  }

  static Stream<String> roles() throws IOException {
    return wave1().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("roles")
  void theSchemaAndPromptFormAreThoseWave1Sent(String role) throws IOException {
    List<String> lines = wave1().get(role);
    assertEquals(lines.get(0), Reports.schemaFor(role).orElseThrow());
    assertEquals(String.join("\n", lines.subList(1, lines.size())), Reports.answerFormat(role).orElseThrow());
  }

  @Test
  void everyRoleWithAFormIsRecordedAndOthersHaveNone() throws IOException {
    List<String> structured = BuiltInRoles.all().stream().map(Role::name).filter(n -> Reports.schemaFor(n).isPresent()).toList();
    assertEquals(List.copyOf(wave1().keySet()), structured);
    assertEquals(8, structured.size());
    assertEquals(java.util.Optional.empty(), Reports.schemaFor("custom_role"));
    assertEquals(java.util.Optional.empty(), Reports.answerFormat("custom_role"));
  }

  /** A form that uses every kind of field, to show the derivation apart from any role. */
  record Sample(
      @Required(first = true) @OneOf(Verdict.class) String word,
      String text,
      int count,
      boolean flag,
      List<String> texts,
      @Required List<ItemAnswer> items) {}

  record ItemAnswer(@OneOf(value = Severity.class, strict = false) String level, String name) {}

  @Test
  void theSchemaAndTemplateFollowTheComponentsInOrder() {
    AnswerForm<Sample> form = AnswerForm.of(Sample.class);
    assertEquals(
        "{\"type\":\"object\",\"properties\":{"
            + "\"word\":{\"type\":\"string\",\"enum\":[\"ship\",\"block\"]},"
            + "\"text\":{\"type\":\"string\"},"
            + "\"count\":{\"type\":\"integer\"},"
            + "\"flag\":{\"type\":\"boolean\"},"
            + "\"texts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
            + "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
            + "\"level\":{\"type\":\"string\",\"enum\":[\"critical\",\"high\",\"medium\",\"low\",\"info\"]},"
            + "\"name\":{\"type\":\"string\"}},"
            + "\"required\":[\"level\",\"name\"],\"additionalProperties\":false}}},"
            + "\"required\":[\"word\",\"text\",\"count\",\"flag\",\"texts\",\"items\"],\"additionalProperties\":false}",
        form.schema().toString());
    assertEquals(
        "{\"word\": \"ship|block\", \"text\": \"...\", \"count\": 0, \"flag\": true|false, \"texts\": [\"...\", ...],"
            + " \"items\": [{\"level\": \"critical|high|medium|low|info\", \"name\": \"...\"}, ...]}",
        form.template());
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("{\"text\":3}", "field 'word' is missing; the answer must have it"),
        Arguments.of("{\"word\":null,\"items\":[]}", "field 'word' is missing; the answer must have it"),
        Arguments.of("{\"word\":\"Maybe\"}", "field 'word' must be \"ship\" or \"block\", got \"maybe\""),
        // Required fields in full first, the one marked first before the others; then the rest.
        Arguments.of("{\"word\":\"ship\",\"text\":[]}", "field 'items' is missing; the answer must have it"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"text\":[]}", "field 'text' must be a string"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"count\":\"3\"}", "field 'count' must be a non-negative integer"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"count\":-1}", "field 'count' must be a non-negative integer"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"flag\":\"yes\"}", "field 'flag' must be true or false"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"texts\":\"a\"}", "field 'texts' must be an array of strings"),
        Arguments.of("{\"word\":\"ship\",\"items\":[],\"texts\":[[]]}", "field 'texts' must be an array of strings"),
        Arguments.of("{\"word\":\"ship\",\"items\":{}}", "field 'items' must be an array of items"),
        Arguments.of("{\"word\":\"ship\",\"items\":[{},2]}", "items[1] must be an object"),
        Arguments.of("{\"word\":\"ship\",\"items\":[{\"name\":{}}]}", "field 'name' must be a string"));
  }

  @ParameterizedTest
  @MethodSource("faults")
  void aFaultIsNamedWithWhatTheFieldMustBe(String answer, String message) {
    AnswerForm<Sample> form = AnswerForm.of(Sample.class);
    Reports.ParseException e = assertThrows(Reports.ParseException.class, () -> form.read(Json.MAPPER.readTree(answer)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void slipsThatCostNothingAreTakenAndTheRestIsEmpty() throws Exception {
    Sample s =
        AnswerForm.of(Sample.class)
            .read(
                Json.MAPPER.readTree(
                    "{\"word\":\" SHIP \",\"text\":12,\"count\":2.0,\"texts\":[\"  two\\n lines \",\"\",\" \",true],"
                        + "\"items\":[{\"level\":\"Blocker\"}],\"extra\":\"ignored\"}"));
    assertEquals(new Sample("ship", "12", 2, false, List.of("two lines", "true"), List.of(new ItemAnswer("Blocker", ""))), s);
    assertEquals(
        new Sample("block", "", 0, false, List.of(), List.of()),
        AnswerForm.of(Sample.class).read(Json.MAPPER.readTree("{\"word\":\"block\",\"items\":[]}")));
  }

  record Unsupported(double weight) {}

  record WordsOnANumber(@OneOf(Verdict.class) int n) {}

  @Test
  void aComponentTheFormCannotExpressFailsWhenTheFormIsMade() {
    assertThrows(IllegalArgumentException.class, () -> AnswerForm.of(Unsupported.class));
    assertThrows(IllegalArgumentException.class, () -> AnswerForm.of(WordsOnANumber.class));
  }

  /** The roles' own messages for wrong types and bad items, as wave 1 worded them. */
  static Stream<Arguments> roleFaults() {
    return Stream.of(
        Arguments.of("explorer", "{\"pathsAndSymbols\": 3}", "field 'pathsAndSymbols' must be an array of strings"),
        Arguments.of("orchestrator", "{\"tasks\": {}}", "field 'tasks' must be an array of tasks"),
        Arguments.of("orchestrator", "{\"tasks\": [3]}", "tasks[0] must be an object"),
        Arguments.of("orchestrator", "{\"tasks\":[{\"id\":\"bad id\",\"title\":\"x\"}]}",
            "tasks[0]: task id must be letters, digits, '.', '_' or '-', got 'bad id'"),
        Arguments.of("orchestrator", "{\"tasks\":[{\"title\":\"\"}]}", "tasks[0]: task T1 needs a title"),
        Arguments.of("reviewer", "{\"mustFix\": {}, \"verdict\": \"ship\"}", "field 'mustFix' must be an array of findings"),
        Arguments.of("reviewer", "{\"mustFix\": [], \"verdict\": \" Perhaps \"}", "field 'verdict' must be \"ship\" or \"block\", got \"perhaps\""),
        Arguments.of("reviewer", "{\"mustFix\": [{\"message\": \" \"}], \"verdict\": \"block\"}", "mustFix[0].message must not be empty"),
        Arguments.of("qa_test_author", "{\"findings\":[{\"severity\":\"apocalyptic\",\"message\":\"m\"}],\"confidence\":\"high\"}",
            "findings[0].severity must be one of critical, high, medium, low, info"),
        Arguments.of("ci_runner", "{\"passed\": \"no\"}", "field 'passed' must be true or false"),
        Arguments.of("ci_runner", "{\"passed\": true, \"line\": -2}", "field 'line' must be a non-negative integer"),
        Arguments.of("implementer", "{\"result\": {}}", "field 'result' must be a string"),
        Arguments.of("release_manager", "[1]", "the answer must be one JSON object"));
  }

  @ParameterizedTest
  @MethodSource("roleFaults")
  void aRolesAnswerOfTheWrongShapeGetsWave1sMessage(String role, String answer, String message) {
    Reports.ParseException e = assertThrows(Reports.ParseException.class, () -> Reports.parse(role, answer, List.of()));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aFindingsSeverityTakesSynonymsAndTheRolesDefault() throws Exception {
    RoleReport.Review r =
        assertInstanceOf(
            RoleReport.Review.class,
            Reports.parse(
                "reviewer",
                "{\"mustFix\":[{\"severity\":\"Must-Fix\",\"message\":\"a\",\"line\":2.0},{\"message\":\"b\"}],\"verdict\":\"SHIP\"}",
                List.of()));
    assertEquals(List.of(Severity.CRITICAL, Severity.CRITICAL), r.mustFix().stream().map(f -> f.severity()).toList());
    assertEquals(2, r.mustFix().get(0).line());
    assertEquals(true, r.ship());
    RoleReport.SecurityReview s =
        assertInstanceOf(
            RoleReport.SecurityReview.class, Reports.parse("security_reviewer", "{\"findings\":[{\"message\":\"m\",\"severity\":\"\"}]}", List.of()));
    assertEquals(Severity.HIGH, s.findings().get(0).severity());
  }
}
