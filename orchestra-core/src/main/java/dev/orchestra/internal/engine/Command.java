package dev.orchestra.internal.engine;

import dev.orchestra.StopReason;
import dev.orchestra.gate.Finding;
import dev.orchestra.plan.Task;
import java.util.List;
import java.util.Objects;

/**
 * What the engine is to carry out for the {@link RunMachine}: the machine decides, the engine acts
 * (runs agents and gates, reads plan.md, finishes) and reports back with events.
 */
public sealed interface Command {

  /** The kinds of command, for exhaustive switches. */
  enum Kind {
    /** {@link RunTask}. */
    RUN_TASK,
    /** {@link AskPlanner}. */
    ASK_PLANNER,
    /** {@link AskReplan}. */
    ASK_REPLAN,
    /** {@link AskRelease}. */
    ASK_RELEASE,
    /** {@link CheckPlan}. */
    CHECK_PLAN,
    /** {@link RunGates}. */
    RUN_GATES,
    /** {@link Integrate}. */
    INTEGRATE,
    /** {@link IntegrateAll}. */
    INTEGRATE_ALL,
    /** {@link Finish}. */
    FINISH,
    /** {@link AwaitRetry}. */
    AWAIT_RETRY
  }

  /** Returns the kind of command. */
  Kind kind();

  /**
   * Run an agent on a task (an explorer's probe in round 0, or a plan task), then report a
   * {@code TaskFinished}.
   *
   * @param task the task, as it is when it starts
   * @param round the round, 0 for exploring
   * @param attempts for a finding's task, what earlier attempts tried and what the gate said after,
   *     one line each; empty otherwise
   * @param conflicts for a task whose earlier work conflicted with integrated work (see {@link
   *     Integrate}), each conflict as git showed it; for a task that resolves another's conflict,
   *     that conflict; empty otherwise
   * @param resolves for a task that resolves another's conflict, the branch whose work it merges
   *     into the integrated work (its worktree starts with that merge under way); empty otherwise
   * @param retriesTaken how many times in this run (since its last start or resume) the task went
   *     back to the queue after its agent's own failure: the run's retry rule counts from there, on
   *     whichever worker the task runs
   * @param resolvesTip for a task that resolves another's conflict, the commit that task reported
   *     for {@code resolves}: a clone that fetches the branch from a remote merges only that commit
   *     (another attempt may have pushed over it); empty otherwise, and when not known
   */
  record RunTask(Task task, int round, List<String> attempts, List<String> conflicts, String resolves, int retriesTaken, String resolvesTip)
      implements Command {
    /** Validates and copies the components; a missing tip (a command written before it existed) is empty. */
    public RunTask {
      Objects.requireNonNull(task, "task");
      attempts = List.copyOf(attempts);
      conflicts = List.copyOf(conflicts);
      Objects.requireNonNull(resolves, "resolves");
      resolvesTip = resolvesTip == null ? "" : resolvesTip;
      if (retriesTaken < 0) {
        throw new IllegalArgumentException("retriesTaken must not be negative, got " + retriesTaken);
      }
    }

    /** A task whose conflict's commit is not known (see {@link #resolvesTip}). */
    public RunTask(Task task, int round, List<String> attempts, List<String> conflicts, String resolves, int retriesTaken) {
      this(task, round, attempts, conflicts, resolves, retriesTaken, "");
    }

    /** A task that has not gone back to the queue after a failure of its own. */
    public RunTask(Task task, int round, List<String> attempts, List<String> conflicts, String resolves) {
      this(task, round, attempts, conflicts, resolves, 0);
    }

    /** A task without conflicts behind it. */
    public RunTask(Task task, int round, List<String> attempts) {
      this(task, round, attempts, List.of(), "");
    }

    @Override
    public Kind kind() {
      return Kind.RUN_TASK;
    }
  }

  /**
   * Ask the orchestrator role for the plan, then report {@code TaskFinished} for the task and, when
   * it planned, a {@code PlanUpdated} with reason {@code "planned"} and every task; when it did not,
   * a {@code StopRequested}.
   *
   * @param task the planning task
   */
  record AskPlanner(Task task) implements Command {
    /** Validates the component. */
    public AskPlanner {
      Objects.requireNonNull(task, "task");
    }

    @Override
    public Kind kind() {
      return Kind.ASK_PLANNER;
    }
  }

  /**
   * Ask the orchestrator role for a new plan for a finding at its attempt limit, then report
   * {@code TaskFinished} for the task and, when it gave a usable plan, a {@code PlanUpdated} with
   * reason {@code "re-planned: <old task>"} holding the new tasks (see {@link
   * FindingTasks#adopt}) and the old task superseded.
   *
   * @param task the re-planning task
   * @param finding the finding as last reported
   * @param oldTask the finding's task that ran out of attempts
   * @param attempts what each attempt tried, one line each
   * @param brief the brief for the orchestrator role
   */
  record AskReplan(Task task, Finding finding, Task oldTask, List<String> attempts, String brief) implements Command {
    /** Validates and copies the components. */
    public AskReplan {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(finding, "finding");
      Objects.requireNonNull(oldTask, "oldTask");
      attempts = List.copyOf(attempts);
      Objects.requireNonNull(brief, "brief");
    }

    @Override
    public Kind kind() {
      return Kind.ASK_REPLAN;
    }
  }

  /**
   * Ask the release manager for the release of a green run, then report {@code TaskFinished}.
   *
   * @param task the release task
   */
  record AskRelease(Task task) implements Command {
    /** Validates the component. */
    public AskRelease {
      Objects.requireNonNull(task, "task");
    }

    @Override
    public Kind kind() {
      return Kind.ASK_RELEASE;
    }
  }

  /**
   * Read plan.md for a person's edit: report an edit found as a {@code PlanUpdated} ({@code "edited
   * by hand"}, the whole plan merged), then a {@code PlanChecked} in any case.
   *
   * @param round the round
   * @param beforeBatch whether a batch starts next (the engine marks the round's start there)
   */
  record CheckPlan(int round, boolean beforeBatch) implements Command {
    @Override
    public Kind kind() {
      return Kind.CHECK_PLAN;
    }
  }

  /**
   * Run the gates on a round, one after another, reporting for each a {@code GateSkipped} or a
   * {@code GateStarted} then {@code GateFinished}; first, note in Risks a sensitive change that no
   * security gate reviews. Issued with no gate too, for that note; the machine then does not wait.
   *
   * @param round the round
   * @param taskIds the tasks the round finished, in order
   * @param changedFiles the files the round changed, its gates' roles' earlier changes included
   */
  record RunGates(int round, List<String> taskIds, List<String> changedFiles) implements Command {
    /** Copies the components. */
    public RunGates {
      taskIds = List.copyOf(taskIds);
      changedFiles = List.copyOf(changedFiles);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_GATES;
    }
  }

  /**
   * Merge a finished task's committed branch into the run's integration branch, then report {@code
   * TaskIntegrated}, or {@code IntegrationConflicted} with the merge aborted. Issued one at a time,
   * in plan order among the tasks waiting, where the spec merges one at a time ({@link
   * RunSpec#mergesAtOnce}; otherwise {@link IntegrateAll}); a branch already merged (before a crash)
   * is reported integrated without a second merge.
   *
   * @param taskId the task
   * @param branch its branch
   * @param commit the commit the task reported on its branch ({@code TaskCommitted}): what is to be
   *     merged; empty when not known (a command written before commits were carried)
   * @param round the round
   */
  record Integrate(String taskId, String branch, String commit, int round) implements Command {
    /** Validates the components. */
    public Integrate {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(branch, "branch");
      commit = commit == null ? "" : commit;
    }

    @Override
    public Kind kind() {
      return Kind.INTEGRATE;
    }
  }

  /**
   * Integrate several finished tasks' branches, in the order given, each as {@link Integrate}
   * says; then report, in the same order, one {@code TaskIntegrated} or {@code
   * IntegrationConflicted} for each. Issued instead of {@link Integrate} when the spec merges more
   * than one at a time ({@link RunSpec#mergesAtOnce}), with the tasks waiting then, in plan order,
   * and never while another is under way. Where git cannot merge one at all, or cannot push the
   * merges (through a remote), the first such merge is reported as an {@code IntegrationConflicted}
   * naming no files, and the ones after it are not reported: they wait for a resume, as that one does.
   *
   * @param merges the tasks' merges, at least one
   */
  record IntegrateAll(List<Integrate> merges) implements Command {
    /** Validates and copies the merges. */
    public IntegrateAll {
      merges = List.copyOf(merges);
      if (merges.isEmpty()) {
        throw new IllegalArgumentException("an IntegrateAll merges at least one task's branch");
      }
    }

    @Override
    public Kind kind() {
      return Kind.INTEGRATE_ALL;
    }
  }

  /**
   * End the run: write the summary and plan.md, then report {@code RunFinished}.
   *
   * @param reason why it stops
   * @param message one line for people
   */
  record Finish(StopReason reason, String message) implements Command {
    /** Validates the components. */
    public Finish {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public Kind kind() {
      return Kind.FINISH;
    }
  }

  /**
   * A task went back to the queue to wait out its retry's wait: report a {@code RetryDue} for it
   * once {@code until} has passed (or as soon as possible after). The wait takes no slot of the
   * budget; a run that stops meanwhile need not wait for it.
   *
   * @param taskId the task held back
   * @param until when its wait ends
   */
  record AwaitRetry(String taskId, java.time.Instant until) implements Command {
    /** Validates the components. */
    public AwaitRetry {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(until, "until");
    }

    @Override
    public Kind kind() {
      return Kind.AWAIT_RETRY;
    }
  }
}
