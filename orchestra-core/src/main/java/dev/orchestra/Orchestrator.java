package dev.orchestra;

import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.agent.Agent;
import dev.orchestra.gate.Gate;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.model.ModelProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * Runs the team on a goal: explorers scout (in parallel, read-only), the orchestrator role writes
 * the plan to {@code plan.md}, implementers work through it in parallel under the thread budget,
 * the gates judge each batch, their findings become new tasks, and the loop repeats until every
 * gate passes or a bound is hit. The loop is plain Java; models are asked only for judgment.
 *
 * <p>One run at a time per orchestrator: starting a second while one is going throws {@link
 * IllegalStateException}. Every run ends with a {@link RunResult} that says why it stopped; model
 * and gate failures end up there, not as exceptions. The journal of every run is appended to
 * {@code .orchestra/journal.jsonl} under the workspace, and {@link #resume()} continues a run that
 * stopped (crash, cancel, quota) from plan.md and that journal.
 *
 * <p>Thread-safe. {@link #close()} cancels a run in progress and waits for it to stop.
 *
 * <pre>{@code
 * try (Orchestrator orchestra = Orchestrator.builder()
 *     .workspace(Path.of("."))
 *     .modelProvider(provider)
 *     .addGate(Gate.command("mvn", "-q", "verify").build())
 *     .addGate(Gate.review())
 *     .build()) {
 *   RunResult result = orchestra.run("Add a --version flag");
 *   System.out.println(result.stopReason() + ": " + result.message());
 * }
 * }</pre>
 */
public interface Orchestrator extends AutoCloseable {

  /**
   * Runs the loop on a goal. Blocks until the run stops.
   *
   * @param goal what the team should achieve, one line
   * @return how the run ended
   * @throws IllegalStateException when a run is already going on this orchestrator
   * @throws OrchestraException when another run is going on in the workspace (it holds {@code
   *     .orchestra/run.lock}); nothing is written
   */
  RunResult run(String goal);

  /**
   * Runs the loop on a goal on a new thread. Cancelling the future cancels the run.
   *
   * @param goal what the team should achieve
   * @return the future result; it completes exceptionally with an {@link OrchestraException} when
   *     another run is going on in the workspace
   * @throws IllegalStateException when a run is already going on this orchestrator
   */
  CompletableFuture<RunResult> runAsync(String goal);

  /**
   * Continues a stopped run from the workspace's plan.md and journal: finished tasks are not run
   * again, interrupted ones start over. Blocks until the run stops.
   *
   * @return how the run ended
   * @throws NothingToResumeException when the last run ended green and every task is done; no model
   *     is called
   * @throws OrchestraException when there is no plan.md to resume from, or another run is going on
   *     in the workspace
   * @throws PlanFormatException when plan.md cannot be read
   * @throws IllegalStateException when a run is already going
   */
  RunResult resume();

  /**
   * Like {@link #resume()}, on a new thread.
   *
   * @return the future result
   */
  CompletableFuture<RunResult> resumeAsync();

  /**
   * Cancels the run in progress, if any: no new task starts, running agents are interrupted, and
   * the run ends with {@link StopReason#CANCELLED}. Interrupted tasks go back to todo. Returns at
   * once.
   */
  void cancel();

  /** Cancels any run in progress and waits for it to stop. */
  @Override
  void close();

  /** Returns a new builder. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Orchestrator}s. Not thread-safe. */
  final class Builder {
    Path workspace;
    final Map<String, Role> roles = new LinkedHashMap<>();
    ModelProvider modelProvider;
    String defaultModel = "gpt-5.4";
    BudgetPolicy budgetPolicy = BudgetPolicy.defaults();
    final List<Gate> gates = new ArrayList<>();
    final List<OrchestraListener> listeners = new ArrayList<>();
    Bounds bounds = Bounds.defaults();
    boolean oneBatch;
    List<String> explorationProbes = OrchestratorConfig.DEFAULT_PROBES;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    RandomGenerator random;
    ExecutorService executor;
    Agent agent = Agent.toolLoop();
    String planFile = "plan.md";
    Duration planWriteInterval = Duration.ofMillis(200);
    int maxModelAttempts = 5;
    ApprovalHandler approvalHandler = ApprovalHandler.DENY_ALL;
    Duration approvalTimeout = Duration.ofMinutes(5);
    ShellEnvironmentPolicy environmentPolicy = ShellEnvironmentPolicy.defaults();
    Map<String, String> parentEnvironment = System.getenv();
    Duration commandTimeout = Duration.ofMinutes(5);
    List<Path> writableRoots = List.of();
    boolean networkAccess;
    final Map<String, List<Skill>> skills = new LinkedHashMap<>();
    SandboxMode sandboxCeiling = SandboxMode.DANGER_FULL_ACCESS;
    Isolation isolation = Isolation.worktrees();

    Builder() {
      BuiltInRoles.all().forEach(r -> roles.put(r.name(), r));
    }

    /** Sets the workspace: the repository the team works in, an existing folder. Required. */
    public Builder workspace(Path workspace) {
      this.workspace = Objects.requireNonNull(workspace, "workspace");
      return this;
    }

    /**
     * Sets the team, replacing the default (all eight built-in roles). The team needs at least the
     * orchestrator and implementer roles, plus the role of every model gate added. Names must be
     * unique.
     */
    public Builder roles(List<Role> team) {
      roles.clear();
      for (Role r : team) {
        if (roles.putIfAbsent(r.name(), r) != null) {
          throw new IllegalArgumentException("role '" + r.name() + "' appears twice in the team");
        }
      }
      return this;
    }

    /** Adds a role to the team, or replaces the role with the same name. */
    public Builder role(Role role) {
      roles.put(role.name(), Objects.requireNonNull(role, "role"));
      return this;
    }

    /** Sets the model provider. Required. */
    public Builder modelProvider(ModelProvider provider) {
      this.modelProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Sets the model for roles that name none; default {@code gpt-5.4}. */
    public Builder defaultModel(String model) {
      this.defaultModel = OrchestratorConfig.notBlank(model, "default model");
      return this;
    }

    /** Sets the starting thread budget, at least 1, with the default ladder shape ({@link BudgetPolicy#startingAt(int)}); default 12 -> 10 -> 8. */
    public Builder threadBudget(int maxThreads) {
      this.budgetPolicy = BudgetPolicy.startingAt(maxThreads);
      return this;
    }

    /** Sets the thread budget policy. */
    public Builder budgetPolicy(BudgetPolicy policy) {
      this.budgetPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Adds a gate. Gates run in the order added; names must be unique. */
    public Builder addGate(Gate gate) {
      gates.add(OrchestratorConfig.newGate(gates, gate));
      return this;
    }

    /** Adds a listener for the run's events; see {@link OrchestraListener} for its contract. */
    public Builder addListener(OrchestraListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Sets the bounds; default {@link Bounds#defaults()}. */
    public Builder bounds(Bounds bounds) {
      this.bounds = Objects.requireNonNull(bounds, "bounds");
      return this;
    }

    /** Stops after the first batch and its gates (plan, one batch, all gates, update plan.md). */
    public Builder oneBatch(boolean oneBatch) {
      this.oneBatch = oneBatch;
      return this;
    }

    /**
     * Sets the questions explorers answer before planning, one explorer each, run in parallel;
     * empty to skip exploring. The default asks for the relevant files and for CI.
     */
    public Builder explorationProbes(List<String> probes) {
      this.explorationProbes = List.copyOf(probes);
      return this;
    }

    /** Sets the clock for timestamps, bounds and the budget's windows; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets how retries wait; default {@link Sleeper#SYSTEM}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Sets the randomness for retry jitter and run ids, used from several threads under a lock; default a new unseeded generator. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Runs agents on this executor instead of a pool the orchestrator creates for each run. The
     * orchestrator never shuts a supplied executor down. It must run at least as many tasks at
     * once as the thread budget allows.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the agent that carries out tasks; default {@link Agent#toolLoop()}. */
    public Builder agent(Agent agent) {
      this.agent = Objects.requireNonNull(agent, "agent");
      return this;
    }

    /**
     * Sets the least time between two writes of plan.md while a batch runs; default 200 ms. The
     * plan is always written at the end of a batch and of a run; the journal records every step
     * as it happens, so a crash loses nothing in between. During a batch the coordinating thread
     * writes plan.md, never an agent's thread; changes made while it writes go into its next write.
     *
     * @param interval the interval; zero writes as often as the coordinating thread can
     */
    public Builder planWriteInterval(Duration interval) {
      this.planWriteInterval = OrchestratorConfig.notNegative(interval, "planWriteInterval");
      return this;
    }

    /**
     * Sets how many times, at least 1, one model call is tried when it is rate limited or fails
     * transiently; default 5. A failure whose provider already retried it as far as its own policy
     * allows ({@link dev.orchestra.model.ModelProviderException#isFinal()}) is not tried again.
     */
    public Builder maxModelAttempts(int attempts) {
      this.maxModelAttempts = OrchestratorConfig.atLeastOne(attempts, "maxModelAttempts");
      return this;
    }

    /** Sets who decides, on agents' threads, when an approval policy says to ask; default {@link ApprovalHandler#DENY_ALL}. */
    public Builder approvalHandler(ApprovalHandler handler) {
      this.approvalHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Sets how long an approval may take before it counts as denied, a positive duration; default 5 minutes. */
    public Builder approvalTimeout(Duration timeout) {
      this.approvalTimeout = OrchestratorConfig.positive(timeout, "approvalTimeout");
      return this;
    }

    /**
     * Sets which environment variables every command of the run gets: an agent's {@code
     * run_command}, every command gate and CI check (unless a gate was given a policy of its own),
     * and the orchestrator's own {@code git}. Default {@link ShellEnvironmentPolicy#defaults()}:
     * everything but keys, secrets and tokens, which is stricter than Codex's default.
     */
    public Builder shellEnvironmentPolicy(ShellEnvironmentPolicy policy) {
      this.environmentPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the environment the policy filters; default {@link System#getenv()}. For tests. */
    public Builder parentEnvironment(Map<String, String> environment) {
      this.parentEnvironment = Map.copyOf(environment);
      return this;
    }

    /** Sets the default timeout of an agent's command, a positive duration; default 5 minutes. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = OrchestratorConfig.positive(timeout, "commandTimeout");
      return this;
    }

    /**
     * Sets folders outside the workspace that workspace-write roles' write and patch tools may also
     * write (nowhere else outside), Codex's {@code [sandbox_workspace_write] writable_roots}; unlike
     * Codex, {@code /tmp} and {@code $TMPDIR} are not added. This limits the tools, not the programs
     * an agent's command starts. The roots must be absolute.
     */
    public Builder writableRoots(List<Path> roots) {
      this.writableRoots = OrchestratorConfig.absolute(roots, "writable roots");
      return this;
    }

    /**
     * Sets whether workspace-write roles' commands may reach the network, Codex's {@code
     * [sandbox_workspace_write] network_access}; default false, as in Codex. Orchestra has no
     * network isolation: without access, an agent's command known to reach the network ({@code
     * curl}, {@code git fetch}, {@code npm install}, ...) is asked about, or refused under {@code
     * never}, and other commands get {@code CODEX_SANDBOX_NETWORK_DISABLED=1}; any other program
     * still reaches the network (see {@link SandboxMode}). Gates' commands are not limited.
     */
    public Builder networkAccess(boolean allowed) {
      this.networkAccess = allowed;
      return this;
    }

    /**
     * Attaches skills to a role: their names and descriptions go into the role's requests, and
     * the role gets the {@code load_skill} tool if it carries it.
     *
     * @param role the role's name
     * @param roleSkills the skills, for example from {@link Skill#discover(Path)}
     */
    public Builder skills(String role, List<Skill> roleSkills) {
      skills.put(Objects.requireNonNull(role, "role"), List.copyOf(roleSkills));
      return this;
    }

    /**
     * Sets the run's sandbox ceiling: no role, built-in or configured, gets more than this. Codex's
     * {@code sandbox_mode} and the project's trust decide it there (read-only for a project with no
     * trust decision); the default puts no ceiling on the roles' own modes. With a read-only
     * ceiling no role can write, so implementers can only report what they would change.
     *
     * @param ceiling the most any role may do
     */
    public Builder sandboxCeiling(SandboxMode ceiling) {
      this.sandboxCeiling = Objects.requireNonNull(ceiling, "ceiling");
      return this;
    }

    /**
     * Sets how the tasks that write are kept apart: {@link Isolation#worktrees()} (the default; a
     * git worktree and branch per task, integrated in plan order, in a git repository) or {@link
     * Isolation#shared()} (every task in the workspace itself, writers kept apart by their write
     * scopes). A folder that is not a git work tree is always shared.
     */
    public Builder isolation(Isolation isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /**
     * Returns a new orchestrator.
     *
     * @throws IllegalStateException when the workspace or the model provider is missing, the
     *     workspace is not a folder, or the team lacks a role a gate or the loop needs
     */
    public Orchestrator build() {
      return new DefaultOrchestrator(OrchestratorConfig.of(this));
    }
  }
}
