package dev.orchestra.agent;

import dev.orchestra.internal.json.Json;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The structured answer of each built-in role: the JSON Schema requested from the model, the same
 * form written out for the prompt (many servers ignore structured-output settings), and the parser
 * that turns the answer into a {@link RoleReport}.
 *
 * <p>The parser is strict where an answer would otherwise say nothing: the fields that carry the
 * answer (a reviewer's verdict, a plan's tasks, a QA author's confidence and commands) must be
 * there and not empty, so a missing one is a malformed answer the model is asked to repair, never
 * an empty report read as a yes. Lists that may rightly be empty may also be left out, and wrong
 * types are errors that say which field.
 */
final class Reports {
  /** An answer that does not fit its role's form; the message tells the model what to fix. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  private static final Map<String, String> SCHEMAS = new LinkedHashMap<>();
  private static final Map<String, String> FORMATS = new LinkedHashMap<>();
  /** Per role: the fields an answer must have, and what else it must say, for the prompt. */
  private static final Map<String, String> MUST_SAY =
      Map.of(
          BuiltInRoles.EXPLORER, "pathsAndSymbols must name at least one file or symbol.",
          BuiltInRoles.ORCHESTRATOR, "tasks must hold at least one task.",
          BuiltInRoles.IMPLEMENTER, "result must say in one line what came of the task.",
          BuiltInRoles.CI_RUNNER, "passed is required; when false, rootCause must say why.",
          BuiltInRoles.REVIEWER,
              "verdict and mustFix are required; a \"ship\" verdict that lists must-fix items counts as \"block\".",
          BuiltInRoles.QA_TEST_AUTHOR,
              "findings and confidence are required, and testsChanged or commandsRun must name what you checked.",
          BuiltInRoles.SECURITY_REVIEWER, "findings is required (an empty list when nothing is wrong).",
          BuiltInRoles.RELEASE_MANAGER, "userNotes and rollbackPlan must not be empty.");

  static {
    ObjectNode finding =
        object(
            "severity", enumOf("critical", "high", "medium", "low", "info"),
            "file", string(),
            "line", integer(),
            "message", string(),
            "suggestedTask", string());
    ObjectNode task =
        object(
            "id", string(),
            "title", string(),
            "acceptance", strings(),
            "dependsOn", strings(),
            "writeScope", strings(),
            "role", string());
    put(BuiltInRoles.EXPLORER,
        object("pathsAndSymbols", strings(), "ciLocations", strings(), "localCommands", strings(),
            "nextProbes", strings()));
    put(BuiltInRoles.ORCHESTRATOR,
        object("tasks", arrayOf(task), "later", strings(), "risks", strings()));
    put(BuiltInRoles.IMPLEMENTER,
        object("whatChanged", strings(), "commandsRun", strings(), "result", string()));
    put(BuiltInRoles.CI_RUNNER,
        object("commandsRun", strings(), "passed", bool(), "rootCause", string(),
            "smallestFix", string(), "file", string(), "line", integer()));
    put(BuiltInRoles.REVIEWER,
        object("mustFix", arrayOf(finding), "regressionRisks", strings(), "missingTests", strings(),
            "verdict", enumOf("ship", "block"), "outOfScope", strings()));
    put(BuiltInRoles.QA_TEST_AUTHOR,
        object("testsChanged", strings(), "commandsRun", strings(), "confidence", string(),
            "remainingRisks", strings(), "findings", arrayOf(finding)));
    put(BuiltInRoles.SECURITY_REVIEWER,
        object("findings", arrayOf(finding), "fixes", strings(), "verificationSteps", strings()));
    put(BuiltInRoles.RELEASE_MANAGER,
        object("userNotes", strings(), "internalNotes", strings(), "rolloutSteps", strings(),
            "rollbackPlan", strings(), "preDeployChecklist", strings()));
  }

  private Reports() {}

  private static void put(String role, ObjectNode schema) {
    SCHEMAS.put(role, schema.toString());
    FORMATS.put(role, template(schema));
  }

  /** The schema as a one-line JSON template a model can follow without the schema setting. */
  private static String template(JsonNode schema) {
    String type = schema.path("type").asText();
    return switch (type) {
      case "object" -> {
        StringBuilder b = new StringBuilder("{");
        var fields = schema.path("properties").properties().iterator();
        while (fields.hasNext()) {
          var f = fields.next();
          b.append('"').append(f.getKey()).append("\": ").append(template(f.getValue()));
          if (fields.hasNext()) {
            b.append(", ");
          }
        }
        yield b.append('}').toString();
      }
      case "array" -> "[" + template(schema.path("items")) + ", ...]";
      case "integer" -> "0";
      case "boolean" -> "true|false";
      default -> {
        if (schema.has("enum")) {
          List<String> values = new ArrayList<>();
          schema.path("enum").forEach(v -> values.add(v.asText()));
          yield "\"" + String.join("|", values) + "\"";
        }
        yield "\"...\"";
      }
    };
  }

  /**
   * Returns the answer form of a role for its prompt: the JSON template and what the answer must
   * say; empty for roles with free-text answers.
   */
  static Optional<String> answerFormat(String role) {
    String template = FORMATS.get(role);
    if (template == null) {
      return Optional.empty();
    }
    return Optional.of(
        "Answer with only one JSON object, no text around it, in this form:\n" + template + "\n"
            + MUST_SAY.getOrDefault(role, ""));
  }

  /** An object schema in the strict form: every property required, nothing else allowed. */
  private static ObjectNode object(Object... namesAndSchemas) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", "object");
    ObjectNode props = o.putObject("properties");
    ArrayNode required = o.putArray("required");
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      props.set((String) namesAndSchemas[i], (JsonNode) namesAndSchemas[i + 1]);
      required.add((String) namesAndSchemas[i]);
    }
    o.put("additionalProperties", false);
    return o;
  }

  private static ObjectNode type(String t) {
    return Json.MAPPER.createObjectNode().put("type", t);
  }

  private static ObjectNode string() {
    return type("string");
  }

  private static ObjectNode integer() {
    return type("integer");
  }

  private static ObjectNode bool() {
    return type("boolean");
  }

  private static ObjectNode strings() {
    return arrayOf(string());
  }

  private static ObjectNode arrayOf(ObjectNode items) {
    ObjectNode a = type("array");
    a.set("items", items);
    return a;
  }

  private static ObjectNode enumOf(String... values) {
    ObjectNode e = string();
    ArrayNode arr = e.putArray("enum");
    for (String v : values) {
      arr.add(v);
    }
    return e;
  }

  /** Returns the JSON Schema of a role's answer, or empty for roles with free-text answers. */
  static Optional<String> schemaFor(String role) {
    return Optional.ofNullable(SCHEMAS.get(role));
  }

  /**
   * Parses a role's final answer.
   *
   * @param role the role's name
   * @param text the model's answer
   * @param changedFiles files the agent's tools wrote
   */
  static RoleReport parse(String role, String text, List<String> changedFiles) throws ParseException {
    if (!SCHEMAS.containsKey(role)) {
      return new RoleReport.Text(role, text);
    }
    JsonNode json = json(text);
    return switch (role) {
      case BuiltInRoles.EXPLORER -> {
        RoleReport.Exploration e =
            new RoleReport.Exploration(
                strings(required(json, "pathsAndSymbols"), "pathsAndSymbols"),
                strings(json, "ciLocations"),
                strings(json, "localCommands"),
                strings(json, "nextProbes"));
        if (e.pathsAndSymbols().isEmpty()) {
          throw new ParseException("field 'pathsAndSymbols' is empty: name at least one file or symbol you found");
        }
        yield e;
      }
      case BuiltInRoles.ORCHESTRATOR -> {
        List<Task> tasks = tasks(required(json, "tasks"));
        if (tasks.isEmpty()) {
          throw new ParseException("field 'tasks' is empty: a plan needs at least one task for the goal");
        }
        yield new RoleReport.PlanProposal(tasks, strings(json, "later"), strings(json, "risks"));
      }
      case BuiltInRoles.IMPLEMENTER -> {
        String result = text(required(json, "result"), "result");
        List<String> changed = strings(json, "whatChanged");
        if (result.isEmpty()) {
          throw new ParseException("field 'result' is empty: say in one line what came of the task");
        }
        yield new RoleReport.Implementation(changed, strings(json, "commandsRun"), result, changedFiles);
      }
      case BuiltInRoles.CI_RUNNER -> {
        boolean passed = bool(required(json, "passed"), "passed");
        String rootCause = text(json, "rootCause");
        if (!passed && rootCause.isEmpty()) {
          throw new ParseException("field 'rootCause' is empty: say why the check fails");
        }
        yield new RoleReport.CiDiagnosis(
            strings(json, "commandsRun"), passed, rootCause, text(json, "smallestFix"), text(json, "file"), integer(json, "line"));
      }
      case BuiltInRoles.REVIEWER -> {
        String verdict = text(required(json, "verdict"), "verdict").toLowerCase(Locale.ROOT);
        if (!verdict.equals("ship") && !verdict.equals("block")) {
          throw new ParseException("field 'verdict' must be \"ship\" or \"block\", got \"" + verdict + "\"");
        }
        yield new RoleReport.Review(
            findings(required(json, "mustFix"), "mustFix", BuiltInRoles.REVIEWER, Severity.CRITICAL),
            strings(json, "regressionRisks"),
            strings(json, "missingTests"),
            verdict.equals("ship"),
            strings(json, "outOfScope"));
      }
      case BuiltInRoles.QA_TEST_AUTHOR -> {
        List<Finding> findings = findings(required(json, "findings"), "findings", BuiltInRoles.QA_TEST_AUTHOR, Severity.MEDIUM);
        String confidence = text(required(json, "confidence"), "confidence");
        List<String> tests = strings(json, "testsChanged");
        List<String> commands = strings(json, "commandsRun");
        if (confidence.isEmpty()) {
          throw new ParseException("field 'confidence' is empty: say how sure you are that the changed behaviour works");
        }
        if (tests.isEmpty() && commands.isEmpty()) {
          throw new ParseException(
              "fields 'testsChanged' and 'commandsRun' are both empty: name the tests you changed or the commands you ran");
        }
        yield new RoleReport.QaReview(tests, commands, confidence, strings(json, "remainingRisks"), findings);
      }
      case BuiltInRoles.SECURITY_REVIEWER -> new RoleReport.SecurityReview(
          findings(required(json, "findings"), "findings", BuiltInRoles.SECURITY_REVIEWER, Severity.HIGH),
          strings(json, "fixes"),
          strings(json, "verificationSteps"));
      case BuiltInRoles.RELEASE_MANAGER -> {
        RoleReport.ReleasePlan p =
            new RoleReport.ReleasePlan(
                strings(required(json, "userNotes"), "userNotes"),
                strings(json, "internalNotes"),
                strings(json, "rolloutSteps"),
                strings(required(json, "rollbackPlan"), "rollbackPlan"),
                strings(json, "preDeployChecklist"));
        if (p.userNotes().isEmpty() || p.rollbackPlan().isEmpty()) {
          throw new ParseException("fields 'userNotes' and 'rollbackPlan' must not be empty");
        }
        yield p;
      }
      default -> new RoleReport.Text(role, text);
    };
  }

  /** The answer with a field it must have; a missing (or null) field is a malformed answer. */
  private static JsonNode required(JsonNode json, String field) throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      throw new ParseException("field '" + field + "' is missing; the answer must have it");
    }
    return json;
  }

  private static JsonNode json(String text) throws ParseException {
    String t = text.strip();
    // Models often wrap JSON in a Markdown fence; take what is inside.
    if (t.startsWith("```")) {
      int firstNl = t.indexOf('\n');
      int lastFence = t.lastIndexOf("```");
      if (firstNl > 0 && lastFence > firstNl) {
        t = t.substring(firstNl + 1, lastFence).strip();
      }
    }
    try {
      JsonNode node = Json.MAPPER.readTree(t);
      if (node == null || !node.isObject()) {
        throw new ParseException("the answer must be one JSON object");
      }
      return node;
    } catch (IOException e) {
      String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
          ? j.getOriginalMessage() : e.getMessage();
      throw new ParseException("the answer is not valid JSON: " + msg);
    }
  }


  private static String text(JsonNode json, String field) throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isValueNode()) {
      throw new ParseException("field '" + field + "' must be a string");
    }
    return Text.oneLine(v.asText());
  }

  private static boolean bool(JsonNode json, String field) throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new ParseException("field '" + field + "' must be true or false");
    }
    return v.booleanValue();
  }

  private static int integer(JsonNode json, String field) throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new ParseException("field '" + field + "' must be a non-negative integer");
    }
    return v.asInt();
  }

  private static List<String> strings(JsonNode json, String field) throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ParseException("field '" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isValueNode()) {
        throw new ParseException("field '" + field + "' must be an array of strings");
      }
      String s = Text.oneLine(item.asText());
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<Finding> findings(JsonNode json, String field, String gate, Severity dflt)
      throws ParseException {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ParseException("field '" + field + "' must be an array of findings");
    }
    List<Finding> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : v) {
      String where = field + "[" + i++ + "]";
      if (!item.isObject()) {
        throw new ParseException(where + " must be an object");
      }
      String sev = text(item, "severity");
      Severity severity =
          sev.isEmpty()
              ? dflt
              : Severity.parse(sev)
                  .orElseThrow(() -> new ParseException(where + ".severity must be one of critical, high, medium, low, info"));
      String message = text(item, "message");
      if (message.isEmpty()) {
        throw new ParseException(where + ".message must not be empty");
      }
      out.add(
          new Finding(
              gate, severity, text(item, "file"), integer(item, "line"), message, text(item, "suggestedTask")));
    }
    return out;
  }

  private static List<Task> tasks(JsonNode json) throws ParseException {
    JsonNode v = json.get("tasks");
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ParseException("field 'tasks' must be an array of tasks");
    }
    List<Task> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : v) {
      String where = "tasks[" + i + "]";
      i++;
      if (!item.isObject()) {
        throw new ParseException(where + " must be an object");
      }
      String id = text(item, "id");
      String role = text(item, "role");
      try {
        out.add(
            new Task(
                id.isEmpty() ? "T" + i : id,
                text(item, "title"),
                strings(item, "acceptance"),
                TaskStatus.TODO,
                strings(item, "dependsOn"),
                strings(item, "writeScope"),
                role.isEmpty() ? BuiltInRoles.IMPLEMENTER : role,
                ""));
      } catch (IllegalArgumentException e) {
        throw new ParseException(where + ": " + e.getMessage());
      }
    }
    return out;
  }
}
