package dev.orchestra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What changed in a git work tree between two moments, without touching the repository's state:
 * a snapshot is a commit object made by {@code git stash create} (the index and the branch stay as
 * they are) plus the hashes of untracked files; the changes are a {@code git diff} against it plus
 * the untracked files that appeared or changed. Limited to path specs (a task's write scope) when
 * given.
 */
final class GitWorkspace {
  private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  private static final int MAX_DIFF_CHARS = 200_000;

  /** A moment of the work tree. */
  record Snapshot(String base, Map<String, String> untracked) {}

  /** What changed since a snapshot. */
  record Changes(List<String> files, String diff) {}

  private final Path root;
  private final List<String> ignored;

  private GitWorkspace(Path root, List<String> ignored) {
    this.root = root;
    this.ignored = List.copyOf(ignored);
  }

  /**
   * Returns the work tree's git view, or empty when the folder is not a git work tree.
   *
   * @param ignored workspace-relative paths never reported as changes (Orchestra's own plan.md
   *     and journal)
   */
  static Optional<GitWorkspace> of(Path root, List<String> ignored) {
    if (!Files.exists(root.resolve(".git"))) {
      return Optional.empty();
    }
    GitWorkspace g = new GitWorkspace(root, ignored);
    String inside = g.git(List.of("rev-parse", "--is-inside-work-tree"));
    return inside != null && inside.strip().equals("true") ? Optional.of(g) : Optional.empty();
  }

  Snapshot snapshot(List<String> pathspecs) {
    // The snapshot commit is never referenced; a fixed identity keeps it working where none is set.
    String stash = git(List.of("-c", "user.name=orchestra", "-c", "user.email=orchestra@localhost", "stash", "create"));
    String base;
    if (stash != null && !stash.isBlank()) {
      base = stash.strip();
    } else {
      String head = git(List.of("rev-parse", "--verify", "-q", "HEAD"));
      base = head == null || head.isBlank() ? EMPTY_TREE : head.strip();
    }
    return new Snapshot(base, untrackedHashes(pathspecs));
  }

  Changes changesSince(Snapshot before, List<String> pathspecs) {
    TreeSet<String> files = new TreeSet<>();
    StringBuilder diff = new StringBuilder();
    List<String> names = new ArrayList<>(List.of("diff", "--no-color", "--name-only", before.base()));
    names.add("--");
    names.addAll(specs(pathspecs));
    String tracked = git(names);
    if (tracked != null) {
      tracked.lines().filter(l -> !l.isBlank()).forEach(files::add);
    }
    List<String> patch = new ArrayList<>(List.of("diff", "--no-color", before.base()));
    patch.add("--");
    patch.addAll(specs(pathspecs));
    String text = git(patch);
    if (text != null) {
      diff.append(text);
    }
    Map<String, String> now = untrackedHashes(pathspecs);
    for (Map.Entry<String, String> e : now.entrySet()) {
      if (!e.getValue().equals(before.untracked().get(e.getKey()))) {
        files.add(e.getKey());
        appendNewFile(diff, e.getKey());
      }
    }
    for (String gone : before.untracked().keySet()) {
      if (!now.containsKey(gone) && !Files.exists(root.resolve(gone))) {
        files.add(gone);
      }
    }
    String d = diff.length() > MAX_DIFF_CHARS ? diff.substring(0, MAX_DIFF_CHARS) + "\n[diff cut]\n" : diff.toString();
    return new Changes(List.copyOf(files), d);
  }

  private void appendNewFile(StringBuilder diff, String path) {
    try {
      byte[] bytes = Files.readAllBytes(root.resolve(path));
      for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
        if (bytes[i] == 0) {
          diff.append("Binary file ").append(path).append(" added\n");
          return;
        }
      }
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
      int n = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
      diff.append("--- /dev/null\n+++ b/").append(path).append("\n@@ -0,0 +1,").append(n).append(" @@\n");
      for (int i = 0; i < n; i++) {
        diff.append('+').append(lines[i]).append('\n');
      }
    } catch (IOException e) {
      // vanished meanwhile: listed as changed without content
    }
  }

  private Map<String, String> untrackedHashes(List<String> pathspecs) {
    List<String> cmd = new ArrayList<>(List.of("ls-files", "-o", "--exclude-standard", "-z", "--"));
    cmd.addAll(specs(pathspecs));
    String out = git(cmd);
    Map<String, String> hashes = new HashMap<>();
    if (out == null || out.isEmpty()) {
      return hashes;
    }
    List<String> paths = new ArrayList<>();
    for (String p : out.split("\0")) {
      if (!p.isEmpty() && Files.isRegularFile(root.resolve(p))) {
        paths.add(p);
      }
    }
    if (paths.isEmpty()) {
      return hashes;
    }
    List<String> hash = new ArrayList<>(List.of("hash-object", "--"));
    hash.addAll(paths);
    String sums = git(hash);
    if (sums == null) {
      return hashes;
    }
    String[] lines = sums.split("\n");
    for (int i = 0; i < Math.min(lines.length, paths.size()); i++) {
      hashes.put(paths.get(i), lines[i].strip());
    }
    return hashes;
  }

  /** Write scopes as git path specs (globs get git's glob magic), minus the ignored paths. */
  private List<String> specs(List<String> scope) {
    List<String> out = new ArrayList<>();
    for (String s : scope) {
      out.add(WriteScopes.isGlob(s) ? ":(glob)" + s : s);
    }
    for (String i : ignored) {
      out.add(":(exclude)" + i);
    }
    return out;
  }

  /** Runs git in the work tree; null when it fails. */
  private String git(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.add("-C");
    cmd.add(root.toString());
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
