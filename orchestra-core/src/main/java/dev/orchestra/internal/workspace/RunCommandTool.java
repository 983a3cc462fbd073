package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.io.ProcessRunner;
import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.WorkspaceToolBox.Settings;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.SandboxMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * run_command: a program with its arguments, or a line for {@code sh -c}, in a workspace folder,
 * with the run's {@link dev.orchestra.internal.io.CommandEnvironment} and a time limit; output is
 * stdout and stderr together.
 *
 * <p>Where the role's sandbox gives no network access, a command known to reach the network is
 * asked about or refused ({@link SandboxDecision}), and every other command runs with {@value
 * #NETWORK_DISABLED}{@code =1} added to its environment, as Codex adds it to a sandboxed command.
 * A network command that was approved runs without it, as Codex runs an approved command outside
 * its sandbox.
 */
final class RunCommandTool implements Tool {
  /** What Codex sets in a sandboxed command's environment when the sandbox has no network. */
  static final String NETWORK_DISABLED = "CODEX_SANDBOX_NETWORK_DISABLED";

  private static final ToolSpec SPEC =
      ToolSchema.object()
          .strings("command")
          .string("shell")
          .string("cwd", "workspace-relative folder, '' for the root")
          .integer("timeout_seconds", "0 for the default")
          .spec(
              BuiltInRoles.TOOL_RUN_COMMAND,
              "Run a command in the workspace: 'command' is the program and its arguments (no shell); or"
                  + " give 'shell', a line for sh -c, and an empty 'command'. Output is stdout and stderr"
                  + " together, cut if long.");

  private final SandboxPaths paths;
  private final SandboxGuard guard;
  private final Settings settings;

  RunCommandTool(SandboxPaths paths, SandboxGuard guard, Settings settings) {
    this.paths = paths;
    this.guard = guard;
    this.settings = settings;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    List<String> argv = args.strings("command");
    String shell = args.optionalText("shell");
    String shown = args.target(argv.isEmpty() ? shell : String.join(" ", argv));
    String cwd = args.optionalText("cwd");
    int timeoutSeconds = args.count("timeout_seconds");
    if (argv.isEmpty() == shell.isBlank()) {
      throw new ToolError("give either 'command' (a program and its arguments) or 'shell' (a line for sh -c), not both");
    }
    Path dir = paths.resolve(cwd);
    if (!Files.isDirectory(dir)) {
      throw new ToolError("no such folder: '" + cwd + "'");
    }
    List<String> command = argv.isEmpty() ? List.of("sh", "-c", shell) : argv;
    boolean network = NetworkCommands.reachesNetwork(command);
    boolean readOnly = !network && !argv.isEmpty() && ReadOnlyCommands.isReadOnly(argv);
    if (readOnly && guard.mode() == SandboxMode.READ_ONLY) {
      command = ReadOnlyCommands.withoutRepositoryPrograms(argv);
    }
    // Where the sandbox would refuse, it is the sandbox that asks; elsewhere the untrusted policy asks.
    boolean offline = network && !guard.grantsNetwork();
    guard.enforce(
        network ? Action.NETWORK_COMMAND : readOnly ? Action.READ_ONLY_COMMAND : Action.OTHER_COMMAND,
        BuiltInRoles.TOOL_RUN_COMMAND,
        shown,
        offline
            ? "the " + guard.mode().configValue() + " sandbox gives commands no network access"
            : guard.mode() == SandboxMode.READ_ONLY
                ? "the read-only sandbox does not allow commands that could write"
                : "the untrusted approval policy asks before commands that could write",
        offline
            ? "'" + shown + "' reaches the network, and this role's sandbox gives no network access (danger-full-access does, and"
                + " workspace-write with [sandbox_workspace_write] network_access = true); the approval policy '"
                + guard.policy().configValue() + "' does not ask"
            : "the read-only sandbox runs only read-only commands (ls, cat, grep, git status/log/diff, ...);"
                + " '" + shown + "' is not one, and the approval policy '" + guard.policy().configValue() + "' does not ask");
    CommandEnvironment environment =
        guard.grantsNetwork() || network ? settings.environment() : settings.environment().with(Map.of(NETWORK_DISABLED, "1"));
    Duration timeout =
        timeoutSeconds == 0
            ? settings.commandTimeout()
            : Duration.ofSeconds(Math.min(timeoutSeconds, WorkspaceToolBox.MAX_COMMAND_TIMEOUT.toSeconds()));
    ProcessRunner.Outcome outcome;
    try {
      outcome =
          ProcessRunner.run(
              command, dir, environment, timeout, settings.maxOutputChars());
    } catch (IOException e) {
      throw new ToolError("'" + command.get(0) + "' could not be started: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolError("interrupted while running '" + shown + "'");
    }
    String status =
        outcome.timedOut()
            ? "timed out after " + timeout.toSeconds() + "s and was killed"
            : "exit code " + outcome.exitCode();
    return new Result(status + "\n" + outcome.output(), status);
  }
}
