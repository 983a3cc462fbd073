package dev.orchestra.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orchestra.agent.RoleReport;
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
import java.util.List;
import java.util.Locale;

/**
 * The answers of the built-in roles in the JSON form Orchestra asks models for, for scripting
 * a {@link ScriptedModelProvider} or a fake server without writing JSON by hand:
 *
 * <pre>{@code
 * model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(task1, task2))));
 * model.on("implementer").otherwise(Reply.text(RoleAnswers.implementation("done")));
 * model.on("reviewer").otherwise(Reply.text(RoleAnswers.ship()));
 * }</pre>
 *
 * <p>Each answer is written from the same definition the role's schema and parser come from, so
 * it has exactly the fields the role is asked for, and the methods that take a {@link RoleReport}
 * give an answer that parses back to that report.
 */
public final class RoleAnswers {
  private RoleAnswers() {}

  /**
   * Returns the orchestrator role's plan.
   *
   * @param tasks the tasks (status and notes are not part of the answer)
   * @param later out-of-scope items
   * @param risks risks
   * @return the JSON answer
   */
  public static String plan(List<Task> tasks, List<String> later, List<String> risks) {
    List<TaskAnswer> answers =
        tasks.stream()
            .map(t -> new TaskAnswer(t.id(), t.title(), t.acceptanceCriteria(), t.dependsOn(), t.writeScope(), t.role()))
            .toList();
    return write(new PlanAnswer(answers, later, risks));
  }

  /**
   * Returns the orchestrator role's plan without Later items or risks.
   *
   * @param tasks the tasks
   * @return the JSON answer
   */
  public static String plan(List<Task> tasks) {
    return plan(tasks, List.of(), List.of());
  }

  /**
   * Returns {@code n} independent tasks {@code T1..Tn}, each writing its own {@code out/Ti.txt}:
   * a plan shape benchmarks and load tests use.
   *
   * @param n how many tasks
   * @return the tasks
   */
  public static List<Task> independentTasks(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(i -> Task.builder("T" + i, "Task " + i).acceptanceCriteria("done").writeScope("out/T" + i + ".txt").build())
        .toList();
  }

  /**
   * Returns the explorer's report.
   *
   * @param exploration what the explorer found
   * @return the JSON answer
   */
  public static String exploration(RoleReport.Exploration exploration) {
    return write(
        new ExplorationAnswer(
            exploration.pathsAndSymbols(), exploration.ciLocations(), exploration.localCommands(), exploration.nextProbes()));
  }

  /**
   * Returns the implementer's report.
   *
   * @param result the outcome in one line
   * @return the JSON answer
   */
  public static String implementation(String result) {
    return write(new ImplementationAnswer(List.of(result), List.of(), result));
  }

  /**
   * Returns the CI runner's diagnosis.
   *
   * @param diagnosis the diagnosis; when it did not pass, its root cause must not be empty for
   *     the answer to be accepted
   * @return the JSON answer
   */
  public static String diagnosis(RoleReport.CiDiagnosis diagnosis) {
    return write(
        new DiagnosisAnswer(
            diagnosis.commandsRun(),
            diagnosis.passed(),
            diagnosis.rootCause(),
            diagnosis.smallestFix(),
            diagnosis.file(),
            diagnosis.line()));
  }

  /** Returns the reviewer's verdict to ship. */
  public static String ship() {
    return write(new ReviewAnswer(List.of(), List.of(), List.of(), Verdict.SHIP.word(), List.of()));
  }

  /**
   * Returns the reviewer's verdict to block, with one must-fix item of high severity.
   *
   * @param file the file, or an empty string
   * @param line the line, or 0
   * @param message what must be fixed
   * @param suggestedTask the task that fixes it
   * @return the JSON answer
   */
  public static String block(String file, int line, String message, String suggestedTask) {
    FindingAnswer mustFix = new FindingAnswer(word(Severity.HIGH), file, line, message, suggestedTask);
    return write(new ReviewAnswer(List.of(mustFix), List.of(), List.of(), Verdict.BLOCK.word(), List.of()));
  }

  /**
   * Returns the reviewer's answer in full. Of each must-fix finding the answer carries the
   * severity, file, line, message and suggested task; the parser attributes it to the reviewer.
   *
   * @param review the review; a verdict to ship with must-fix items is read as a block
   * @return the JSON answer
   */
  public static String review(RoleReport.Review review) {
    Verdict verdict = review.ship() ? Verdict.SHIP : Verdict.BLOCK;
    return write(
        new ReviewAnswer(
            findings(review.mustFix()), review.regressionRisks(), review.missingTests(), verdict.word(), review.outOfScope()));
  }

  /**
   * Returns the QA test author's report with no findings.
   *
   * @param confidence how sure it is that the changed behaviour works, not blank
   * @param commandsRun the commands it ran to check, at least one
   * @return the JSON answer
   */
  public static String qaPass(String confidence, List<String> commandsRun) {
    return write(new QaAnswer(List.of(), commandsRun, confidence, List.of(), List.of()));
  }

  /**
   * Returns the QA test author's report in full, findings included (each carried as {@link
   * #review(RoleReport.Review)} describes).
   *
   * @param review the report; its confidence must not be blank, and it must name a changed test or
   *     a command run, for the answer to be accepted
   * @return the JSON answer
   */
  public static String qa(RoleReport.QaReview review) {
    return write(
        new QaAnswer(
            review.testsChanged(), review.commandsRun(), review.confidence(), review.remainingRisks(), findings(review.findings())));
  }

  /**
   * Returns the security reviewer's report (findings carried as {@link #review(RoleReport.Review)}
   * describes).
   *
   * @param review the report; no findings means nothing is wrong
   * @return the JSON answer
   */
  public static String security(RoleReport.SecurityReview review) {
    return write(new SecurityAnswer(findings(review.findings()), review.fixes(), review.verificationSteps()));
  }

  /**
   * Returns the release manager's plan.
   *
   * @param userNotes the user-facing release notes, at least one
   * @param rollbackPlan how to roll back, at least one step
   * @return the JSON answer
   */
  public static String release(List<String> userNotes, List<String> rollbackPlan) {
    return write(new ReleaseAnswer(userNotes, List.of(), List.of(), rollbackPlan, List.of()));
  }

  /**
   * Returns the release manager's plan in full.
   *
   * @param plan the plan; its user notes and rollback plan must not be empty for the answer to be
   *     accepted
   * @return the JSON answer
   */
  public static String release(RoleReport.ReleasePlan plan) {
    return write(
        new ReleaseAnswer(plan.userNotes(), plan.internalNotes(), plan.rolloutSteps(), plan.rollbackPlan(), plan.preDeployChecklist()));
  }

  private static List<FindingAnswer> findings(List<Finding> findings) {
    return findings.stream()
        .map(f -> new FindingAnswer(word(f.severity()), f.file(), f.line(), f.message(), f.suggestedTask()))
        .toList();
  }

  private static String word(Severity severity) {
    return severity.name().toLowerCase(Locale.ROOT);
  }

  private static String write(Record answer) {
    try {
      return Json.MAPPER.writeValueAsString(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer record did not write as JSON", e);
    }
  }
}
