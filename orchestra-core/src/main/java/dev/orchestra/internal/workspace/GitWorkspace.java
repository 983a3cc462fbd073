package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What changed in a git work tree between two moments, without touching the repository's state:
 * a snapshot is a commit object made by {@code git stash create} (the index and the branch stay as
 * they are) plus the hashes of untracked files; the changes are a {@code git diff} against it plus
 * the untracked files that appeared or changed. Limited to path specs (a task's write scope) when
 * given.
 *
 * <p>Every git process runs through {@link #git(Path, CommandEnvironment, List)}: with the filtered environment the
 * agents' own commands get, and with the repository's hooks and file-system monitor turned off, so
 * a configuration an agent planted in {@code .git} cannot hand the parent's secrets to a program.
 * Snapshots are serialised: {@code git stash create} takes the index lock, and parallel writers
 * starting together would otherwise fail on it.
 */
public final class GitWorkspace {
  private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  private static final int MAX_DIFF_CHARS = 200_000;
  /** The line that ends a diff cut at {@link #MAX_DIFF_CHARS}. */
  public static final String DIFF_CUT = "[diff cut]";

  /** A moment of the work tree. */
  public record Snapshot(String base, Map<String, String> untracked) {}

  /**
   * What changed since a snapshot.
   *
   * @param files every changed path, tracked or not
   * @param diff the diff, cut at {@link #MAX_DIFF_CHARS}
   * @param untracked the paths among {@code files} that git does not track (new files, build
   *     outputs nobody ignored)
   */
  public record Changes(List<String> files, String diff, List<String> untracked) {}

  private static final Logger log = LoggerFactory.getLogger(GitWorkspace.class);

  private final Path root;
  private final List<String> ignored;
  private final CommandEnvironment environment;

  private GitWorkspace(Path root, List<String> ignored, CommandEnvironment environment) {
    this.root = root;
    this.ignored = List.copyOf(ignored);
    this.environment = environment;
  }

  /**
   * Returns the work tree's git view, or empty when the folder is not a git work tree.
   *
   * @param ignored workspace-relative paths never reported as changes (Orchestra's own plan.md
   *     and journal)
   * @param environment the environment git runs with: the run's, never the JVM's own
   */
  public static Optional<GitWorkspace> of(Path root, List<String> ignored, CommandEnvironment environment) {
    if (!Files.exists(root.resolve(".git"))) {
      return Optional.empty();
    }
    GitWorkspace g = new GitWorkspace(root, ignored, environment);
    String inside = g.git(List.of("rev-parse", "--is-inside-work-tree"));
    return inside != null && inside.strip().equals("true") ? Optional.of(g) : Optional.empty();
  }

  /**
   * A snapshot of the last commit alone: what changed since it is every uncommitted change and
   * every untracked file. For when the true starting point is not known: more, never less.
   */
  public synchronized Snapshot headSnapshot() {
    String head = git(List.of("rev-parse", "--verify", "-q", "HEAD"));
    return new Snapshot(head == null || head.isBlank() ? EMPTY_TREE : head.strip(), Map.of());
  }

  public synchronized Snapshot snapshot(List<String> pathspecs) {
    String head = git(List.of("rev-parse", "--verify", "-q", "HEAD"));
    if (head == null || head.isBlank()) {
      // No commit yet: git stash create has nothing to stash against; the empty tree is the base.
      return new Snapshot(EMPTY_TREE, untrackedHashes(pathspecs));
    }
    // The snapshot commit is never referenced; a fixed identity keeps it working where none is set.
    List<String> create = List.of("-c", "user.name=orchestra", "-c", "user.email=orchestra@localhost", "stash", "create");
    String stash = git(create);
    for (int attempt = 1; stash == null && attempt < 5 && Files.exists(root.resolve(".git/index.lock")); attempt++) {
      // An agent's own git command holds the index lock for a moment.
      try {
        Thread.sleep(50L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      stash = git(create);
    }
    if (stash == null) {
      log.warn(
          "git stash create failed in {}; changes are measured against HEAD, so uncommitted changes made"
              + " before this task may be counted as its own",
          root);
    }
    String base = stash != null && !stash.isBlank() ? stash.strip() : head.strip();
    return new Snapshot(base, untrackedHashes(pathspecs));
  }

  public Changes changesSince(Snapshot before, List<String> pathspecs) {
    TreeSet<String> files = new TreeSet<>();
    StringBuilder diff = new StringBuilder();
    List<String> names = new ArrayList<>(List.of("diff", "--no-color", "--no-ext-diff", "--no-textconv", "--name-only", before.base()));
    names.add("--");
    names.addAll(specs(pathspecs));
    String tracked = git(names);
    if (tracked != null) {
      tracked.lines().filter(l -> !l.isBlank()).forEach(files::add);
    }
    List<String> patch = new ArrayList<>(List.of("diff", "--no-color", "--no-ext-diff", "--no-textconv", before.base()));
    patch.add("--");
    patch.addAll(specs(pathspecs));
    String text = git(patch);
    if (text != null) {
      diff.append(text);
    }
    Map<String, String> now = untrackedHashes(pathspecs);
    TreeSet<String> untracked = new TreeSet<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      if (!e.getValue().equals(before.untracked().get(e.getKey()))) {
        files.add(e.getKey());
        untracked.add(e.getKey());
        appendNewFile(diff, e.getKey());
      }
    }
    for (String gone : before.untracked().keySet()) {
      if (!now.containsKey(gone) && !Files.exists(root.resolve(gone))) {
        files.add(gone);
        untracked.add(gone);
      }
    }
    String d = diff.length() > MAX_DIFF_CHARS ? diff.substring(0, MAX_DIFF_CHARS) + "\n" + DIFF_CUT + "\n" : diff.toString();
    untracked.removeAll(tracked == null ? List.of() : tracked.lines().toList());
    return new Changes(List.copyOf(files), d, List.copyOf(untracked));
  }

  private void appendNewFile(StringBuilder diff, String path) {
    Path file = root.resolve(path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      // A symbolic link's target may be anywhere; its content is not the task's change to show.
      diff.append("New link or special file ").append(path).append('\n');
      return;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
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
      if (!p.isEmpty() && Files.isRegularFile(root.resolve(p), LinkOption.NOFOLLOW_LINKS)) {
        paths.add(p);
      }
    }
    if (paths.isEmpty()) {
      return hashes;
    }
    List<String> hash = new ArrayList<>(List.of("hash-object", "--no-filters", "--"));
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
    return git(root, environment, args);
  }

  /**
   * Runs git in a work tree with exactly the given environment, the repository's hooks and
   * file-system monitor turned off and no terminal prompt.
   *
   * @return its standard output, or null when it could not start, failed or ran over a minute
   */
  public static String git(Path root, CommandEnvironment environment, List<String> args) {
    Git.Result r = Git.run(root, environment, false, args);
    return r.ok() ? r.out() : null;
  }

  /** Whether the work tree at {@code workspace} has a commit to branch from. */
  public static boolean hasCommit(Path workspace, CommandEnvironment environment) {
    return headCommit(workspace, environment).isPresent();
  }

  static Optional<String> headCommit(Path workspace, CommandEnvironment environment) {
    Git.Result head = Git.run(workspace, environment, false, List.of("rev-parse", "--verify", "-q", "HEAD^{commit}"));
    return head.ok() && !head.out().isBlank() ? Optional.of(head.out().strip()) : Optional.empty();
  }

  /** Whether the repository holds a run's integration branch: the run worked in worktrees. */
  public static boolean hasRun(Path workspace, String runId, CommandEnvironment environment) {
    return Git.run(workspace, environment, false, List.of("rev-parse", "--verify", "-q", "refs/heads/orchestra/" + runId)).ok();
  }
}
