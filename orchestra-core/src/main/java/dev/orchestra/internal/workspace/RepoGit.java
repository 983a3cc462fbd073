package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git as one run's worktrees run it: in the run's environment, as Orchestra's identity, with the
 * repository's hooks only when they were asked for, and with what changes the repository's shared
 * records of worktrees and branches one command at a time. Thread-safe.
 */
final class RepoGit {
  private static final Logger log = LoggerFactory.getLogger(RepoGit.class);

  /**
   * Folders whose new, untracked files are build outputs, never committed for a task or a gate
   * even where the repository forgot to ignore them: two tasks that both built would otherwise
   * conflict on their outputs. Tracked files in them are committed as usual.
   */
  static final List<String> BUILD_OUTPUTS =
      List.of("target", "build", "node_modules", "dist", ".gradle", "__pycache__", ".pytest_cache", ".mypy_cache", ".tox", ".venv", "coverage");

  /** Stages every change of a worktree, new files too, except new files in {@link #BUILD_OUTPUTS}. */
  private static final List<String> STAGE_ALL = stageAll();

  private static List<String> stageAll() {
    List<String> add = new ArrayList<>(List.of("add", "--all", "--", "."));
    BUILD_OUTPUTS.forEach(d -> add.add(":(exclude,glob)**/" + d + "/**"));
    return List.copyOf(add);
  }

  /** A worktree's HEAD: its commit, and the branch it is on ({@code refs/heads/...}), or {@code HEAD} when detached. */
  record Head(String commit, String ref) {}

  private final Path workspace;
  private final CommandEnvironment environment;
  private final GitIdentity identity;
  private final boolean hooks;
  /**
   * One lock per repository (its git common dir, resolved) in this JVM, for {@link #shared}: a
   * clone's desk and its executors' tasks (separate instances), or runs in two folders of one
   * repository, must not race either. A fetch reads every worktree's HEAD, and a worktree being
   * added holds a placeholder there that git takes for a bad object. One entry per repository for
   * the JVM's life: a few bytes each.
   */
  private static final java.util.concurrent.ConcurrentMap<Path, Object> SHARED_RECORDS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Serialises what changes the repository's shared worktree and branch records. */
  private final Object sharedRecords;

  /** {@code gitDir} is the repository's common git dir, whose records {@link #shared} guards. */
  RepoGit(Path workspace, CommandEnvironment environment, GitIdentity identity, boolean hooks, Path gitDir) {
    Path key;
    try {
      key = gitDir.toRealPath();
    } catch (java.io.IOException e) {
      key = gitDir.toAbsolutePath().normalize();
    }
    this.sharedRecords = SHARED_RECORDS.computeIfAbsent(key, p -> new Object());
    this.workspace = workspace;
    this.environment = environment;
    this.identity = identity;
    this.hooks = hooks;
  }

  /** The run's workspace: a git work tree, or a folder inside one. */
  Path workspace() {
    return workspace;
  }

  /** The environment git runs with. */
  CommandEnvironment environment() {
    return environment;
  }

  /** Whether the repository's hooks run for Orchestra's own git commands. */
  boolean hooks() {
    return hooks;
  }

  Git.Result git(Path root, String... args) {
    return Git.run(root, environment, hooks, identityVariables(), Git.QUICK, List.of(args));
  }

  /** Runs git for a command that writes a work tree's files or merges: a time limit that suits large repositories. */
  Git.Result work(Path root, String... args) {
    return Git.run(root, environment, hooks, identityVariables(), Git.WRITES_FILES, List.of(args));
  }

  /**
   * Runs a git command that changes or reads across the repository's shared records (worktrees,
   * branches, fetches): one at a time in this JVM's runs of the repository, since git refuses a
   * second one while the first holds its lock file; and a few times over when another process (the
   * user's own git) holds the lock or is adding a worktree.
   */
  Git.Result shared(String... args) {
    synchronized (sharedRecords) {
      Git.Result r = work(workspace, args);
      for (int attempt = 1; !r.ok() && attempt < 5 && (r.err().contains(".lock") || r.err().contains("locked") || addingWorktree(r)); attempt++) {
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        r = work(workspace, args);
      }
      return r;
    }
  }

  /**
   * Whether git failed on a worktree's HEAD another process was just writing (see {@link
   * #SHARED_RECORDS}): told by the path, since git may word its message in the user's language.
   */
  private static boolean addingWorktree(Git.Result r) {
    return r.err().contains("worktrees/") && r.err().contains("/HEAD");
  }

  /** Applies {@code git update-ref --stdin} instructions in one transaction, as a shared-records change. */
  Git.Result updateRefs(String instructions) {
    synchronized (sharedRecords) {
      return Git.run(workspace, environment, hooks, identityVariables(), Git.QUICK, List.of("update-ref", "--stdin"), instructions);
    }
  }

  /** Prefixes git's arguments with Orchestra's identity and no signing: its commits need nobody to unlock a key. */
  String[] identityArgs(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("-c", "user.name=" + identity.name(), "-c", "user.email=" + identity.email(), "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  /** The author and committer of Orchestra's commits, whatever the user's configuration says. */
  Map<String, String> identityVariables() {
    return Map.of(
        "GIT_AUTHOR_NAME", identity.name(), "GIT_AUTHOR_EMAIL", identity.email(),
        "GIT_COMMITTER_NAME", identity.name(), "GIT_COMMITTER_EMAIL", identity.email());
  }

  Head head(Path root, String what) {
    Git.Result r = git(root, "rev-parse", "HEAD", "--symbolic-full-name", "HEAD");
    List<String> lines = r.out().lines().map(String::strip).toList();
    if (!r.ok() || lines.size() != 2 || lines.get(0).isEmpty()) {
      throw new IllegalStateException("git cannot read the commit of " + what + ": " + r.why());
    }
    return new Head(lines.get(0), lines.get(1));
  }

  /**
   * Stages everything changed in a worktree (new files outside {@link #BUILD_OUTPUTS} too) and
   * commits it when there is anything; returns the worktree's HEAD afterwards.
   */
  Head commitAll(Path root, String subject, String body, String what) {
    Git.Result added = work(root, STAGE_ALL.toArray(String[]::new));
    if (!added.ok()) {
      throw new IllegalStateException("git could not stage the changes of " + what + ": " + added.why());
    }
    String message = body.isBlank() ? subject : subject + "\n\n" + body;
    // --all stages changes to tracked files in the build-output folders the add above left out.
    Git.Result c = work(root, identityArgs("commit", "--quiet", "--all", "-m", message));
    // Git says "nothing to commit" only with a failure, in the user's language: when nothing
    // differs from HEAD (a submodule's own uncommitted files aside, which git commit leaves out
    // too), that is what it was.
    if (!c.ok() && !git(root, "diff", "--quiet", "--ignore-submodules=dirty", "HEAD", "--").ok()) {
      throw new IllegalStateException("git could not commit the changes of " + what + ": " + c.why());
    }
    return head(root, what);
  }

  /**
   * Commits everything a worktree holds, staged as {@link #commitAll} stages it, through an index
   * of its own and without hooks, and points {@code ref} at the commit: the worktree's branch and
   * own index are not touched. The index file is deleted afterwards.
   *
   * @return git's last result, failed when any step failed
   */
  Git.Result commitAside(Path root, Path index, String message, String ref) {
    Map<String, String> variables = new HashMap<>(identityVariables());
    variables.put("GIT_INDEX_FILE", index.toAbsolutePath().toString());
    try {
      Git.Result r = Git.run(root, environment, false, variables, Git.WRITES_FILES, List.of("read-tree", "HEAD"));
      r = r.ok() ? Git.run(root, environment, false, variables, Git.WRITES_FILES, STAGE_ALL) : r;
      r = r.ok() ? Git.run(root, environment, false, variables, Git.QUICK, List.of("write-tree")) : r;
      r = r.ok() ? Git.run(root, environment, false, variables, Git.QUICK, List.of("commit-tree", r.out().strip(), "-p", "HEAD", "-m", message)) : r;
      return r.ok() ? git(workspace, "update-ref", ref, r.out().strip()) : r;
    } finally {
      try {
        Files.deleteIfExists(index);
      } catch (IOException e) {
        log.debug("could not delete {}: {}", index, e.toString());
      }
    }
  }

  /** The paths a merge in a worktree left conflicted, relative to the repository's top. */
  List<String> unmergedFiles(Path root) {
    Git.Result unmerged = git(root, "diff", "--name-only", "--diff-filter=U", "-z");
    List<String> files = new ArrayList<>();
    for (String f : unmerged.out().split("\0")) {
      if (!f.isEmpty()) {
        files.add(f);
      }
    }
    return files;
  }

  /** Returns the commit a branch is at, or empty when there is no such branch. */
  Optional<String> branchHead(String branch) {
    Git.Result r = git(workspace, "rev-parse", "--verify", "-q", "refs/heads/" + branch);
    return r.ok() && !r.out().isBlank() ? Optional.of(r.out().strip()) : Optional.empty();
  }

  void prune() {
    shared("worktree", "prune");
  }

  /** Removes a worktree and git's record of it. Never throws: a leftover is logged and pruned later. */
  void removeTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    // The files go outside the lock on the repository's records, so removals do not hold up other
    // tasks' worktrees; git then drops what is left and its record of the worktree.
    deleteContents(root);
    Git.Result r = shared("worktree", "remove", "--force", "--force", root.toString());
    if (!r.ok()) {
      // Not a registered worktree (half made), or git refused: delete the folder, then prune.
      deleteRecursively(root);
      prune();
    }
  }

  /** Deletes a worktree's files and folders, but not the {@code .git} file that ties it to the repository. */
  private static void deleteContents(Path root) {
    try (var children = Files.list(root)) {
      for (Path p : children.toList()) {
        if (!p.getFileName().toString().equals(".git")) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      log.debug("could not list {}: {}", root, e.toString());
    }
  }

  private static void deleteRecursively(Path root) {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }
}
