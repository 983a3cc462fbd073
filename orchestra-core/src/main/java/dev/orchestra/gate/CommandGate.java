package dev.orchestra.gate;

import dev.orchestra.Orchestrator;
import dev.orchestra.OrchestraException;
import dev.orchestra.agent.AgentException;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.io.ProcessRunner;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gate that runs a real command (tests, typecheck, lint) in the workspace and passes when it
 * exits with 0.
 *
 * <p>The command is an argument list run without a shell unless the gate was made with {@link
 * Gate#shell(String)}. A timeout kills the whole process tree: Java can kill every descendant it can still see,
 * but a process that detaches from its parent (daemonises) before the timeout escapes. Output
 * (stdout and stderr together) is captured up to a cap: its first and last halves are kept.
 *
 * <p>The working directory must be a folder inside the workspace once symbolic links are followed;
 * when it is not, the command is not run and the gate fails with a finding that says why.
 *
 * <p>The command gets the orchestrator's environment ({@link GateContext#commandEnvironment()})
 * unless the gate is given a policy of its own.
 *
 * <p>When the command fails, its output goes to the team's {@code ci_runner} role, whose most
 * likely root cause and smallest next fix become the finding; without that role, the finding
 * quotes the output's last line. Either way the finding's {@link Finding#relatedFiles()} name the
 * workspace files the command ran (the script of {@code sh test.sh}) and the ones its output names
 * ({@code src/Foo.java:12}), at most ten, only files that exist inside the workspace.
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandGate implements Gate {
  private static final Logger log = LoggerFactory.getLogger(CommandGate.class);
  private final String name;
  private final List<String> command;
  private final String shown;
  private final String workingDirectory;
  private final Duration timeout;
  private final int maxOutputBytes;
  private final Map<String, String> environment;
  private final ShellEnvironmentPolicy environmentPolicy; // null: the orchestrator's, from the context
  private final Map<String, String> parentEnvironment; // null: System.getenv()

  private CommandGate(Builder b) {
    this.name = b.name;
    this.command = b.command;
    this.shown = b.display == null ? String.join(" ", b.command) : b.display;
    this.workingDirectory = b.workingDirectory;
    this.timeout = b.timeout;
    this.maxOutputBytes = b.maxOutputBytes;
    this.environment = Map.copyOf(b.environment);
    this.environmentPolicy = b.environmentPolicy;
    this.parentEnvironment = b.parentEnvironment;
  }

  static Builder builder(List<String> command) {
    return new Builder(command);
  }

  @Override
  public String name() {
    return name;
  }

  /** Returns the command as run, for example {@code [sh, -c, make test]}. */
  public List<String> command() {
    return command;
  }

  @Override
  public GateResult evaluate(Batch batch, GateContext context) {
    Path dir = batch.workspace().resolve(workingDirectory).normalize();
    String outside = outsideWorkspace(batch.workspace(), workingDirectory);
    if (outside != null) {
      Finding f =
          new Finding(
              name, Severity.HIGH, "", 0, "'" + shown + "' was not run: its " + outside,
              "Give the " + name + " gate a working directory inside the workspace");
      return GateResult.of(name, Verdict.FAIL, List.of(f), shown + " was not run: its " + outside);
    }
    ProcessRunner.Outcome outcome;
    try {
      outcome = ProcessRunner.run(command, dir, baseEnvironment(context).with(environment), timeout, maxOutputBytes);
    } catch (IOException e) {
      Finding f =
          new Finding(
              name, Severity.HIGH, "", 0,
              "command '" + command.get(0) + "' could not be started: " + e.getMessage(),
              "Install '" + command.get(0) + "' or fix the " + name + " gate's command");
      return GateResult.of(name, Verdict.FAIL, List.of(f), "could not start: " + shown);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestraException("interrupted while running " + shown, e);
    }
    if (outcome.exitCode() == 0) {
      return GateResult.pass(name, shown + " passed");
    }
    String what =
        outcome.timedOut()
            ? shown + " timed out after " + timeout.toSeconds() + "s and was killed"
            : shown + " exited with code " + outcome.exitCode();
    return GateResult.of(name, Verdict.FAIL, List.of(diagnose(batch, context, dir, what, outcome)), what);
  }

  /**
   * Returns why a working directory is not a folder inside the workspace, as "working directory
   * 'x' ...", or null when it is one. Symbolic links are followed: a folder in the workspace that
   * is a link to a folder elsewhere is outside.
   */
  static String outsideWorkspace(Path workspace, String relative) {
    String what = "working directory '" + relative + "'";
    Path root = workspace.toAbsolutePath().normalize();
    Path dir;
    try {
      Path p = Path.of(relative);
      dir = root.resolve(p).normalize();
      if (p.isAbsolute() || !dir.startsWith(root)) {
        return what + " is outside the workspace";
      }
    } catch (InvalidPathException e) {
      return what + " is not a valid path";
    }
    try {
      if (!dir.toRealPath().startsWith(root.toRealPath())) {
        return what + " leads outside the workspace through a symbolic link";
      }
    } catch (IOException e) {
      return what + " does not exist in the workspace";
    }
    return Files.isDirectory(dir) ? null : what + " is not a folder";
  }

  /** The gate's own policy and parent environment where either was given, else the orchestrator's. */
  private CommandEnvironment baseEnvironment(GateContext context) {
    if (environmentPolicy == null && parentEnvironment == null) {
      return CommandEnvironment.chosen(context.commandEnvironment());
    }
    return CommandEnvironment.of(
        environmentPolicy == null ? ShellEnvironmentPolicy.defaults() : environmentPolicy,
        parentEnvironment == null ? System.getenv() : parentEnvironment);
  }

  private Finding diagnose(Batch batch, GateContext context, Path dir, String what, ProcessRunner.Outcome outcome) {
    var ciRunner = context.role(BuiltInRoles.CI_RUNNER);
    if (ciRunner.isPresent()) {
      String brief =
          what + "\n\nOutput (" + outcome.outputBytes() + " bytes):\n" + outcome.output() + "\n\n" + batch.describe();
      try {
        RoleReport report =
            context.runRole(
                ciRunner.get(),
                "gate-" + name + "-" + batch.round(),
                "Find the most likely root cause of the failing check and the smallest next fix",
                brief);
        if (report instanceof RoleReport.CiDiagnosis d && !d.rootCause().isEmpty()) {
          List<String> related = RelatedFiles.of(batch.workspace(), dir, command, outcome.output(), d.file());
          return new Finding(name, Severity.HIGH, d.file(), d.line(), d.rootCause(), d.smallestFix(), related, checkKey());
        }
      } catch (AgentException | RejectedRequestException | RateLimitedException | TransientModelException e) {
        // The diagnosis is a help, not the verdict: the command failed either way, so the finding
        // falls back to the command's own output. A lost quota or credentials still stop the run.
        log.warn("the ci_runner could not diagnose the {} failure: {}", name, e.getMessage());
      }
    }
    List<String> related = RelatedFiles.of(batch.workspace(), dir, command, outcome.output(), "");
    return new Finding(
        name, Severity.HIGH, "", 0, what + ": " + lastLine(outcome.output()), "Make " + shown + " pass", related, checkKey());
  }

  /**
   * A failing check is one problem however its diagnosis is worded (a model words the same root
   * cause differently each round): its findings are known by the command and where it runs.
   */
  private String checkKey() {
    return "check: " + shown + (workingDirectory.equals(".") ? "" : " in " + workingDirectory);
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  @Override
  public String toString() {
    return "CommandGate[" + name + ": " + String.join(" ", command) + "]";
  }

  /** Builds {@link CommandGate}s. Not thread-safe. */
  public static final class Builder {
    private String name = "ci";
    private final List<String> command;
    private String display;
    private String workingDirectory = ".";
    private Duration timeout = Duration.ofMinutes(10);
    private int maxOutputBytes = 64 * 1024;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private ShellEnvironmentPolicy environmentPolicy;
    private Map<String, String> parentEnvironment;

    private Builder(List<String> command) {
      this.command = checkCommand(command);
    }

    private static List<String> checkCommand(List<String> command) {
      List<String> c = List.copyOf(command);
      if (c.isEmpty() || c.get(0).isBlank()) {
        throw new IllegalArgumentException("a command gate needs a program to run");
      }
      return c;
    }

    /**
     * Sets the gate's name; default {@code ci}.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("gate name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets how the command is shown in summaries and findings; default its words joined by spaces.
     * The CI gate shows a workflow step or a named check as written, not as {@code sh -c …}.
     *
     * @param display the command on one line
     * @return this builder
     */
    Builder display(String display) {
      if (display == null || display.isBlank()) {
        throw new IllegalArgumentException("a command's display must not be blank");
      }
      this.display = display;
      return this;
    }

    /**
     * Sets the working directory, relative to the workspace root; default the root.
     *
     * @param relative the folder
     * @return this builder
     */
    public Builder workingDirectory(String relative) {
      Path p = Path.of(relative);
      if (p.isAbsolute() || p.normalize().startsWith("..")) {
        throw new IllegalArgumentException("working directory must be inside the workspace: " + relative);
      }
      this.workingDirectory = relative;
      return this;
    }

    /**
     * Sets the timeout after which the whole process tree is killed; default 10 minutes.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how much output is kept; default 64 KiB.
     *
     * @param bytes at least 2
     * @return this builder
     */
    public Builder maxOutputBytes(int bytes) {
      if (bytes < 2) {
        throw new IllegalArgumentException("maxOutputBytes must be at least 2, got " + bytes);
      }
      this.maxOutputBytes = bytes;
      return this;
    }

    /**
     * Adds an environment variable for the command, passed whatever the environment policy says.
     *
     * @param name the variable
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException when the name is empty or has {@code =} or NUL, or the value has NUL
     */
    public Builder environment(String name, String value) {
      CommandEnvironment.check(name, value, "the " + this.name + " gate's environment variable");
      environment.put(name, value);
      return this;
    }

    /**
     * Sets which of the JVM's environment variables the command gets. By default the command gets
     * what the orchestrator's own policy ({@link Orchestrator.Builder#shellEnvironmentPolicy})
     * gives, through {@link GateContext#commandEnvironment()}; a policy set here is used instead,
     * applied to {@link System#getenv()} (or {@link #parentEnvironment(Map)}). Variables added
     * with {@link #environment(String, String)} are always passed.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder environmentPolicy(ShellEnvironmentPolicy policy) {
      this.environmentPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the environment the policy filters; default {@link System#getenv()}. For tests. Like
     * {@link #environmentPolicy(ShellEnvironmentPolicy)}, it makes the gate use its own policy
     * ({@link ShellEnvironmentPolicy#defaults()} unless one is set) instead of the orchestrator's.
     *
     * @param environment the parent environment
     * @return this builder
     */
    public Builder parentEnvironment(Map<String, String> environment) {
      this.parentEnvironment = Map.copyOf(environment);
      return this;
    }

    /** Returns the gate. */
    public CommandGate build() {
      return new CommandGate(this);
    }
  }
}
