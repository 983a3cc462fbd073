package dev.orchestra.internal.answer;

import dev.orchestra.gate.Severity;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The JSON answer of each built-in role, one record per answer: the single place its fields are
 * named. The schema sent to the model, the prompt's answer template, the parser and {@link
 * dev.orchestra.testing.RoleAnswers} all follow these records, so renaming a field here renames it
 * everywhere.
 *
 * <p>A component's Java type gives its JSON type: {@code String} a string, {@code int} an integer,
 * {@code boolean} a boolean, {@code List<String>} an array of strings, and a list of another
 * record here an array of objects of that form. {@link Required} marks what the answer must have
 * (the schema asks for every field, as strict structured output wants, but a model that ignores it
 * may leave out the others), and {@link OneOf} gives the words a string may take. Records whose
 * name ends in {@code Answer} and that appear only in lists are items: an array of {@code
 * FindingAnswer} is "an array of findings" in error messages.
 *
 * <p>The records carry what the model wrote, checked only for shape; what an answer must say, and
 * the conversion into a {@code RoleReport}, is the parser's business.
 */
public final class Answers {
  private Answers() {}

  /**
   * Marks a field the answer must have: leaving it out, or sending null, is a malformed answer.
   * Required fields are checked before the others, in order, so a model that sends several faults
   * hears first about what its answer is for.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Required {
    /**
     * Returns whether this field is checked before the answer's other required fields: it is what
     * the answer is about, like a review's verdict.
     *
     * @return true to check it first
     */
    boolean first() default false;
  }

  /** The words a string field may take: the constant names of an enum, in lower case. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface OneOf {
    /**
     * Returns the enum whose constants, in lower case and in order, are the allowed words.
     *
     * @return the enum
     */
    Class<? extends Enum<?>> value();

    /**
     * Returns whether another word is a malformed answer (matched ignoring case). False where the
     * role reads the field itself: a finding's severity has synonyms and a default per role.
     *
     * @return true to reject words outside the list
     */
    boolean strict() default true;
  }

  /** A reviewer's verdict. */
  public enum Verdict {
    /** The change may ship. */
    SHIP,
    /** The change must not ship yet. */
    BLOCK;

    /**
     * Returns the verdict as the answer spells it.
     *
     * @return the constant's name in lower case
     */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The explorer's answer.
   *
   * @param pathsAndSymbols files and key symbols that matter
   * @param ciLocations where CI is defined
   * @param localCommands local commands that mirror CI
   * @param nextProbes what to look at next
   */
  public record ExplorationAnswer(
      @Required List<String> pathsAndSymbols,
      List<String> ciLocations,
      List<String> localCommands,
      List<String> nextProbes) {
    /** Copies the lists. */
    public ExplorationAnswer {
      pathsAndSymbols = List.copyOf(pathsAndSymbols);
      ciLocations = List.copyOf(ciLocations);
      localCommands = List.copyOf(localCommands);
      nextProbes = List.copyOf(nextProbes);
    }
  }

  /**
   * One task of a plan as the orchestrator role writes it.
   *
   * @param id the task's id, or empty to have one given
   * @param title what to do
   * @param acceptance checks that tell whether it is done
   * @param dependsOn ids of the tasks it waits for
   * @param writeScope paths or globs it may write
   * @param role the role that carries it out, or empty for the implementer
   */
  public record TaskAnswer(
      String id,
      String title,
      List<String> acceptance,
      List<String> dependsOn,
      List<String> writeScope,
      String role) {
    /** Validates and copies the components. */
    public TaskAnswer {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(title, "title");
      acceptance = List.copyOf(acceptance);
      dependsOn = List.copyOf(dependsOn);
      writeScope = List.copyOf(writeScope);
      Objects.requireNonNull(role, "role");
    }
  }

  /**
   * The orchestrator role's plan.
   *
   * @param tasks the tasks, in order
   * @param later out-of-scope items
   * @param risks risks seen
   */
  public record PlanAnswer(@Required List<TaskAnswer> tasks, List<String> later, List<String> risks) {
    /** Copies the lists. */
    public PlanAnswer {
      tasks = List.copyOf(tasks);
      later = List.copyOf(later);
      risks = List.copyOf(risks);
    }
  }

  /**
   * The implementer's answer.
   *
   * @param whatChanged what the change does
   * @param commandsRun commands the agent ran
   * @param result the outcome in one line
   */
  public record ImplementationAnswer(
      List<String> whatChanged, List<String> commandsRun, @Required String result) {
    /** Validates and copies the components. */
    public ImplementationAnswer {
      whatChanged = List.copyOf(whatChanged);
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * The CI runner's diagnosis.
   *
   * @param commandsRun the commands that ran
   * @param passed whether they passed
   * @param rootCause the most likely root cause
   * @param smallestFix the smallest next fix
   * @param file the file the cause is in, or empty
   * @param line the line in that file, or 0
   */
  public record DiagnosisAnswer(
      List<String> commandsRun,
      @Required boolean passed,
      String rootCause,
      String smallestFix,
      String file,
      int line) {
    /** Validates and copies the components. */
    public DiagnosisAnswer {
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(rootCause, "rootCause");
      Objects.requireNonNull(smallestFix, "smallestFix");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * One problem a reviewing role found.
   *
   * @param severity how serious it is, or empty for the role's default
   * @param file the file it concerns, or empty
   * @param line the line in that file, or 0
   * @param message what is wrong
   * @param suggestedTask the task that would fix it, or empty
   */
  public record FindingAnswer(
      @OneOf(value = Severity.class, strict = false) String severity,
      String file,
      int line,
      String message,
      String suggestedTask) {
    /** Validates the components. */
    public FindingAnswer {
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(suggestedTask, "suggestedTask");
    }
  }

  /**
   * The reviewer's answer.
   *
   * @param mustFix problems that block shipping
   * @param regressionRisks regressions and edge cases to watch
   * @param missingTests tests that are missing or weak
   * @param verdict {@code ship} or {@code block}
   * @param outOfScope suggestions beyond the goal
   */
  public record ReviewAnswer(
      @Required List<FindingAnswer> mustFix,
      List<String> regressionRisks,
      List<String> missingTests,
      @Required(first = true) @OneOf(Verdict.class) String verdict,
      List<String> outOfScope) {
    /** Validates and copies the components. */
    public ReviewAnswer {
      mustFix = List.copyOf(mustFix);
      regressionRisks = List.copyOf(regressionRisks);
      missingTests = List.copyOf(missingTests);
      Objects.requireNonNull(verdict, "verdict");
      outOfScope = List.copyOf(outOfScope);
    }
  }

  /**
   * The QA test author's answer.
   *
   * @param testsChanged tests added or strengthened
   * @param commandsRun commands run, with the output expected
   * @param confidence how sure the author is, in a few words
   * @param remainingRisks what is still untested
   * @param findings behaviour that is wrong or untested
   */
  public record QaAnswer(
      List<String> testsChanged,
      List<String> commandsRun,
      @Required String confidence,
      List<String> remainingRisks,
      @Required(first = true) List<FindingAnswer> findings) {
    /** Validates and copies the components. */
    public QaAnswer {
      testsChanged = List.copyOf(testsChanged);
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(confidence, "confidence");
      remainingRisks = List.copyOf(remainingRisks);
      findings = List.copyOf(findings);
    }
  }

  /**
   * The security reviewer's answer.
   *
   * @param findings problems with severity and evidence
   * @param fixes the fixes proposed
   * @param verificationSteps how to verify them
   */
  public record SecurityAnswer(
      @Required List<FindingAnswer> findings, List<String> fixes, List<String> verificationSteps) {
    /** Copies the lists. */
    public SecurityAnswer {
      findings = List.copyOf(findings);
      fixes = List.copyOf(fixes);
      verificationSteps = List.copyOf(verificationSteps);
    }
  }

  /**
   * The release manager's answer.
   *
   * @param userNotes release notes for users
   * @param internalNotes release notes for the team
   * @param rolloutSteps how to roll the change out
   * @param rollbackPlan how to roll it back
   * @param preDeployChecklist what to check before deploying
   */
  public record ReleaseAnswer(
      @Required List<String> userNotes,
      List<String> internalNotes,
      List<String> rolloutSteps,
      @Required List<String> rollbackPlan,
      List<String> preDeployChecklist) {
    /** Copies the lists. */
    public ReleaseAnswer {
      userNotes = List.copyOf(userNotes);
      internalNotes = List.copyOf(internalNotes);
      rolloutSteps = List.copyOf(rolloutSteps);
      rollbackPlan = List.copyOf(rollbackPlan);
      preDeployChecklist = List.copyOf(preDeployChecklist);
    }
  }
}
