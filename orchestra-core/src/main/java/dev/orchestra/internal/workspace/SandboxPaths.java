package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths a model gives into paths on disk, refusing those that lead where the sandbox
 * does not let the tools go: by {@code ..}, as an absolute path, or through a symbolic link.
 * Knows the workspace root (as given and as its real path), the writable roots, and whether reads
 * and writes inside the workspace go through {@link SecureWorkspaceIo}.
 */
final class SandboxPaths {
  private final Path root;
  private final Path realRoot;
  private final boolean secureIo;
  private final List<Path> writableRoots;
  private final SandboxGuard guard;

  SandboxPaths(Path root, Path realRoot, boolean secureIo, List<Path> writableRoots, SandboxGuard guard) {
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = realRoot;
    this.secureIo = secureIo;
    // Each root as given and as its real path: a root named through a link (macOS's /var, a
    // mounted volume's alias) still holds the files whose real path is under its target.
    this.writableRoots = writableRoots.isEmpty() ? List.of() : writableRoots.stream().flatMap(SandboxPaths::asGivenAndReal).distinct().toList();
    this.guard = guard;
  }

  /** The workspace root, absolute and normalized but with links as given. */
  Path root() {
    return root;
  }

  /** The workspace root with every link resolved. */
  Path realRoot() {
    return realRoot;
  }

  /** Whether reads and writes inside the workspace walk the path without following links. */
  boolean secureIo() {
    return secureIo;
  }

  /** A path to read, list, search or run a command in. */
  Path resolve(String relative) throws ToolError {
    return resolve(relative, false);
  }

  /** A path to write: the workspace's and also the writable roots'. */
  Path resolveForWriting(String relative) throws ToolError {
    return resolve(relative, true);
  }

  private Path resolve(String relative, boolean forWriting) throws ToolError {
    String rel = relative.isBlank() ? "." : relative;
    Path p;
    try {
      p = Path.of(rel);
    } catch (RuntimeException e) {
      throw new ToolError("not a valid path: '" + relative + "'");
    }
    Path resolved = root.resolve(p).normalize();
    if ((p.isAbsolute() || !resolved.startsWith(root)) && guard.refuses(outside(resolved, forWriting))) {
      throw new ToolError(
          p.isAbsolute()
              ? "absolute paths are not allowed: '" + relative + "'; use a path relative to the workspace"
              : "path '" + relative + "' leads outside the workspace");
    }
    if (!guard.refuses(forWriting ? Action.WRITE_OUTSIDE : Action.READ_OUTSIDE)) {
      return resolved; // full access: nothing outside is refused, so no link needs checking
    }
    // The deepest part that exists must really be inside the root (or a writable root):
    // symbolic links are followed.
    Path existing = resolved;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      try {
        Path real = existing.toRealPath();
        if (!real.startsWith(realRoot) && guard.refuses(outside(real, forWriting))) {
          throw new ToolError("path '" + relative + "' leads outside the workspace through a symbolic link");
        }
      } catch (IOException e) {
        throw new ToolError("cannot resolve '" + relative + "': " + e.getMessage());
      }
    }
    return resolved;
  }

  /** What reaching a place outside the workspace amounts to. */
  private Action outside(Path p, boolean forWriting) {
    if (!forWriting) {
      return Action.READ_OUTSIDE;
    }
    return underWritableRoot(p) ? Action.WRITE_WRITABLE_ROOT : Action.WRITE_OUTSIDE;
  }

  private static Stream<Path> asGivenAndReal(Path root) {
    Path given = root.toAbsolutePath().normalize();
    try {
      return Stream.of(given, given.toRealPath());
    } catch (IOException e) {
      return Stream.of(given); // not there (yet): nothing under it can be a link
    }
  }

  boolean underWritableRoot(Path p) {
    return writableRoots.stream().anyMatch(p::startsWith);
  }

  /** Workspace-relative with '/' for a path inside the workspace; as it is for one outside. */
  String relativize(Path p) {
    return p.startsWith(root) ? root.relativize(p).toString().replace('\\', '/') : p.toString();
  }

  /** Orchestra's own folder holds a run's journal and notes, not code: list_dir and search do not look into it. */
  void refuseOrchestraState(Path folder, String relative) throws ToolError {
    if (folder.startsWith(root) && WorkspaceFiles.isOrchestraState(root.relativize(folder))) {
      throw new ToolError(
          "'" + relative + "' is in " + WorkspaceFiles.ORCHESTRA_FOLDER + ", where Orchestra keeps its run state; list_dir and search do not look there");
    }
  }
}
