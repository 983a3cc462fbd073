package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A run's journal kept on the git remote its clones share, beside its branches: a commit holding
 * one file, {@value #FILE}, under {@code refs/orchestra-journals/<run-id>}, moved to each newer copy.
 * The ref is outside {@code refs/heads}, so no clone or branch listing shows it. A run whose desk
 * works in one worker's clone keeps its journal there; a copy on the remote outlives that worker,
 * so another worker's clone can take the desk over from it. Stateless; thread-safe.
 */
public final class KeptJournals {
  /** The file's name in the kept commit. */
  static final String FILE = "journal.jsonl";

  private static final String REF = "refs/orchestra-journals/";
  /** Where a clone keeps what it fetched, until it has read it: beside the tracking refs of the run's branches. */
  private static final String FETCHED = "refs/orchestra-remote/journals/";

  private KeptJournals() {}

  /**
   * Writes {@code lines} (a run's journal, oldest first) into the clone at {@code workspace} as a
   * commit by {@code identity} (the run's commits' author, which a remote's rules may check) and
   * pushes it to the remote's ref for {@code runId}, replacing any copy kept before.
   *
   * @throws IllegalArgumentException when {@code runId} is not a safe ref name
   * @throws IllegalStateException when git cannot write the commit or push it, saying why
   */
  public static void keep(GitRemote remote, Path workspace, CommandEnvironment environment, GitIdentity identity, String runId, List<String> lines) {
    RepoGit repo = repo(workspace, environment, identity);
    String ref = REF + safe(runId);
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l).append('\n'));
    String what = "write run " + runId + "'s journal";
    String blob = written(repo, what, text.toString(), "hash-object", "-w", "--stdin");
    String tree = written(repo, what, "100644 blob " + blob + "\t" + FILE + "\n", "mktree");
    String commit = written(repo, what, "", "commit-tree", tree, "-m", "Orchestra: run " + runId + "'s journal, " + lines.size() + " lines");
    Git.Result pushed = repo.work(workspace, "push", "--quiet", "--no-verify", remote.url(), "+" + commit + ":" + ref);
    if (!pushed.ok()) {
      throw new IllegalStateException("git could not push run " + runId + "'s journal to " + remote + ": " + remote.why(pushed));
    }
  }

  /**
   * Reads the journal kept on the remote for {@code runId} into the clone at {@code workspace}.
   *
   * @return its lines, oldest first; empty when the remote keeps none for the run
   * @throws IllegalArgumentException when {@code runId} is not a safe ref name
   * @throws IllegalStateException when git cannot reach the remote or read what it fetched, saying why
   */
  public static Optional<List<String>> read(GitRemote remote, Path workspace, CommandEnvironment environment, String runId) {
    RepoGit repo = repo(workspace, environment, GitIdentity.ORCHESTRA); // reads only
    String ref = REF + safe(runId);
    String fetched = FETCHED + runId;
    Git.Result r = repo.shared("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote.url(), "+" + ref + ":" + fetched);
    if (!r.ok()) {
      // Git words "no such ref" in the user's language: asked again, by exit code.
      if (repo.git(workspace, "ls-remote", "--exit-code", remote.url(), ref).exitCode() == 2) {
        return Optional.empty();
      }
      throw new IllegalStateException("git could not fetch run " + runId + "'s journal from " + remote + ": " + remote.why(r));
    }
    Git.Result text = repo.git(workspace, "cat-file", "blob", fetched + ":" + FILE);
    repo.updateRefs("delete " + fetched + "\n"); // read once: the clone keeps no ref for it
    if (!text.ok()) {
      throw new IllegalStateException("git fetched run " + runId + "'s journal into " + workspace + " but cannot read it there: " + text.why());
    }
    return Optional.of(text.out().lines().toList());
  }

  private static String safe(String runId) {
    Git.checkRunId(runId);
    return runId;
  }

  /** The clone's git, its shared records guarded as every run's in this JVM are. */
  private static RepoGit repo(Path workspace, CommandEnvironment environment, GitIdentity identity) {
    Git.Result dir = Git.run(workspace, environment, false, List.of("rev-parse", "--git-common-dir"));
    if (!dir.ok()) {
      throw new IllegalStateException("git cannot read the repository of " + workspace + ": " + dir.why());
    }
    return new RepoGit(workspace, environment, identity, false, workspace.resolve(dir.out().strip()).normalize());
  }

  /** Runs git with {@code input} to write an object; returns its id. */
  private static String written(RepoGit repo, String what, String input, String... args) {
    Git.Result r = Git.run(repo.workspace(), repo.environment(), false, repo.identityVariables(), Git.WRITES_FILES, List.of(args), input);
    if (!r.ok()) {
      throw new IllegalStateException("git could not " + what + " in " + repo.workspace() + ": " + r.why());
    }
    return r.out().strip();
  }
}
