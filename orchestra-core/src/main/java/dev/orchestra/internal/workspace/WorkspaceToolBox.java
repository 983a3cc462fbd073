package dev.orchestra.internal.workspace;

import dev.orchestra.internal.json.Json;
import dev.orchestra.OrchestraException;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.internal.io.ProcessRunner;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The workspace tools one agent gets for one task: read a file (or a line range), list a folder,
 * search contents, write a file, apply a patch, run a command, load a skill. Only the tools the
 * role carries are offered, and writing tools only when the role's sandbox allows writes.
 *
 * <p>Sandboxes. {@code read-only}: no write or patch; a command runs only if it is on the
 * read-only allow-list (ls, cat, grep, git status/log/diff, ...) or is approved. {@code
 * workspace-write}: writes only inside the workspace root and the configured writable roots, and
 * inside the task's write scope; {@code ..}, absolute paths and symbolic links that lead outside
 * are refused. {@code danger-full-access}: no limits on paths. The write scope is the scheduler's
 * guarantee that parallel writers never collide, so it holds in every mode. Inside the workspace,
 * reads and writes walk the path without following links (see {@link SecureWorkspaceIo}), so a
 * folder swapped for a link between the check and the use cannot redirect them.
 *
 * <p>What Java cannot stop: a child process runs with the JVM's own operating-system rights. In
 * {@code workspace-write} mode a command (a build, a test) can write anywhere the user can; the
 * allow-list, approvals, the working directory check and the filtered environment limit what is
 * started, not what a started program does. For hard isolation run Orchestra in a container or
 * under an operating-system sandbox.
 *
 * <p>Approvals, by the role's policy: {@code never} never asks (a refusal goes back to the model as
 * a tool error); {@code on-request} and {@code on-failure} ask when the sandbox would refuse a
 * command (the two are the same here: a command is never retried after it fails); {@code untrusted} also asks before every write, patch and command that is not on the
 * read-only allow-list. A denial reaches the model as a tool error.
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
    static Audit of(String detail, String output) {
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

  /** A tool's answer to the model, and the one line about it the journal keeps. */
  private record Done(String output, String summary) {}

  /** Asks the approval handler; reports the decision as an event. */
  public interface Approver {
    ApprovalHandler.Decision ask(String action, String detail, String reason);

    Approver DENY = (action, detail, reason) -> ApprovalHandler.Decision.deny("default", "no approval handler");
  }

  /** The knobs of the tools, set per run. */
  public record Settings(
      ShellEnvironmentPolicy environmentPolicy,
      Map<String, String> parentEnvironment,
      Duration commandTimeout,
      int maxOutputChars,
      List<Path> writableRoots,
      List<Skill> skills,
      Approver approver) {
    public Settings {
      parentEnvironment = Map.copyOf(parentEnvironment);
      writableRoots = List.copyOf(writableRoots);
      skills = List.copyOf(skills);
    }

    static Settings defaults() {
      return new Settings(
          ShellEnvironmentPolicy.defaults(), System.getenv(), Duration.ofMinutes(5), MAX_OUTPUT_CHARS, List.of(), List.of(), Approver.DENY);
    }
  }

  public static final int MAX_OUTPUT_CHARS = 32 * 1024;
  public static final int MAX_READ_CHARS = 30 * 1024; // below MAX_OUTPUT_CHARS, so the read note is the one the model sees
  public static final int MAX_LIST_ENTRIES = 500;
  public static final int MAX_SEARCH_RESULTS = 200;
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
  public static final Duration MAX_COMMAND_TIMEOUT = Duration.ofMinutes(30);

  private static final String PATH = "{\"type\":\"string\",\"description\":\"workspace-relative path\"}";
  private static final ToolSpec READ =
      new ToolSpec(
          BuiltInRoles.TOOL_READ_FILE,
          "Read a UTF-8 text file in the workspace, whole or a range of lines (1-based, inclusive; 0 for"
              + " the start or the end).",
          "{\"type\":\"object\",\"properties\":{\"path\":" + PATH + ",\"start_line\":{\"type\":\"integer\"},"
              + "\"end_line\":{\"type\":\"integer\"}},\"required\":[\"path\",\"start_line\",\"end_line\"],"
              + "\"additionalProperties\":false}");
  private static final ToolSpec LIST =
      new ToolSpec(
          BuiltInRoles.TOOL_LIST_DIR,
          "List a folder in the workspace; folders end with '/'.",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":"
              + "\"workspace-relative folder, '' for the root\"}},\"required\":[\"path\"],"
              + "\"additionalProperties\":false}");
  private static final ToolSpec SEARCH =
      new ToolSpec(
          BuiltInRoles.TOOL_SEARCH,
          "Search text files for a regular expression (Java syntax); skips what .gitignore ignores and"
              + " binary files. Answers path:line: text.",
          "{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},\"path\":{\"type\":\"string\","
              + "\"description\":\"folder to search, '' for the root\"},\"max_results\":{\"type\":\"integer\"}},"
              + "\"required\":[\"pattern\",\"path\",\"max_results\"],\"additionalProperties\":false}");
  private static final ToolSpec WRITE =
      new ToolSpec(
          BuiltInRoles.TOOL_WRITE_FILE,
          "Create or replace a UTF-8 text file in the workspace, inside the task's write scope.",
          "{\"type\":\"object\",\"properties\":{\"path\":" + PATH + ",\"content\":"
              + "{\"type\":\"string\"}},\"required\":[\"path\",\"content\"],\"additionalProperties\":false}");
  private static final ToolSpec PATCH =
      new ToolSpec(
          BuiltInRoles.TOOL_APPLY_PATCH,
          "Apply a unified diff (as from diff -u or git diff) to files in the workspace. All hunks apply"
              + " or none do.",
          "{\"type\":\"object\",\"properties\":{\"patch\":{\"type\":\"string\"}},\"required\":[\"patch\"],"
              + "\"additionalProperties\":false}");
  private static final ToolSpec RUN =
      new ToolSpec(
          BuiltInRoles.TOOL_RUN_COMMAND,
          "Run a command in the workspace: 'command' is the program and its arguments (no shell); or"
              + " give 'shell', a line for sh -c, and an empty 'command'. Output is stdout and stderr"
              + " together, cut if long.",
          "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
              + "\"shell\":{\"type\":\"string\"},\"cwd\":{\"type\":\"string\",\"description\":\"workspace-relative"
              + " folder, '' for the root\"},\"timeout_seconds\":{\"type\":\"integer\",\"description\":\"0 for the"
              + " default\"}},\"required\":[\"command\",\"shell\",\"cwd\",\"timeout_seconds\"],"
              + "\"additionalProperties\":false}");
  private static final ToolSpec SKILL =
      new ToolSpec(
          BuiltInRoles.TOOL_LOAD_SKILL,
          "Load the full instructions of one of your skills, by name.",
          "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
              + "\"additionalProperties\":false}");

  /**
   * Programs that only read, runnable in a read-only sandbox without approval, each with the
   * options that would make it write or run another program: long ones (refused with any prefix
   * GNU getopt accepts as an abbreviation) and short ones (refused wherever they appear in a
   * cluster). Programs with such options that are hard to list ({@code tree -o}, {@code uniq}'s
   * output operand) are left off.
   */
  private static final Map<String, RefusedOptions> READ_ONLY_PROGRAMS =
      Map.ofEntries(
          Map.entry("ls", RefusedOptions.NONE),
          Map.entry("cat", RefusedOptions.NONE),
          Map.entry("head", RefusedOptions.NONE),
          Map.entry("tail", RefusedOptions.NONE),
          Map.entry("wc", RefusedOptions.NONE),
          Map.entry("grep", RefusedOptions.NONE),
          Map.entry("egrep", RefusedOptions.NONE),
          Map.entry("fgrep", RefusedOptions.NONE),
          Map.entry("rg", new RefusedOptions(Set.of("pre", "pre-glob", "hostname-bin", "search-zip"), "z")),
          Map.entry("pwd", RefusedOptions.NONE),
          Map.entry("echo", RefusedOptions.NONE),
          Map.entry("true", RefusedOptions.NONE),
          Map.entry("false", RefusedOptions.NONE),
          Map.entry("stat", RefusedOptions.NONE),
          Map.entry("file", new RefusedOptions(Set.of("compile"), "C")),
          Map.entry("sort", new RefusedOptions(Set.of("output", "compress-program"), "o")),
          Map.entry("cut", RefusedOptions.NONE),
          Map.entry("tr", RefusedOptions.NONE),
          Map.entry("diff", RefusedOptions.NONE),
          Map.entry("cmp", RefusedOptions.NONE),
          Map.entry("which", RefusedOptions.NONE),
          Map.entry("whoami", RefusedOptions.NONE),
          Map.entry("date", new RefusedOptions(Set.of("set"), "s")),
          Map.entry("basename", RefusedOptions.NONE),
          Map.entry("dirname", RefusedOptions.NONE),
          Map.entry("realpath", RefusedOptions.NONE),
          Map.entry("du", RefusedOptions.NONE),
          Map.entry("df", RefusedOptions.NONE),
          Map.entry("find", RefusedOptions.NONE),
          // --output writes a file, -O / --open-files-in-pager runs a program, external diff and
          // text conversion drivers run programs named in the repository's configuration.
          Map.entry("git", new RefusedOptions(Set.of("output", "open-files-in-pager", "ext-diff", "textconv"), "O")));
  private static final Set<String> READ_ONLY_GIT =
      Set.of("status", "log", "diff", "show", "ls-files", "rev-parse", "blame", "grep", "describe", "shortlog");
  private static final Set<String> FIND_ACTIONS =
      Set.of("-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls");

  /** Options that make an otherwise read-only program write or run something. */
  private record RefusedOptions(Set<String> longNames, String shortLetters) {
    static final RefusedOptions NONE = new RefusedOptions(Set.of(), "");

    boolean refuses(String arg) {
      if (arg.startsWith("--") && arg.length() > 2) {
        String name = arg.substring(2).split("=", 2)[0];
        return longNames.stream().anyMatch(n -> n.startsWith(name));
      }
      if (arg.startsWith("-") && !arg.startsWith("--")) {
        return arg.chars().skip(1).anyMatch(c -> shortLetters.indexOf(c) >= 0);
      }
      return false;
    }
  }

  private final Path root;
  private final Path realRoot;
  private final Role role;
  private final List<String> writeScope; // empty: anywhere the sandbox allows
  private final Settings settings;
  private final List<ToolSpec> specs;
  private final Observer observer;
  private final Set<String> changed = new ConcurrentSkipListSet<>();
  private final boolean secureIo;

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
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = realRoot;
    this.role = role;
    this.writeScope = List.copyOf(writeScope);
    this.observer = observer;
    this.settings = settings;
    this.secureIo = role.sandboxMode() != SandboxMode.DANGER_FULL_ACCESS && secureIoSupported;
    boolean writes = role.sandboxMode().allowsWrites();
    List<ToolSpec> offered = new ArrayList<>();
    for (String name : role.tools()) {
      switch (name) {
        case BuiltInRoles.TOOL_READ_FILE -> offered.add(READ);
        case BuiltInRoles.TOOL_LIST_DIR -> offered.add(LIST);
        case BuiltInRoles.TOOL_SEARCH -> offered.add(SEARCH);
        case BuiltInRoles.TOOL_WRITE_FILE -> {
          if (writes) {
            offered.add(WRITE);
          }
        }
        case BuiltInRoles.TOOL_APPLY_PATCH -> {
          if (writes) {
            offered.add(PATCH);
          }
        }
        case BuiltInRoles.TOOL_RUN_COMMAND -> offered.add(RUN);
        case BuiltInRoles.TOOL_LOAD_SKILL -> {
          if (!settings.skills().isEmpty()) {
            offered.add(SKILL);
          }
        }
        default -> { } // a tool this toolbox does not provide: not offered
      }
    }
    this.specs = List.copyOf(offered);
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
    return List.copyOf(new TreeSet<>(changed));
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
    String target = "";
    try {
      if (specs.stream().noneMatch(s -> s.name().equals(call.name()))) {
        throw new ToolError(
            "tool '" + call.name() + "' is not available to this role; available: "
                + String.join(", ", specs.stream().map(ToolSpec::name).toList()));
      }
      JsonNode args = parseArguments(call);
      Done done =
          switch (call.name()) {
            case BuiltInRoles.TOOL_READ_FILE -> {
              target = text(args, "path", true);
              yield read(target, integer(args, "start_line"), integer(args, "end_line"));
            }
            case BuiltInRoles.TOOL_LIST_DIR -> {
              target = text(args, "path", true);
              yield list(target);
            }
            case BuiltInRoles.TOOL_SEARCH -> {
              target = text(args, "path", true);
              yield search(text(args, "pattern", false), target, integer(args, "max_results"));
            }
            case BuiltInRoles.TOOL_WRITE_FILE -> {
              target = text(args, "path", false);
              yield write(target, text(args, "content", false));
            }
            case BuiltInRoles.TOOL_APPLY_PATCH -> {
              String diff = text(args, "patch", false);
              List<UnifiedPatch.FilePatch> files = parsePatch(diff);
              target = String.join(", ", files.stream().map(UnifiedPatch.FilePatch::path).toList());
              yield patch(diff, files);
            }
            case BuiltInRoles.TOOL_RUN_COMMAND -> {
              List<String> argv = strings(args, "command");
              String shell = text(args, "shell", true);
              target = argv.isEmpty() ? shell : String.join(" ", argv);
              yield run(argv, shell, text(args, "cwd", true), integer(args, "timeout_seconds"));
            }
            case BuiltInRoles.TOOL_LOAD_SKILL -> {
              target = text(args, "name", false);
              yield loadSkill(target);
            }
            default -> throw new ToolError("unknown tool '" + call.name() + "'");
          };
      String bounded = bound(done.output());
      observer.toolCalled(call.name(), target, true, Audit.of(done.summary(), bounded));
      return new Message.ToolResult(call.id(), bounded, false);
    } catch (ToolError e) {
      String output = "error: " + e.getMessage();
      observer.toolCalled(call.name(), target, false, Audit.of(e.reason(), output));
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

  // ------------------------------------------------------------------ arguments

  private static JsonNode parseArguments(ToolCall call) throws ToolError {
    try {
      JsonNode node = Json.MAPPER.readTree(call.arguments().isBlank() ? "{}" : call.arguments());
      if (node == null || !node.isObject()) {
        throw new ToolError("arguments must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // Jackson's message quotes the offending token: fine for the model, not for the journal.
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ToolError("arguments are not valid JSON: " + e.getMessage(), "arguments are not valid JSON" + where);
    }
  }

  private static String text(JsonNode args, String field, boolean optional) throws ToolError {
    JsonNode v = args.get(field);
    if (v == null || v.isNull()) {
      if (optional) {
        return "";
      }
      throw new ToolError("argument '" + field + "' is required");
    }
    if (!v.isTextual()) {
      throw new ToolError("argument '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode args, String field) throws ToolError {
    JsonNode v = args.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new ToolError("argument '" + field + "' must be a non-negative integer");
    }
    return v.asInt();
  }

  private static List<String> strings(JsonNode args, String field) throws ToolError {
    JsonNode v = args.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ToolError("argument '" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new ToolError("argument '" + field + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  // ------------------------------------------------------------------ paths

  /** Resolves a workspace-relative path for reading: it must lead to the workspace. */
  public Path resolve(String relative) throws ToolError {
    return resolve(relative, false);
  }

  private Path resolve(String relative, boolean forWriting) throws ToolError {
    String rel = relative.isBlank() ? "." : relative;
    Path p;
    try {
      p = Path.of(rel);
    } catch (RuntimeException e) {
      throw new ToolError("not a valid path: '" + relative + "'");
    }
    boolean fullAccess = role.sandboxMode() == SandboxMode.DANGER_FULL_ACCESS;
    Path resolved = root.resolve(p).normalize();
    if (p.isAbsolute() && !fullAccess && !(forWriting && underWritableRoot(resolved))) {
      throw new ToolError(
          "absolute paths are not allowed: '" + relative + "'; use a path relative to the workspace");
    }
    if (!fullAccess && !resolved.startsWith(root) && !(forWriting && underWritableRoot(resolved))) {
      throw new ToolError("path '" + relative + "' leads outside the workspace");
    }
    if (fullAccess) {
      return resolved;
    }
    // The deepest part that exists must really be inside the root (or a writable root):
    // symbolic links are followed.
    Path existing = resolved;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      try {
        Path real = existing.toRealPath();
        if (!real.startsWith(realRoot) && !(forWriting && underWritableRoot(real))) {
          throw new ToolError("path '" + relative + "' leads outside the workspace through a symbolic link");
        }
      } catch (IOException e) {
        throw new ToolError("cannot resolve '" + relative + "': " + e.getMessage());
      }
    }
    return resolved;
  }

  private boolean underWritableRoot(Path p) {
    for (Path w : settings.writableRoots()) {
      if (p.startsWith(w.toAbsolutePath().normalize())) {
        return true;
      }
    }
    return false;
  }

  private String relativize(Path p) {
    return p.startsWith(root) ? root.relativize(p).toString().replace('\\', '/') : p.toString();
  }

  /** A write target: in the sandbox, in the scope, and approved where the policy asks. */
  private Path writable(String relative, String action) throws ToolError {
    if (!role.sandboxMode().allowsWrites()) {
      throw new ToolError("the " + role.name() + " role is read-only");
    }
    Path p = resolve(relative, true);
    String rel = relativize(p);
    if (rel.isEmpty() || Files.isDirectory(p)) {
      throw new ToolError("'" + relative + "' is a folder, not a file");
    }
    if (Arrays.stream(rel.split("/")).anyMatch(".git"::equalsIgnoreCase)) { // .GIT is .git on macOS and Windows
      // A repository's hooks and configuration name programs that git runs: never an agent's to write.
      throw new ToolError("'" + rel + "' is inside a .git folder, which agents do not write");
    }
    if (!writeScope.isEmpty() && p.startsWith(root) && !WriteScopes.covers(writeScope, rel)) {
      throw new ToolError(
          "'" + rel + "' is outside this task's write scope (" + String.join(", ", writeScope) + ")");
    }
    if (role.approvalPolicy() == ApprovalPolicy.UNTRUSTED) {
      requireApproval(action, rel, "the untrusted approval policy asks before every write");
    }
    return p;
  }

  private void requireApproval(String action, String detail, String reason) throws ToolError {
    ApprovalHandler.Decision d = settings.approver().ask(action, detail, reason);
    if (!d.approved()) {
      throw new ToolError(
          action + " " + detail + " was denied by " + d.decidedBy() + (d.reason().isEmpty() ? "" : ": " + d.reason()));
    }
  }

  // ------------------------------------------------------------------ tools

  private Done read(String relative, int startLine, int endLine) throws ToolError {
    Path p = resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new ToolError("no such file: '" + relative + "'");
    }
    byte[] bytes;
    try {
      bytes = readBytes(p, relative);
    } catch (IOException e) {
      throw new ToolError("cannot read '" + relative + "': " + e.getMessage());
    }
    if (WorkspaceFiles.looksBinary(bytes, bytes.length < MAX_FILE_BYTES)) {
      // An error, not a result: the model must not take this line, or decoded garbage, for the
      // file's text (quote it, patch against it).
      String what = describeBinary(p, bytes);
      throw new ToolError("'" + relative + "' is a " + what + "; read_file shows UTF-8 text only, so nothing of it was read", what);
    }
    String content = new String(bytes, StandardCharsets.UTF_8);
    String summary = "read the whole file";
    if (startLine > 0 || endLine > 0) {
      String[] lines = content.split("\n", -1);
      int total = content.endsWith("\n") ? lines.length - 1 : lines.length;
      int from = Math.max(1, startLine);
      int to = endLine == 0 ? total : Math.min(endLine, total);
      if (from > total || from > to) {
        throw new ToolError("lines " + from + "-" + (endLine == 0 ? "end" : endLine) + " are outside '" + relative + "', which has " + total + " lines");
      }
      StringBuilder b = new StringBuilder();
      for (int i = from; i <= to; i++) {
        b.append(lines[i - 1]).append('\n');
      }
      content = b.toString();
      summary = "read lines " + from + "-" + to + " of " + total;
    }
    if (content.length() > MAX_READ_CHARS) {
      return new Done(
          content.substring(0, MAX_READ_CHARS)
              + "\n[cut: showing the first " + MAX_READ_CHARS + " of " + content.length() + " characters; read a line range for more]",
          summary + ", cut to " + MAX_READ_CHARS + " characters");
    }
    return new Done(content, summary);
  }

  /** For example "binary file, 12,345 bytes, looks like PNG image": its size and kind, nothing of its content. */
  private static String describeBinary(Path p, byte[] bytes) {
    long size;
    try {
      size = Math.max(bytes.length, Files.size(p));
    } catch (IOException e) {
      size = bytes.length;
    }
    return String.format(Locale.ROOT, "binary file, %,d bytes, ", size)
        + WorkspaceFiles.binaryKind(bytes).map(kind -> "looks like " + kind).orElse("of unknown type");
  }

  /**
   * Reads without following links; a link that stays inside the workspace is read at its real
   * place, again without following anything, so swapping a folder for a link meanwhile fails.
   */
  private byte[] readBytes(Path p, String relative) throws IOException, ToolError {
    if (!secureIo || !p.startsWith(root)) {
      return Files.readAllBytes(p);
    }
    try {
      return SecureWorkspaceIo.read(realRoot, relativize(p), MAX_FILE_BYTES);
    } catch (SecureWorkspaceIo.Escape e) {
      Path real = p.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new ToolError("path '" + relative + "' leads outside the workspace through a symbolic link");
      }
      try {
        return SecureWorkspaceIo.read(realRoot, realRoot.relativize(real).toString(), MAX_FILE_BYTES);
      } catch (SecureWorkspaceIo.Escape again) {
        throw new ToolError("path '" + relative + "' changed while it was read: a folder became a symbolic link");
      }
    }
  }

  private Done list(String relative) throws ToolError {
    Path p = resolve(relative);
    if (!Files.isDirectory(p)) {
      throw new ToolError("no such folder: '" + relative + "'");
    }
    refuseOrchestraState(p, relative);
    try (Stream<Path> entries = Files.list(p)) {
      List<String> names =
          entries
              .filter(e -> !e.getFileName().toString().equalsIgnoreCase(WorkspaceFiles.ORCHESTRA_FOLDER))
              .map(e -> e.getFileName().toString() + (Files.isDirectory(e) ? "/" : ""))
              .sorted()
              .toList();
      StringBuilder out = new StringBuilder();
      int shown = Math.min(names.size(), MAX_LIST_ENTRIES);
      for (int i = 0; i < shown; i++) {
        out.append(names.get(i)).append('\n');
      }
      if (names.size() > shown) {
        out.append("[cut: showing ").append(shown).append(" of ").append(names.size()).append(" entries]\n");
      }
      String summary = names.size() + (names.size() == 1 ? " entry" : " entries");
      return new Done(out.length() == 0 ? "(empty folder)" : out.toString(), summary);
    } catch (IOException e) {
      throw new ToolError("cannot list '" + relative + "': " + e.getMessage());
    }
  }

  private Done search(String regex, String relative, int maxResults) throws ToolError {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ToolError("not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
    }
    Path base = resolve(relative);
    if (!Files.isDirectory(base)) {
      throw new ToolError("no such folder: '" + relative + "'");
    }
    refuseOrchestraState(base, relative);
    int limit = maxResults == 0 ? 100 : Math.min(maxResults, MAX_SEARCH_RESULTS);
    StringBuilder out = new StringBuilder();
    int hits = 0;
    int filesHit = 0;
    boolean more = false;
    for (Path file : WorkspaceFiles.list(root, base, settings.environmentPolicy().apply(settings.parentEnvironment()))) {
      if (hits >= limit) {
        more = true;
        break;
      }
      String text = readText(file);
      if (text == null) {
        continue; // binary or unreadable
      }
      String[] lines = text.split("\n", -1);
      int before = hits;
      for (int i = 0; i < lines.length && hits < limit; i++) {
        Matcher m = pattern.matcher(lines[i]);
        if (m.find()) {
          String line = lines[i].strip();
          out.append(relativize(file)).append(':').append(i + 1).append(": ")
              .append(line.length() > 300 ? line.substring(0, 300) + "..." : line).append('\n');
          hits++;
        }
      }
      if (hits > before) {
        filesHit++;
      }
    }
    if (hits == 0) {
      return new Done("no matches", "no matches");
    }
    String summary = hits + (hits == 1 ? " match in " : " matches in ") + filesHit + (filesHit == 1 ? " file" : " files");
    if (more || hits >= limit) {
      out.append("[stopped at ").append(limit).append(" matches; narrow the pattern or the folder]\n");
      summary += ", stopped at " + limit;
    }
    return new Done(out.toString(), summary);
  }

  /** Orchestra's own folder holds a run's journal and notes, not code: the tools do not look into it. */
  private void refuseOrchestraState(Path folder, String relative) throws ToolError {
    if (folder.startsWith(root) && WorkspaceFiles.isOrchestraState(root.relativize(folder))) {
      throw new ToolError(
          "'" + relative + "' is in " + WorkspaceFiles.ORCHESTRA_FOLDER + ", where Orchestra keeps its run state; list_dir and search do not look there");
    }
  }

  /** A file's text, or null when it looks binary (as {@link WorkspaceFiles#looksBinary} decides) or cannot be read. */
  private static String readText(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(WorkspaceFiles.SNIFF_BYTES);
      if (WorkspaceFiles.looksBinary(head, head.length < WorkspaceFiles.SNIFF_BYTES)) {
        return null;
      }
      byte[] rest = in.readNBytes(4 * 1024 * 1024);
      byte[] all = new byte[head.length + rest.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(rest, 0, all, head.length, rest.length);
      return new String(all, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  private Done write(String relative, String content) throws ToolError {
    try {
      StandardCharsets.UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(content));
    } catch (CharacterCodingException e) {
      throw new ToolError("content is not valid text");
    }
    Path p = writable(relative, BuiltInRoles.TOOL_WRITE_FILE);
    String rel = relativize(p);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (sameContent(p, bytes)) {
      // Not a change: a role that rewrites a file as it was has changed nothing for the gates to check.
      return new Done("unchanged: " + rel + " already has these " + bytes.length + " bytes", "unchanged, " + bytes.length + " bytes");
    }
    commit(Map.of(p, content), List.of());
    changed.add(rel);
    return new Done("wrote " + bytes.length + " bytes to " + rel, "wrote " + bytes.length + " bytes, sha256 " + digest(bytes));
  }

  /** Whether a regular file (no link followed) already holds exactly these bytes. */
  private static boolean sameContent(Path file, byte[] bytes) {
    try {
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(file) != bytes.length) {
        return false;
      }
      return java.util.Arrays.equals(Files.readAllBytes(file), bytes);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads a patch; the reason for the journal leaves out the parser's message, which may quote a line of it. */
  private List<UnifiedPatch.FilePatch> parsePatch(String diff) throws ToolError {
    if (!role.sandboxMode().allowsWrites()) {
      throw new ToolError("the " + role.name() + " role is read-only");
    }
    try {
      return UnifiedPatch.parse(diff);
    } catch (UnifiedPatch.PatchException e) {
      throw new ToolError(
          "the patch cannot be read: " + e.getMessage(),
          "the patch cannot be read (" + diff.getBytes(StandardCharsets.UTF_8).length + " bytes)");
    }
  }

  private Done patch(String diff, List<UnifiedPatch.FilePatch> files) throws ToolError {
    List<String> paths = new ArrayList<>();
    for (UnifiedPatch.FilePatch f : files) {
      paths.add(relativize(writable(f.path(), BuiltInRoles.TOOL_APPLY_PATCH)));
    }
    UnifiedPatch.Changes changes;
    ToolError[] refused = new ToolError[1];
    try {
      changes =
          UnifiedPatch.compute(
              files,
              path -> {
                try {
                  return resolve(path, true);
                } catch (ToolError e) {
                  refused[0] = e;
                  throw new UnifiedPatch.PatchException(e.getMessage());
                }
              });
    } catch (UnifiedPatch.PatchException e) {
      // A refused path explains itself; any other message may quote a line the hunk expected.
      String reason =
          refused[0] != null
              ? refused[0].reason()
              : "the patch does not apply to " + String.join(", ", paths);
      throw new ToolError(e.getMessage() + "; no file was changed", reason + "; no file was changed");
    }
    commit(changes.contents(), changes.deletions());
    changed.addAll(paths);
    byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
    return new Done(
        "patched " + String.join(", ", paths),
        "patched " + paths.size() + (paths.size() == 1 ? " file" : " files") + " with " + bytes.length + " bytes of patch, sha256 " + digest(bytes));
  }

  /**
   * Writes checked contents and deletions. Inside the workspace, through {@link SecureWorkspaceIo}:
   * no link is followed, so a folder swapped for a link after the check cannot redirect the
   * write. Elsewhere (writable roots, full access) through an atomic move.
   */
  private void commit(Map<Path, String> contents, List<Path> deletions) throws ToolError {
    boolean allInside =
        secureIo && contents.keySet().stream().allMatch(q -> q.startsWith(root)) && deletions.stream().allMatch(q -> q.startsWith(root));
    try {
      if (allInside) {
        Map<String, byte[]> bytes = new java.util.LinkedHashMap<>();
        contents.forEach((q, c) -> bytes.put(relativize(q), c.getBytes(StandardCharsets.UTF_8)));
        SecureWorkspaceIo.writeAll(realRoot, bytes, deletions.stream().map(this::relativize).toList());
      } else {
        for (Map.Entry<Path, String> e : contents.entrySet()) {
          AtomicFiles.writeString(e.getKey(), e.getValue());
        }
        for (Path d : deletions) {
          Files.deleteIfExists(d);
        }
      }
    } catch (SecureWorkspaceIo.Escape e) {
      throw new ToolError("the write leads outside the workspace through a symbolic link (" + e.getMessage() + "); nothing was written");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ToolError("cannot write: " + e.getMessage());
    }
  }

  private Done run(List<String> argv, String shell, String cwd, int timeoutSeconds) throws ToolError {
    if (argv.isEmpty() == shell.isBlank()) {
      throw new ToolError("give either 'command' (a program and its arguments) or 'shell' (a line for sh -c), not both");
    }
    Path dir = resolve(cwd);
    if (!Files.isDirectory(dir)) {
      throw new ToolError("no such folder: '" + cwd + "'");
    }
    List<String> command = argv.isEmpty() ? List.of("sh", "-c", shell) : argv;
    String shown = argv.isEmpty() ? shell : String.join(" ", argv);
    boolean safe = !argv.isEmpty() && isReadOnlyCommand(argv);
    if (safe && role.sandboxMode() == SandboxMode.READ_ONLY) {
      command = withoutRepositoryPrograms(argv);
    }
    switch (role.sandboxMode()) {
      case READ_ONLY -> {
        if (!safe) {
          if (role.approvalPolicy() == ApprovalPolicy.NEVER) {
            throw new ToolError(
                "the read-only sandbox runs only read-only commands (ls, cat, grep, git status/log/diff, ...);"
                    + " '" + shown + "' is not one, and the approval policy 'never' does not ask");
          }
          requireApproval(BuiltInRoles.TOOL_RUN_COMMAND, shown, "the read-only sandbox does not allow commands that could write");
        }
      }
      case WORKSPACE_WRITE, DANGER_FULL_ACCESS -> {
        if (!safe && role.approvalPolicy() == ApprovalPolicy.UNTRUSTED) {
          requireApproval(BuiltInRoles.TOOL_RUN_COMMAND, shown, "the untrusted approval policy asks before commands that could write");
        }
      }
    }
    Duration timeout =
        timeoutSeconds == 0
            ? settings.commandTimeout()
            : Duration.ofSeconds(Math.min(timeoutSeconds, MAX_COMMAND_TIMEOUT.toSeconds()));
    ProcessRunner.Outcome outcome;
    try {
      outcome =
          ProcessRunner.run(
              command, dir, settings.environmentPolicy().apply(settings.parentEnvironment()), timeout, settings.maxOutputChars());
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
    return new Done(status + "\n" + outcome.output(), status);
  }

  /**
   * An allow-listed git command with the programs a repository's own configuration can name turned
   * off (file-system monitor, hooks, external diff, text conversion), so that it only reads even
   * when {@code .git/config} was planted by an earlier command. Other commands are returned as
   * they are.
   */
  public static List<String> withoutRepositoryPrograms(List<String> argv) {
    if (!Path.of(argv.get(0)).getFileName().toString().equals("git") || argv.size() < 2) {
      return argv;
    }
    List<String> out = new ArrayList<>(List.of(argv.get(0), "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external="));
    String sub = argv.get(1);
    out.add(sub);
    if (Set.of("diff", "log", "show").contains(sub)) {
      out.add("--no-ext-diff");
    }
    if (Set.of("diff", "log", "show", "grep", "blame").contains(sub)) {
      out.add("--no-textconv");
    }
    out.addAll(argv.subList(2, argv.size()));
    return out;
  }

  /** Whether a command (as an argument list) only reads. Shell lines never count: they cannot be checked. */
  public static boolean isReadOnlyCommand(List<String> argv) {
    String program = Path.of(argv.get(0)).getFileName().toString().toLowerCase(Locale.ROOT);
    RefusedOptions refused = READ_ONLY_PROGRAMS.get(program);
    if (refused == null) {
      return false;
    }
    List<String> args = argv.subList(1, argv.size());
    if (program.equals("git") && (args.isEmpty() || !READ_ONLY_GIT.contains(args.get(0)))) {
      return false;
    }
    if (program.equals("find") && args.stream().anyMatch(FIND_ACTIONS::contains)) {
      return false;
    }
    return args.stream().noneMatch(refused::refuses);
  }

  private Done loadSkill(String name) throws ToolError {
    for (Skill s : settings.skills()) {
      if (s.name().equals(name)) {
        try {
          return new Done(Files.readString(s.file(), StandardCharsets.UTF_8), "loaded");
        } catch (IOException e) {
          throw new ToolError("cannot read skill '" + name + "': " + e.getMessage());
        }
      }
    }
    throw new ToolError(
        "no skill '" + name + "'; available: " + String.join(", ", settings.skills().stream().map(Skill::name).toList()));
  }
}
