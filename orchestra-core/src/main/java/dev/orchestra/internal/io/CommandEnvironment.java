package dev.orchestra.internal.io;

import dev.orchestra.role.ShellEnvironmentPolicy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The environment variables of the processes Orchestra starts for a run, and the one place such a
 * process is made. An agent's {@code run_command}, a command gate, the CI gate's checks and the
 * orchestrator's own {@code git} all start through {@link #processBuilder(List)}, which clears the
 * JVM's environment and puts in exactly these variables: what the run's {@link
 * ShellEnvironmentPolicy} chose from its parent environment, plus what a caller added on top with
 * {@link #with(Map)} (a gate's own variables, the sandbox's {@code CODEX_SANDBOX_NETWORK_DISABLED}).
 *
 * <p>The program itself is still looked up on the JVM's own {@code PATH} (that is how {@link
 * ProcessBuilder} works), so {@code inherit = "none"} does not stop {@code sh} from starting; it
 * does stop {@code sh} from seeing a {@code PATH}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandEnvironment {
  private final Map<String, String> variables;

  private CommandEnvironment(Map<String, String> variables) {
    variables.forEach((name, value) -> check(name, value, "environment variable"));
    this.variables = Collections.unmodifiableMap(new TreeMap<>(variables));
  }

  /**
   * Returns the environment a policy chooses from a parent environment.
   *
   * @param policy the run's (or a gate's) policy
   * @param parent the environment it filters, usually {@link System#getenv()}
   * @throws IllegalArgumentException when a chosen variable could not be put in a process's
   *     environment (a parent given in code can hold one)
   */
  public static CommandEnvironment of(ShellEnvironmentPolicy policy, Map<String, String> parent) {
    return new CommandEnvironment(policy.apply(parent));
  }

  /**
   * Returns an environment of variables a policy already chose, such as those of {@link
   * dev.orchestra.gate.GateContext#commandEnvironment()}.
   *
   * @throws IllegalArgumentException when a name or value could not be put in a process's environment
   */
  public static CommandEnvironment chosen(Map<String, String> variables) {
    return new CommandEnvironment(variables);
  }

  /** Returns the variables, sorted by name. */
  public Map<String, String> variables() {
    return variables;
  }

  /**
   * Returns this environment with variables added or replaced after the policy chose: they are
   * passed whatever the policy says, as Codex passes its sandbox's own variables.
   *
   * @throws IllegalArgumentException when a name or value could not be put in a process's environment
   */
  public CommandEnvironment with(Map<String, String> added) {
    if (added.isEmpty()) {
      return this;
    }
    Map<String, String> all = new TreeMap<>(variables);
    all.putAll(added);
    return new CommandEnvironment(all);
  }

  /**
   * Returns a process builder for the command whose environment is exactly these variables: nothing
   * of the JVM's own environment leaks in beside them.
   */
  public ProcessBuilder processBuilder(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(variables);
    return pb;
  }

  /**
   * Checks that a variable can be put in a process's environment: a name that is not empty and has
   * no {@code =} and no NUL character, and a value without NUL.
   *
   * @param what what the variable is, for the message, for example {@code shell_environment_policy.set}
   * @throws IllegalArgumentException naming the variable and what is wrong with it
   */
  public static void check(String name, String value, String what) {
    Objects.requireNonNull(name, what + " name");
    Objects.requireNonNull(value, what + " " + name);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(what + " has an empty name");
    }
    if (name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          what + " '" + name.replace("\0", "\\0") + "' is not a valid variable name: it contains " + (name.indexOf('=') >= 0 ? "'='" : "a NUL character"));
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " '" + name + "' has a value with a NUL character, which no process environment can hold");
    }
  }

  @Override
  public String toString() {
    // Values may be secrets a user chose to pass; names are enough to tell environments apart.
    return "CommandEnvironment" + variables.keySet();
  }
}
