package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.role.ApprovalHandler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an agent's task and its model calls need of the run they belong to, and nothing of how the
 * run decides: the run's configuration and identity, where its shared work is, whether it stops,
 * and where the events they observe go. {@link RunEngine} is one (the events are fed to its state
 * machine at once); an engine that runs a task elsewhere (a Temporal activity) is another, and
 * records the events instead. Implementations are thread-safe: agents run at once.
 */
interface RunContext {
  OrchestratorConfig config();

  String runId();

  /** Who answers the run's agents' approval requests: the configured handler, unless the engine routes them elsewhere. */
  default ApprovalHandler approvals() {
    return config().approvalHandler();
  }

  /** The run's time now, by its clock. */
  default Instant now() {
    return config().clock().instant();
  }

  /** Where the run's shared work is: the integration worktree when tasks are isolated, or the workspace. */
  Path tree();

  /** The git view of {@link #tree()}, or null when it is not in a git repository. */
  GitWorkspace git();

  /** The run's worktrees, or empty when its tasks share the workspace. */
  Optional<GitWorktrees> worktrees();

  /** The environment every command of the run starts from. */
  CommandEnvironment commandEnvironment();

  /** Whether the run was cancelled: agents stop at their next step. */
  boolean cancelled();

  /** A number in [0, 1) from the run's random source, for a retry's jitter; agents draw at once. */
  default double jitter() {
    java.util.random.RandomGenerator r = config().random();
    synchronized (r) {
      return r.nextDouble();
    }
  }

  /** Tells the run's thread budget how a model call or an agent's attempt went (through a task's {@link AgentEvents}). */
  void signal(BudgetPolicy.Signal signal, String cause);

  /** Asks the run to stop (a lost quota, a refused sign-in, a cancel); a second ask changes nothing. */
  void requestStop(StopReason reason, String message);

  /** Adds risks to the run's plan, with why (through a task's {@link AgentEvents}). */
  void noteRisks(String reason, List<String> risks);

  /** The run's model calls, retried and reported. */
  ModelCaller models();

  /** Feeds an event now; blocks until the run took it. */
  void observe(OrchestraEvent event);

  /** Feeds events now, in order; blocks until the run took them. */
  void observeAll(List<OrchestraEvent> events);

  /**
   * Feeds events in order if the run can take them at once, never waiting.
   *
   * @return false, with nothing fed, when it cannot
   */
  boolean tryObserveAll(List<OrchestraEvent> events);

  /**
   * Feeds a task's last events (its end among them) and returns the agents' tasks the run starts
   * next, which the caller's thread may take on; empty where tasks are not started that way.
   */
  List<Command.RunTask> feedAll(List<OrchestraEvent> events);
}
