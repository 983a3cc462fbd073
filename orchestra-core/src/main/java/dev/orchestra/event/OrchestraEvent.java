package dev.orchestra.event;

import dev.orchestra.gate.Finding;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.StopReason;
import dev.orchestra.gate.Verdict;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened in a run. Every step of the loop emits one, in order, to the
 * orchestrator's listeners and to the journal ({@code .orchestra/journal.jsonl}, one JSON object a
 * line with {@code "v"} = {@link #SCHEMA_VERSION} and {@code "type"} = {@link Kind#wireName()}).
 *
 * <p>Events never contain an API key or other secret. All events are immutable records.
 */
public sealed interface OrchestraEvent {

  /**
   * The journal schema version written in every line.
   *
   * <p>Version 1 is the form of wave 1 (commit 547aaac). Version 2 adds the plan's change to
   * {@link PlanUpdated} ({@code goal}, {@code tasks}, {@code removedTaskIds}, {@code later}, {@code
   * risks}, {@code whole}) and the Later and Risks notes to {@link GateFinished} ({@code later},
   * {@code risks}), and the kinds {@link RetryScheduled}, {@link StopRequested} and {@link
   * PlanChecked}. A version-1 line still reads: the fields it lacks are empty (empty lists and
   * text, {@code whole} false), so its {@code plan_updated} names the change without carrying it.
   * Version 3 adds the kinds of a run whose tasks work in git worktrees: {@link WorktreeCreated},
   * {@link TaskCommitted}, {@link TaskIntegrated} and {@link IntegrationConflicted}.
   * Version 4 adds the kinds an agent running another program reports: {@link AgentThreadStarted}
   * and {@link AgentMessage}.
   * Version 5 adds {@link RetryDue}, the end of a task's wait in the queue.
   * A line of a later version than this is refused.
   */
  int SCHEMA_VERSION = 5;

  /** The kinds of event, for exhaustive switches and the journal's {@code type} field. */
  enum Kind {
    /** {@link RunStarted}. */
    RUN_STARTED,
    /** {@link PlanUpdated}. */
    PLAN_UPDATED,
    /** {@link TaskStarted}. */
    TASK_STARTED,
    /** {@link TaskFinished}. */
    TASK_FINISHED,
    /** {@link ToolCalled}. */
    TOOL_CALLED,
    /** {@link ApprovalDecided}. */
    APPROVAL_DECIDED,
    /** {@link GateStarted}. */
    GATE_STARTED,
    /** {@link GateFinished}. */
    GATE_FINISHED,
    /** {@link GateSkipped}. */
    GATE_SKIPPED,
    /** {@link BudgetChanged}. */
    BUDGET_CHANGED,
    /** {@link ModelCallFinished}. */
    MODEL_CALL_FINISHED,
    /** {@link RetryScheduled}. */
    RETRY_SCHEDULED,
    /** {@link RunFinished}. */
    RUN_FINISHED,
    /** {@link StopRequested}. */
    STOP_REQUESTED,
    /** {@link PlanChecked}. */
    PLAN_CHECKED,
    /** {@link WorktreeCreated}. */
    WORKTREE_CREATED,
    /** {@link TaskCommitted}. */
    TASK_COMMITTED,
    /** {@link TaskIntegrated}. */
    TASK_INTEGRATED,
    /** {@link IntegrationConflicted}. */
    INTEGRATION_CONFLICTED,
    /** {@link AgentThreadStarted}. */
    AGENT_THREAD_STARTED,
    /** {@link AgentMessage}. */
    AGENT_MESSAGE,
    /** {@link RetryDue}. */
    RETRY_DUE;

    /** Returns the name used in the journal, for example {@code task_started}. */
    public String wireName() {
      return wireName;
    }

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Returns the kind of event. */
  Kind kind();

  /** Returns the id of the run it belongs to. */
  String runId();

  /** Returns when it happened, by the orchestrator's clock. */
  Instant time();

  /**
   * A run began.
   *
   * @param runId the run id
   * @param time when
   * @param goal the goal
   * @param resumed whether this continues a stopped run
   */
  record RunStarted(String runId, Instant time, String goal, boolean resumed)
      implements OrchestraEvent {
    /** Validates the components. */
    public RunStarted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(goal);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_STARTED;
    }
  }

  /**
   * The plan changed: planned, re-planned, extended or updated by the gates' findings, or re-read
   * after a person edited plan.md. The event carries the change itself, so that the journal alone
   * rebuilds the plan when a run is resumed.
   *
   * @param runId the run id
   * @param time when
   * @param reason why, for example {@code "planned"}, {@code "findings"} or {@code "edited by hand"}
   * @param taskCount how many tasks the plan has now
   * @param addedTaskIds the ids of tasks that are new (or, for {@code "findings still open: another
   *     attempt"}, the ids of tasks sent back to work)
   * @param goal the plan's goal after the change
   * @param tasks the tasks this change added or changed, as they are after it (in plan order); for
   *     a {@code whole} change, every task of the plan
   * @param removedTaskIds tasks the change removed (a person deleted them from plan.md)
   * @param later items added to the plan's Later list; for a {@code whole} change, the whole list
   * @param risks items added to the plan's Risks; for a {@code whole} change, the whole list
   * @param whole whether {@code tasks}, {@code later} and {@code risks} are the whole plan (a
   *     person's edit) rather than a change to it
   */
  record PlanUpdated(
      String runId,
      Instant time,
      String reason,
      int taskCount,
      List<String> addedTaskIds,
      String goal,
      List<Task> tasks,
      List<String> removedTaskIds,
      List<String> later,
      List<String> risks,
      boolean whole)
      implements OrchestraEvent {
    /** Validates and copies the components. */
    public PlanUpdated {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(reason);
      addedTaskIds = List.copyOf(addedTaskIds);
      Objects.requireNonNull(goal);
      tasks = List.copyOf(tasks);
      removedTaskIds = List.copyOf(removedTaskIds);
      later = List.copyOf(later);
      risks = List.copyOf(risks);
    }

    /**
     * Creates an event that names the change only, without the tasks.
     *
     * @param runId the run id
     * @param time when
     * @param reason why
     * @param taskCount how many tasks the plan has now
     * @param addedTaskIds the ids of tasks that are new
     */
    public PlanUpdated(String runId, Instant time, String reason, int taskCount, List<String> addedTaskIds) {
      this(runId, time, reason, taskCount, addedTaskIds, "", List.of(), List.of(), List.of(), List.of(), false);
    }

    @Override
    public Kind kind() {
      return Kind.PLAN_UPDATED;
    }
  }

  /**
   * An agent started on a task (plan tasks, and exploration probes with ids {@code explore-N}).
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task id
   * @param role the role carrying it out
   * @param title the task's title
   * @param round the loop round, from 1; 0 for exploration
   */
  record TaskStarted(String runId, Instant time, String taskId, String role, String title, int round)
      implements OrchestraEvent {
    /** Validates the components. */
    public TaskStarted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(title);
    }

    @Override
    public Kind kind() {
      return Kind.TASK_STARTED;
    }
  }

  /**
   * An agent finished a task, well or not.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task id
   * @param role the role that carried it out
   * @param status done, failed, blocked, or todo when it was interrupted and will run again
   * @param summary one line: the result, or why it failed
   * @param changedFiles workspace-relative files the task wrote
   * @param round the loop round
   */
  record TaskFinished(
      String runId,
      Instant time,
      String taskId,
      String role,
      TaskStatus status,
      String summary,
      List<String> changedFiles,
      int round)
      implements OrchestraEvent {
    /** Validates and copies the components. */
    public TaskFinished {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(status);
      Objects.requireNonNull(summary);
      changedFiles = List.copyOf(changedFiles);
    }

    @Override
    public Kind kind() {
      return Kind.TASK_FINISHED;
    }
  }

  /**
   * An agent called a tool. The event says what ran and how it ended, never what the tool read,
   * wrote or printed: no file content, command output, search hit or patch text is copied into
   * it, so the journal can be kept and shared without leaking the workspace.
   *
   * <p>In the journal: {@code {"v":2,"type":"tool_called","runId":..,"time":..,"taskId":..,
   * "role":..,"tool":..,"target":..,"ok":..,"detail":..,"outputBytes":..,"outputDigest":..}}.
   * {@code outputBytes} and {@code outputDigest} are new in this form of the event, and {@code
   * detail} no longer holds the first line of the tool's result: readers of older journals may
   * find that line there.
   *
   * <p>Components that could be long are cut by the constructor: {@code target} to 300
   * characters, {@code detail} to its first line and 200 characters; a cut ends with {@code "..."}.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task the agent works on
   * @param role the agent's role
   * @param tool the tool's name
   * @param target what it acted on: the workspace-relative path ({@code read_file}, {@code
   *     write_file}; the folder for {@code list_dir} and {@code search}, empty for the root), the
   *     paths a patch touches ({@code apply_patch}, comma-separated), the command line ({@code
   *     run_command}) or the skill's name ({@code load_skill}); empty when the arguments could not
   *     be read
   * @param ok whether the tool succeeded; a command that ran and exited non-zero succeeded as a
   *     tool, and its exit code is in {@code detail}
   * @param detail one line written by Orchestra, never copied from the workspace: for a success a
   *     summary such as {@code "exit code 1"}, {@code "3 matches in 2 files"} or {@code "wrote 120
   *     bytes, sha256 5d41402abc4b"}; for a failure the reason, such as {@code "no such file:
   *     'a.txt'"}
   * @param outputBytes the size in UTF-8 bytes of the text the model received as the tool's result
   *     (for a failure, the error text)
   * @param outputDigest the first 12 hex digits (lower case) of the SHA-256 of that text, to match
   *     an event with a transcript or a re-run without storing the text
   */
  record ToolCalled(
      String runId,
      Instant time,
      String taskId,
      String role,
      String tool,
      String target,
      boolean ok,
      String detail,
      long outputBytes,
      String outputDigest)
      implements OrchestraEvent {
    private static final int MAX_TARGET_CHARS = 300;
    private static final int MAX_DETAIL_CHARS = 200;
    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("[0-9a-f]{12}");

    /**
     * Validates the components and cuts {@code target} and {@code detail} to their bounds.
     *
     * @throws IllegalArgumentException when {@code outputBytes} is negative or {@code
     *     outputDigest} is not 12 lower-case hex digits
     */
    public ToolCalled {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(tool);
      Objects.requireNonNull(target);
      Objects.requireNonNull(detail);
      Objects.requireNonNull(outputDigest);
      if (outputBytes < 0) {
        throw new IllegalArgumentException("outputBytes must not be negative, got " + outputBytes);
      }
      if (!DIGEST.matcher(outputDigest).matches()) {
        throw new IllegalArgumentException("outputDigest must be 12 lower-case hex digits, got '" + outputDigest + "'");
      }
      target = cut(target, MAX_TARGET_CHARS);
      detail = cut(firstLine(detail), MAX_DETAIL_CHARS);
    }

    private static String firstLine(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\r') {
          return text.substring(0, i);
        }
      }
      return text;
    }

    /** Cuts to at most {@code max} characters, ending in "...", without splitting a surrogate pair. */
    private static String cut(String text, int max) {
      if (text.length() <= max) {
        return text;
      }
      int end = max - 3;
      if (Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      return text.substring(0, end) + "...";
    }

    @Override
    public Kind kind() {
      return Kind.TOOL_CALLED;
    }
  }

  /**
   * An agent asked for approval and got an answer.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task the agent works on
   * @param role the agent's role
   * @param action what it wanted to do, for example {@code run_command}
   * @param detail the command line or path
   * @param approved whether it may go ahead
   * @param decidedBy who decided: the handler's answer, {@code "timeout"} when it did not answer in
   *     time, or {@code "default"} when no handler is configured
   * @param reason why approval was needed and, for a denial, why it was denied
   */
  record ApprovalDecided(
      String runId,
      Instant time,
      String taskId,
      String role,
      String action,
      String detail,
      boolean approved,
      String decidedBy,
      String reason)
      implements OrchestraEvent {
    /** Validates the components. */
    public ApprovalDecided {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(action);
      Objects.requireNonNull(detail);
      Objects.requireNonNull(decidedBy);
      Objects.requireNonNull(reason);
    }

    @Override
    public Kind kind() {
      return Kind.APPROVAL_DECIDED;
    }
  }

  /**
   * A gate started on a batch.
   *
   * @param runId the run id
   * @param time when
   * @param gate the gate's name
   * @param round the loop round
   * @param reason why it runs, for example which changed file made the change security-sensitive
   */
  record GateStarted(String runId, Instant time, String gate, int round, String reason)
      implements OrchestraEvent {
    /** Validates the components. */
    public GateStarted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(gate);
      Objects.requireNonNull(reason);
    }

    @Override
    public Kind kind() {
      return Kind.GATE_STARTED;
    }
  }

  /**
   * A gate decided.
   *
   * @param runId the run id
   * @param time when
   * @param gate the gate's name
   * @param round the loop round
   * @param verdict pass, fail, block or nothing checked
   * @param findings what it found
   * @param summary one paragraph for people
   * @param changedFiles files the gate's roles changed while it ran (a QA author's new tests): the
   *     next round's gates check them; empty for most gates
   * @param later suggestions beyond the goal, for the plan's Later list
   * @param risks what the gate noted for the plan's Risks (regression risks, missing tests)
   */
  record GateFinished(
      String runId,
      Instant time,
      String gate,
      int round,
      Verdict verdict,
      List<Finding> findings,
      String summary,
      List<String> changedFiles,
      List<String> later,
      List<String> risks)
      implements OrchestraEvent {
    /** Validates and copies the components. */
    public GateFinished {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(gate);
      Objects.requireNonNull(verdict);
      findings = List.copyOf(findings);
      Objects.requireNonNull(summary);
      changedFiles = List.copyOf(changedFiles);
      later = List.copyOf(later);
      risks = List.copyOf(risks);
    }

    /**
     * Creates the event for a gate that changed no file and noted nothing for Later or Risks.
     *
     * @param runId the run id
     * @param time when
     * @param gate the gate's name
     * @param round the loop round
     * @param verdict the verdict
     * @param findings what it found
     * @param summary one paragraph for people
     */
    public GateFinished(
        String runId, Instant time, String gate, int round, Verdict verdict, List<Finding> findings, String summary) {
      this(runId, time, gate, round, verdict, findings, summary, List.of(), List.of(), List.of());
    }

    /**
     * Creates the event for a gate that noted nothing for Later or Risks.
     *
     * @param runId the run id
     * @param time when
     * @param gate the gate's name
     * @param round the loop round
     * @param verdict the verdict
     * @param findings what it found
     * @param summary one paragraph for people
     * @param changedFiles files the gate's roles changed
     */
    public GateFinished(
        String runId, Instant time, String gate, int round, Verdict verdict, List<Finding> findings, String summary,
        List<String> changedFiles) {
      this(runId, time, gate, round, verdict, findings, summary, changedFiles, List.of(), List.of());
    }

    @Override
    public Kind kind() {
      return Kind.GATE_FINISHED;
    }
  }

  /**
   * A gate did not apply to a batch, for example a security review of a change that touches
   * nothing sensitive.
   *
   * @param runId the run id
   * @param time when
   * @param gate the gate's name
   * @param round the loop round
   * @param reason why it was skipped
   */
  record GateSkipped(String runId, Instant time, String gate, int round, String reason)
      implements OrchestraEvent {
    /** Validates the components. */
    public GateSkipped {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(gate);
      Objects.requireNonNull(reason);
    }

    @Override
    public Kind kind() {
      return Kind.GATE_SKIPPED;
    }
  }

  /**
   * The thread budget changed.
   *
   * @param runId the run id
   * @param time when
   * @param from the previous limit
   * @param to the new limit
   * @param cause why, for example {@code "rate limited: 429 from /v1/responses"}
   */
  record BudgetChanged(String runId, Instant time, int from, int to, String cause)
      implements OrchestraEvent {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException when a limit is below 1
     */
    public BudgetChanged {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(cause);
      if (from < 1 || to < 1) {
        throw new IllegalArgumentException("a thread budget is at least 1, got " + from + " -> " + to);
      }
    }

    @Override
    public Kind kind() {
      return Kind.BUDGET_CHANGED;
    }
  }

  /**
   * One model call ended.
   *
   * @param runId the run id
   * @param time when
   * @param role the role that asked
   * @param taskId the task it worked on
   * @param model the model asked
   * @param usage tokens used (zero when the call failed)
   * @param durationMillis how long the call took
   * @param outcome {@code ok}, or the failure kind in lower case such as {@code rate_limited}
   */
  record ModelCallFinished(
      String runId,
      Instant time,
      String role,
      String taskId,
      String model,
      TokenUsage usage,
      long durationMillis,
      String outcome)
      implements OrchestraEvent {
    /** Validates the components. */
    public ModelCallFinished {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(role);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(model);
      Objects.requireNonNull(usage);
      Objects.requireNonNull(outcome);
    }

    @Override
    public Kind kind() {
      return Kind.MODEL_CALL_FINISHED;
    }
  }

  /**
   * A failed model call will be tried again after a wait: by the orchestrator, or by a provider
   * that retries on its own and reports it through {@link
   * dev.orchestra.model.ProviderSignals#retryScheduled}. One event per retry, before its wait.
   *
   * <p>When an agent's own attempt at a plan task failed (a Codex turn on a rate limit, say), the
   * task's {@link TaskFinished} with status {@code todo} follows at once: the task waits in the
   * queue, holding no slot of the thread budget, and may start again after its {@link RetryDue}.
   *
   * @param runId the run id
   * @param time when the retry was decided; the wait starts then
   * @param role the role whose call is retried
   * @param taskId the task it works on
   * @param model the model asked
   * @param failure the kind of failure retried, such as {@code rate_limited}
   * @param cause one line saying what failed; never a secret
   * @param delayMillis how long before the next attempt
   * @param attempt the number of the attempt the wait leads to: 2 for the first retry
   * @param retriedBy who retries: {@code orchestrator}, or the provider's name
   */
  record RetryScheduled(
      String runId,
      Instant time,
      String role,
      String taskId,
      String model,
      ModelProviderException.Kind failure,
      String cause,
      long delayMillis,
      int attempt,
      String retriedBy)
      implements OrchestraEvent {
    /** Validates the components. */
    public RetryScheduled {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(role);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(model);
      Objects.requireNonNull(failure);
      Objects.requireNonNull(cause);
      Objects.requireNonNull(retriedBy);
      if (delayMillis < 0 || attempt < 2) {
        throw new IllegalArgumentException("a retry waits no negative time and is attempt 2 or later, got " + delayMillis + " ms, attempt " + attempt);
      }
    }

    @Override
    public Kind kind() {
      return Kind.RETRY_SCHEDULED;
    }
  }

  /**
   * A plan task that went back to the queue after its agent's own attempt failed has waited out
   * the {@link RetryScheduled} delay: it may start again when the budget has a slot. Until this
   * event the run starts other tasks in its place, and its batch does not end. Decided by the
   * engine's timer, not by the run's state machine, so that a replay sees the wait end where the
   * run did. It may never come: a run that stops or is cancelled meanwhile ends the wait, and a
   * resumed run starts such a task without one.
   *
   * @param runId the run id
   * @param time when the wait ended
   * @param taskId the task that may start again
   */
  record RetryDue(String runId, Instant time, String taskId) implements OrchestraEvent {
    /** Validates the components. */
    public RetryDue {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
    }

    @Override
    public Kind kind() {
      return Kind.RETRY_DUE;
    }
  }

  /**
   * The run ended.
   *
   * @param runId the run id
   * @param time when
   * @param stopReason why it stopped, as {@link dev.orchestra.StopReason#name()}
   * @param message one line for people
   * @param rounds how many rounds ran
   * @param usage tokens used by the whole run
   */
  record RunFinished(
      String runId, Instant time, String stopReason, String message, int rounds, TokenUsage usage)
      implements OrchestraEvent {
    /** Validates the components. */
    public RunFinished {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(stopReason);
      Objects.requireNonNull(message);
      Objects.requireNonNull(usage);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_FINISHED;
    }
  }

  /**
   * The run is stopping: cancelled, out of quota, refused credentials, over a bound, or failed.
   * No new task starts; the run ends (with {@link RunFinished}) once the agents at work have
   * reported back.
   *
   * @param runId the run id
   * @param time when
   * @param reason why it stops
   * @param message one line for people
   */
  record StopRequested(String runId, Instant time, StopReason reason, String message) implements OrchestraEvent {
    /** Validates the components. */
    public StopRequested {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(reason);
      Objects.requireNonNull(message);
    }

    @Override
    public Kind kind() {
      return Kind.STOP_REQUESTED;
    }
  }

  /**
   * plan.md was read for a person's edit at a round boundary: before the round's batch starts, and
   * again once its gates are done (so that tasks added meanwhile count for the round's decision).
   * An edit found was merged into the run's plan and reported just before, as a {@link
   * PlanUpdated} with the reason {@code "edited by hand"}.
   *
   * @param runId the run id
   * @param time when
   * @param round the round
   * @param beforeBatch true before the batch, false after the gates
   * @param edited whether plan.md held an edit, now merged
   */
  record PlanChecked(String runId, Instant time, int round, boolean beforeBatch, boolean edited) implements OrchestraEvent {
    /** Validates the components. */
    public PlanChecked {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
    }

    @Override
    public Kind kind() {
      return Kind.PLAN_CHECKED;
    }
  }

  /**
   * A task got a git worktree of its own, made from the run's integration branch: on a branch of
   * its own for a task that writes, detached for one that only reads.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param branch the task's branch, or empty for a reader
   * @param path the worktree's folder
   * @param base the integration commit it was made from
   */
  record WorktreeCreated(String runId, Instant time, String taskId, String branch, String path, String base) implements OrchestraEvent {
    /** Validates the components. */
    public WorktreeCreated {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(branch);
      Objects.requireNonNull(path);
      Objects.requireNonNull(base);
    }

    @Override
    public Kind kind() {
      return Kind.WORKTREE_CREATED;
    }
  }

  /**
   * A task's changes were committed on its branch, just before its {@link TaskFinished} (so a crash
   * between the two loses nothing: a resume finds the commit and integrates it).
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param branch its branch
   * @param commit the commit
   * @param files the paths the task changed, relative to the workspace (what its {@link
   *     TaskFinished} reports too: a resume that finds only this event still tells the gates)
   * @param round the loop round
   */
  record TaskCommitted(String runId, Instant time, String taskId, String branch, String commit, List<String> files, int round)
      implements OrchestraEvent {
    /** Validates the components and copies the list. */
    public TaskCommitted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(branch);
      Objects.requireNonNull(commit);
      files = List.copyOf(files);
    }

    @Override
    public Kind kind() {
      return Kind.TASK_COMMITTED;
    }
  }

  /**
   * A finished task's branch was merged into the run's integration branch.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param branch its branch
   * @param commit the integration branch's commit after the merge
   * @param round the loop round
   */
  record TaskIntegrated(String runId, Instant time, String taskId, String branch, String commit, int round) implements OrchestraEvent {
    /** Validates the components. */
    public TaskIntegrated {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(branch);
      Objects.requireNonNull(commit);
    }

    @Override
    public Kind kind() {
      return Kind.TASK_INTEGRATED;
    }
  }

  /**
   * A finished task's branch conflicted with work integrated before it. The merge was aborted (the
   * integration branch is as it was) and the task goes back to work on the integrated state, with
   * the conflict in its brief, or, with {@code resolveByNewTask}, a new task is planned to merge the
   * branch and resolve the conflict; after too many conflicts it fails. With no {@code files}, git could
   * not merge the branch at all (it failed, or the branch is gone): the work stays on its branch,
   * the run stops, and a resume tries the merge again.
   *
   * <p>Components that could be long are cut by the constructor: {@code detail} to 6,000
   * characters.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param branch its branch
   * @param files the conflicting paths
   * @param detail the conflicting hunks as git showed them, for the brief of the next attempt
   * @param resolveByNewTask whether a new task resolves the conflict (the run's {@code
   *     Isolation.Worktrees.OnConflict.RESOLVE_TASK}) rather than the task being redone: recorded
   *     here, so that a resume under another setting replays what happened
   * @param round the loop round
   */
  record IntegrationConflicted(
      String runId, Instant time, String taskId, String branch, List<String> files, String detail, boolean resolveByNewTask, int round)
      implements OrchestraEvent {
    private static final int MAX_DETAIL = 6_000;

    /** Validates, copies and cuts the components. */
    public IntegrationConflicted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(branch);
      files = List.copyOf(files);
      Objects.requireNonNull(detail);
      if (detail.length() > MAX_DETAIL) {
        detail = detail.substring(0, MAX_DETAIL - 3) + "...";
      }
    }

    @Override
    public Kind kind() {
      return Kind.INTEGRATION_CONFLICTED;
    }
  }

  /**
   * An agent that runs another program (a Codex process, say) began its session there: the id
   * finds that program's own record of the session.
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param role the agent's role
   * @param agent what runs the session, for example {@code codex}
   * @param threadId the session's id in that program
   */
  record AgentThreadStarted(String runId, Instant time, String taskId, String role, String agent, String threadId)
      implements OrchestraEvent {
    /** Validates the components. */
    public AgentThreadStarted {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(agent);
      Objects.requireNonNull(threadId);
    }

    @Override
    public Kind kind() {
      return Kind.AGENT_THREAD_STARTED;
    }
  }

  /**
   * An agent said something on its way (not its final answer, which is its task's report).
   *
   * @param runId the run id
   * @param time when
   * @param taskId the task
   * @param role the agent's role
   * @param text what it said, cut to {@value #MAX_TEXT_CHARS} characters
   */
  record AgentMessage(String runId, Instant time, String taskId, String role, String text) implements OrchestraEvent {
    /** The most characters of a message an event keeps. */
    public static final int MAX_TEXT_CHARS = 2000;

    /** Validates the components and cuts {@code text} to its bound. */
    public AgentMessage {
      Objects.requireNonNull(runId);
      Objects.requireNonNull(time);
      Objects.requireNonNull(taskId);
      Objects.requireNonNull(role);
      Objects.requireNonNull(text);
      if (text.length() > MAX_TEXT_CHARS) {
        int end = MAX_TEXT_CHARS - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
          end--; // never half a character
        }
        text = text.substring(0, end) + "\u2026";
      }
    }

    @Override
    public Kind kind() {
      return Kind.AGENT_MESSAGE;
    }
  }
}
