package dev.orchestra.internal.workspace;

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

/**
 * run_command: a program with its arguments, or a line for {@code sh -c}, in a workspace folder,
 * with the filtered environment and a time limit; output is stdout and stderr together.
 */
final class RunCommandTool implements Tool {
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
    boolean readOnly = !argv.isEmpty() && ReadOnlyCommands.isReadOnly(argv);
    List<String> command = argv.isEmpty() ? List.of("sh", "-c", shell) : argv;
    if (readOnly && guard.mode() == SandboxMode.READ_ONLY) {
      command = ReadOnlyCommands.withoutRepositoryPrograms(argv);
    }
    guard.enforce(
        readOnly ? Action.READ_ONLY_COMMAND : Action.OTHER_COMMAND,
        BuiltInRoles.TOOL_RUN_COMMAND,
        shown,
        // Where the read-only sandbox asks, it is the sandbox that would refuse; elsewhere the policy asks.
        guard.mode() == SandboxMode.READ_ONLY
            ? "the read-only sandbox does not allow commands that could write"
            : "the untrusted approval policy asks before commands that could write",
        "the read-only sandbox runs only read-only commands (ls, cat, grep, git status/log/diff, ...);"
            + " '" + shown + "' is not one, and the approval policy '" + guard.policy().configValue() + "' does not ask");
    Duration timeout =
        timeoutSeconds == 0
            ? settings.commandTimeout()
            : Duration.ofSeconds(Math.min(timeoutSeconds, WorkspaceToolBox.MAX_COMMAND_TIMEOUT.toSeconds()));
    ProcessRunner.Outcome outcome;
    try {
      outcome =
          ProcessRunner.run(
              command, dir, settings.environment(), timeout, settings.maxOutputChars());
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
