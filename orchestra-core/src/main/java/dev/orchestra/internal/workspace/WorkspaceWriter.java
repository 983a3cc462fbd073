package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The writing half of the tools, shared by write_file and apply_patch: which files a call may
 * write (sandbox, write scope, {@code .git}, approval), writing them, and the list of files
 * written so far. Thread-safe.
 */
final class WorkspaceWriter {
  private static final String ASK_REASON = "the untrusted approval policy asks before every write";

  private final String roleName;
  private final List<String> writeScope; // empty: anywhere the sandbox allows
  private final SandboxPaths paths;
  private final SandboxGuard guard;
  private final Set<String> changed = new ConcurrentSkipListSet<>();

  WorkspaceWriter(String roleName, List<String> writeScope, SandboxPaths paths, SandboxGuard guard) {
    this.roleName = roleName;
    this.writeScope = List.copyOf(writeScope);
    this.paths = paths;
    this.guard = guard;
  }

  /** Refuses every write in a sandbox that allows none, before looking at any path. */
  void requireWritableSandbox() throws ToolError {
    if (!guard.mode().allowsWrites()) {
      throw new ToolError("the " + roleName + " role is read-only");
    }
  }

  /** A file the call may write: in the sandbox, in the scope, out of {@code .git}, and approved where the policy asks. */
  Path writable(String relative, String tool) throws ToolError {
    requireWritableSandbox();
    Path p = paths.resolveForWriting(relative);
    String rel = paths.relativize(p);
    if (rel.isEmpty() || Files.isDirectory(p)) {
      throw new ToolError("'" + relative + "' is a folder, not a file");
    }
    Action action = kindOfWrite(p, rel);
    String refusal =
        switch (action) {
          // A repository's hooks and configuration name programs that git runs: never an agent's to write.
          case WRITE_GIT_FOLDER -> "'" + rel + "' is inside a .git folder, which agents do not write";
          case WRITE_OUT_OF_SCOPE -> "'" + rel + "' is outside this task's write scope (" + String.join(", ", writeScope) + ")";
          case WRITE_OUTSIDE -> "path '" + relative + "' leads outside the workspace";
          default -> "the " + roleName + " role is read-only";
        };
    guard.enforce(action, tool, rel, ASK_REASON, refusal);
    return p;
  }

  private Action kindOfWrite(Path p, String rel) {
    if (Arrays.stream(rel.split("/")).anyMatch(".git"::equalsIgnoreCase)) { // .GIT is .git on macOS and Windows
      return Action.WRITE_GIT_FOLDER;
    }
    if (p.startsWith(paths.root())) {
      return writeScope.isEmpty() || WriteScopes.covers(writeScope, rel) ? Action.WRITE_IN_SCOPE : Action.WRITE_OUT_OF_SCOPE;
    }
    return paths.underWritableRoot(p) ? Action.WRITE_WRITABLE_ROOT : Action.WRITE_OUTSIDE;
  }

  /**
   * Writes checked contents and deletions, and remembers the files as changed. Inside the
   * workspace, through {@link SecureWorkspaceIo}: no link is followed, so a folder swapped for a
   * link after the check cannot redirect the write. Elsewhere (writable roots, full access)
   * through an atomic move.
   *
   * @param changedFiles the files to report as changed once everything is written
   */
  void commit(Map<Path, String> contents, List<Path> deletions, Collection<String> changedFiles) throws ToolError {
    Path root = paths.root();
    boolean allInside =
        paths.secureIo() && contents.keySet().stream().allMatch(q -> q.startsWith(root)) && deletions.stream().allMatch(q -> q.startsWith(root));
    try {
      if (allInside) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        contents.forEach((q, c) -> bytes.put(paths.relativize(q), c.getBytes(StandardCharsets.UTF_8)));
        SecureWorkspaceIo.writeAll(paths.realRoot(), bytes, deletions.stream().map(paths::relativize).toList());
      } else {
        for (Map.Entry<Path, String> e : contents.entrySet()) {
          AtomicFiles.writeString(e.getKey(), e.getValue());
        }
        for (Path d : deletions) {
          Files.deleteIfExists(d);
        }
      }
    } catch (SecureWorkspaceIo.Escape e) {
      throw new ToolError("the write leads outside the workspace through a symbolic link (" + e.getMessage() + "); nothing was written");
    } catch (IOException | UncheckedIOException e) {
      throw new ToolError("cannot write: " + e.getMessage());
    }
    changed.addAll(changedFiles);
  }

  /** The files written so far, sorted. */
  List<String> changedFiles() {
    return List.copyOf(new TreeSet<>(changed));
  }
}
