package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.TaskTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's task worktrees, in the run's folder under {@code tasks/}: made from the integration
 * branch as it stands, on the task's own branch {@code orchestra-task/<run-id>/<task-id>} for a
 * writer or detached for a reader; committed, merged into for a task that resolves a conflict,
 * rescued when a commit fails, and removed. Thread-safe.
 */
final class TaskTrees {
  private static final Logger log = LoggerFactory.getLogger(TaskTrees.class);

  private final RepoGit repo;
  private final Path folder;
  /** Where the run's workspace is inside its repository: task work happens in the same sub-folder. */
  private final String prefix;
  private final String runId;
  private final IntegrationBranch integration;
  private final IntegratedBranches integratedBranches;

  TaskTrees(RepoGit repo, Path folder, String prefix, String runId, IntegrationBranch integration, IntegratedBranches integratedBranches) {
    this.repo = repo;
    this.folder = folder;
    this.prefix = prefix;
    this.runId = runId;
    this.integration = integration;
    this.integratedBranches = integratedBranches;
  }

  /** See {@link GitWorktrees#taskBranch}. */
  String branch(String taskId) {
    return branchPrefix() + safe(taskId);
  }

  /** What every task branch of the run starts with. */
  String branchPrefix() {
    return "orchestra-task/" + runId + "/";
  }

  /** See {@link GitWorktrees#createTaskTree}; {@code base} is the integration commit it starts from. */
  TaskTree create(String taskId, boolean writer, String base) {
    Path root = folder.resolve("tasks").resolve(safe(taskId));
    if (Files.exists(root)) {
      repo.removeTree(root); // left by an attempt that did not clean up (a crash)
    }
    String branch = writer ? branch(taskId) : "";
    if (writer) {
      integratedBranches.retaken(branch); // the name is this task's again: its new work must stay
    }
    // Registered without its files while the repository's records are held, then checked out
    // outside that: on a large repository the checkout is most of the time, and tasks' checkouts
    // need not wait for each other. With hooks asked for, git checks out itself, so that a
    // post-checkout hook runs as it would for the user's own worktree.
    List<String> add = new ArrayList<>(List.of("worktree", "add", "--quiet"));
    if (!repo.hooks()) {
      add.add("--no-checkout");
    }
    add.addAll(writer ? List.of("-B", branch, root.toString(), base) : List.of("--detach", root.toString(), base));
    Git.Result r = repo.shared(add.toArray(String[]::new));
    if (r.ok() && !repo.hooks()) {
      // Submodules are left for the task to set up, as git worktree add leaves them.
      r = repo.work(root, "reset", "--hard", "--no-recurse-submodules", "--quiet");
      if (!r.ok()) {
        repo.removeTree(root);
      }
    }
    if (!r.ok()) {
      throw new IllegalStateException("git could not make a worktree for task " + taskId + " in " + root + ": " + r.why());
    }
    return new TaskTree(taskId, branch, root, prefix.isEmpty() ? root : root.resolve(prefix), base);
  }

  /** See {@link GitWorktrees#commit}. */
  Optional<String> commit(TaskTree tree, String subject, String body) {
    if (tree.branch().isEmpty()) {
      throw new IllegalArgumentException("task " + tree.taskId() + " reads only: it has no branch to commit on");
    }
    RepoGit.Head head = repo.commitAll(tree.root(), subject, body, "task " + tree.taskId());
    if (head.commit().equals(tree.base())) {
      return Optional.empty();
    }
    if (!head.ref().equals("refs/heads/" + tree.branch())) {
      // The agent checked out something else, or detached HEAD: its work is where HEAD is.
      Git.Result moved = repo.git(repo.workspace(), "update-ref", "refs/heads/" + tree.branch(), head.commit());
      if (!moved.ok()) {
        throw new IllegalStateException("git could not put task " + tree.taskId() + "'s work on " + tree.branch() + ": " + moved.why());
      }
    }
    return Optional.of(head.commit());
  }

  /** See {@link GitWorktrees#mergeInto}. */
  List<String> mergeInto(TaskTree tree, String branch) {
    Git.Result m =
        repo.work(tree.root(), repo.identityArgs("merge", "--no-ff", "--no-commit", "--no-autostash", "--no-verify-signatures", "--quiet", branch));
    if (m.ok()) {
      return List.of();
    }
    List<String> files = repo.unmergedFiles(tree.root());
    if (files.isEmpty()) {
      throw new IllegalStateException("git could not merge " + branch + " into task " + tree.taskId() + "'s worktree: " + m.why());
    }
    return List.copyOf(files);
  }

  /** See {@link GitWorktrees#rescue}. */
  Optional<String> rescue(TaskTree tree) {
    String ref = "refs/orchestra-rescue/" + runId + "/" + safe(tree.taskId());
    Path index = folder.resolve("rescue-" + safe(tree.taskId()) + ".index");
    Git.Result r = repo.commitAside(tree.root(), index, "Orchestra: task " + tree.taskId() + "'s work, kept when its commit failed", ref);
    if (!r.ok()) {
      log.warn("task {}'s work could not be kept after its commit failed: {}", tree.taskId(), r.why());
      return Optional.empty();
    }
    return Optional.of(ref);
  }

  /** See {@link GitWorktrees#removeTaskTrees}. */
  List<Path> removeAll() {
    List<Path> removed = new ArrayList<>();
    Path tasks = folder.resolve("tasks");
    if (Files.isDirectory(tasks)) {
      try (var children = Files.list(tasks)) {
        for (Path p : children.toList()) {
          repo.removeTree(p);
          removed.add(p);
        }
      } catch (IOException e) {
        log.warn("could not list the task worktrees in {}: {}", tasks, e.toString());
      }
    }
    repo.prune();
    return removed;
  }

  /** See {@link GitWorktrees#taskBranches}. */
  List<String> branches() {
    Git.Result r = repo.git(repo.workspace(), "for-each-ref", "--format=%(refname:short)", "refs/heads/orchestra-task/" + runId + "/");
    return r.ok() ? r.out().lines().filter(l -> !l.isBlank()).toList() : List.of();
  }

  /** See {@link GitWorktrees#deleteBranch}. */
  void deleteBranch(String branch) {
    if (!branch.isEmpty()) {
      Git.Result r = repo.shared("branch", "-D", "--quiet", branch);
      if (!r.ok() && repo.branchHead(branch).isPresent()) {
        log.warn("could not delete the task branch {}: {}", branch, r.why());
      }
    }
  }

  /** See {@link GitWorktrees#deleteIntegratedTaskBranches}. */
  List<String> deleteIntegrated(Set<String> waiting) {
    Map<String, String> integrated = new LinkedHashMap<>();
    for (String branch : branches()) {
      Optional<String> tip = repo.branchHead(branch);
      if (!waiting.contains(branch) && tip.isPresent() && integration.contains(tip.get())) {
        integrated.put(branch, tip.get());
      }
    }
    integratedBranches.deleteNow(integrated);
    return List.copyOf(integrated.keySet());
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
