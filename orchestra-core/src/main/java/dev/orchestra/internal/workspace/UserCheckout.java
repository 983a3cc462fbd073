package dev.orchestra.internal.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's own checkout, which a run never touches but for one thing at its end: the branch that
 * was checked out when the run began may be fast-forwarded to the integration branch. Which branch
 * that was is recorded in the run's folder, so a resume knows it too.
 */
final class UserCheckout {
  private static final Logger log = LoggerFactory.getLogger(UserCheckout.class);
  private static final String START_BRANCH = "start-branch";

  private final RepoGit repo;
  private final Path folder;

  UserCheckout(RepoGit repo, Path folder) {
    this.repo = repo;
    this.folder = folder;
  }

  /** Records the branch checked out now (nothing, for a detached HEAD). */
  void recordBranch() {
    Git.Result branch = repo.git(repo.workspace(), "symbolic-ref", "-q", "HEAD");
    try {
      Files.writeString(folder.resolve(START_BRANCH), branch.ok() ? branch.out().strip() : "");
    } catch (IOException e) {
      log.warn("could not record the checked-out branch in {}: {}", folder, e.toString());
    }
  }

  /** Forgets the recorded branch: the run's use of the repository ends. */
  void forget() throws IOException {
    Files.deleteIfExists(folder.resolve(START_BRANCH));
  }

  /** Whether the checkout holds every commit of {@code branch} (nothing is left to merge). */
  boolean holds(String branch) {
    return repo.git(repo.workspace(), "merge-base", "--is-ancestor", branch, "HEAD").ok();
  }

  /** See {@link GitWorktrees#fastForward}. */
  String fastForward(List<String> ownFiles, String integrationBranch) {
    Path workspace = repo.workspace();
    Git.Result branch = repo.git(workspace, "symbolic-ref", "-q", "--short", "HEAD");
    if (!branch.ok()) {
      return "your checkout is not on a branch (a detached HEAD), so it was left as it is";
    }
    String started;
    try {
      started = Files.readString(folder.resolve(START_BRANCH)).strip();
    } catch (IOException e) {
      started = "";
    }
    Git.Result full = repo.git(workspace, "symbolic-ref", "-q", "HEAD");
    if (started.isEmpty() || !full.out().strip().equals(started)) {
      return "your checkout is on another branch than the run began from, so " + branch.out().strip() + " was left as it is";
    }
    List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--", "."));
    ownFiles.stream().filter(f -> !f.startsWith("..")).forEach(f -> status.add(":(exclude)" + f));
    Git.Result dirty = repo.git(workspace, status.toArray(String[]::new));
    if (!dirty.ok() || !dirty.out().isBlank()) {
      return "your checkout has changes of its own, so " + branch.out().strip() + " was left as it is";
    }
    Git.Result ff = repo.work(workspace, "merge", "--ff-only", "--quiet", integrationBranch);
    if (!ff.ok()) {
      return branch.out().strip() + " moved on since the run began, so it was not fast-forwarded: " + ff.why();
    }
    return branch.out().strip() + " was fast-forwarded to " + integrationBranch;
  }
}
