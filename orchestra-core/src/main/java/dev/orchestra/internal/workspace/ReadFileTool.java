package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** read_file: a UTF-8 text file, whole or a range of lines, cut at {@link WorkspaceToolBox#MAX_READ_CHARS}. */
final class ReadFileTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("path", "workspace-relative path")
          .integer("start_line")
          .integer("end_line")
          .spec(
              BuiltInRoles.TOOL_READ_FILE,
              "Read a UTF-8 text file in the workspace, whole or a range of lines (1-based, inclusive; 0 for"
                  + " the start or the end).");

  private final SandboxPaths paths;

  ReadFileTool(SandboxPaths paths) {
    this.paths = paths;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String relative = args.target(args.optionalText("path"));
    int startLine = args.count("start_line");
    int endLine = args.count("end_line");
    Path p = paths.resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new ToolError("no such file: '" + relative + "'");
    }
    byte[] bytes;
    try {
      bytes = readBytes(p, relative);
    } catch (IOException e) {
      throw new ToolError("cannot read '" + relative + "': " + e.getMessage());
    }
    if (WorkspaceFiles.looksBinary(bytes, bytes.length < WorkspaceToolBox.MAX_FILE_BYTES)) {
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
    int max = WorkspaceToolBox.MAX_READ_CHARS;
    if (content.length() > max) {
      return new Result(
          content.substring(0, max) + "\n[cut: showing the first " + max + " of " + content.length() + " characters; read a line range for more]",
          summary + ", cut to " + max + " characters");
    }
    return new Result(content, summary);
  }

  /**
   * Reads without following links; a link that stays inside the workspace is read at its real
   * place, again without following anything, so swapping a folder for a link meanwhile fails.
   */
  private byte[] readBytes(Path p, String relative) throws IOException, ToolError {
    if (!paths.secureIo() || !p.startsWith(paths.root())) {
      return Files.readAllBytes(p);
    }
    Path realRoot = paths.realRoot();
    try {
      return SecureWorkspaceIo.read(realRoot, paths.relativize(p), WorkspaceToolBox.MAX_FILE_BYTES);
    } catch (SecureWorkspaceIo.Escape e) {
      Path real = p.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new ToolError("path '" + relative + "' leads outside the workspace through a symbolic link");
      }
      try {
        return SecureWorkspaceIo.read(realRoot, realRoot.relativize(real).toString(), WorkspaceToolBox.MAX_FILE_BYTES);
      } catch (SecureWorkspaceIo.Escape again) {
        throw new ToolError("path '" + relative + "' changed while it was read: a folder became a symbolic link");
      }
    }
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
}
