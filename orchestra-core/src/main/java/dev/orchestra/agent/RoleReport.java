package dev.orchestra.agent;

import dev.orchestra.gate.Finding;
import dev.orchestra.plan.Task;
import java.util.List;
import java.util.Objects;

/**
 * What an agent reports when it finishes: one record per built-in role, shaped by the role's
 * output sections, and {@link Text} for roles Orchestra does not know.
 */
public sealed interface RoleReport {

  /** The kinds of report, for exhaustive switches. */
  enum Kind {
    /** {@link Exploration}. */
    EXPLORATION,
    /** {@link PlanProposal}. */
    PLAN_PROPOSAL,
    /** {@link Implementation}. */
    IMPLEMENTATION,
    /** {@link CiDiagnosis}. */
    CI_DIAGNOSIS,
    /** {@link Review}. */
    REVIEW,
    /** {@link QaReview}. */
    QA_REVIEW,
    /** {@link SecurityReview}. */
    SECURITY_REVIEW,
    /** {@link ReleasePlan}. */
    RELEASE_PLAN,
    /** {@link Text}. */
    TEXT,
    /** {@link Refusal}. */
    REFUSAL
  }

  /** Returns the kind of report. */
  Kind kind();

  /**
   * The explorer's report.
   *
   * @param pathsAndSymbols files and key symbols that matter
   * @param ciLocations where CI is defined
   * @param localCommands local commands that mirror CI
   * @param nextProbes what to look at next
   */
  record Exploration(
      List<String> pathsAndSymbols,
      List<String> ciLocations,
      List<String> localCommands,
      List<String> nextProbes)
      implements RoleReport {
    /** Copies the lists. */
    public Exploration {
      pathsAndSymbols = List.copyOf(pathsAndSymbols);
      ciLocations = List.copyOf(ciLocations);
      localCommands = List.copyOf(localCommands);
      nextProbes = List.copyOf(nextProbes);
    }

    @Override
    public Kind kind() {
      return Kind.EXPLORATION;
    }
  }

  /**
   * The orchestrator role's plan.
   *
   * @param tasks the tasks, in order
   * @param later out-of-scope items
   * @param risks risks seen
   */
  record PlanProposal(List<Task> tasks, List<String> later, List<String> risks)
      implements RoleReport {
    /** Copies the lists. */
    public PlanProposal {
      tasks = List.copyOf(tasks);
      later = List.copyOf(later);
      risks = List.copyOf(risks);
    }

    @Override
    public Kind kind() {
      return Kind.PLAN_PROPOSAL;
    }
  }

  /**
   * The implementer's report.
   *
   * @param whatChanged what the change does
   * @param commandsRun commands the agent ran
   * @param result the outcome in one line
   * @param changedFiles the files the agent's tools wrote (recorded by the workspace, not claimed
   *     by the model)
   */
  record Implementation(
      List<String> whatChanged, List<String> commandsRun, String result, List<String> changedFiles)
      implements RoleReport {
    /** Copies the lists. */
    public Implementation {
      whatChanged = List.copyOf(whatChanged);
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(result, "result");
      changedFiles = List.copyOf(changedFiles);
    }

    @Override
    public Kind kind() {
      return Kind.IMPLEMENTATION;
    }
  }

  /**
   * The CI runner's diagnosis of a failed check.
   *
   * @param commandsRun the commands that ran
   * @param passed whether they passed
   * @param rootCause the most likely root cause
   * @param smallestFix the smallest next fix
   * @param file the file the cause is in, or an empty string
   * @param line the line in that file, or 0
   */
  record CiDiagnosis(
      List<String> commandsRun,
      boolean passed,
      String rootCause,
      String smallestFix,
      String file,
      int line)
      implements RoleReport {
    /** Validates and copies the components. */
    public CiDiagnosis {
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(rootCause, "rootCause");
      Objects.requireNonNull(smallestFix, "smallestFix");
      Objects.requireNonNull(file, "file");
    }

    @Override
    public Kind kind() {
      return Kind.CI_DIAGNOSIS;
    }
  }

  /**
   * The reviewer's verdict.
   *
   * @param mustFix problems that block shipping, each at file:line
   * @param regressionRisks regressions and edge cases to watch
   * @param missingTests tests that are missing or weak
   * @param ship true to ship, false to block
   * @param outOfScope suggestions beyond the goal, which go to the plan's Later list
   */
  record Review(
      List<Finding> mustFix,
      List<String> regressionRisks,
      List<String> missingTests,
      boolean ship,
      List<String> outOfScope)
      implements RoleReport {
    /** Copies the lists. */
    public Review {
      mustFix = List.copyOf(mustFix);
      regressionRisks = List.copyOf(regressionRisks);
      missingTests = List.copyOf(missingTests);
      outOfScope = List.copyOf(outOfScope);
    }

    @Override
    public Kind kind() {
      return Kind.REVIEW;
    }
  }

  /**
   * The QA test author's report.
   *
   * @param testsChanged tests added or strengthened
   * @param commandsRun commands run, with the output expected
   * @param confidence how confident the author is, in a few words
   * @param remainingRisks what is still untested
   * @param findings behaviour that is wrong or untested and must be fixed
   */
  record QaReview(
      List<String> testsChanged,
      List<String> commandsRun,
      String confidence,
      List<String> remainingRisks,
      List<Finding> findings)
      implements RoleReport {
    /** Validates and copies the components. */
    public QaReview {
      testsChanged = List.copyOf(testsChanged);
      commandsRun = List.copyOf(commandsRun);
      Objects.requireNonNull(confidence, "confidence");
      remainingRisks = List.copyOf(remainingRisks);
      findings = List.copyOf(findings);
    }

    @Override
    public Kind kind() {
      return Kind.QA_REVIEW;
    }
  }

  /**
   * The security reviewer's report.
   *
   * @param findings problems with severity and evidence
   * @param fixes the fixes proposed
   * @param verificationSteps how to verify them
   */
  record SecurityReview(List<Finding> findings, List<String> fixes, List<String> verificationSteps)
      implements RoleReport {
    /** Copies the lists. */
    public SecurityReview {
      findings = List.copyOf(findings);
      fixes = List.copyOf(fixes);
      verificationSteps = List.copyOf(verificationSteps);
    }

    @Override
    public Kind kind() {
      return Kind.SECURITY_REVIEW;
    }
  }

  /**
   * The release manager's plan.
   *
   * @param userNotes release notes for users
   * @param internalNotes release notes for the team
   * @param rolloutSteps how to roll the change out
   * @param rollbackPlan how to roll it back
   * @param preDeployChecklist migrations, environment variables, flags and monitoring to check
   */
  record ReleasePlan(
      List<String> userNotes,
      List<String> internalNotes,
      List<String> rolloutSteps,
      List<String> rollbackPlan,
      List<String> preDeployChecklist)
      implements RoleReport {
    /** Copies the lists. */
    public ReleasePlan {
      userNotes = List.copyOf(userNotes);
      internalNotes = List.copyOf(internalNotes);
      rolloutSteps = List.copyOf(rolloutSteps);
      rollbackPlan = List.copyOf(rollbackPlan);
      preDeployChecklist = List.copyOf(preDeployChecklist);
    }

    @Override
    public Kind kind() {
      return Kind.RELEASE_PLAN;
    }
  }

  /**
   * The free-text answer of a role Orchestra has no structured form for.
   *
   * @param role the role's name
   * @param text the answer
   */
  record Text(String role, String text) implements RoleReport {
    /** Validates the components. */
    public Text {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public Kind kind() {
      return Kind.TEXT;
    }
  }

  /**
   * The model declined the task: its own words, kept as they are. A refusal is never read as an
   * empty answer: a refused task fails with it, and a gate whose role refused reports it as a
   * finding.
   *
   * @param role the role's name
   * @param refusal what the model said, not blank
   */
  record Refusal(String role, String refusal) implements RoleReport {
    /** Validates the components. */
    public Refusal {
      Objects.requireNonNull(role, "role");
      if (refusal.isBlank()) {
        throw new IllegalArgumentException("a refusal needs its text");
      }
    }

    @Override
    public Kind kind() {
      return Kind.REFUSAL;
    }
  }
}
