package dev.orchestra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.AtomicFiles;
import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * The basic workspace tools: read a file, list a folder, write a file. Every path is relative to
 * the workspace root; absolute paths, {@code ..} that leaves the root and symbolic links that lead
 * outside it are refused. Writes also stay inside the task's write scope.
 */
final class WorkspaceToolBox implements ToolBox {
  /** Told of every call, for the ToolCalled event. */
  interface Observer {
    void toolCalled(String tool, String target, boolean ok, String detail);
  }

  static final int MAX_READ_CHARS = 64 * 1024;
  static final int MAX_LIST_ENTRIES = 500;

  private static final ToolSpec READ =
      new ToolSpec(
          BuiltInRoles.TOOL_READ_FILE,
          "Read a UTF-8 text file in the workspace.",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":"
              + "\"workspace-relative path\"}},\"required\":[\"path\"],\"additionalProperties\":false}");
  private static final ToolSpec LIST =
      new ToolSpec(
          BuiltInRoles.TOOL_LIST_DIR,
          "List a folder in the workspace; folders end with '/'.",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":"
              + "\"workspace-relative folder, '' or '.' for the root\"}},\"required\":[\"path\"],"
              + "\"additionalProperties\":false}");
  private static final ToolSpec WRITE =
      new ToolSpec(
          BuiltInRoles.TOOL_WRITE_FILE,
          "Create or replace a UTF-8 text file in the workspace, inside the task's write scope.",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":"
              + "{\"type\":\"string\"}},\"required\":[\"path\",\"content\"],"
              + "\"additionalProperties\":false}");

  private final Path root;
  private final Path realRoot;
  private final List<String> writeScope; // empty: anywhere in the workspace
  private final List<ToolSpec> specs;
  private final Observer observer;
  private final Set<String> changed = new ConcurrentSkipListSet<>();

  WorkspaceToolBox(Path root, Role role, List<String> writeScope, Observer observer) {
    this(root, realPath(root), role, writeScope, observer);
  }

  /** With the root's real path already known: the orchestrator resolves it once per run. */
  WorkspaceToolBox(Path root, Path realRoot, Role role, List<String> writeScope, Observer observer) {
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = realRoot;
    this.writeScope = List.copyOf(writeScope);
    this.observer = observer;
    List<ToolSpec> offered = new ArrayList<>();
    for (String name : role.tools()) {
      if (name.equals(READ.name())) {
        offered.add(READ);
      } else if (name.equals(LIST.name())) {
        offered.add(LIST);
      } else if (name.equals(WRITE.name()) && role.sandboxMode().allowsWrites()) {
        offered.add(WRITE);
      }
    }
    this.specs = List.copyOf(offered);
  }

  static Path realPath(Path root) {
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

  /** A tool failure the model should see, not a crash. */
  private static final class ToolError extends Exception {
    private static final long serialVersionUID = 1L;

    ToolError(String message) {
      super(message, null, false, false);
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
      target = text(args, "path", true);
      String output =
          switch (call.name()) {
            case BuiltInRoles.TOOL_READ_FILE -> read(target);
            case BuiltInRoles.TOOL_LIST_DIR -> list(target);
            case BuiltInRoles.TOOL_WRITE_FILE -> write(target, text(args, "content", false));
            default -> throw new ToolError("unknown tool '" + call.name() + "'");
          };
      observer.toolCalled(call.name(), target, true, firstLine(output));
      return new Message.ToolResult(call.id(), output, false);
    } catch (ToolError e) {
      observer.toolCalled(call.name(), target, false, e.getMessage());
      return new Message.ToolResult(call.id(), "error: " + e.getMessage(), true);
    }
  }

  private static JsonNode parseArguments(ToolCall call) throws ToolError {
    try {
      JsonNode node = Journal.JSON.readTree(call.arguments().isBlank() ? "{}" : call.arguments());
      if (node == null || !node.isObject()) {
        throw new ToolError("arguments must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new ToolError("arguments are not valid JSON: " + e.getMessage());
    }
  }

  private static String text(JsonNode args, String field, boolean emptyAllowed) throws ToolError {
    JsonNode v = args.get(field);
    if (v == null || !v.isTextual()) {
      if (emptyAllowed && v == null) {
        return "";
      }
      throw new ToolError("argument '" + field + "' must be a string");
    }
    return v.asText();
  }

  /** Resolves a workspace-relative path, refusing anything that leads outside the root. */
  Path resolve(String relative) throws ToolError {
    String rel = relative.isBlank() ? "." : relative;
    Path p;
    try {
      p = Path.of(rel);
    } catch (RuntimeException e) {
      throw new ToolError("not a valid path: '" + relative + "'");
    }
    if (p.isAbsolute() || rel.startsWith("/") || rel.startsWith("\\")) {
      throw new ToolError("absolute paths are not allowed: '" + relative + "'; use a path relative to the workspace");
    }
    Path resolved = root.resolve(p).normalize();
    if (!resolved.startsWith(root)) {
      throw new ToolError("path '" + relative + "' leads outside the workspace");
    }
    // The deepest part that exists must really be inside the root: symbolic links are followed.
    Path existing = resolved;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      try {
        if (!existing.toRealPath().startsWith(realRoot)) {
          throw new ToolError("path '" + relative + "' leads outside the workspace through a symbolic link");
        }
      } catch (IOException e) {
        throw new ToolError("cannot resolve '" + relative + "': " + e.getMessage());
      }
    }
    return resolved;
  }

  private String relativize(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private String read(String relative) throws ToolError {
    Path p = resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new ToolError("no such file: '" + relative + "'");
    }
    try {
      String content = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
      if (content.length() > MAX_READ_CHARS) {
        return content.substring(0, MAX_READ_CHARS)
            + "\n[cut: showing the first " + MAX_READ_CHARS + " of " + content.length() + " characters]";
      }
      return content;
    } catch (IOException e) {
      throw new ToolError("cannot read '" + relative + "': " + e.getMessage());
    }
  }

  private String list(String relative) throws ToolError {
    Path p = resolve(relative);
    if (!Files.isDirectory(p)) {
      throw new ToolError("no such folder: '" + relative + "'");
    }
    try (Stream<Path> entries = Files.list(p)) {
      List<String> names =
          entries
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
      return out.length() == 0 ? "(empty folder)" : out.toString();
    } catch (IOException e) {
      throw new ToolError("cannot list '" + relative + "': " + e.getMessage());
    }
  }

  private String write(String relative, String content) throws ToolError {
    Path p = resolve(relative);
    String rel = relativize(p);
    if (rel.isEmpty() || Files.isDirectory(p)) {
      throw new ToolError("'" + relative + "' is a folder, not a file");
    }
    if (!writeScope.isEmpty() && !WriteScopes.covers(writeScope, rel)) {
      throw new ToolError(
          "'" + rel + "' is outside this task's write scope (" + String.join(", ", writeScope) + ")");
    }
    try {
      StandardCharsets.UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(content));
    } catch (CharacterCodingException e) {
      throw new ToolError("content is not valid text");
    }
    try {
      AtomicFiles.writeString(p, content);
    } catch (java.io.UncheckedIOException e) {
      throw new ToolError("cannot write '" + rel + "': " + e.getCause().getMessage());
    }
    changed.add(rel);
    return "wrote " + content.getBytes(StandardCharsets.UTF_8).length + " bytes to " + rel;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 120 ? line.substring(0, 117) + "..." : line;
  }
}
