package dev.orchestra.internal.exec;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.engine.RunSpec;
import dev.orchestra.role.ApprovalHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What an orchestrator offers an engine other than its own: the team's work, carried out on
 * request. Implemented by the orchestrators {@code Orchestrator.builder()} builds.
 */
public interface EngineHost {

  /**
   * Returns the engine host behind an orchestrator.
   *
   * @param orchestrator one built with {@code Orchestrator.builder()}
   * @return its host
   * @throws IllegalArgumentException for another implementation of {@link Orchestrator}
   */
  static EngineHost of(Orchestrator orchestrator) {
    Objects.requireNonNull(orchestrator, "orchestrator");
    if (orchestrator instanceof EngineHost host) {
      return host;
    }
    throw new IllegalArgumentException(
        "an orchestrator of type " + orchestrator.getClass().getName()
            + " cannot carry out work for another engine; pass the instance Orchestrator.builder().build() returned, not a wrapper of it");
  }

  /**
   * Returns an executor of agents' tasks for one run, working in {@code workspace}, with the tasks
   * sharing it (no worktree of their own, so the machine that decides must not be an isolated one,
   * and a task that resolves a merge conflict is refused). Nothing is written to the workspace's
   * journal or plan, and no run lock is taken: the engine that asked keeps those, and must not hand
   * out the workspace of a run in progress in this JVM. How many times a task's agent failed on its
   * own comes with its command ({@code RunTask.retriesTaken}), so any executor may run any attempt.
   *
   * @param runId the run the tasks belong to, as their events name it
   * @param workspace where the tasks work: a clone or a checkout of the run's work
   * @param cancelled whether the run was cancelled meanwhile: asked at each step of an agent, from
   *     any thread, so it must be cheap, thread-safe and never throw; set it before interrupting a
   *     task's thread, or the task ends to do again without the run's stop
   * @return the executor; thread-safe, several tasks may run at once
   * @throws dev.orchestra.OrchestraException when the workspace cannot be used (it does not exist)
   */
  TaskExecutor tasks(String runId, Path workspace, BooleanSupplier cancelled);

  /**
   * Returns an executor of agents' tasks as {@link #tasks(String, Path, BooleanSupplier)} does, whose
   * agents' approval requests go to {@code approvals} instead of the orchestrator's own handler (a
   * person answering through the engine that decides the run). The orchestrator's approval timeout
   * still applies.
   *
   * @param runId the run the tasks belong to
   * @param workspace where the tasks work
   * @param cancelled whether the run was cancelled meanwhile (see the other overload)
   * @param approvals who answers the agents' approval requests
   * @return the executor; thread-safe
   */
  TaskExecutor tasks(String runId, Path workspace, BooleanSupplier cancelled, ApprovalHandler approvals);

  /**
   * Returns an executor of agents' tasks for one run whose clones share a git remote (each worker
   * works in a clone of its own, this orchestrator's workspace): every task works in a git
   * worktree of its own, made from the run's integration branch as the remote has it when the task
   * starts, and a writer's commit is pushed to the remote on the task's branch (replacing an earlier
   * attempt's), where the run's desk ({@link #deskAtRemote}) fetches and integrates it. The task's
   * events name its branch and commit ({@code TaskCommitted}). Otherwise as {@link
   * #tasks(String, Path, BooleanSupplier, ApprovalHandler)}.
   *
   * @param runId the run the tasks belong to
   * @param remote the remote the run's clones share
   * @param cancelled whether the run was cancelled meanwhile (see the other overloads)
   * @param approvals who answers the agents' approval requests
   * @return the executor; thread-safe
   * @throws IllegalArgumentException when the team does not give tasks worktrees ({@code Isolation.shared()})
   * @throws IllegalStateException when the workspace is not in a git repository
   */
  TaskExecutor tasksAtRemote(String runId, dev.orchestra.internal.workspace.GitRemote remote, BooleanSupplier cancelled, ApprovalHandler approvals);

  /** Returns the team's approval handler: who answers its agents' approval requests unless an engine routes them elsewhere. */
  ApprovalHandler approvalHandler();

  /** Returns the workspace this orchestrator was built for: where its runs' desks keep the journal and plan.md. */
  Path workspace();

  /**
   * Returns what a run of this team decides by when its tasks share the workspace: for the
   * deciding engine's state machine, and every {@link RunDesk} of the run, which must agree.
   *
   * @return the spec
   */
  RunSpec spec();

  /**
   * Checks that this team can share runs through a git remote: its tasks get worktrees ({@code
   * Isolation.worktrees()}), and its workspace is in a git work tree with a commit (a clone).
   *
   * @param remote the remote
   * @throws IllegalArgumentException when the team's tasks share one tree, or the workspace is not a clone, saying which
   */
  void checkAtRemote(dev.orchestra.internal.workspace.GitRemote remote);

  /**
   * Returns what a run of this team decides by when its tasks work in worktrees of clones that share
   * a git remote: as {@link #spec()}, but isolated (tasks' work is integrated), merging up to {@code
   * mergesAtOnce} tasks' branches in one command ({@link RunSpec#mergesAtOnce}).
   *
   * @param mergesAtOnce how many merges the deciding engine asks for at once; below 1 reads as 1
   * @return the spec
   */
  RunSpec specAtRemote(int mergesAtOnce);

  /**
   * Returns the team's thread budget policy: the deciding engine steps it ({@link BudgetLadder}).
   *
   * @return the policy
   */
  dev.orchestra.BudgetPolicy budgetPolicy();

  /**
   * Opens the desk of a run decided elsewhere, in this orchestrator's workspace, taking its run lock
   * until the desk is closed.
   *
   * @param runId the run, as its events name it
   * @return the desk; the caller closes it (a finish closes it too)
   * @throws dev.orchestra.OrchestraException when a run holds the workspace's lock
   */
  RunDesk desk(String runId);

  /**
   * Opens the desk of a run decided elsewhere whose clones share a git remote, as {@link
   * #desk(String)} does, with the run's integration worktree in this workspace's repository: the
   * run's integration branch on the remote is made from the remote's default branch (or taken
   * from the remote, when it has it), the desk's machine is isolated ({@link #specAtRemote(int)}), its
   * gates work in the integration worktree, and every change to the integration branch is pushed.
   *
   * @param runId the run, as its events name it
   * @param remote the remote the run's clones share
   * @param mergesAtOnce as {@link #specAtRemote(int)}: the deciding engine's, which the desk's machine must share
   * @return the desk; the caller closes it (a finish closes it too)
   * @throws dev.orchestra.OrchestraException when a run holds the workspace's lock
   * @throws IllegalArgumentException when the team does not give tasks worktrees
   * @throws IllegalStateException when git cannot reach the remote or make the worktree, saying why
   */
  RunDesk deskAtRemote(String runId, dev.orchestra.internal.workspace.GitRemote remote, int mergesAtOnce);

  /**
   * Opens the desk of a run whose desk was lost (its worker died during a call), in this
   * orchestrator's workspace, from the run's journal there: the journal is cut back to the run's
   * first {@code known} events, which the deciding engine has, and those are replayed into the
   * desk's machine. Lines after them, journalled for a call whose answer never arrived, are
   * removed; the deciding engine sends that call again.
   *
   * @param runId the run, as its events name it
   * @param known how many of the run's events, from its {@code RunStarted} on, the deciding engine has
   * @param last the last of them
   * @param explorations the explorers' reports the run has, by task id: the briefs of a re-plan
   *     made at the desk include them
   * @return the desk; the caller closes it (a finish closes it too)
   * @throws dev.orchestra.OrchestraException when a run holds the workspace's lock, or the journal
   *     here does not hold those events of the run
   */
  RunDesk reopenDesk(
      String runId, int known, dev.orchestra.event.OrchestraEvent last, java.util.Map<String, dev.orchestra.agent.RoleReport.Exploration> explorations);

  /**
   * Opens the desk of a run whose clones share a git remote and whose desk was lost, as {@link
   * #reopenDesk} does, with the run's integration worktree taken from the remote, as {@link
   * #deskAtRemote} opens it. The lost desk's journal was in another clone: the deciding engine
   * gives the run's journal lines, which replace the run's lines in this workspace's journal
   * first (plan.md is then written from them too).
   *
   * @param runId the run, as its events name it
   * @param remote the remote the run's clones share
   * @param known how many of the run's events the deciding engine has
   * @param last the last of them
   * @param explorations the explorers' reports the run has, by task id
   * @param journal the run's first {@code known} journal lines, as the deciding engine has them; empty
   *     when this workspace's journal holds them (the desk was here before)
   * @param mergesAtOnce as {@link #specAtRemote(int)}: the deciding engine's, which the desk's machine must share
   * @return the desk; the caller closes it
   * @throws dev.orchestra.OrchestraException when a run holds the workspace's lock, or the journal
   *     here does not hold those events of the run
   * @throws IllegalArgumentException when a journal line is not an event of the run
   */
  RunDesk reopenDeskAtRemote(
      String runId, dev.orchestra.internal.workspace.GitRemote remote, int known, dev.orchestra.event.OrchestraEvent last,
      java.util.Map<String, dev.orchestra.agent.RoleReport.Exploration> explorations, List<String> journal, int mergesAtOnce);

  /**
   * Reads the journal a desk of {@code runId} kept on {@code remote} ({@link RunDesk#keepJournalAtRemote})
   * into this workspace's clone, with the team's command environment.
   *
   * @return its lines, oldest first; empty when the remote keeps none for the run
   * @throws IllegalArgumentException when {@code runId} cannot name a ref
   * @throws IllegalStateException when git cannot reach the remote, saying why
   */
  java.util.Optional<List<String>> journalKeptAtRemote(String runId, dev.orchestra.internal.workspace.GitRemote remote);
}
