package dev.orchestra.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.internal.answer.Answers.DiagnosisAnswer;
import dev.orchestra.internal.answer.Answers.ExplorationAnswer;
import dev.orchestra.internal.answer.Answers.FindingAnswer;
import dev.orchestra.internal.answer.Answers.ImplementationAnswer;
import dev.orchestra.internal.answer.Answers.PlanAnswer;
import dev.orchestra.internal.answer.Answers.QaAnswer;
import dev.orchestra.internal.answer.Answers.ReleaseAnswer;
import dev.orchestra.internal.answer.Answers.ReviewAnswer;
import dev.orchestra.internal.answer.Answers.SecurityAnswer;
import dev.orchestra.internal.answer.Answers.TaskAnswer;
import dev.orchestra.internal.answer.Answers.Verdict;
import dev.orchestra.internal.json.Json;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The structured answer of each built-in role: the JSON Schema requested from the model, the same
 * form written out for the prompt (many servers ignore structured-output settings), and the parser
 * that turns the answer into a {@link RoleReport}. Each role's fields come from its answer record
 * in {@link dev.orchestra.internal.answer.Answers} through {@link AnswerForm}; this class adds
 * what each answer must say and how it becomes a report.
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

  /** Turns a role's checked answer into its report, enforcing what the answer must say. */
  @FunctionalInterface
  private interface ToReport<A> {
    RoleReport apply(A answer, List<String> changedFiles) throws ParseException;
  }

  /**
   * A role's answer: its form, the schema and prompt text derived from it once, and how it becomes
   * a report.
   */
  private static final class Form<A extends Record> {
    final String schema;
    final String prompt;
    private final AnswerForm<A> form;
    private final ToReport<A> toReport;

    Form(Class<A> answer, String mustSay, ToReport<A> toReport) {
      this.form = AnswerForm.of(answer);
      this.schema = form.schema().toString();
      this.prompt = "Answer with only one JSON object, no text around it, in this form:\n" + form.template() + "\n" + mustSay;
      this.toReport = toReport;
    }

    RoleReport report(JsonNode json, List<String> changedFiles) throws ParseException {
      return toReport.apply(form.read(json), changedFiles);
    }
  }

  /** Per role: its answer record, what else the answer must say (for the prompt), and its report. */
  private static final Map<String, Form<?>> FORMS =
      Map.of(
          BuiltInRoles.EXPLORER,
          new Form<>(ExplorationAnswer.class, "pathsAndSymbols must name at least one file or symbol.", (a, changed) -> exploration(a)),
          BuiltInRoles.ORCHESTRATOR,
          new Form<>(PlanAnswer.class, "tasks must hold at least one task.", (a, changed) -> plan(a)),
          BuiltInRoles.IMPLEMENTER,
          new Form<>(ImplementationAnswer.class, "result must say in one line what came of the task.", Reports::implementation),
          BuiltInRoles.CI_RUNNER,
          new Form<>(DiagnosisAnswer.class, "passed is required; when false, rootCause must say why.", (a, changed) -> diagnosis(a)),
          BuiltInRoles.REVIEWER,
          new Form<>(
              ReviewAnswer.class,
              "verdict and mustFix are required; a \"ship\" verdict that lists must-fix items counts as \"block\".",
              (a, changed) -> review(a)),
          BuiltInRoles.QA_TEST_AUTHOR,
          new Form<>(
              QaAnswer.class,
              "findings and confidence are required, and testsChanged or commandsRun must name what you checked.",
              (a, changed) -> qa(a)),
          BuiltInRoles.SECURITY_REVIEWER,
          new Form<>(SecurityAnswer.class, "findings is required (an empty list when nothing is wrong).", (a, changed) -> security(a)),
          BuiltInRoles.RELEASE_MANAGER,
          new Form<>(ReleaseAnswer.class, "userNotes and rollbackPlan must not be empty.", (a, changed) -> release(a)));

  /** The severities as a finding's answer may name them, for the error that lists them. */
  private static final String SEVERITIES =
      Arrays.stream(Severity.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

  private Reports() {}

  /** Returns the JSON Schema of a role's answer, or empty for roles with free-text answers. */
  static Optional<String> schemaFor(String role) {
    return Optional.ofNullable(FORMS.get(role)).map(f -> f.schema);
  }

  /**
   * Returns the answer form of a role for its prompt: the JSON template and what the answer must
   * say; empty for roles with free-text answers.
   */
  static Optional<String> answerFormat(String role) {
    return Optional.ofNullable(FORMS.get(role)).map(f -> f.prompt);
  }

  /**
   * Parses a role's final answer.
   *
   * @param role the role's name
   * @param text the model's answer
   * @param changedFiles files the agent's tools wrote
   */
  static RoleReport parse(String role, String text, List<String> changedFiles) throws ParseException {
    Form<?> form = FORMS.get(role);
    if (form == null) {
      return new RoleReport.Text(role, text);
    }
    return form.report(json(text), changedFiles);
  }

  private static RoleReport exploration(ExplorationAnswer a) throws ParseException {
    if (a.pathsAndSymbols().isEmpty()) {
      throw new ParseException("field 'pathsAndSymbols' is empty: name at least one file or symbol you found");
    }
    return new RoleReport.Exploration(a.pathsAndSymbols(), a.ciLocations(), a.localCommands(), a.nextProbes());
  }

  private static RoleReport plan(PlanAnswer a) throws ParseException {
    List<Task> tasks = tasks(a.tasks());
    if (tasks.isEmpty()) {
      throw new ParseException("field 'tasks' is empty: a plan needs at least one task for the goal");
    }
    return new RoleReport.PlanProposal(tasks, a.later(), a.risks());
  }

  private static RoleReport implementation(ImplementationAnswer a, List<String> changedFiles) throws ParseException {
    if (a.result().isEmpty()) {
      throw new ParseException("field 'result' is empty: say in one line what came of the task");
    }
    return new RoleReport.Implementation(a.whatChanged(), a.commandsRun(), a.result(), changedFiles);
  }

  private static RoleReport diagnosis(DiagnosisAnswer a) throws ParseException {
    if (!a.passed() && a.rootCause().isEmpty()) {
      throw new ParseException("field 'rootCause' is empty: say why the check fails");
    }
    return new RoleReport.CiDiagnosis(a.commandsRun(), a.passed(), a.rootCause(), a.smallestFix(), a.file(), a.line());
  }

  private static RoleReport review(ReviewAnswer a) throws ParseException {
    return new RoleReport.Review(
        findings(a.mustFix(), "mustFix", BuiltInRoles.REVIEWER, Severity.CRITICAL),
        a.regressionRisks(),
        a.missingTests(),
        a.verdict().equals(Verdict.SHIP.word()), // the form took only "ship" or "block"
        a.outOfScope());
  }

  private static RoleReport qa(QaAnswer a) throws ParseException {
    List<Finding> findings = findings(a.findings(), "findings", BuiltInRoles.QA_TEST_AUTHOR, Severity.MEDIUM);
    if (a.confidence().isEmpty()) {
      throw new ParseException("field 'confidence' is empty: say how sure you are that the changed behaviour works");
    }
    if (a.testsChanged().isEmpty() && a.commandsRun().isEmpty()) {
      throw new ParseException(
          "fields 'testsChanged' and 'commandsRun' are both empty: name the tests you changed or the commands you ran");
    }
    return new RoleReport.QaReview(a.testsChanged(), a.commandsRun(), a.confidence(), a.remainingRisks(), findings);
  }

  private static RoleReport security(SecurityAnswer a) throws ParseException {
    return new RoleReport.SecurityReview(
        findings(a.findings(), "findings", BuiltInRoles.SECURITY_REVIEWER, Severity.HIGH), a.fixes(), a.verificationSteps());
  }

  private static RoleReport release(ReleaseAnswer a) throws ParseException {
    if (a.userNotes().isEmpty() || a.rollbackPlan().isEmpty()) {
      throw new ParseException("fields 'userNotes' and 'rollbackPlan' must not be empty");
    }
    return new RoleReport.ReleasePlan(a.userNotes(), a.internalNotes(), a.rolloutSteps(), a.rollbackPlan(), a.preDeployChecklist());
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
      String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ParseException("the answer is not valid JSON: " + msg);
    }
  }

  /** The findings of a reviewing role, each attributed to it, with its default severity. */
  private static List<Finding> findings(List<FindingAnswer> answers, String field, String gate, Severity dflt)
      throws ParseException {
    List<Finding> out = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      FindingAnswer f = answers.get(i);
      String where = field + "[" + i + "]";
      Severity severity =
          f.severity().isEmpty()
              ? dflt
              : Severity.parse(f.severity()).orElseThrow(() -> new ParseException(where + ".severity must be one of " + SEVERITIES));
      if (f.message().isEmpty()) {
        throw new ParseException(where + ".message must not be empty");
      }
      out.add(new Finding(gate, severity, f.file(), f.line(), f.message(), f.suggestedTask()));
    }
    return out;
  }

  /**
   * The plan's tasks, all to do: a task without an id is numbered by its place, and one without a
   * role goes to the implementer.
   */
  private static List<Task> tasks(List<TaskAnswer> answers) throws ParseException {
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      TaskAnswer t = answers.get(i);
      try {
        out.add(
            new Task(
                t.id().isEmpty() ? "T" + (i + 1) : t.id(),
                t.title(),
                t.acceptance(),
                TaskStatus.TODO,
                t.dependsOn(),
                t.writeScope(),
                t.role().isEmpty() ? BuiltInRoles.IMPLEMENTER : t.role(),
                ""));
      } catch (IllegalArgumentException e) {
        throw new ParseException("tasks[" + i + "]: " + e.getMessage());
      }
    }
    return out;
  }
}
