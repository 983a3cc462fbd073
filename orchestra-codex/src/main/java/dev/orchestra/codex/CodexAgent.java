package dev.orchestra.codex;

import dev.orchestra.agent.Agent;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.agent.AgentException;
import dev.orchestra.agent.ReportFormat;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.internal.io.ProcessRunner;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.Role;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out each task as a real OpenAI Codex agent: one Codex CLI process per task, started in
 * the task's workspace (its own git worktree when the run isolates tasks), with the role's model,
 * reasoning effort, sandbox mode and instructions, the task and its brief as the prompt, and the
 * role's report schema as Codex's output schema, so Codex's final message is the role's typed
 * {@link RoleReport}.
 *
 * <p>A role that never asks for approval runs as {@code codex exec --json}; a role whose approval
 * policy can ask ({@code untrusted}, {@code on-request}, {@code on-failure}) runs through {@code
 * codex app-server}, and each approval Codex asks for goes to the run's approval handler (a denial
 * reaches Codex as a denial, and the command never runs). Codex's own sub-agents are turned off:
 * the orchestration is Orchestra's.
 *
 * <p>What Codex does becomes the run's events: each command with its exit code and duration, each
 * changed file, each MCP tool call, its messages, its thread id, and each turn's tokens, counted
 * for the role. A failed turn is typed as a model provider's failure would be: a rate limit steps
 * the thread budget down and the task runs again later; a usage limit stops the run as {@code
 * QUOTA_EXHAUSTED} (resumable); a refused sign-in stops it and says to run {@code codex login}; a
 * process that dies or prints garbage is a transient failure carrying its last error lines. A task
 * over its time limit, and every task of a cancelled run, has its whole process tree killed.
 *
 * <p>Orchestra never reads Codex's credentials: the child gets the run's command environment (its
 * shell environment policy applied), the variables named with {@link
 * Builder#passEnvironment(String...)}, a role's MCP server variables ({@link
 * Builder#roleEnvironment(String, Map)}), and {@code CODEX_HOME} as configured, so Codex signs in as
 * the user has it set up. No value of a variable goes on Codex's command line. Thread-safe: the orchestrator runs many tasks at once through one agent.
 */
public final class CodexAgent implements Agent, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CodexAgent.class);
  /** How many of Codex's last error-output lines a failure carries. */
  private static final int STDERR_LINES = 8;

  private final Optional<Path> executable;
  private final Optional<Path> codexHome;
  private final List<String> overrides;
  private final Map<String, List<String>> roleOverrides;
  /** Each role's MCP servers' variables, set in Codex's environment (never on its command line). */
  private final Map<String, Map<String, String>> roleEnvironment;
  private final Duration timeout;
  private final Set<String> passEnvironment;
  private final Map<String, String> environment;
  /** Executables whose version was checked, so each is checked once. */
  private final Map<Path, String> checked = new ConcurrentHashMap<>();
  /** The Codex processes running now, for {@link #close()}. */
  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  private CodexAgent(Builder b) {
    this.executable = Optional.ofNullable(b.executable);
    this.codexHome = Optional.ofNullable(b.codexHome);
    this.overrides = List.copyOf(b.overrides);
    Map<String, List<String>> byRole = new TreeMap<>();
    b.roleOverrides.forEach((k, v) -> byRole.put(k, List.copyOf(v)));
    this.roleOverrides = Collections.unmodifiableMap(byRole);
    Map<String, Map<String, String>> envByRole = new TreeMap<>();
    b.roleEnvironment.forEach((k, v) -> envByRole.put(k, Collections.unmodifiableMap(new java.util.LinkedHashMap<>(v))));
    this.roleEnvironment = Collections.unmodifiableMap(envByRole);
    this.timeout = b.timeout;
    this.passEnvironment = Set.copyOf(b.passEnvironment);
    this.environment = Map.copyOf(b.environment);
  }

  /**
   * Returns a builder. Defaults: {@code codex} from the PATH (else the tested release in {@code
   * ~/.cache/orchestra/codex-0.169.0}), the {@code CODEX_HOME} of the JVM's environment when set,
   * no overrides, a time limit of 30 minutes per task.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks that the Codex CLI can be used, as the first task would: finds it and checks its version.
   *
   * @return the version line Codex printed, for example {@code codex-cli 0.169.0}
   * @throws CodexUnavailableException when it is missing or of an unsupported version, in one line
   *     saying what was looked for, what was found, the supported versions and how to install
   */
  public String checkAvailable() {
    Map<String, String> env = environment(System.getenv());
    return ensureSupported(CodexCli.locate(executable, env), env);
  }

  @Override
  public RoleReport run(Role role, Task task, AgentContext context) {
    Map<String, String> env = environment(context.commandEnvironment());
    Path exe = CodexCli.locate(executable, env);
    ensureSupported(exe, env);
    Set<String> roleVariables = addRoleVariables(role, env);
    Path workspace = context.workspace().toAbsolutePath().normalize();
    String model = role.model().orElse(context.defaultModel());
    CodexEvents events = new CodexEvents(context, workspace, model);
    String prompt = prompt(role, task, context);
    Optional<String> schema = ReportFormat.schema(role.name());
    if (role.approvalPolicy() != ApprovalPolicy.NEVER) {
      new AppServerTurn(this, role, task, context, events).run(exe, env, roleVariables, workspace, model, prompt, schema);
    } else {
      exec(exe, env, roleVariables, workspace, role, model, prompt, schema, events, task);
    }
    String answer =
        events.finalMessage().orElseThrow(
            () -> new AgentException(
                AgentException.Reason.MALFORMED_ANSWER, role.name() + " on task " + task.id() + ": Codex finished without a final message"));
    return ReportFormat.parse(role.name(), answer, events.changedFiles());
  }

  /** Runs {@code codex exec --json} to its end, feeding its lines to {@code events}. */
  private void exec(
      Path exe, Map<String, String> env, Set<String> roleVariables, Path workspace, Role role, String model, String prompt, Optional<String> schema,
      CodexEvents events, Task task) {
    Path schemaFile = null;
    try {
      List<String> argv = new ArrayList<>(List.of(exe.toString(), "exec", "--json", "--skip-git-repo-check", "-C", workspace.toString()));
      argv.addAll(List.of("-s", role.sandboxMode().configValue(), "-m", model));
      argv.addAll(configFlags(role, false, roleVariables));
      if (schema.isPresent()) {
        schemaFile = Files.createTempFile("orchestra-" + role.name() + "-schema", ".json");
        Files.writeString(schemaFile, schema.get());
        argv.addAll(List.of("--output-schema", schemaFile.toString()));
      }
      argv.add("--");
      argv.add(prompt);
      Process p = start(argv, env, workspace, true);
      StderrTail stderr = new StderrTail(p.getErrorStream());
      Thread out = reader(p.getInputStream(), events::accept, "orchestra-codex-out-" + task.id());
      try {
        waitFor(p, role, task, out, stderr);
      } catch (RuntimeException e) {
        events.close(); // killed: what the reader still holds is not reported after the task's end
        throw e;
      }
      Optional<dev.orchestra.model.ModelProviderException> failed = events.failure(stderr.text());
      if (failed.isPresent()) {
        throw failed.get();
      }
      int exit = p.exitValue();
      if (exit != 0 || !events.turnCompleted()) {
        String what =
            events.unreadableLines() > 0 && !events.turnCompleted()
                ? "printed " + events.unreadableLines() + " lines that are not its JSON events and no finished turn (exit code " + exit + ")"
                : "exited with code " + exit + " without finishing its turn";
        throw CodexFailures.processFailed(what, stderr.text());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run Codex for " + task.id() + ": " + e.getMessage(), e);
    } finally {
      if (schemaFile != null) {
        try {
          Files.deleteIfExists(schemaFile);
        } catch (IOException e) {
          LOG.debug("could not delete {}", schemaFile, e);
        }
      }
    }
  }

  /**
   * Sets the role's MCP server variables in Codex's environment.
   *
   * @return the names it added, which the commands Codex runs must not see
   * @throws AgentException when one would replace a variable Codex itself is given with another value
   */
  private Set<String> addRoleVariables(Role role, Map<String, String> env) {
    Set<String> added = new java.util.TreeSet<>();
    for (Map.Entry<String, String> v : roleEnvironment.getOrDefault(role.name(), Map.of()).entrySet()) {
      String present = env.get(v.getKey());
      if (readByCodex(v.getKey()) && !v.getValue().equals(present)) {
        throw new AgentException(
            AgentException.Reason.OTHER,
            "the " + role.name() + " role's MCP servers set " + v.getKey() + ", which Codex itself reads; Orchestra passes those variables"
                + " through Codex's environment, where it would change Codex: set it in the environment Orchestra runs in and name it in"
                + " the server's env_vars instead");
      }
      if (present == null) {
        env.put(v.getKey(), v.getValue());
        added.add(v.getKey());
      } else if (!present.equals(v.getValue())) {
        throw new AgentException(
            AgentException.Reason.OTHER,
            "the " + role.name() + " role's MCP servers set " + v.getKey() + ", which Codex's own environment has with another value;"
                + " Orchestra passes those variables through Codex's environment, so give the server's variable another name or the"
                + " same value");
      }
    }
    return added;
  }

  /** Whether Codex (its Node.js launcher, its Rust binary, its HTTP client) reads the variable itself. */
  static boolean readByCodex(String name) {
    String n = name.toUpperCase(java.util.Locale.ROOT);
    return n.startsWith("CODEX_") || n.startsWith("OPENAI_") || n.startsWith("RUST_") || n.startsWith("LD_") || n.startsWith("DYLD_")
        || n.startsWith("NODE_") || n.endsWith("_PROXY") || n.startsWith("SSL_CERT_") || List.of("PATH", "HOME", "TMPDIR", "SHELL").contains(n);
  }

  /**
   * The {@code -c} overrides every Codex process of a role gets: its reasoning effort and
   * instructions, sub-agents off (both kinds), the agent's own overrides, then the role's (from its Codex role
   * file). Model, sandbox and approval policy are given as their own options.
   *
   * @param roleVariables the role's MCP server variables added to Codex's environment, kept from its commands
   */
  List<String> configFlags(Role role, boolean appServer, Set<String> roleVariables) {
    List<String> flags = new ArrayList<>();
    flags.addAll(List.of("-c", "model_reasoning_effort=" + CodexCli.tomlString(role.reasoningEffort().toString())));
    flags.addAll(List.of("-c", "agents.enabled=false"));
    // agents.enabled does not reach the newer sub-agents a user's configuration may turn on.
    flags.addAll(List.of("-c", "features.multi_agent_v2=false"));
    if (!appServer) {
      flags.addAll(List.of("-c", "approval_policy=\"never\""));
    }
    if (!role.instructions().isBlank()) {
      flags.addAll(List.of("-c", "developer_instructions=" + CodexCli.tomlString(role.instructions())));
    }
    // The variables passed to Codex for its own use (a provider's key) stay out of the commands it
    // runs: a command could print them into a file the task commits.
    Set<String> own = new java.util.TreeSet<>(passEnvironment);
    own.addAll(environment.keySet());
    own.addAll(roleVariables);
    if (!own.isEmpty()) {
      flags.addAll(List.of("-c", "shell_environment_policy.exclude=[" + String.join(", ", own.stream().map(CodexCli::tomlString).toList()) + "]"));
    }
    for (String o : overrides) {
      flags.addAll(List.of("-c", o));
    }
    for (String o : roleOverrides.getOrDefault(role.name(), List.of())) {
      flags.addAll(List.of("-c", o));
    }
    return flags;
  }

  /** Starts a Codex process with exactly {@code env}; its input is /dev/null unless {@code nullInput} is false. */
  Process start(List<String> argv, Map<String, String> env, Path workspace, boolean nullInput) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(workspace.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    if (nullInput) {
      // With an open pipe for input, codex exec waits for it and never starts.
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process p = pb.start();
    live.add(p);
    p.onExit().thenRun(() -> live.remove(p));
    return p;
  }

  /**
   * Waits for the process to end within the time limit; kills its whole tree when the limit passes
   * or the thread is interrupted (the run was cancelled), and says so.
   */
  void waitFor(Process p, Role role, Task task, Thread out, StderrTail stderr) {
    boolean finished;
    try {
      finished = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      ProcessRunner.killTree(p);
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Reason.INTERRUPTED, role.name() + " on " + task.id() + " was interrupted; its Codex process was killed");
    }
    if (!finished) {
      ProcessRunner.killTree(p);
      throw new AgentException(
          role.name() + " on " + task.id() + " did not finish within " + timeout.toSeconds() + " s; its Codex process tree was killed"
              + (stderr.text().isBlank() ? "" : "; its last error output: " + stderr.text().strip()));
    }
    // Codex ended its own commands as it exited; a reader may still drain what it printed.
    join(out);
    stderr.join();
  }

  private static void join(Thread t) {
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads a stream's lines on a thread of its own, handing each to {@code sink}. */
  static Thread reader(InputStream in, Consumer<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // The process was killed under us: keep what was read.
              } catch (RuntimeException e) {
                LOG.warn("reading Codex's output failed", e);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The last lines a process wrote to its error output. */
  static final class StderrTail {
    private final Deque<String> lines = new ArrayDeque<>();
    private final Thread thread;

    StderrTail(InputStream in) {
      this.thread = reader(in, this::add, "orchestra-codex-err");
    }

    private synchronized void add(String line) {
      if (line.isBlank()) {
        return;
      }
      LOG.debug("codex stderr: {}", line);
      lines.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
      if (lines.size() > STDERR_LINES) {
        lines.removeFirst();
      }
    }

    void join() {
      CodexAgent.join(thread);
    }

    synchronized String text() {
      return String.join(" | ", lines);
    }
  }

  /** The child's environment: the run's command environment, the variables passed on, CODEX_HOME. */
  private Map<String, String> environment(Map<String, String> commandEnvironment) {
    Map<String, String> env = new HashMap<>(commandEnvironment);
    Map<String, String> jvm = System.getenv();
    for (String name : passEnvironment) {
      String v = jvm.get(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    env.putAll(environment);
    if (codexHome.isPresent()) {
      env.put("CODEX_HOME", codexHome.get().toString());
    } else if (jvm.containsKey("CODEX_HOME")) {
      env.put("CODEX_HOME", jvm.get("CODEX_HOME"));
    }
    for (String needed : List.of("PATH", "HOME")) {
      // Codex is a Node.js launcher (it needs node on the PATH) and finds ~/.codex from HOME.
      if (!env.containsKey(needed) && jvm.containsKey(needed)) {
        env.put(needed, jvm.get(needed));
      }
    }
    return env;
  }

  private String ensureSupported(Path exe, Map<String, String> env) {
    String known = checked.get(exe);
    if (known != null) {
      return known;
    }
    // Not inside computeIfAbsent: a slow check must not hold other tasks' threads on the map.
    String version = CodexCli.checkVersion(exe, env);
    checked.putIfAbsent(exe, version);
    return version;
  }

  /** The prompt: the task, its criteria and scope, the brief, and the form of the answer. */
  static String prompt(Role role, Task task, AgentContext context) {
    StringBuilder m = new StringBuilder();
    m.append("You are the ").append(role.name()).append(" of a team run by Orchestra.\n\n");
    m.append("Task ").append(task.id()).append(": ").append(task.title()).append('\n');
    if (!task.acceptanceCriteria().isEmpty()) {
      m.append("\nAcceptance criteria:\n");
      task.acceptanceCriteria().forEach(c -> m.append("- ").append(c).append('\n'));
    }
    if (role.sandboxMode().allowsWrites() && !task.writeScope().isEmpty()) {
      m.append("\nChange only: ").append(String.join(", ", task.writeScope())).append('\n');
    }
    if (!context.brief().isBlank()) {
      m.append("\nContext:\n").append(context.brief().strip()).append('\n');
    }
    if (!role.outputSections().isEmpty()) {
      m.append("\nFinish with your report (").append(String.join(" / ", role.outputSections())).append(").\n");
    }
    ReportFormat.instructions(role.name()).ifPresent(f -> m.append(f).append('\n'));
    return m.toString();
  }

  /** Kills every Codex process this agent is running now, with their process trees. Returns at once. */
  @Override
  public void close() {
    for (Process p : List.copyOf(live)) {
      ProcessRunner.killTree(p);
    }
  }

  /** Returns how many Codex processes this agent is running now. */
  public int runningProcesses() {
    return (int) live.stream().filter(Process::isAlive).count();
  }

  @Override
  public String toString() {
    return "CodexAgent[executable=" + executable.map(Path::toString).orElse("codex") + ", codexHome=" + codexHome.map(Path::toString).orElse("(inherited)")
        + ", timeout=" + timeout + "]";
  }

  /** Builds {@link CodexAgent}s. Not thread-safe. */
  public static final class Builder {
    private Path executable;
    private Path codexHome;
    private final List<String> overrides = new ArrayList<>();
    private final Map<String, List<String>> roleOverrides = new HashMap<>();
    private Duration timeout = Duration.ofMinutes(30);
    private final Set<String> passEnvironment = new LinkedHashSet<>();
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, Map<String, String>> roleEnvironment = new HashMap<>();

    private Builder() {}

    /**
     * Sets the {@code codex} executable to run.
     *
     * @param executable its path
     * @return this builder
     */
    public Builder executable(Path executable) {
      this.executable = Objects.requireNonNull(executable, "executable").toAbsolutePath();
      return this;
    }

    /**
     * Sets the {@code CODEX_HOME} Codex runs with: the folder of its {@code config.toml} and its
     * sign-in. Orchestra passes it on and never reads or copies what is in it.
     *
     * @param codexHome the folder
     * @return this builder
     */
    public Builder codexHome(Path codexHome) {
      this.codexHome = Objects.requireNonNull(codexHome, "codexHome").toAbsolutePath();
      return this;
    }

    /**
     * Adds a {@code -c key=value} override every Codex process gets, after Orchestra's own; the
     * value is TOML, as on Codex's command line (for example {@code model_provider="local"}).
     *
     * @param override the override
     * @return this builder
     * @throws IllegalArgumentException when it has no {@code =} or an empty key
     */
    public Builder config(String override) {
      overrides.add(checkOverride(override));
      return this;
    }

    /**
     * Adds {@code -c} overrides for one role's processes only, after every other: what a Codex role
     * file gives the role (its MCP servers, skills and other settings).
     *
     * @param role the role's name
     * @param roleOverrides the overrides, each {@code key=value} with a TOML value
     * @return this builder
     */
    public Builder roleConfig(String role, List<String> roleOverrides) {
      Objects.requireNonNull(role, "role");
      List<String> list = this.roleOverrides.computeIfAbsent(role, r -> new ArrayList<>());
      for (String o : roleOverrides) {
        list.add(checkOverride(o));
      }
      return this;
    }

    /**
     * Sets variables in the environment of one role's Codex processes only: the values of its MCP
     * servers' {@code env} tables, which its overrides forward by name ({@code env_vars}), so that
     * a token never shows on Codex's command line. The commands Codex runs do not see them. A
     * variable Codex's own environment already has with another value, or one Codex itself reads
     * ({@code OPENAI_*}, {@code CODEX_*}, a proxy, ...), fails the role's tasks. Pass a role's
     * {@code AgentRole.codexEnvironment()} here with its {@code codexOverrides()} to {@link
     * #roleConfig}: the overrides name these variables and expect them set.
     *
     * @param role the role's name
     * @param variables names and values
     * @return this builder
     * @throws IllegalArgumentException when a name is not a variable name
     */
    public Builder roleEnvironment(String role, Map<String, String> variables) {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(variables, "variables");
      Map<String, String> map = this.roleEnvironment.computeIfAbsent(role, r -> new java.util.LinkedHashMap<>());
      variables.forEach((name, value) -> map.put(checkVariableName(name), Objects.requireNonNull(value, "value")));
      return this;
    }

    /**
     * Sets how long one task's Codex process may run; past it, its whole process tree is killed and
     * the task fails. Default 30 minutes.
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
     * Passes these variables of the JVM's environment to Codex beside the run's command
     * environment, which a shell environment policy may have stripped of them: the variable that
     * holds a model provider's API key ({@code env_key}), for example. Their values are never
     * logged.
     *
     * @param names variable names
     * @return this builder
     */
    public Builder passEnvironment(String... names) {
      for (String n : names) {
        passEnvironment.add(checkVariableName(n));
      }
      return this;
    }

    /**
     * Sets a variable in Codex's environment, over the run's: the variable a test's fake model
     * provider names as its {@code env_key}, for example. Values are never logged or printed.
     *
     * @param name the variable's name
     * @param value its value
     * @return this builder
     */
    public Builder environment(String name, String value) {
      environment.put(checkVariableName(name), Objects.requireNonNull(value, "value"));
      return this;
    }

    private static String checkVariableName(String name) {
      if (name.isBlank() || name.contains("=") || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
      }
      return name;
    }

    /** Returns the agent. */
    public CodexAgent build() {
      return new CodexAgent(this);
    }

    private static String checkOverride(String override) {
      Objects.requireNonNull(override, "override");
      int eq = override.indexOf('=');
      if (eq <= 0 || override.substring(0, eq).isBlank()) {
        throw new IllegalArgumentException("a Codex override is key=value with a TOML value, got '" + override + "'");
      }
      return override;
    }
  }
}
