package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** write_file: creates or replaces one text file, where {@link WorkspaceWriter} allows. */
final class WriteFileTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("path", "workspace-relative path")
          .string("content")
          .spec(BuiltInRoles.TOOL_WRITE_FILE, "Create or replace a UTF-8 text file in the workspace, inside the task's write scope.");

  private final WorkspaceWriter writer;
  private final SandboxPaths paths;

  WriteFileTool(WorkspaceWriter writer, SandboxPaths paths) {
    this.writer = writer;
    this.paths = paths;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String relative = args.target(args.text("path"));
    String content = args.text("content");
    try {
      StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(content));
    } catch (CharacterCodingException e) {
      throw new ToolError("content is not valid text");
    }
    Path p = writer.writable(relative, BuiltInRoles.TOOL_WRITE_FILE);
    String rel = paths.relativize(p);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (sameContent(p, bytes)) {
      // Not a change: a role that rewrites a file as it was has changed nothing for the gates to check.
      return new Result("unchanged: " + rel + " already has these " + bytes.length + " bytes", "unchanged, " + bytes.length + " bytes");
    }
    writer.commit(Map.of(p, content), List.of(), List.of(rel));
    return new Result("wrote " + bytes.length + " bytes to " + rel, "wrote " + bytes.length + " bytes, sha256 " + WorkspaceToolBox.digest(bytes));
  }

  /** Whether a regular file (no link followed) already holds exactly these bytes. */
  private static boolean sameContent(Path file, byte[] bytes) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != bytes.length) {
        return false;
      }
      return Arrays.equals(Files.readAllBytes(file), bytes);
    } catch (IOException e) {
      return false;
    }
  }
}
