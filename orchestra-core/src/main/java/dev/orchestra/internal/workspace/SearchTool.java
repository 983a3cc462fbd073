package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.Settings;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** search: lines matching a regular expression in the text files of a folder, as git (or .gitignore) lists them. */
final class SearchTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("pattern")
          .string("path", "folder to search, '' for the root")
          .integer("max_results")
          .spec(
              BuiltInRoles.TOOL_SEARCH,
              "Search text files for a regular expression (Java syntax); skips what .gitignore ignores and"
                  + " binary files. Answers path:line: text.");
  private static final int DEFAULT_RESULTS = 100;
  private static final int MAX_LINE_CHARS = 300;

  private final SandboxPaths paths;
  private final Settings settings;

  SearchTool(SandboxPaths paths, Settings settings) {
    this.paths = paths;
    this.settings = settings;
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String relative = args.target(args.optionalText("path"));
    String regex = args.text("pattern");
    int maxResults = args.count("max_results");
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ToolError("not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
    }
    Path base = paths.resolve(relative);
    if (!Files.isDirectory(base)) {
      throw new ToolError("no such folder: '" + relative + "'");
    }
    paths.refuseOrchestraState(base, relative);
    int limit = maxResults == 0 ? DEFAULT_RESULTS : Math.min(maxResults, WorkspaceToolBox.MAX_SEARCH_RESULTS);
    StringBuilder out = new StringBuilder();
    int hits = 0;
    int filesHit = 0;
    boolean more = false;
    for (Path file : WorkspaceFiles.list(paths.root(), base, settings.environment())) {
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
        if (pattern.matcher(lines[i]).find()) {
          String line = lines[i].strip();
          out.append(paths.relativize(file)).append(':').append(i + 1).append(": ")
              .append(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line).append('\n');
          hits++;
        }
      }
      if (hits > before) {
        filesHit++;
      }
    }
    if (hits == 0) {
      return new Result("no matches", "no matches");
    }
    String summary = hits + (hits == 1 ? " match in " : " matches in ") + filesHit + (filesHit == 1 ? " file" : " files");
    if (more || hits >= limit) {
      out.append("[stopped at ").append(limit).append(" matches; narrow the pattern or the folder]\n");
      summary += ", stopped at " + limit;
    }
    return new Result(out.toString(), summary);
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
}
