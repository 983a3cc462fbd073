package dev.orchestra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files of a workspace that a search should see: in a git repository, what git tracks plus
 * untracked files it does not ignore; elsewhere, every file but {@code .git} and what the root's
 * {@code .gitignore} names (its common forms: names, globs, folders with a trailing slash, paths
 * anchored with a leading slash). Either way never a file in Orchestra's own folder ({@value
 * Journal#FOLDER}), tracked or not, ignored or not.
 */
final class WorkspaceFiles {
  private WorkspaceFiles() {}

  static List<Path> list(Path root, Path base, Map<String, String> environment) {
    if (isOrchestraState(root.relativize(base))) {
      return List.of();
    }
    if (Files.exists(root.resolve(".git"))) {
      List<Path> fromGit = fromGit(root, base, environment);
      if (fromGit != null) {
        return fromGit;
      }
    }
    return walk(root, base);
  }

  /**
   * Whether a workspace-relative path is, or lies in, a folder named {@value Journal#FOLDER}: a
   * run's journal and notes, which are no part of the code the tools look at. Compared ignoring
   * case, as macOS and Windows file systems do.
   */
  static boolean isOrchestraState(Path relative) {
    for (Path part : relative) {
      if (part.toString().equalsIgnoreCase(Journal.FOLDER)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> fromGit(Path root, Path base, Map<String, String> environment) {
    String rel = root.relativize(base).toString();
    List<String> args = new ArrayList<>(List.of("ls-files", "-co", "--exclude-standard", "-z"));
    if (!rel.isEmpty()) {
      args.add("--");
      args.add(rel);
    }
    String out = GitWorkspace.git(root, environment, args);
    if (out == null) {
      return null;
    }
    List<Path> files = new ArrayList<>();
    for (String name : out.split("\0")) {
      // Symbolic links are left out: their targets may lie outside the workspace.
      if (!name.isEmpty()
          && !isOrchestraState(Path.of(name))
          && Files.isRegularFile(root.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        files.add(root.resolve(name));
      }
    }
    files.sort(null);
    return files;
  }

  private static List<Path> walk(Path root, Path base) {
    List<PathMatcher> ignored = new ArrayList<>();
    Path gitignore = root.resolve(".gitignore");
    if (Files.isRegularFile(gitignore)) {
      try {
        for (String line : Files.readAllLines(gitignore, StandardCharsets.UTF_8)) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
            continue;
          }
          if (l.endsWith("/")) {
            l = l.substring(0, l.length() - 1);
          }
          String glob = l.startsWith("/") ? l.substring(1) : (l.contains("/") ? l : "**/" + l);
          ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
          if (!l.startsWith("/") && !l.contains("/")) {
            ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + l));
          }
        }
      } catch (IOException e) {
        // an unreadable .gitignore ignores nothing
      }
    }
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          base,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(base)
                  && (dir.getFileName().toString().equals(".git")
                      || dir.getFileName().toString().equalsIgnoreCase(Journal.FOLDER)
                      || matches(ignored, root.relativize(dir)))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !matches(ignored, root.relativize(file))) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // what was found so far is the answer
    }
    files.sort(null);
    return files;
  }

  private static boolean matches(List<PathMatcher> ignored, Path relative) {
    for (PathMatcher m : ignored) {
      if (m.matches(relative)) {
        return true;
      }
    }
    return false;
  }
}
