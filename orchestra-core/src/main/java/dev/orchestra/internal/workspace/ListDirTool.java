package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** list_dir: a folder's entries, sorted, folders marked with '/', Orchestra's own folder left out. */
final class ListDirTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("path", "workspace-relative folder, '' for the root")
          .spec(BuiltInRoles.TOOL_LIST_DIR, "List a folder in the workspace; folders end with '/'.");

  private final SandboxPaths paths;

  ListDirTool(SandboxPaths paths) {
    this.paths = paths;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String relative = args.target(args.optionalText("path"));
    Path p = paths.resolve(relative);
    if (!Files.isDirectory(p)) {
      throw new ToolError("no such folder: '" + relative + "'");
    }
    paths.refuseOrchestraState(p, relative);
    try (Stream<Path> entries = Files.list(p)) {
      List<String> names =
          entries
              .filter(e -> !e.getFileName().toString().equalsIgnoreCase(WorkspaceFiles.ORCHESTRA_FOLDER))
              .map(e -> e.getFileName().toString() + (Files.isDirectory(e) ? "/" : ""))
              .sorted()
              .toList();
      StringBuilder out = new StringBuilder();
      int shown = Math.min(names.size(), WorkspaceToolBox.MAX_LIST_ENTRIES);
      for (int i = 0; i < shown; i++) {
        out.append(names.get(i)).append('\n');
      }
      if (names.size() > shown) {
        out.append("[cut: showing ").append(shown).append(" of ").append(names.size()).append(" entries]\n");
      }
      String summary = names.size() + (names.size() == 1 ? " entry" : " entries");
      return new Result(out.length() == 0 ? "(empty folder)" : out.toString(), summary);
    } catch (IOException e) {
      throw new ToolError("cannot list '" + relative + "': " + e.getMessage());
    }
  }
}
