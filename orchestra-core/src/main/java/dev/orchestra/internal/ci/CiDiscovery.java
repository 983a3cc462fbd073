package dev.orchestra.internal.ci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the local commands that mirror a repository's CI, deterministically and without running
 * anything: the {@code run:} steps of GitHub Actions workflows (with their working directories and
 * shells), then the conventions of Maven, Gradle, npm/pnpm/yarn, pytest/tox/ruff/mypy, cargo, go,
 * make, mix, swift, dotnet, composer and deno for what the workflows do not cover.
 *
 * <p>A {@code run:} step is run when a person reading the workflow would run it: when any part
 * of it is a check (see {@link StepClassifier}: known test, type-check, lint and build tools of
 * each ecosystem, package-manager scripts, {@code make} and other task runners, and scripts whose
 * name says test, check, lint, verify or ci, or build). A chained line ({@code npm ci && npm
 * test}) then runs whole as one shell line; a multi-line {@code run: |} block runs whole as one
 * script with {@code bash -e} (as GitHub runs it; {@code sh -e} where there is no bash). Builds
 * found in workflows run too, in workflow order.
 *
 * <p>Every other step is reported in {@link CiCommands#skipped()} with its reason: installs,
 * formatters and set-up are not checks; a step that deploys, publishes, uploads, uses {@code sudo}
 * or installs system packages is never run, even beside a check; a step that needs GitHub's
 * {@code ${{ }}} expressions, another shell (PowerShell, say), or whose failure CI ignores ({@code
 * continue-on-error}) is left out. Actions ({@code uses:}) run only on GitHub; checkout, set-up and
 * cache actions are not listed.
 *
 * <p>From conventions, a folder gets each kind of check its workflows do not already run there,
 * and a build only when it has no test command (so {@code mvn -B verify} is not doubled by {@code
 * mvn package}).
 *
 * <p>Thread-safe and stateless.
 */
public final class CiDiscovery {
  private static final Set<String> SKIP_DIRS =
      Set.of("node_modules", "target", "build", ".git", "vendor", "dist", ".venv", "venv", "__pycache__", ".gradle", ".idea", "out");
  private static final int MAX_DEPTH = 3;

  private CiDiscovery() {}

  /**
   * Scans a repository.
   *
   * @param root the repository's root folder
   * @return the commands found, the steps left out, the files looked at and the problems met;
   *     never throws for a malformed file
   * @throws UncheckedIOException when the root cannot be read
   */
  public static CiCommands scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new UncheckedIOException(new IOException(root + " is not a folder"));
    }
    Scan scan = new Scan(root);
    new GithubWorkflows(scan).read();
    BuildConventions conventions = new BuildConventions(scan);
    for (Path dir : projectFolders(root)) {
      conventions.add(dir);
    }
    // The same command in the same folder once, first source wins.
    Set<String> seen = new LinkedHashSet<>();
    List<CiCommand> unique = new ArrayList<>();
    for (CiCommand c : scan.commands) {
      if (seen.add(c.workingDirectory() + "\u0000" + c.command())) {
        unique.add(c);
      }
    }
    return new CiCommands(unique, scan.skipped, scan.examined, scan.problems);
  }

  /** Returns what a shell text checks, or empty when it is not a check (an install, a set-up step). */
  static Optional<CommandKind> classify(String command) {
    return StepClassifier.text(command) instanceof StepClassifier.Check c ? Optional.of(c.kind()) : Optional.empty();
  }

  /** Splits a run block into commands: comments and blank lines dropped, backslash lines joined. */
  static List<String> commandsOf(String block) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : block.split("\r?\n")) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line.substring(0, line.length() - 1).strip()).append(' ');
        continue;
      }
      current.append(line);
      String cmd = current.toString().strip();
      current.setLength(0);
      if (!cmd.isEmpty()) {
        out.add(cmd);
      }
    }
    if (current.length() > 0) {
      out.add(current.toString().strip());
    }
    return out;
  }

  /** A shell text on one line: itself, or its first command and how many more lines follow. */
  static String label(String text) {
    List<String> lines = commandsOf(text);
    if (lines.size() <= 1) {
      return lines.isEmpty() ? text.strip() : lines.get(0);
    }
    int more = lines.size() - 1;
    return lines.get(0) + " (+" + more + " more line" + (more == 1 ? "" : "s") + ")";
  }

  // ---------------------------------------------------------------- folders

  private static List<Path> projectFolders(Path root) {
    List<Path> out = new ArrayList<>();
    collect(root, 0, out);
    return out;
  }

  private static void collect(Path dir, int depth, List<Path> out) {
    if (BuildConventions.isProject(dir)) {
      out.add(dir);
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path child : s.filter(Files::isDirectory).sorted().toList()) {
        String n = child.getFileName().toString();
        if (!SKIP_DIRS.contains(n) && !n.startsWith(".")) {
          collect(child, depth + 1, out);
        }
      }
    } catch (IOException e) {
      // an unreadable folder has no conventions to offer
    }
  }
}
