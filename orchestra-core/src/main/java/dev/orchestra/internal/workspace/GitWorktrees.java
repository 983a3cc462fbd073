package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's git worktrees: one integration worktree on the run's branch {@code orchestra/<run-id>},
 * created from the commit the user's checkout was on, and one worktree per task, on a branch of its
 * own for a writer ({@code orchestra-task/<run-id>/<task-id>}) or detached for a reader, created
 * from the integration branch as it stands. Finished work is committed on the task's branch and
 * merged into the integration branch, one task at a time; the user's own checkout, index and
 * branch are never touched (unless {@link #fastForward} is asked for at the end).
 *
 * <p>Task branches live under {@code orchestra-task/} rather than under {@code orchestra/<run-id>/}:
 * git keeps a branch as a file named after it, so {@code orchestra/<run-id>} and {@code
 * orchestra/<run-id>/T1} cannot both exist.
 *
 * <p>The worktrees live in the repository's own git folder ({@code .git/orchestra/<run-id>/}), out
 * of the user's work tree, where no build or search of theirs trips over them. Git runs with the
 * run's environment and without the repository's hooks unless they were asked for (see {@link
 * Git}); Orchestra's commits are never signed, since nobody is there to unlock a key.
 *
 * <p>Thread-safe: worktree creation and removal, commits on different worktrees and one merge at a
 * time may run at once; what changes the repository's shared records of worktrees and branches is
 * serialised, the files of a worktree are written outside that, and {@link #integrate} is
 * serialised. Git processes cost most of a task's own time here, so each operation starts as few
 * as it can: a task's worktree is made from the integration commit as this class last saw it
 * (every merge reads it afresh).
 */
public final class GitWorktrees {
  private static final Logger log = LoggerFactory.getLogger(GitWorktrees.class);

  /** The author and committer of Orchestra's commits. */
  public record Identity(String name, String email) {
    /** Orchestra's own, for when the caller names none. */
    public static final Identity ORCHESTRA = new Identity("Orchestra", "orchestra@localhost");

    /** Validates the components. */
    public Identity {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(email, "email");
      if (name.isBlank() || email.isBlank() || (name + email).chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
        throw new IllegalArgumentException("a commit identity needs a name and an email on one line without '<' or '>', got " + name + " <" + email + ">");
      }
    }
  }

  /**
   * A task's worktree.
   *
   * @param taskId the task
   * @param branch its branch, or empty for a reader's detached worktree
   * @param root the worktree's top folder
   * @param workdir where the task works: {@code root}, or the same sub-folder the run's workspace is
   *     in its repository
   * @param base the integration commit it was made from
   */
  public record TaskTree(String taskId, String branch, Path root, Path workdir, String base) {}

  /** How merging a task's branch into the integration branch ended. */
  public sealed interface Integration {}

  /** Merged: the integration branch is now at {@code commit}. */
  public record Merged(String commit) implements Integration {}

  /** The branch was in the integration branch already (a merge made before a crash): nothing to do. */
  public record AlreadyIntegrated(String commit) implements Integration {}

  /**
   * The branch conflicts with the integrated work: the merge was aborted and the integration
   * branch and worktree are as they were.
   *
   * @param files the conflicting paths
   * @param detail the conflicting hunks, cut short, for the brief of whoever redoes the task
   */
  public record Conflict(List<String> files, String detail) implements Integration {}

  private static final int MAX_CONFLICT_DETAIL = 6_000;

  private final Path workspace;
  private final String prefix;
  private final String runId;
  private final CommandEnvironment environment;
  private final Identity identity;
  private final boolean hooks;
  private final Path folder;
  private final Path integrationRoot;
  private final String integrationBranch;
  /**
   * The integration branch's commit, as this class last moved it or read it: task worktrees are
   * made from it without a git process to ask. A role that commits in the integration worktree
   * itself is caught up with at the next merge or commit of the gates' changes; until then a new
   * task starts from the commit before, which its merge makes up for.
   */
  private volatile String integrationHead = "";
  /**
   * Whether anyone but this class may have worked in the integration worktree since the last
   * merge looked (see {@link #integrationInUse}): only then does a merge ask git where the branch
   * is and whether the worktree is clean, which costs a git process a merge.
   */
  private volatile boolean integrationTouched = true;

  private GitWorktrees(
      Path workspace, String prefix, String runId, CommandEnvironment environment, Identity identity, boolean hooks, Path folder) {
    this.workspace = workspace;
    this.prefix = prefix;
    this.runId = runId;
    this.environment = environment;
    this.identity = identity;
    this.hooks = hooks;
    this.folder = folder;
    this.integrationRoot = folder.resolve("integration");
    this.integrationBranch = "orchestra/" + runId;
  }

  /**
   * Opens (creating, or finding again after a crash) a run's integration worktree. A run that
   * resumes passes the run id its work began under, and finds its branch and worktree as they were.
   *
   * @param workspace the run's workspace: a git work tree, or a folder inside one
   * @param runId the id the run's branches are named after
   * @param environment the environment git runs with
   * @param identity the author and committer of Orchestra's commits
   * @param hooks whether the repository's hooks run for Orchestra's own git commands
   * @throws IllegalStateException when the repository cannot give the run worktrees (no commit yet,
   *     a bare repository, git missing or too old), saying why
   */
  public static GitWorktrees open(Path workspace, String runId, CommandEnvironment environment, Identity identity, boolean hooks) {
    if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || runId.contains("..") || runId.endsWith(".lock")) {
      throw new IllegalArgumentException("a run id must be a safe branch name, got '" + runId + "'");
    }
    Git.Result top = Git.run(workspace, environment, false, List.of("rev-parse", "--show-prefix", "--git-common-dir"));
    if (!top.ok()) {
      throw new IllegalStateException("git cannot read the repository of " + workspace + ": " + top.why());
    }
    List<String> lines = top.out().lines().toList();
    String prefix = lines.size() > 1 ? lines.get(0).strip() : "";
    String common = lines.get(lines.size() - 1).strip();
    Path gitDir = workspace.resolve(common).normalize();
    String head =
        headCommit(workspace, environment)
            .orElseThrow(() -> new IllegalStateException(
                "the repository at " + workspace + " has no commit yet, so there is nothing to branch tasks from: commit once, or run with"
                    + " Isolation.shared()"));
    GitWorktrees w = new GitWorktrees(workspace, prefix, runId, environment, identity, hooks, gitDir.resolve("orchestra").resolve(runId));
    w.openIntegration(head);
    return w;
  }

  /** Whether the work tree at {@code workspace} has a commit to branch from. */
  public static boolean hasCommit(Path workspace, CommandEnvironment environment) {
    return headCommit(workspace, environment).isPresent();
  }

  private static Optional<String> headCommit(Path workspace, CommandEnvironment environment) {
    Git.Result head = Git.run(workspace, environment, false, List.of("rev-parse", "--verify", "-q", "HEAD^{commit}"));
    return head.ok() && !head.out().isBlank() ? Optional.of(head.out().strip()) : Optional.empty();
  }

  /** Whether the repository holds a run's integration branch: the run worked in worktrees. */
  public static boolean hasRun(Path workspace, String runId, CommandEnvironment environment) {
    return Git.run(workspace, environment, false, List.of("rev-parse", "--verify", "-q", "refs/heads/orchestra/" + runId)).ok();
  }

  private void openIntegration(String head) {
    if (Files.isDirectory(integrationRoot) && git(integrationRoot, "rev-parse", "--verify", "-q", "HEAD").ok()) {
      // A resumed run: its integration worktree is as the stop left it. A merge cut short is undone
      // (its task is merged again); a lock left by a killed git is removed (the run's lock says no
      // other Orchestra works here).
      Git.Result gitDir = git(integrationRoot, "rev-parse", "--absolute-git-dir");
      if (gitDir.ok()) {
        try {
          Files.deleteIfExists(Path.of(gitDir.out().strip()).resolve("index.lock"));
        } catch (IOException e) {
          log.warn("could not remove a stale index lock in {}: {}", gitDir.out().strip(), e.toString());
        }
      }
      if (git(integrationRoot, "rev-parse", "--verify", "-q", "MERGE_HEAD").ok()) {
        work(integrationRoot, "merge", "--abort");
      }
      // A replay cut short (stopped at a conflict, or killed between two picks) is undone too.
      Path perWorktree = gitDir.ok() ? Path.of(gitDir.out().strip()) : null;
      if (perWorktree != null && (Files.exists(perWorktree.resolve("CHERRY_PICK_HEAD")) || Files.isDirectory(perWorktree.resolve("sequencer")))) {
        work(integrationRoot, "cherry-pick", "--abort");
      }
      finishReplayCutShort();
      if (!unmergedFiles().isEmpty()) {
        // Conflict markers are nobody's work: never committed.
        log.warn("{} held conflicted files after the stop; they were reset to the integration branch", integrationRoot);
        work(integrationRoot, "reset", "--hard", "--quiet", "HEAD");
      }
      // What a gate's role left uncommitted there before the crash is kept, and merges later find
      // the worktree clean; a commit git refuses (a hook) must not keep the run from resuming.
      try {
        commitIntegration("Orchestra: changes found uncommitted in the integration worktree", "");
      } catch (RuntimeException e) {
        log.warn("the changes left uncommitted in {} could not be committed: {}", integrationRoot, e.getMessage());
      }
      return;
    }
    prune();
    boolean exists = git(workspace, "rev-parse", "--verify", "-q", "refs/heads/" + integrationBranch).ok();
    Git.Result r =
        exists
            ? shared("worktree", "add", "--quiet", integrationRoot.toString(), integrationBranch)
            : shared("worktree", "add", "--quiet", "-b", integrationBranch, integrationRoot.toString(), head);
    if (!r.ok()) {
      throw new IllegalStateException("git could not make the run's integration worktree in " + integrationRoot + ": " + r.why());
    }
    integrationHead = head(integrationRoot, "the integration branch").commit();
    // Which branch the user had checked out: only that one may be fast-forwarded at the end.
    Git.Result branch = git(workspace, "symbolic-ref", "-q", "HEAD");
    try {
      Files.writeString(folder.resolve(START_BRANCH), branch.ok() ? branch.out().strip() : "");
    } catch (IOException e) {
      log.warn("could not record the checked-out branch in {}: {}", folder, e.toString());
    }
  }

  private static final String START_BRANCH = "start-branch";

  /** Returns the run's integration branch, {@code orchestra/<run-id>}. */
  public String integrationBranch() {
    return integrationBranch;
  }

  /** Returns where the run's integrated work is checked out: the folder gates and readers work in. */
  public Path integrationWorkdir() {
    return prefix.isEmpty() ? integrationRoot : integrationRoot.resolve(prefix);
  }

  /**
   * Says that an agent or a gate is about to work in the integration worktree: the next merge
   * reads the branch afresh and commits what was left uncommitted there first.
   */
  public void integrationInUse() {
    integrationTouched = true;
  }

  /** Returns the commit the integration branch is at. */
  public String integrationHead() {
    return integrationHead;
  }

  /** Returns the branch a writer's task works on. */
  public String taskBranch(String taskId) {
    return "orchestra-task/" + runId + "/" + safe(taskId);
  }

  /**
   * Makes a task's worktree from the integration branch as it stands: on the task's own branch for a
   * writer (a branch left by an earlier attempt is reset), detached for a reader.
   *
   * @throws IllegalStateException when git cannot, saying why
   */
  public TaskTree createTaskTree(String taskId, boolean writer) {
    String base = integrationHead;
    Path root = folder.resolve("tasks").resolve(safe(taskId));
    if (Files.exists(root)) {
      removeTree(root); // left by an attempt that did not clean up (a crash)
    }
    String branch = writer ? taskBranch(taskId) : "";
    if (writer) {
      synchronized (integratedBranches) {
        // The name is this task's again: its new work must stay.
        integratedBranches.remove(branch);
        integratedTips.remove(branch);
      }
    }
    // Registered without its files while the repository's records are held, then checked out
    // outside that: on a large repository the checkout is most of the time, and tasks' checkouts
    // need not wait for each other. With hooks asked for, git checks out itself, so that a
    // post-checkout hook runs as it would for the user's own worktree.
    List<String> add = new ArrayList<>(List.of("worktree", "add", "--quiet"));
    if (!hooks) {
      add.add("--no-checkout");
    }
    add.addAll(writer ? List.of("-B", branch, root.toString(), base) : List.of("--detach", root.toString(), base));
    Git.Result r = shared(add.toArray(String[]::new));
    if (r.ok() && !hooks) {
      // Submodules are left for the task to set up, as git worktree add leaves them.
      r = work(root, "reset", "--hard", "--no-recurse-submodules", "--quiet");
      if (!r.ok()) {
        removeTree(root);
      }
    }
    if (!r.ok()) {
      throw new IllegalStateException("git could not make a worktree for task " + taskId + " in " + root + ": " + r.why());
    }
    return new TaskTree(taskId, branch, root, prefix.isEmpty() ? root : root.resolve(prefix), base);
  }

  /**
   * Commits everything a task changed in its worktree on its branch: tracked files, and new files
   * the repository does not ignore, except those in build-output folders ({@link #BUILD_OUTPUTS});
   * commits the agent made itself count too (the branch is moved to them if the agent left it).
   *
   * @return the branch's new tip, or empty when the task changed nothing
   * @throws IllegalStateException when git cannot commit, saying why (the worktree is left as it is)
   */
  public Optional<String> commit(TaskTree tree, String subject, String body) {
    if (tree.branch().isEmpty()) {
      throw new IllegalArgumentException("task " + tree.taskId() + " reads only: it has no branch to commit on");
    }
    Head head = commitAll(tree.root(), subject, body, "task " + tree.taskId());
    if (head.commit().equals(tree.base())) {
      return Optional.empty();
    }
    if (!head.ref().equals("refs/heads/" + tree.branch())) {
      // The agent checked out something else, or detached HEAD: its work is where HEAD is.
      Git.Result moved = git(workspace, "update-ref", "refs/heads/" + tree.branch(), head.commit());
      if (!moved.ok()) {
        throw new IllegalStateException("git could not put task " + tree.taskId() + "'s work on " + tree.branch() + ": " + moved.why());
      }
    }
    return Optional.of(head.commit());
  }

  /**
   * Starts merging another task's branch into a task's worktree, for a task that resolves that
   * branch's conflict with the integrated work: where git cannot combine the two, the files are
   * left with git's conflict markers for the task to resolve; {@link #commit} then concludes the
   * merge (a commit with both parents).
   *
   * @return the conflicted paths, relative to the repository's top (empty when git merged it all)
   * @throws IllegalStateException when git cannot merge the branch at all (it is gone, say)
   */
  public List<String> mergeInto(TaskTree tree, String branch) {
    Git.Result m =
        work(tree.root(), identityArgs("merge", "--no-ff", "--no-commit", "--no-autostash", "--no-verify-signatures", "--quiet", branch));
    if (m.ok()) {
      return List.of();
    }
    List<String> files = unmergedFiles(tree.root());
    if (files.isEmpty()) {
      throw new IllegalStateException("git could not merge " + branch + " into task " + tree.taskId() + "'s worktree: " + m.why());
    }
    return List.copyOf(files);
  }

  /**
   * Of the given paths (relative to the repository's top), those that still hold a line of git's
   * conflict markers in the task's worktree: {@code <<<<<<<} or {@code >>>>>>>} at a line's start,
   * alone or followed by a space, as git writes them.
   */
  public static List<String> withConflictMarkers(TaskTree tree, List<String> paths) {
    List<String> left = new ArrayList<>();
    for (String p : paths) {
      Path file = tree.root().resolve(p);
      if (!Files.isRegularFile(file)) {
        continue; // deleted, or never a file: nothing left to resolve in it
      }
      try (var lines = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
        if (lines.anyMatch(l -> isMarker(l, "<<<<<<<") || isMarker(l, ">>>>>>>"))) {
          left.add(p);
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        left.add(p); // unreadable: not known to be resolved
      }
    }
    return left;
  }

  private static boolean isMarker(String line, String marker) {
    return line.startsWith(marker) && (line.length() == marker.length() || line.charAt(marker.length()) == ' ');
  }

  /**
   * What each path (relative to the repository's top) holds in the task's worktree now, as a
   * digest, or {@code "absent"}: to tell whether a task changed a file it was to decide on.
   */
  public static Map<String, String> fingerprints(TaskTree tree, List<String> paths) {
    Map<String, String> out = new HashMap<>();
    for (String p : paths) {
      Path file = tree.root().resolve(p);
      String print;
      try {
        print = Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            ? java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
            : Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "other" : "absent";
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        print = "unreadable";
      }
      out.put(p, print);
    }
    return out;
  }

  /**
   * Keeps a worktree's work when its commit failed (a hook refused it, say), before the worktree
   * is removed: everything {@link #commit} would have staged is committed through an index of its
   * own, without hooks, and kept under {@code refs/orchestra-rescue/<run-id>/<task-id>}; the task's
   * branch and the worktree's own index are not touched.
   *
   * @return the ref the work is under, or empty when git could not do even that (logged)
   */
  public Optional<String> rescue(TaskTree tree) {
    String ref = "refs/orchestra-rescue/" + runId + "/" + safe(tree.taskId());
    Path index = folder.resolve("rescue-" + safe(tree.taskId()) + ".index");
    Map<String, String> variables = new java.util.HashMap<>(identityVariables());
    variables.put("GIT_INDEX_FILE", index.toAbsolutePath().toString());
    List<String> add = STAGE_ALL;
    try {
      Git.Result r = Git.run(tree.root(), environment, false, variables, Git.WRITES_FILES, List.of("read-tree", "HEAD"));
      r = r.ok() ? Git.run(tree.root(), environment, false, variables, Git.WRITES_FILES, add) : r;
      r = r.ok() ? Git.run(tree.root(), environment, false, variables, Git.QUICK, List.of("write-tree")) : r;
      if (r.ok()) {
        String message = "Orchestra: task " + tree.taskId() + "'s work, kept when its commit failed";
        r = Git.run(tree.root(), environment, false, variables, Git.QUICK, List.of("commit-tree", r.out().strip(), "-p", "HEAD", "-m", message));
      }
      r = r.ok() ? git(workspace, "update-ref", ref, r.out().strip()) : r;
      if (!r.ok()) {
        log.warn("task {}'s work could not be kept after its commit failed: {}", tree.taskId(), r.why());
        return Optional.empty();
      }
      return Optional.of(ref);
    } finally {
      try {
        Files.deleteIfExists(index);
      } catch (IOException e) {
        log.debug("could not delete {}: {}", index, e.toString());
      }
    }
  }

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
  private record Head(String commit, String ref) {}

  private Head head(Path root, String what) {
    Git.Result r = git(root, "rev-parse", "HEAD", "--symbolic-full-name", "HEAD");
    List<String> lines = r.out().lines().map(String::strip).toList();
    if (!r.ok() || lines.size() != 2 || lines.get(0).isEmpty()) {
      throw new IllegalStateException("git cannot read the commit of " + what + ": " + r.why());
    }
    return new Head(lines.get(0), lines.get(1));
  }

  /**
   * Commits what the gates' roles changed in the integration worktree.
   *
   * @return the commit, or empty when nothing changed
   */
  public synchronized Optional<String> commitIntegration(String subject, String body) {
    String before = integrationHead;
    try {
      // Read back whatever happened: a gate's role may have committed there itself.
      Head head = commitAll(integrationRoot, subject, body, "the integration branch");
      if (!head.ref().equals("refs/heads/" + integrationBranch)) {
        throw new IllegalStateException(
            "the integration worktree " + integrationRoot + " is not on " + integrationBranch + " but on " + head.ref()
                + ": something checked out another branch or commit there");
      }
      integrationHead = head.commit();
    } catch (RuntimeException e) {
      readIntegrationHead();
      throw e;
    }
    return integrationHead.equals(before) ? Optional.empty() : Optional.of(integrationHead);
  }

  private void readIntegrationHead() {
    Git.Result r = git(integrationRoot, "rev-parse", "--verify", "-q", "HEAD");
    if (r.ok() && !r.out().isBlank()) {
      integrationHead = r.out().strip();
    }
  }

  /**
   * Stages everything changed in a worktree (new files outside {@link #BUILD_OUTPUTS} too) and
   * commits it when there is anything; returns the worktree's HEAD afterwards.
   */
  private Head commitAll(Path root, String subject, String body, String what) {
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

  /** Returns the paths a commit changed since {@code base}, relative to the run's workspace folder. */
  public List<String> changedFiles(String base, String commit) {
    Git.Result r = git(integrationWorkdir(), "diff", "--name-only", "--relative", "-z", base, commit);
    List<String> files = new ArrayList<>();
    if (r.ok()) {
      for (String f : r.out().split("\0")) {
        if (!f.isEmpty()) {
          files.add(f);
        }
      }
    }
    return files;
  }

  /** Whether the user's checkout holds every commit of the integration branch (nothing is left to merge). */
  public boolean checkoutHasIntegration() {
    return git(workspace, "merge-base", "--is-ancestor", integrationBranch, "HEAD").ok();
  }

  /** Whether {@code commit} holds the work of {@code branch} (the branch's tip is one of its ancestors, or it). */
  public boolean contains(String commit, String branch) {
    return git(workspace, "merge-base", "--is-ancestor", "refs/heads/" + branch, commit).ok();
  }

  /** Whether a commit is in the integration branch already. */
  public boolean integrated(String commit) {
    return git(integrationRoot, "merge-base", "--is-ancestor", commit, integrationHead).ok();
  }

  /** Returns the commit a branch is at, or empty when there is no such branch. */
  public Optional<String> branchHead(String branch) {
    Git.Result r = git(workspace, "rev-parse", "--verify", "-q", "refs/heads/" + branch);
    return r.ok() && !r.out().isBlank() ? Optional.of(r.out().strip()) : Optional.empty();
  }

  /**
   * Merges a task's branch into the integration branch ({@code --no-ff}: one merge commit a task).
   * A conflict is aborted, leaving the integration branch and its worktree as they were.
   *
   * @throws IllegalStateException when the branch is gone or git fails otherwise, saying why
   */
  public Integration integrate(String branch, String message) {
    return integrate(branch, message, false);
  }

  /**
   * Integrates a task's branch: merged ({@code --no-ff}, one merge commit a task, with {@code
   * message}), or, with {@code rebase}, its commits replayed on the integration branch (a fast
   * forward when nothing was integrated since the task began; a merge the agent made is replayed
   * as one commit against its first parent) and the task branch moved to them, as {@code git
   * rebase} would leave it. A conflict is aborted, leaving the integration branch and its worktree
   * as they were.
   *
   * @throws IllegalStateException when the branch is gone or git fails otherwise, saying why
   */
  public synchronized Integration integrate(String branch, String message, boolean rebase) {
    if (integrationTouched) {
      readIntegrationWorktree();
    }
    String before = integrationHead;
    if (rebase) {
      writeReplayMarker(branch, before);
    }
    try {
      return integrate(branch, message, rebase, before);
    } finally {
      if (rebase) {
        deleteReplayMarker();
      }
    }
  }

  private Integration integrate(String branch, String message, boolean rebase, String start) {
    String before = start;
    Git.Result m = rebase ? replay(branch) : merge(branch, message);
    List<String> files = m.ok() ? List.of() : unmergedFiles();
    if (refused(m, files, rebase)) {
      // Nothing of a refused replay stays (it may have picked some commits before git stopped).
      undo(rebase, before);
      if (commitIntegration("Orchestra: changes found uncommitted in the integration worktree", "").isPresent()) {
        // Git refused to work over uncommitted changes (a gate's role's edit, a command's
        // output): they are kept in a commit of their own, and the integration tried once more.
        before = integrationHead;
        m = rebase ? replay(branch) : merge(branch, message);
        files = m.ok() ? List.of() : unmergedFiles();
      }
    }
    if (m.ok()) {
      Git.Result heads = git(integrationRoot, "rev-parse", "HEAD", "refs/heads/" + branch);
      List<String> lines = heads.out().lines().map(String::strip).toList();
      if (!heads.ok() || lines.size() != 2) {
        throw new IllegalStateException("git cannot read the integration branch after integrating " + branch + ": " + heads.why());
      }
      integrationHead = lines.get(0);
      String tip = lines.get(1);
      if (rebase && !integrationHead.equals(before) && !tip.equals(integrationHead)) {
        // The branch names the replayed work now: a resume after a crash finds it integrated.
        Git.Result moved = git(workspace, "update-ref", "refs/heads/" + branch, integrationHead, tip);
        if (moved.ok()) {
          tip = integrationHead;
        } else {
          log.warn("the task branch {} could not be moved to its replayed commits: {}", branch, moved.why());
        }
      }
      recordIntegrated(branch, tip);
      // An ancestor of the integration branch (integrated before a crash) leaves it where it was.
      return integrationHead.equals(before) ? new AlreadyIntegrated(before) : new Merged(integrationHead);
    }
    if (files.isEmpty() && git(integrationRoot, "merge-base", "--is-ancestor", "refs/heads/" + branch, before).ok()) {
      undo(rebase, before);
      branchHead(branch).ifPresent(tip -> recordIntegrated(branch, tip));
      return new AlreadyIntegrated(before); // nothing to replay: it was integrated before a crash
    }
    String detail = files.isEmpty() ? "" : git(integrationRoot, "diff", "--no-color", "--no-ext-diff").out();
    undo(rebase, before);
    if (files.isEmpty()) {
      throw new IllegalStateException("git could not merge " + branch + " into " + integrationBranch + ": " + m.why());
    }
    if (detail.length() > MAX_CONFLICT_DETAIL) {
      detail = detail.substring(0, MAX_CONFLICT_DETAIL) + "\n[cut]\n";
    }
    return new Conflict(List.copyOf(files), detail);
  }

  /** Notes the commit a branch was at when it was integrated: only that commit's branch may be deleted for it. */
  private void recordIntegrated(String branch, String tip) {
    synchronized (integratedBranches) {
      integratedTips.put(branch, tip);
    }
  }

  /** Aborts a merge or a replay under way, and puts the integration branch back at {@code before} whatever git left. */
  private void undo(boolean rebase, String before) {
    Git.Result abort = work(integrationRoot, rebase ? "cherry-pick" : "merge", "--abort");
    if (!abort.ok() || !git(integrationRoot, "rev-parse", "HEAD").out().strip().equals(before)) {
      work(integrationRoot, "reset", "--hard", "--quiet", before);
    }
  }

  /**
   * After an agent or a gate worked in the integration worktree: where the branch is and whether
   * the worktree is clean, in one git process. A role may have committed there; what it left
   * uncommitted goes in a commit of its own before the merge, which an abort could otherwise lose.
   *
   * @throws IllegalStateException when the worktree is no longer on the integration branch (an
   *     agent checked out something else): merging there would lose the merges
   */
  private void readIntegrationWorktree() {
    Git.Result status = git(integrationRoot, "status", "--porcelain=v2", "--branch", "--untracked-files=no", "--ignore-submodules=dirty");
    if (!status.ok()) {
      throw new IllegalStateException("git cannot read the integration worktree " + integrationRoot + ": " + status.why());
    }
    String on = status.out().lines().filter(l -> l.startsWith("# branch.head ")).map(l -> l.substring(14).strip()).findFirst().orElse("");
    if (!on.equals(integrationBranch)) {
      throw new IllegalStateException(
          "the integration worktree " + integrationRoot + " is on " + on + ", not on " + integrationBranch
              + ": something checked out another branch or commit there; check it out again (git -C " + integrationRoot + " checkout "
              + integrationBranch + ") and resume");
    }
    status.out().lines().filter(l -> l.startsWith("# branch.oid ")).findFirst().ifPresent(l -> integrationHead = l.substring(13).strip());
    if (status.out().lines().anyMatch(l -> !l.startsWith("#"))) {
      commitIntegration("Orchestra: changes found uncommitted in the integration worktree", "");
    }
    integrationTouched = false;
  }

  private static final String REPLAYING = "replaying";

  /** Notes a replay about to start (the branch, and the head it starts from), for a resume after a crash during it. */
  private void writeReplayMarker(String branch, String before) {
    try {
      Files.writeString(folder.resolve(REPLAYING), branch + "\n" + before + "\n");
    } catch (IOException e) {
      log.warn("could not note the replay of {} in {}: {}", branch, folder, e.toString());
    }
  }

  private void deleteReplayMarker() {
    try {
      Files.deleteIfExists(folder.resolve(REPLAYING));
    } catch (IOException e) {
      log.warn("could not delete {}: {}", folder.resolve(REPLAYING), e.toString());
    }
  }

  /**
   * At a resume: a replay the stop cut short after it completed, before its branch was moved,
   * has the branch moved now, so the branch is found integrated rather than replayed twice.
   */
  private void finishReplayCutShort() {
    Path marker = folder.resolve(REPLAYING);
    if (!Files.exists(marker)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(marker);
      Git.Result head = git(integrationRoot, "rev-parse", "HEAD");
      if (lines.size() >= 2 && head.ok() && !head.out().strip().equals(lines.get(1).strip())) {
        Git.Result moved = git(workspace, "update-ref", "refs/heads/" + lines.get(0).strip(), head.out().strip());
        log.info("moved {} to its replayed commits, which a stop left unmoved: {}", lines.get(0).strip(), moved.ok() ? "done" : moved.why());
      }
    } catch (IOException e) {
      log.warn("could not read {}: {}", marker, e.toString());
    }
    deleteReplayMarker();
  }

  /**
   * Whether a failed merge or replay was refused before it began: git ended by itself (not stopped at its
   * time limit, which could leave files half-written), without a conflict or a merge under way.
   */
  private boolean refused(Git.Result result, List<String> unmerged, boolean rebase) {
    return !result.ok() && result.exitCode() > 0 && unmerged.isEmpty()
        && !git(integrationRoot, "rev-parse", "--verify", "-q", rebase ? "CHERRY_PICK_HEAD" : "MERGE_HEAD").ok();
  }

  /** Replays the task branch's commits since the integration branch on it, along its first parents. */
  private Git.Result replay(String branch) {
    return work(integrationRoot, identityArgs("cherry-pick", "--ff", "-m", "1", "--first-parent", "--keep-redundant-commits", integrationHead + ".." + branch));
  }

  private Git.Result merge(String branch, String message) {
    return work(
        integrationRoot, identityArgs("merge", "--no-ff", "--no-edit", "--no-verify-signatures", "--no-autostash", "--quiet", "-m", message, branch));
  }

  /** The paths a merge in the integration worktree left conflicted. */
  private List<String> unmergedFiles() {
    return unmergedFiles(integrationRoot);
  }

  /** The paths a merge in a worktree left conflicted, relative to the repository's top. */
  private List<String> unmergedFiles(Path root) {
    Git.Result unmerged = git(root, "diff", "--name-only", "--diff-filter=U", "-z");
    List<String> files = new ArrayList<>();
    for (String f : unmerged.out().split("\0")) {
      if (!f.isEmpty()) {
        files.add(f);
      }
    }
    return files;
  }

  /** Removes a task's worktree; its branch stays. Never throws: a leftover is logged and pruned later. */
  public void removeTree(TaskTree tree) {
    removeTree(tree.root());
  }

  /** Deletes a task branch (integrated, or work thrown away). */
  public void deleteBranch(String branch) {
    if (!branch.isEmpty()) {
      Git.Result r = shared("branch", "-D", "--quiet", branch);
      if (!r.ok() && branchHead(branch).isPresent()) {
        log.warn("could not delete the task branch {}: {}", branch, r.why());
      }
    }
  }

  /**
   * Deletes a branch {@link #integrate} integrated, soon rather than now: deletions wait until a
   * few are due and go in one git command (or at {@link #close}), off the path of the merges that
   * wait for each other. Only the commit that was integrated is deleted: a branch whose name a task
   * took again (a finding's retry) keeps its new work. A crash before then leaves the branch, whose
   * work is in the integration branch; {@link #deleteIntegratedTaskBranches} finds it at a resume.
   */
  public void deleteIntegratedBranch(String branch) {
    Map<String, String> due;
    synchronized (integratedBranches) {
      String tip = integratedTips.remove(branch);
      if (tip == null) {
        return; // not integrated by this object: nothing says which commit may go
      }
      integratedBranches.put(branch, tip);
      if (integratedBranches.size() < BRANCHES_PER_DELETE) {
        return;
      }
      due = takeDueDeletions();
    }
    deleteBranches(due);
  }

  private static final int BRANCHES_PER_DELETE = 8;

  /** The deletions waiting, handed over and forgotten; called holding {@code integratedBranches}. */
  private Map<String, String> takeDueDeletions() {
    Map<String, String> due = new LinkedHashMap<>(integratedBranches);
    integratedBranches.clear();
    return due;
  }
  /** Integrated branches waiting for their deletion, with the commit that was integrated. Also the lock of {@link #integratedTips}. */
  private final Map<String, String> integratedBranches = new LinkedHashMap<>();
  /** The commit each branch was at when it was integrated, until its deletion is asked for. */
  private final Map<String, String> integratedTips = new HashMap<>();

  /** Deletes branches that are still at the given commits, in one git command when all are. */
  private void deleteBranches(Map<String, String> tips) {
    if (tips.isEmpty()) {
      return;
    }
    StringBuilder input = new StringBuilder();
    tips.forEach((branch, tip) -> input.append("delete refs/heads/").append(branch).append(' ').append(tip).append('\n'));
    Git.Result r;
    synchronized (sharedRecords) {
      r = Git.run(workspace, environment, hooks, identityVariables(), Git.QUICK, List.of("update-ref", "--stdin"), input.toString());
    }
    if (!r.ok()) {
      // The update is all or nothing: one branch that moved on (or is gone) fails it; the rest go
      // one by one, each only if still at its integrated commit.
      tips.forEach((branch, tip) -> {
        Git.Result one = shared("update-ref", "-d", "refs/heads/" + branch, tip);
        if (!one.ok()) {
          log.debug("task branch {} was not deleted (taken again, or gone): {}", branch, one.why());
        }
      });
    }
  }

  /**
   * Deletes this run's task branches whose work is in the integration branch already (at a resume:
   * a stop came before their deletion; at the end: a branch a resolving task merged), except those
   * about to be integrated.
   *
   * @param waiting the branches the run still integrates
   * @return the branches deleted
   */
  public List<String> deleteIntegratedTaskBranches(java.util.Set<String> waiting) {
    Map<String, String> integrated = new LinkedHashMap<>();
    for (String branch : taskBranches()) {
      Optional<String> tip = branchHead(branch);
      if (!waiting.contains(branch) && tip.isPresent() && integrated(tip.get())) {
        integrated.put(branch, tip.get());
      }
    }
    deleteBranches(integrated);
    return List.copyOf(integrated.keySet());
  }

  /**
   * After a crash: removes every task worktree of this run (their committed work is on their
   * branches; what was not committed was never reported done) and prunes git's record of them.
   *
   * @return the worktrees removed
   */
  public List<Path> removeTaskTrees() {
    List<Path> removed = new ArrayList<>();
    Path tasks = folder.resolve("tasks");
    if (Files.isDirectory(tasks)) {
      try (var children = Files.list(tasks)) {
        for (Path p : children.toList()) {
          removeTree(p);
          removed.add(p);
        }
      } catch (IOException e) {
        log.warn("could not list the task worktrees in {}: {}", tasks, e.toString());
      }
    }
    prune();
    return removed;
  }

  /** Lists the task branches of this run, for a resume. */
  public List<String> taskBranches() {
    Git.Result r = git(workspace, "for-each-ref", "--format=%(refname:short)", "refs/heads/orchestra-task/" + runId + "/");
    return r.ok() ? r.out().lines().filter(l -> !l.isBlank()).toList() : List.of();
  }

  /**
   * Ends the run's use of the repository: every task worktree and the integration worktree are
   * removed; the integration branch stays (it is the result), and so do task branches not yet
   * integrated.
   */
  public void close() {
    close(false);
  }

  /**
   * Ends the run's use of the repository as {@link #close()} does; with {@code
   * deleteIntegratedBranches}, also deletes every task branch of the run whose work is in the
   * integration branch (one a resolving task merged, one a stop left), never one with work that
   * is not.
   */
  public void close(boolean deleteIntegratedBranches) {
    Map<String, String> due;
    synchronized (integratedBranches) {
      due = takeDueDeletions();
    }
    deleteBranches(due);
    if (deleteIntegratedBranches) {
      deleteIntegratedTaskBranches(java.util.Set.of());
    }
    removeTaskTrees();
    removeTree(integrationRoot);
    prune();
    try {
      Files.deleteIfExists(folder.resolve("tasks"));
      Files.deleteIfExists(folder.resolve(START_BRANCH));
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // not empty: something of the user's own is there; leave it
    }
  }

  /**
   * Fast-forwards the branch the user has checked out to the integration branch, when the checkout
   * is on a branch, clean (Orchestra's own files aside) and behind the integration branch.
   *
   * @param ownFiles paths relative to the workspace that are Orchestra's (plan.md, {@code .orchestra/})
   * @return what happened, one line for the run's summary
   */
  public String fastForward(List<String> ownFiles) {
    Git.Result branch = git(workspace, "symbolic-ref", "-q", "--short", "HEAD");
    if (!branch.ok()) {
      return "your checkout is not on a branch (a detached HEAD), so it was left as it is";
    }
    String started;
    try {
      started = Files.readString(folder.resolve(START_BRANCH)).strip();
    } catch (IOException e) {
      started = "";
    }
    Git.Result full = git(workspace, "symbolic-ref", "-q", "HEAD");
    if (started.isEmpty() || !full.out().strip().equals(started)) {
      return "your checkout is on another branch than the run began from, so " + branch.out().strip() + " was left as it is";
    }
    List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--", "."));
    ownFiles.stream().filter(f -> !f.startsWith("..")).forEach(f -> status.add(":(exclude)" + f));
    Git.Result dirty = git(workspace, status.toArray(String[]::new));
    if (!dirty.ok() || !dirty.out().isBlank()) {
      return "your checkout has changes of its own, so " + branch.out().strip() + " was left as it is";
    }
    Git.Result ff = work(workspace, "merge", "--ff-only", "--quiet", integrationBranch);
    if (!ff.ok()) {
      return branch.out().strip() + " moved on since the run began, so it was not fast-forwarded: " + ff.why();
    }
    return branch.out().strip() + " was fast-forwarded to " + integrationBranch;
  }

  private void removeTree(Path root) {
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

  private void prune() {
    shared("worktree", "prune");
  }

  /** Serialises what changes the repository's shared worktree and branch records. */
  private final Object sharedRecords = new Object();

  /**
   * Runs a git command that changes the repository's shared records (worktrees, branches): one at
   * a time in this run, since git refuses a second one while the first holds its lock file; and a
   * few times over when another process (a second run, the user's own git) holds the lock.
   */
  private Git.Result shared(String... args) {
    synchronized (sharedRecords) {
      Git.Result r = work(workspace, args);
      for (int attempt = 1; !r.ok() && attempt < 5 && (r.err().contains(".lock") || r.err().contains("locked")); attempt++) {
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
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }

  private String[] identityArgs(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("-c", "user.name=" + identity.name(), "-c", "user.email=" + identity.email(), "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  /** The author and committer of Orchestra's commits, whatever the user's configuration says. */
  private Map<String, String> identityVariables() {
    return Map.of(
        "GIT_AUTHOR_NAME", identity.name(), "GIT_AUTHOR_EMAIL", identity.email(),
        "GIT_COMMITTER_NAME", identity.name(), "GIT_COMMITTER_EMAIL", identity.email());
  }

  private Git.Result git(Path root, String... args) {
    return Git.run(root, environment, hooks, identityVariables(), Git.QUICK, List.of(args));
  }

  /** Runs git for a command that writes a work tree's files or merges: a time limit that suits large repositories. */
  private Git.Result work(Path root, String... args) {
    return Git.run(root, environment, hooks, identityVariables(), Git.WRITES_FILES, List.of(args));
  }

  /** A task id as one safe path and branch component: git refuses {@code ..} and a trailing {@code .lock}. */
  static String safe(String taskId) {
    String s = taskId.replace("..", "__");
    if (s.startsWith(".")) {
      s = "_" + s.substring(1);
    }
    if (s.endsWith(".lock") || s.endsWith(".")) {
      s = s + "_";
    }
    return s;
  }
}
