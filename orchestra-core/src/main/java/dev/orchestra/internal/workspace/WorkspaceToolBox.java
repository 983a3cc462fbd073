package dev.orchestra.internal.workspace;

import dev.orchestra.OrchestraException;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The workspace tools one agent gets for one task: read a file (or a line range), list a folder,
 * search contents, write a file, apply a patch, run a command, load a skill. Each is a {@link Tool}
 * of its own; this class offers those the role carries (writing tools only when its sandbox allows
 * writes, the skill tool only when it has skills), dispatches calls by name, bounds every answer
 * and reports every call.
 *
 * <p>What the sandbox modes and approval policies allow, ask about or refuse is decided in one
 * place, {@link SandboxDecision}. Paths are confined by {@link SandboxPaths}; inside the
 * workspace, reads and writes walk the path without following links (see {@link
 * SecureWorkspaceIo}), so a folder swapped for a link between the check and the use cannot
 * redirect them. A denied approval reaches the model as a tool error.
 *
 * <p>What Java cannot stop: a child process runs with the JVM's own operating-system rights. In
 * {@code workspace-write} mode a command (a build, a test) can write anywhere the user can and
 * reach the network; the allow-list, the list of network commands, approvals, the working
 * directory check and the filtered environment limit what is started, not what a started program
 * does. For hard isolation run Orchestra in a container or
 * under an operating-system sandbox.
 *
 * <p>Every result the model sees is bounded in size, with a note of what was cut. What the
 * {@link Observer} hears of a call, and so the journal keeps, is what ran and an {@link Audit}:
 * never a file's content, a command's output, a search hit or a patch's text. Thread-safe.
 */
public final class WorkspaceToolBox implements ToolBox {
  /**
   * Told of every call, for the ToolCalled event: what ran ({@code tool}, {@code target}, {@code
   * ok}) and what came of it, in an {@link Audit} that holds nothing read from the workspace.
   */
  public interface Observer {
    void toolCalled(String tool, String target, boolean ok, Audit audit);
  }

  /**
   * What the journal may keep of a call's result: a summary or failure reason written by this
   * class (never a file's content, a command's output, a search hit or a patch's text), and the
   * size and a short digest of the text the model received.
   */
  public record Audit(String detail, long outputBytes, String outputDigest) {
    public static Audit of(String detail, String output) {
      byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
      return new Audit(detail, bytes.length, digest(bytes));
    }
  }

  /** The first 12 hex digits of the SHA-256 of the bytes: enough to tell texts apart, not to store them. */
  public static String digest(byte[] bytes) {
    try {
      byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      return java.util.HexFormat.of().formatHex(sha, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Asks the approval handler; reports the decision as an event. */
  public interface Approver {
    ApprovalHandler.Decision ask(String action, String detail, String reason);

    Approver DENY = (action, detail, reason) -> ApprovalHandler.Decision.deny("default", "no approval handler");
  }

  /**
   * The knobs of the tools, set per run.
   *
   * @param environment what {@code run_command} and search's {@code git ls-files} run with: the
   *     run's {@link ShellEnvironmentPolicy} applied to its parent environment
   * @param writableRoots folders outside the workspace a workspace-write role may also write
   * @param networkAccess whether a workspace-write role's commands may reach the network
   */
  public record Settings(
      CommandEnvironment environment,
      Duration commandTimeout,
      int maxOutputChars,
      List<Path> writableRoots,
      boolean networkAccess,
      List<Skill> skills,
      Approver approver) {
    public Settings {
      Objects.requireNonNull(environment, "environment");
      writableRoots = List.copyOf(writableRoots);
      skills = List.copyOf(skills);
    }

    static Settings defaults() {
      return new Settings(
          CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), System.getenv()), Duration.ofMinutes(5), MAX_OUTPUT_CHARS, List.of(), false, List.of(), Approver.DENY);
    }
  }

  public static final int MAX_OUTPUT_CHARS = 32 * 1024;
  public static final int MAX_READ_CHARS = 30 * 1024; // below MAX_OUTPUT_CHARS, so the read note is the one the model sees
  public static final int MAX_LIST_ENTRIES = 500;
  public static final int MAX_SEARCH_RESULTS = 200;
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
  public static final Duration MAX_COMMAND_TIMEOUT = Duration.ofMinutes(30);

  private final Settings settings;
  private final Observer observer;
  private final SandboxPaths paths;
  private final WorkspaceWriter writer;
  private final Map<String, Tool> tools = new HashMap<>();
  private final List<ToolSpec> specs;

  public WorkspaceToolBox(Path root, Role role, List<String> writeScope, Observer observer) {
    this(root, realPath(root), role, writeScope, observer, Settings.defaults());
  }

  /** With the root's real path already known. */
  public WorkspaceToolBox(
      Path root, Path realRoot, Role role, List<String> writeScope, Observer observer, Settings settings) {
    this(root, realRoot, SecureWorkspaceIo.supported(realRoot), role, writeScope, observer, settings);
  }

  /**
   * With the root's real path, and whether its file system can open files relative to held
   * folders, already known: the orchestrator finds both out once per run, not once per task.
   */
  public WorkspaceToolBox(
      Path root,
      Path realRoot,
      boolean secureIoSupported,
      Role role,
      List<String> writeScope,
      Observer observer,
      Settings settings) {
    this.observer = observer;
    this.settings = settings;
    SandboxMode mode = role.sandboxMode();
    SandboxGuard guard = new SandboxGuard(mode, role.approvalPolicy(), settings.networkAccess(), settings.approver());
    // Full access follows links like any program would: there is no outside to keep them from.
    boolean secureIo = mode != SandboxMode.DANGER_FULL_ACCESS && secureIoSupported;
    this.paths = new SandboxPaths(root, realRoot, secureIo, settings.writableRoots(), guard);
    this.writer = new WorkspaceWriter(role.name(), writeScope, paths, guard);
    // Only the tools the role is offered are made, in the role's order; a name this class does not
    // provide, or a write tool in a read-only sandbox, is not offered, and a name listed twice is
    // offered once (providers refuse two tools of one name). A tool box is made for every task.
    List<ToolSpec> offered = new ArrayList<>(role.tools().size());
    for (String name : role.tools()) {
      Tool tool = tools.containsKey(name) ? null : provide(name, mode, guard);
      if (tool != null) {
        offered.add(tool.spec());
        tools.put(name, tool);
      }
    }
    this.specs = List.copyOf(offered);
  }

  private Tool provide(String name, SandboxMode mode, SandboxGuard guard) {
    return switch (name) {
      case BuiltInRoles.TOOL_READ_FILE -> new ReadFileTool(paths);
      case BuiltInRoles.TOOL_LIST_DIR -> new ListDirTool(paths);
      case BuiltInRoles.TOOL_SEARCH -> new SearchTool(paths, settings);
      case BuiltInRoles.TOOL_WRITE_FILE -> mode.allowsWrites() ? new WriteFileTool(writer, paths) : null;
      case BuiltInRoles.TOOL_APPLY_PATCH -> mode.allowsWrites() ? new ApplyPatchTool(writer, paths) : null;
      case BuiltInRoles.TOOL_RUN_COMMAND -> new RunCommandTool(paths, guard, settings);
      case BuiltInRoles.TOOL_LOAD_SKILL -> settings.skills().isEmpty() ? null : new LoadSkillTool(settings.skills());
      default -> null;
    };
  }

  public static Path realPath(Path root) {
    try {
      return root.toAbsolutePath().normalize().toRealPath();
    } catch (IOException e) {
      throw new OrchestraException("workspace " + root + " does not exist or cannot be read", e);
    }
  }

  @Override
  public List<ToolSpec> specs() {
    return specs;
  }

  @Override
  public List<String> changedFiles() {
    return writer.changedFiles();
  }

  /** The role's skills, for the request (names and descriptions only). */
  public List<Skill> skills() {
    return settings.skills();
  }

  /**
   * A tool failure the model should see, not a crash. Its message goes to the model; its reason
   * goes to the journal, and differs from the message where the message quotes the workspace or
   * the arguments (a patch line that did not match, a token of malformed JSON).
   */
  public static final class ToolError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    /** A failure whose message quotes nothing but paths, names and numbers. */
    ToolError(String message) {
      this(message, message);
    }

    ToolError(String message, String reason) {
      super(message, null, false, false);
      this.reason = reason;
    }

    /** Why the call failed, in words that quote no content. */
    String reason() {
      return reason;
    }
  }

  @Override
  public Message.ToolResult execute(ToolCall call) {
    ToolArgs args = null;
    try {
      Tool tool = tools.get(call.name());
      if (tool == null) {
        throw new ToolError(
            "tool '" + call.name() + "' is not available to this role; available: "
                + String.join(", ", specs.stream().map(ToolSpec::name).toList()));
      }
      args = ToolArgs.parse(call.arguments());
      Tool.Result result = tool.call(args);
      String bounded = bound(result.output());
      observer.toolCalled(call.name(), args.target(), true, Audit.of(result.summary(), bounded));
      return new Message.ToolResult(call.id(), bounded, false);
    } catch (ToolError e) {
      String output = "error: " + e.getMessage();
      observer.toolCalled(call.name(), args == null ? "" : args.target(), false, Audit.of(e.reason(), output));
      return new Message.ToolResult(call.id(), output, true);
    }
  }

  private String bound(String output) {
    int max = settings.maxOutputChars();
    if (output.length() <= max) {
      return output;
    }
    return output.substring(0, max) + "\n[cut: showing " + max + " of " + output.length() + " characters]";
  }

  /** Resolves a workspace-relative path for reading: it must lead to the workspace. */
  public Path resolve(String relative) throws ToolError {
    return paths.resolve(relative);
  }

  /**
   * An allow-listed git command with the programs a repository's own configuration can name turned
   * off (file-system monitor, hooks, external diff, text conversion), so that it only reads even
   * when {@code .git/config} was planted by an earlier command. Other commands are returned as
   * they are.
   */
  public static List<String> withoutRepositoryPrograms(List<String> argv) {
    return ReadOnlyCommands.withoutRepositoryPrograms(argv);
  }

  /** Whether a command (as an argument list) only reads. Shell lines never count: they cannot be checked. */
  public static boolean isReadOnlyCommand(List<String> argv) {
    return ReadOnlyCommands.isReadOnly(argv);
  }
}
