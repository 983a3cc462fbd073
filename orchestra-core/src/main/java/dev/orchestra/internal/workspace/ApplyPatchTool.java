package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** apply_patch: a unified diff over any number of files, all of it or none, where {@link WorkspaceWriter} allows. */
final class ApplyPatchTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("patch")
          .spec(
              BuiltInRoles.TOOL_APPLY_PATCH,
              "Apply a unified diff (as from diff -u or git diff) to files in the workspace. All hunks apply"
                  + " or none do.");

  private final WorkspaceWriter writer;
  private final SandboxPaths paths;

  ApplyPatchTool(WorkspaceWriter writer, SandboxPaths paths) {
    this.writer = writer;
    this.paths = paths;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String diff = args.text("patch");
    writer.requireWritableSandbox();
    List<UnifiedPatch.FilePatch> files = parse(diff);
    args.target(String.join(", ", files.stream().map(UnifiedPatch.FilePatch::path).toList()));
    List<String> changed = new ArrayList<>();
    for (UnifiedPatch.FilePatch f : files) {
      changed.add(paths.relativize(writer.writable(f.path(), BuiltInRoles.TOOL_APPLY_PATCH)));
    }
    UnifiedPatch.Changes changes;
    ToolError[] refused = new ToolError[1];
    try {
      changes =
          UnifiedPatch.compute(
              files,
              path -> {
                try {
                  return paths.resolveForWriting(path);
                } catch (ToolError e) {
                  refused[0] = e;
                  throw new UnifiedPatch.PatchException(e.getMessage());
                }
              });
    } catch (UnifiedPatch.PatchException e) {
      // A refused path explains itself; any other message may quote a line the hunk expected.
      String reason = refused[0] != null ? refused[0].reason() : "the patch does not apply to " + String.join(", ", changed);
      throw new ToolError(e.getMessage() + "; no file was changed", reason + "; no file was changed");
    }
    writer.commit(changes.contents(), changes.deletions(), changed);
    byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
    return new Result(
        "patched " + String.join(", ", changed),
        "patched " + changed.size() + (changed.size() == 1 ? " file" : " files") + " with " + bytes.length + " bytes of patch, sha256 "
            + WorkspaceToolBox.digest(bytes));
  }

  /** Reads a patch; the reason for the journal leaves out the parser's message, which may quote a line of it. */
  private static List<UnifiedPatch.FilePatch> parse(String diff) throws ToolError {
    try {
      return UnifiedPatch.parse(diff);
    } catch (UnifiedPatch.PatchException e) {
      throw new ToolError(
          "the patch cannot be read: " + e.getMessage(),
          "the patch cannot be read (" + diff.getBytes(StandardCharsets.UTF_8).length + " bytes)");
    }
  }
}
