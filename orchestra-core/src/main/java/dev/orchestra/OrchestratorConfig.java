package dev.orchestra;

import dev.orchestra.agent.Agent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * An orchestrator's configuration, as {@link Orchestrator.Builder} validated it: one immutable
 * value every part of a run reads, instead of fields copied one by one.
 *
 * @param workspace the workspace, absolute and normalised
 * @param roles the team by name, each role under the run's sandbox ceiling
 * @param provider the model provider
 * @param defaultModel the model for roles that name none
 * @param budgetPolicy how the thread budget moves
 * @param gates the gates, in order
 * @param listeners every listener, as one
 * @param bounds the run's bounds
 * @param oneBatch whether a run stops after its first batch and gates
 * @param probes the exploration probes
 * @param clock the clock events are stamped by
 * @param sleeper how retries wait
 * @param random where run ids and jitter come from
 * @param executor the pool agents run on, or null to make one per run
 * @param agent the agent that carries out tasks
 * @param planFile the plan's file, absolute
 * @param planWriteInterval the least time between two writes of plan.md during a batch
 * @param maxModelAttempts the most attempts of one model call
 * @param approvalHandler who answers approval requests
 * @param approvalTimeout how long an approval may take before it counts as denied
 * @param environmentPolicy which environment variables commands get
 * @param parentEnvironment the environment the policy filters
 * @param commandTimeout how long an agent's command may run
 * @param writableRoots folders outside the workspace a workspace-write role may write
 * @param networkAccess whether a workspace-write role's commands may reach the network
 * @param skills each role's skills
 * @param isolation how writing tasks are kept apart
 */
record OrchestratorConfig(
    Path workspace,
    Map<String, Role> roles,
    ModelProvider provider,
    String defaultModel,
    BudgetPolicy budgetPolicy,
    List<Gate> gates,
    OrchestraListener listeners,
    Bounds bounds,
    boolean oneBatch,
    List<String> probes,
    Clock clock,
    Sleeper sleeper,
    RandomGenerator random,
    ExecutorService executor,
    Agent agent,
    Path planFile,
    Duration planWriteInterval,
    int maxModelAttempts,
    ApprovalHandler approvalHandler,
    Duration approvalTimeout,
    ShellEnvironmentPolicy environmentPolicy,
    Map<String, String> parentEnvironment,
    Duration commandTimeout,
    List<Path> writableRoots,
    boolean networkAccess,
    Map<String, List<Skill>> skills,
    Isolation isolation) {

  /** The questions explorers answer when the builder is given none. */
  static final List<String> DEFAULT_PROBES =
      List.of("Map the files and key symbols the goal touches.", "Find where CI is defined and the local commands that mirror it.");

  /** Returns a duration that is not negative, or throws naming the setting. */
  static Duration notNegative(Duration d, String setting) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative");
    }
    return d;
  }

  /** Returns a text that is not blank, or throws naming the setting. */
  static String notBlank(String value, String setting) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank");
    }
    return value;
  }

  /** Returns a count of at least one, or throws naming the setting. */
  static int atLeastOne(int value, String setting) {
    if (value < 1) {
      throw new IllegalArgumentException(setting + " must be at least 1, got " + value);
    }
    return value;
  }

  /** Returns a copy of the paths when all are absolute, or throws naming the setting and the path. */
  static List<Path> absolute(List<Path> paths, String setting) {
    for (Path p : paths) {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException(setting + " must be absolute, got " + p);
      }
    }
    return List.copyOf(paths);
  }

  /** The gate, unless the gates added hold one of its name: gates are told apart by name. */
  static Gate newGate(List<Gate> added, Gate gate) {
    Objects.requireNonNull(gate, "gate");
    for (Gate g : added) {
      if (g.name().equals(gate.name())) {
        throw new IllegalArgumentException("a gate named '" + gate.name() + "' was already added");
      }
    }
    return gate;
  }

  /** Returns a positive duration, or throws naming the setting. */
  static Duration positive(Duration d, String setting) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, got " + d);
    }
    return d;
  }

  /**
   * The configuration a builder holds.
   *
   * @throws IllegalStateException when the workspace or the model provider is missing, the
   *     workspace is not a folder, or the team lacks a role a gate or the loop needs
   */
  static OrchestratorConfig of(Orchestrator.Builder b) {
    if (b.workspace == null) {
      throw new IllegalStateException("workspace is required: call workspace(Path)");
    }
    if (!java.nio.file.Files.isDirectory(b.workspace)) {
      throw new IllegalStateException("workspace " + b.workspace + " is not an existing folder");
    }
    if (b.modelProvider == null) {
      throw new IllegalStateException("a model provider is required: call modelProvider(...)");
    }
    for (String needed : List.of(BuiltInRoles.ORCHESTRATOR, BuiltInRoles.IMPLEMENTER)) {
      if (!b.roles.containsKey(needed)) {
        throw new IllegalStateException(
            "the team needs the '" + needed + "' role; it has: " + String.join(", ", b.roles.keySet()));
      }
    }
    if (!b.explorationProbes.isEmpty() && !b.roles.containsKey(BuiltInRoles.EXPLORER)) {
      throw new IllegalStateException(
          "exploration probes need the 'explorer' role; add it or call explorationProbes(List.of())");
    }
    for (Gate g : b.gates) {
      for (String needed : g.requiredRoles()) {
        if (!b.roles.containsKey(needed)) {
          throw new IllegalStateException(
              "the " + g.name() + " gate needs the '" + needed + "' role; the team has: "
                  + String.join(", ", b.roles.keySet()));
        }
      }
    }
    Path workspace = b.workspace.toAbsolutePath().normalize();
    return new OrchestratorConfig(
        workspace,
        underCeiling(b.roles, b.sandboxCeiling),
        b.modelProvider,
        b.defaultModel,
        b.budgetPolicy,
        List.copyOf(b.gates),
        OrchestraListener.composite(b.listeners),
        b.bounds,
        b.oneBatch,
        List.copyOf(b.explorationProbes),
        b.clock,
        b.sleeper,
        b.random != null ? b.random : RandomGenerator.of("L64X128MixRandom"),
        b.executor,
        b.agent,
        workspace.resolve(b.planFile),
        b.planWriteInterval,
        b.maxModelAttempts,
        b.approvalHandler,
        b.approvalTimeout,
        b.environmentPolicy,
        Map.copyOf(b.parentEnvironment),
        b.commandTimeout,
        List.copyOf(b.writableRoots),
        b.networkAccess,
        Map.copyOf(b.skills),
        b.isolation);
  }

  /** The team with no role above the run's sandbox ceiling, built-in roles included. */
  private static Map<String, Role> underCeiling(Map<String, Role> team, SandboxMode ceiling) {
    Map<String, Role> out = new LinkedHashMap<>();
    team.forEach((name, r) -> out.put(name, r.sandboxMode().compareTo(ceiling) > 0 ? r.toBuilder().sandboxMode(ceiling).build() : r));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The folder of the run's state: journal, lock, notes. */
  Path stateFolder() {
    return workspace.resolve(".orchestra");
  }

  /** Orchestra's own files in the workspace, relative to it: plan.md and the state folder. */
  List<String> ownPaths() {
    return List.of(workspace.relativize(planFile).toString(), workspace.relativize(stateFolder()).toString());
  }

  /** The journal. */
  Path journalFile() {
    return stateFolder().resolve("journal.jsonl");
  }

  /**
   * The environment every command of the run gets (agents' commands, gates' commands, the
   * orchestrator's git): the policy applied to the parent environment.
   */
  CommandEnvironment commandEnvironment() {
    return CommandEnvironment.of(environmentPolicy, parentEnvironment);
  }

  /** The author and committer of Orchestra's commits: the one the worktrees name, else Orchestra's own. */
  dev.orchestra.internal.workspace.GitIdentity commitIdentity() {
    return isolation instanceof Isolation.Worktrees w
        ? new dev.orchestra.internal.workspace.GitIdentity(w.authorName(), w.authorEmail())
        : dev.orchestra.internal.workspace.GitIdentity.ORCHESTRA;
  }

  /**
   * Names the parts, never the environment's values (they hold API keys and other secrets) nor the
   * roles' instructions.
   */
  @Override
  public String toString() {
    return "OrchestratorConfig[workspace=" + workspace + ", roles=" + roles.keySet() + ", provider=" + provider + ", gates="
        + gates.stream().map(Gate::name).toList() + ", bounds=" + bounds + ", environment variables=" + parentEnvironment.size() + "]";
  }
}
