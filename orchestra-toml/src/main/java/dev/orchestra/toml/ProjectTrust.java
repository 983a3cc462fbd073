package dev.orchestra.toml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The user's trust decisions for project folders ({@code [projects."<path>"] trust_level} in the
 * user configuration), and how Codex finds the one that applies to a working directory: the
 * decision for the directory itself, else for its project root, else for its git repository's
 * root, so that a worktree has its repository's trust. Paths are compared as real paths, so a
 * decision recorded through a symbolic link applies to the folder it points at, and the other way
 * round.
 *
 * <p>This is the most security-relevant rule of the module: a trusted project's {@code .codex}
 * layer may change the sandbox. A folder with a {@code .git} file that merely names a trusted
 * repository (shipped in an archive, say) borrows no trust: the repository must link back to it,
 * as git records its worktrees.
 *
 * <p>Immutable. It only reads the file system ({@code .git} files and the repository's worktree
 * records), and reads it anew on every call.
 */
final class ProjectTrust {

  /** A folder's trust. */
  enum Level {
    /** The user trusts it: its project layers apply. */
    TRUSTED,
    /** The user distrusts it: its project layers are ignored, and approval defaults to untrusted. */
    UNTRUSTED,
    /** No decision: its project layers are ignored, and the sandbox defaults to read-only. */
    UNDECIDED
  }

  /** One decision, under the real path of the folder it names. */
  private record Decision(Path folder, Level level) {}

  private final List<Decision> decisions;

  private ProjectTrust(List<Decision> decisions) {
    this.decisions = List.copyOf(decisions);
  }

  /**
   * Reads the decisions of a user's {@code [projects]} table.
   *
   * @param trustLevels each project's path as written to its {@code trust_level} as written, in
   *     file order; a level other than {@code trusted} or {@code untrusted}, or a key that is not a
   *     path, decides nothing
   * @return the decisions
   */
  static ProjectTrust of(Map<String, String> trustLevels) {
    List<Decision> out = new ArrayList<>();
    trustLevels.forEach((path, level) -> {
      Level l = level.equals("trusted") ? Level.TRUSTED : level.equals("untrusted") ? Level.UNTRUSTED : null;
      if (l == null) {
        return;
      }
      try {
        out.add(new Decision(realOrLexical(Path.of(path)), l));
      } catch (InvalidPathException e) {
        // A key that is not a path names no folder.
      }
    });
    return new ProjectTrust(out);
  }

  /**
   * Returns the project root of a working directory: the nearest folder at or above it that holds
   * one of the markers, else the directory itself (also when there are no markers).
   *
   * @param cwd the working directory, absolute
   * @param markers names of files or folders that mark a root, Codex's {@code
   *     project_root_markers} (default {@code .git})
   */
  static Path projectRoot(Path cwd, List<String> markers) {
    if (markers.isEmpty()) {
      return cwd;
    }
    for (Path d = cwd; d != null; d = d.getParent()) {
      for (String m : markers) {
        if (Files.exists(d.resolve(m))) {
          return d;
        }
      }
    }
    return cwd;
  }

  /**
   * Returns the trust of a working directory: the first decision for the directory, else for its
   * project root, else for its git repository's root (for a linked worktree, the main worktree of
   * the repository that links back to it).
   *
   * @param cwd the working directory, absolute
   * @param projectRoot its project root (see {@link #projectRoot})
   * @return the level; {@link Level#UNDECIDED} when no decision applies
   */
  Level of(Path cwd, Path projectRoot) {
    List<Path> candidates = new ArrayList<>(List.of(cwd, projectRoot));
    gitRoot(cwd).ifPresent(candidates::add);
    for (Path candidate : candidates) {
      Path real = realOrLexical(candidate);
      for (Decision d : decisions) {
        if (d.folder().equals(real)) {
          return d.level();
        }
      }
    }
    return Level.UNDECIDED;
  }

  /**
   * Returns the root of the git repository a folder is in: the nearest folder at or above it that
   * holds {@code .git}. When that {@code .git} is a linked worktree's file pointing into {@code
   * <main>/.git/worktrees/<name>}, and the repository records that very file as its worktree,
   * returns {@code <main>} instead, as Codex does; otherwise the folder holding the file.
   *
   * @param folder the folder, absolute
   * @return the root, or empty outside any repository
   */
  static Optional<Path> gitRoot(Path folder) {
    for (Path d = folder; d != null; d = d.getParent()) {
      Path dotGit = d.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return Optional.of(d);
      } else if (Files.isRegularFile(dotGit)) {
        return Optional.of(mainWorktree(d, dotGit).orElse(d));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> mainWorktree(Path dir, Path dotGitFile) {
    try (Stream<String> lines = Files.lines(dotGitFile)) {
      String first = lines.findFirst().orElse("").strip();
      if (!first.startsWith("gitdir:")) {
        return Optional.empty();
      }
      Path gitDir = realOrLexical(dir.resolve(first.substring("gitdir:".length()).strip()));
      Path worktrees = gitDir.getParent();
      Path common = worktrees == null ? null : worktrees.getParent();
      if (common != null && common.getParent() != null && worktrees.getFileName().toString().equals("worktrees")
          && common.getFileName().toString().equals(".git") && linksBack(gitDir, dotGitFile)) {
        return Optional.of(common.getParent());
      }
    } catch (IOException | UncheckedIOException | InvalidPathException e) {
      // Not a readable worktree pointer (a submodule's, say): the folder holding it is the root.
    }
    return Optional.empty();
  }

  /**
   * Whether the repository really has this worktree: git records, in the worktree's folder under
   * {@code .git/worktrees}, the path of the worktree's {@code .git} file.
   */
  private static boolean linksBack(Path gitDir, Path dotGitFile) {
    try {
      Path recorded = Path.of(Files.readString(gitDir.resolve("gitdir"), StandardCharsets.UTF_8).strip());
      return realOrLexical(recorded).equals(realOrLexical(dotGitFile));
    } catch (IOException | UncheckedIOException | InvalidPathException e) {
      return false;
    }
  }

  /** Returns the real path (links followed) of an existing file, else the absolute, normalised path. */
  static Path realOrLexical(Path p) {
    Path lexical = p.toAbsolutePath().normalize();
    try {
      return lexical.toRealPath();
    } catch (IOException | SecurityException e) {
      return lexical;
    }
  }

  @Override
  public String toString() {
    return "ProjectTrust" + decisions;
  }
}
