package dev.orchestra.internal.ci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan's results as they accumulate. Its own class because two readers fill it: {@link
 * GithubWorkflows} records what the workflows check, and {@link BuildConventions} adds only what
 * they leave out.
 */
final class Scan {
  final Path root;
  final List<CiCommand> commands = new ArrayList<>();
  final List<CiCommands.Skipped> skipped = new ArrayList<>();
  final List<String> examined = new ArrayList<>();
  final List<CiCommands.Problem> problems = new ArrayList<>();
  /** What the workflows already check, by working directory. */
  final Map<String, Set<CommandKind>> covered = new HashMap<>();

  Scan(Path root) {
    this.root = root;
  }

  /** The path relative to the root, with forward slashes; {@code .} for the root itself. */
  String rel(Path p) {
    String r = root.relativize(p).toString().replace('\\', '/');
    return r.isEmpty() ? "." : r;
  }
}
