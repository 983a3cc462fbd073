package dev.orchestra.examples;

import dev.orchestra.Bounds;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.gate.Gate;
import dev.orchestra.NothingToResumeException;
import dev.orchestra.OrchestraException;
import dev.orchestra.Orchestrator;
import dev.orchestra.role.Role;
import dev.orchestra.RunResult;
import dev.orchestra.event.JsonLinesListener;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.toml.CodexConfig;
import dev.orchestra.toml.CodexConfigException;
import dev.orchestra.toml.Diagnostic;
import dev.orchestra.toml.LoadedConfig;
import dev.orchestra.toml.RoleMapping;
import dev.orchestra.toml.StarterPack;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code orchestra} command line:
 *
 * <pre>
 * java -jar orchestra-examples/target/orchestra.jar init --tier pro|plus [--dir DIR] [--with-security-reviewer] [--force]
 * java -jar orchestra-examples/target/orchestra.jar verify [--dir DIR | --codex-home DIR] [--strict]
 * java -jar orchestra-examples/target/orchestra.jar roles [--dir DIR | --codex-home DIR]
 * java -jar orchestra-examples/target/orchestra.jar run --goal TEXT [--repo DIR] [--one-batch] [--check CMD]...
 *     [--max-iterations N] [--max-minutes N] [--max-tokens N] [--max-attempts N] [--wire-api responses|chat]
 * java -jar orchestra-examples/target/orchestra.jar resume [--repo DIR] [the same limits]
 * java -jar orchestra-examples/target/orchestra.jar demo [--dir DIR]
 * </pre>
 *
 * <p>Exit codes: 0 success; 1 failure (errors found, a run that did not end green); 2 bad usage;
 * 130 interrupted by Ctrl-C (the run is saved as CANCELLED; resume continues it).
 */
@Command(
    name = "orchestra",
    mixinStandardHelpOptions = true,
    version = "orchestra 0.1.0-SNAPSHOT",
    description = "Runs coding agents like a small engineering team, with Codex's configuration.",
    subcommands = {Main.Init.class, Main.Verify.class, Main.Roles.class, Main.Run.class, Main.Resume.class, WorkerCommand.class, Main.DemoCommand.class})
public final class Main implements Callable<Integer> {
  private Main() {}

  /**
   * Entry point.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err, System.getenv()));
  }

  /** Runs a command line with the given output streams and environment; returns the exit code. */
  static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Context.OUT.set(out);
    Context.ERR.set(err);
    Context.ENV.set(env);
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageError) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
          }
          if (e instanceof OrchestraException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
              || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
          }
          StringWriter trace = new StringWriter();
          e.printStackTrace(new PrintWriter(trace));
          commandLine.getErr().println("error: " + e + "\n" + trace);
          return 1;
        });
    try {
      return cl.execute(args);
    } finally {
      Context.OUT.remove();
      Context.ERR.remove();
      Context.ENV.remove();
    }
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, Context.out());
    return 2;
  }

  /** The streams and environment of the current invocation (tests run several in one JVM). */
  static final class Context {
    static final ThreadLocal<PrintStream> OUT = new ThreadLocal<>();
    static final ThreadLocal<PrintStream> ERR = new ThreadLocal<>();
    static final ThreadLocal<Map<String, String>> ENV = new ThreadLocal<>();

    static PrintStream out() {
      PrintStream o = OUT.get();
      return o == null ? System.out : o;
    }

    static PrintStream err() {
      PrintStream e = ERR.get();
      return e == null ? System.err : e;
    }

    static Map<String, String> env() {
      Map<String, String> e = ENV.get();
      return e == null ? System.getenv() : e;
    }
  }

  /** Options every command has. */
  static final class Common {
    @Option(names = "--events", paramLabel = "FILE", description = "Write the event journal to FILE as JSON lines.")
    Path events;

    /** Returns the events listener, or NONE; creates the file so it exists even for commands without a run. */
    JsonLinesListener eventsListener() {
      return events == null ? null : OrchestraListener.jsonLines(events);
    }
  }

  /** Options of commands that read a configuration. */
  static final class ConfigDir {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "A configuration folder (a .codex folder) read as given: naming it trusts it, and it layers over"
            + " the user layer as a project layer would. Without it, layers are found from the working directory as Codex"
            + " finds them.")
    Path dir;

    @Option(
        names = "--codex-home",
        paramLabel = "DIR",
        description = "A folder read as a user's CODEX_HOME (config.toml and agents/), alone: user rules, no project layer."
            + " For a dotfiles repository, say.")
    Path codexHome;

    CodexConfig.Builder builder() {
      CodexConfig.Builder b = CodexConfig.builder().environment(Context.env());
      if (dir != null && codexHome != null) {
        throw new UsageError("give --dir (a project's .codex folder) or --codex-home (a user's CODEX_HOME), not both");
      }
      if (codexHome != null) {
        if (!Files.isDirectory(codexHome)) {
          throw new UsageError("--codex-home " + codexHome + " is not a folder");
        }
        return CodexConfig.builder().environment(Map.of()).codexHome(codexHome);
      }
      if (dir != null) {
        if (!Files.isDirectory(dir)) {
          throw new UsageError("--dir " + dir + " is not a folder");
        }
        b.projectFolder(dir);
      } else {
        b.workingDirectory(Path.of("").toAbsolutePath());
      }
      return b;
    }
  }

  // ------------------------------------------------------------------ init

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Write a complete starter configuration for a tier.")
  static final class Init implements Callable<Integer> {
    @Option(names = "--tier", required = true, paramLabel = "pro|plus", description = "pro: a fast model for explorer and ci_runner; plus: gpt-5.4 everywhere.")
    String tier;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write (default: ./.codex).")
    Path dir = Path.of(".codex");

    @Option(names = "--with-security-reviewer", description = "Include the optional security_reviewer role.")
    boolean security;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Mixin Common common = new Common();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      StarterPack.Tier t;
      try {
        t = StarterPack.Tier.fromName(tier);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tier must be pro or plus, got '" + tier + "'");
      }
      JsonLinesListener events = common.eventsListener();
      List<Path> written;
      try {
        written = StarterPack.builder(t).securityReviewer(security).overwrite(force).build().writeTo(dir);
      } catch (CodexConfigException e) {
        PrintStream out = Context.out();
        e.diagnostics().forEach(d -> out.println(format(d)));
        out.println("nothing was written" + (force ? "" : "; use --force to overwrite"));
        return 1;
      } finally {
        if (events != null) {
          events.close();
        }
      }
      PrintStream out = Context.out();
      out.println("wrote the " + t.configValue() + " starter configuration to " + dir + ":");
      written.forEach(p -> out.println("  " + p));
      return 0;
    }
  }

  // ------------------------------------------------------------------ verify

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a configuration and print every problem.")
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigDir config = new ConfigDir();

    @Option(names = "--strict", description = "Unknown keys and ignored settings are errors.")
    boolean strict;

    @Mixin Common common = new Common();

    @Override
    public Integer call() {
      JsonLinesListener events = common.eventsListener();
      try {
        List<Diagnostic> problems = config.builder().strict(strict).build().verify();
        PrintStream out = Context.out();
        problems.forEach(d -> out.println(format(d)));
        long errors = problems.stream().filter(Diagnostic::isError).count();
        long notes = problems.stream().filter(d -> d.severity() == Diagnostic.Severity.NOTE).count();
        out.println("checked as Codex " + CodexConfig.codexVersion() + " reads it (warning and error lines are what it flags; notes are Orchestra's own)");
        out.println(errors + " errors, " + (problems.size() - errors - notes) + " warnings" + (notes == 0 ? "" : ", " + notes + " notes"));
        return errors == 0 ? 0 : 1;
      } finally {
        if (events != null) {
          events.close();
        }
      }
    }
  }

  /** {@code file:line:column: severity: key: message}, and the hint on the next line. */
  static String format(Diagnostic d) {
    String where = d.file() + ":" + d.line() + ":" + d.column();
    String hint = d.fixHint().isEmpty() ? "" : "\n    hint: " + d.fixHint();
    return where + ": " + d.severity().name().toLowerCase(Locale.ROOT) + ": " + (d.keyPath().isEmpty() ? "" : d.keyPath() + ": ")
        + d.message() + hint;
  }

  // ------------------------------------------------------------------ roles

  @Command(name = "roles", mixinStandardHelpOptions = true, description = "Print the effective roles after layering.")
  static final class Roles implements Callable<Integer> {
    @Mixin ConfigDir config = new ConfigDir();
    @Mixin Common common = new Common();

    @Override
    public Integer call() {
      JsonLinesListener events = common.eventsListener();
      try {
        LoadedConfig loaded = config.builder().build().load();
        RoleMapping mapping = loaded.toRoles();
        String defaultModel = loaded.settings().model().orElse("(provider default)");
        PrintStream out = Context.out();
        out.printf(Locale.ROOT, "%-18s %-22s %-8s %-18s %-10s %s%n", "name", "model", "effort", "sandbox", "approval", "description");
        List<Role> effective = mapping.roles();
        if (effective.isEmpty()) {
          // What run does too: with no role configured, Orchestra's own team works.
          out.println("(no roles are configured here: run uses Orchestra's built-in roles, shown below)");
          effective = BuiltInRoles.all();
        }
        for (Role r : effective) {
          out.printf(Locale.ROOT, "%-18s %-22s %-8s %-18s %-10s %s%n", r.name(), r.model().orElse(defaultModel), r.reasoningEffort(),
              r.sandboxMode().configValue(), r.approvalPolicy().configValue(), r.description());
        }
        out.println("max_threads = " + mapping.maxThreads() + ": " + loaded.threadCap().describe());
        mapping.notes().forEach(n -> out.println(format(n)));
        return 0;
      } catch (CodexConfigException e) {
        PrintStream out = Context.out();
        e.diagnostics().forEach(d -> out.println(format(d)));
        return 1;
      } finally {
        if (events != null) {
          events.close();
        }
      }
    }
  }

  // ------------------------------------------------------------------ run and resume

  /** What run and resume share: the repository, the configuration, the provider, the gates. */
  abstract static class RunCommand implements Callable<Integer> {
    @Option(names = "--repo", paramLabel = "DIR", description = "The repository to work in (default: the working directory).")
    Path repo = Path.of("");

    @Option(names = "--max-minutes", paramLabel = "N",
        description = "Stop (TIME_LIMIT) after N minutes (decimals allowed) of this run or resume; resume to go on.")
    double maxMinutes;

    @Option(names = "--max-tokens", paramLabel = "N",
        description = "Stop (TOKEN_LIMIT) once the run, its earlier parts included, used N tokens; resume with a higher N.")
    long maxTokens;

    @Option(names = "--max-attempts", paramLabel = "N",
        description = "Attempts per finding before the orchestrator re-plans it, then gives up (default 3).")
    int maxAttempts = Bounds.defaults().maxFindingAttempts();

    @Option(names = "--check", paramLabel = "CMD",
        description = "A shell line the CI gate runs (repeatable, in order); replaces the checks found in the repository"
            + " and the configuration's [orchestra] checks.")
    List<String> checks = new java.util.ArrayList<>();

    @Option(names = "--wire-api", paramLabel = "responses|chat",
        description = "The provider's wire API, over its wire_api: chat for OpenAI-compatible servers (vLLM, Ollama).")
    String wireApi;

    @Option(names = "--agent", paramLabel = "tools|codex[:ROLE,...]",
        description = "Who does each task: tools (Orchestra's own tool loop on the configured provider, the default), or codex"
            + " (a Codex CLI process per task, signed in as your Codex is) for every role, or as codex:implementer,ci_runner for those roles.")
    String agent = "tools";

    @Mixin Common common = new Common();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The bounds the options give, on top of the round limit. */
    Bounds bounds(int maxRounds) {
      if (!(maxMinutes >= 0) || Double.isInfinite(maxMinutes) || maxTokens < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--max-minutes and --max-tokens must be numbers, not negative");
      }
      if (maxAttempts < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--max-attempts must be at least 1");
      }
      return Bounds.defaults()
          .withMaxRounds(maxRounds)
          .withMaxWallTime(java.time.Duration.ofMillis(Math.round(maxMinutes * 60_000)))
          .withMaxTokens(maxTokens)
          .withMaxFindingAttempts(maxAttempts);
    }

    /**
     * Runs the body with Ctrl-C turned into a cancel: the run stops as CANCELLED (the journal
     * records it), one line says how to resume, and the process exits with 130.
     */
    Integer interruptible(Orchestrator o, java.util.function.Supplier<RunResult> body, ProgressPrinter progress) {
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
      Thread hook =
          new Thread(
              () -> {
                interrupted.set(true);
                o.cancel();
                try {
                  // Let the run write its stop and the line below before the JVM ends.
                  done.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "orchestra-interrupt");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        RunResult result = body.get();
        if (interrupted.get() && result.stopReason() == dev.orchestra.StopReason.CANCELLED) {
          Context.out().println(
              "Interrupted: the run is saved as CANCELLED; continue it with: orchestra resume --repo " + repo.toAbsolutePath().normalize());
          return 130;
        }
        return finish(result, progress);
      } finally {
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down (Ctrl-C): the hook is running
        }
      }
    }

    Orchestrator.Builder orchestrator(ProgressPrinter progress, JsonLinesListener events) {
      Path workspace = repo.toAbsolutePath().normalize();
      if (!Files.isDirectory(workspace)) {
        throw new UsageError("--repo " + repo + " is not a folder");
      }
      // A configuration error (a role file that does not load) stops the run before it starts:
      // going on would run without that role's gate.
      LoadedConfig loaded = CodexConfig.builder().environment(Context.env()).workingDirectory(workspace).build().load();
      RoleMapping mapping = loaded.toRoles();
      if (loaded.sandboxMode() == dev.orchestra.role.SandboxMode.READ_ONLY) {
        Context.err().println(
            "note: the run's sandbox is read-only (no sandbox_mode is set and " + workspace + " has no trust decision),"
                + " so no role can write; trust the project in your Codex config or set sandbox_mode = \"workspace-write\"");
      }
      List<Role> team = mapping.roles().isEmpty() ? BuiltInRoles.all() : mapping.roles();
      if (wireApi != null && !wireApi.equals("responses") && !wireApi.equals("chat")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--wire-api must be responses or chat, got '" + wireApi + "'");
      }
      List<String> codexRoles = AgentChoice.codexRoles(agent, team.stream().map(Role::name).toList());
      dev.orchestra.model.ModelProvider provider = AgentChoice.provider(codexRoles.size() == team.size(), () -> provider(loaded, wireApi, Context.env()));
      Orchestrator.Builder b =
          Orchestrator.builder()
              .workspace(workspace)
              .roles(team)
              .agent(AgentChoice.agent(codexRoles, loaded))
              .modelProvider(provider)
              .defaultModel(loaded.settings().model().orElse("gpt-5.4"))
              .budgetPolicy(BudgetPolicy.startingAt(mapping.maxThreads()))
              // Built-in roles too: the configuration's sandbox (and trust) is the ceiling for every role.
              .sandboxCeiling(loaded.sandboxMode())
              // Every command of the run (agents', gates', git's) gets what [shell_environment_policy]
              // chooses from this process's environment; [sandbox_workspace_write] widens the tools.
              .shellEnvironmentPolicy(loaded.shellEnvironmentPolicy())
              .parentEnvironment(Context.env())
              .writableRoots(loaded.writableRoots())
              .networkAccess(loaded.networkAccess())
              .addGate(ciGate(loaded, workspace))
              .addListener(progress)
              .addListener(checksKeeper(workspace));
      if (events != null) {
        b.addListener(events);
      }
      List<String> names = team.stream().map(Role::name).toList();
      if (names.contains(BuiltInRoles.REVIEWER)) {
        b.addGate(Gate.review());
      }
      if (names.contains(BuiltInRoles.QA_TEST_AUTHOR)) {
        b.addGate(Gate.qa());
      }
      if (names.contains(BuiltInRoles.SECURITY_REVIEWER)) {
        b.addGate(Gate.security());
      }
      if (!names.contains(BuiltInRoles.EXPLORER)) {
        b.explorationProbes(List.of());
      }
      return b;
    }

    static Path savedChecks(Path workspace) {
      return workspace.resolve(".orchestra").resolve("checks");
    }

    /**
     * Keeps the --check lines once the run has started (it holds the workspace's run lock then, so
     * a refused second run cannot overwrite the first one's).
     */
    OrchestraListener checksKeeper(Path workspace) {
      if (checks.isEmpty() || resuming()) {
        return OrchestraListener.NONE;
      }
      return event -> {
        if (event instanceof dev.orchestra.event.OrchestraEvent.RunStarted started && !started.resumed()) {
          dev.orchestra.internal.io.AtomicFiles.writeString(savedChecks(workspace), String.join("\n", checks) + "\n");
        }
      };
    }

    /** Whether this command continues a run (its --check lines default to the run's). */
    abstract boolean resuming();

    /**
     * The CI gate: the checks named on the command line, else (on resume) the ones the run was
     * started with, else the configuration's {@code [orchestra] checks}, else the ones found in the
     * repository. Checks named on the command line are kept in {@code .orchestra/checks}, so that a
     * resume checks what the run checked.
     */
    Gate ciGate(LoadedConfig loaded, Path workspace) {
      for (String c : checks) {
        if (c.isBlank()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--check needs a command, got a blank one");
        }
      }
      Path saved = savedChecks(workspace);
      List<String> named = checks;
      if (named.isEmpty() && resuming() && Files.isRegularFile(saved)) {
        try {
          named = Files.readAllLines(saved).stream().filter(l -> !l.isBlank()).toList();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot read the run's checks in " + saved + ": " + e.getMessage(), e);
        }
        Context.err().println("note: checking with the run's --check lines from " + saved + ": " + String.join("; ", named));
      }
      if (named.isEmpty()) {
        named = loaded.checks();
      }
      return named.isEmpty() ? Gate.ci() : Gate.ci(named);
    }

    /** The provider's table from the configuration, flattened to Codex's key names. */
    /**
     * The provider the configuration selects ({@code model_provider}, else OpenAI), speaking
     * {@code wireApi} when the command line names one (null: the configuration's {@code wire_api}).
     */
    static OpenAiProvider provider(LoadedConfig loaded, String wireApi, Map<String, String> env) {
      ProviderConfig config =
          loaded.modelProvider().orElseThrow(() -> new OrchestraException(
              "model_provider = \"" + loaded.settings().modelProvider().orElse("openai") + "\" is a provider Orchestra cannot call;"
                  + " define a [model_providers.<id>] table for an OpenAI-compatible server and select it"));
      if (wireApi != null) {
        config = config.toBuilder().wireApi(WireApi.fromConfigValue(wireApi).orElseThrow()).build();
      }
      return OpenAiProvider.fromConfig(config, env);
    }

    /** Prints a configuration's errors, each with file, line and key; nothing ran. */
    static Integer configurationErrors(CodexConfigException e) {
      PrintStream err = Context.err();
      e.diagnostics().forEach(d -> err.println(format(d)));
      err.println("the configuration has errors, so nothing ran; `orchestra verify` lists them too");
      return 1;
    }

    Integer finish(RunResult result, ProgressPrinter progress) {
      PrintStream out = Context.out();
      out.println();
      out.println("Stopped: " + result.stopReason() + " after " + result.rounds() + " rounds: " + result.message());
      out.println("Done:");
      result.done().forEach(d -> out.println("  - " + d));
      out.println("Next:");
      result.next().forEach(d -> out.println("  - " + d));
      out.println("Risks:");
      result.risks().forEach(d -> out.println("  - " + d));
      if (!result.plan().releaseNotes().isEmpty()) {
        out.println("Release notes (also in .orchestra/release-notes.md):");
        result.plan().releaseNotes().forEach(d -> out.println("  - " + d));
      }
      progress.printUsageTable();
      return result.isGreen() ? 0 : 1;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the team on a goal with the configured provider.")
  static final class Run extends RunCommand {
    @Override
    boolean resuming() {
      return false;
    }

    @Option(names = "--goal", required = true, paramLabel = "TEXT", description = "What the team should achieve.")
    String goal;

    @Option(names = "--one-batch", description = "Stop after the first batch and its gates.")
    boolean oneBatch;

    @Option(names = "--max-iterations", paramLabel = "N", description = "The most rounds (default 10).")
    int maxIterations = 10;

    @Option(names = "--temporal", paramLabel = "HOST:PORT",
        description = "Run on Temporal: start the run there and wait for it; `orchestra worker` processes carry it out.")
    String temporal;

    @Option(names = "--queue", paramLabel = "NAME", description = "With --temporal: the workers' task queue (default: orchestra).")
    String queue = dev.orchestra.temporal.OrchestraWorker.DEFAULT_TASK_QUEUE;

    @Override
    public Integer call() {
      if (maxIterations < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--max-iterations must be at least 1");
      }
      if (temporal != null) {
        return onTemporal();
      }
      Bounds bounds = bounds(maxIterations);
      ProgressPrinter progress = new ProgressPrinter(Context.out());
      JsonLinesListener events = common.eventsListener();
      try (Orchestrator o = orchestrator(progress, events).oneBatch(oneBatch).bounds(bounds).build()) {
        return interruptible(o, () -> o.run(goal), progress);
      } catch (CodexConfigException e) {
        return configurationErrors(e);
      } finally {
        if (events != null) {
          events.close();
        }
      }
    }

    /** Starts the run on Temporal and waits; the team (roles, gates, bounds) is the workers'. */
    private int onTemporal() {
      java.util.Set<String> allowed = java.util.Set.of("--goal", "--temporal", "--queue");
      List<String> refused =
          spec.commandLine().getParseResult().matchedOptions().stream().map(o -> o.longestName()).filter(n -> !allowed.contains(n)).toList();
      if (!refused.isEmpty()) {
        throw new UsageError(
            "with --temporal the team and its repository are the workers': give " + String.join(", ", refused)
                + " to `orchestra worker` (the journal is in the repository of the worker that keeps the run's desk)");
      }
      io.temporal.serviceclient.WorkflowServiceStubs service =
          io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
              io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
      try {
        dev.orchestra.temporal.TemporalOrchestrator t =
            dev.orchestra.temporal.TemporalOrchestrator.builder(io.temporal.client.WorkflowClient.newInstance(service)).taskQueue(queue).build();
        String runId = t.start(goal);
        Context.out().println("run " + runId + " started on " + temporal + " (workflow " + dev.orchestra.temporal.TemporalOrchestrator.workflowId(runId) + ")");
        dev.orchestra.event.OrchestraEvent.RunFinished end = t.await(runId);
        Context.out().println(end.stopReason() + ": " + end.message());
        return dev.orchestra.StopReason.GREEN.name().equals(end.stopReason()) ? 0 : 1;
      } finally {
        service.shutdownNow();
      }
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a stopped run from plan.md and its journal.")
  static final class Resume extends RunCommand {
    @Override
    boolean resuming() {
      return true;
    }

    @Option(names = "--max-iterations", paramLabel = "N", description = "The most rounds (default 10).")
    int maxIterations = 10;

    @Override
    public Integer call() {
      if (maxIterations < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--max-iterations must be at least 1");
      }
      Bounds bounds = bounds(maxIterations);
      ProgressPrinter progress = new ProgressPrinter(Context.out());
      JsonLinesListener events = common.eventsListener();
      try (Orchestrator o = orchestrator(progress, events).bounds(bounds).build()) {
        return interruptible(o, o::resume, progress);
      } catch (CodexConfigException e) {
        return configurationErrors(e);
      } catch (NothingToResumeException e) {
        // The last run is green: nothing failed, so this is not an error.
        Context.out().println(e.getMessage());
        return 0;
      } finally {
        if (events != null) {
          events.close();
        }
      }
    }
  }

  // ------------------------------------------------------------------ demo

  @Command(name = "demo", mixinStandardHelpOptions = true, description = "Run a scripted team on a sample project, offline.")
  static final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the sample project (default: a new temporary folder).")
    Path dir;

    @Option(names = "--agent", paramLabel = "tools|codex",
        description = "codex: the implementers are real Codex CLI processes (installed separately), scripted by the same offline server.")
    String agent = "tools";

    @Option(names = "--temporal",
        description = "Run on Temporal instead: Temporal's own test server and two worker JVMs on this machine, started and stopped by the demo.")
    boolean temporal;

    @Mixin Common common = new Common();

    @Override
    public Integer call() throws Exception {
      if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new UsageError("--dir " + dir + " is not a folder");
      }
      if (dir != null && Files.isDirectory(dir)) {
        try (var entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new UsageError("--dir " + dir + " is not empty; the demo needs an empty or new folder");
          }
        }
      }
      if (!agent.equals("tools") && !agent.equals("codex")) {
        throw new UsageError("--agent must be tools or codex, got '" + agent + "'");
      }
      java.util.Optional<dev.orchestra.codex.CodexAgent.Builder> codex = java.util.Optional.empty();
      if (agent.equals("codex")) {
        try {
          Context.out().println("Codex: " + dev.orchestra.codex.CodexAgent.builder().build().checkAvailable());
        } catch (dev.orchestra.codex.CodexUnavailableException e) {
          Context.err().println("error: " + e.getMessage());
          return 2;
        }
        codex = java.util.Optional.of(dev.orchestra.codex.CodexAgent.builder());
      }
      Path target = dir != null ? dir : Files.createTempDirectory("orchestra-demo-");
      if (temporal) {
        if (!agent.equals("tools")) {
          throw new UsageError("--temporal runs the demo's scripted team; leave --agent out");
        }
        return TemporalDemo.run(target, Context.out());
      }
      JsonLinesListener events = common.eventsListener();
      try {
        return Demo.run(target, Context.out(), events == null ? OrchestraListener.NONE : events, codex);
      } finally {
        if (events != null) {
          events.close();
        }
      }
    }
  }

  /** Bad input on the command line: reported on stderr with exit code 2, like picocli's own. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }
}
