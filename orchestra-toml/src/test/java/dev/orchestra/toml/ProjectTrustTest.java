package dev.orchestra.toml;

import static dev.orchestra.toml.Fixtures.mkdirs;
import static dev.orchestra.toml.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.toml.ProjectTrust.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProjectTrust} over real folders, real symbolic links and worktrees made by git itself. */
final class ProjectTrustTest {
  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void realRoot() throws IOException {
    // The temporary folder may itself be behind a link (macOS /var): work below its real path.
    root = tmp.toRealPath();
  }

  private static ProjectTrust trust(Object... pathsAndLevels) {
    Map<String, String> levels = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndLevels.length; i += 2) {
      levels.put(pathsAndLevels[i].toString(), (String) pathsAndLevels[i + 1]);
    }
    return ProjectTrust.of(levels);
  }

  private static Level of(ProjectTrust trust, Path cwd, String... markers) {
    return trust.of(cwd, ProjectTrust.projectRoot(cwd, List.of(markers)));
  }

  @Test
  void theProjectRootIsTheNearestMarkedFolderElseTheDirectory() {
    Path repo = root.resolve("repo");
    Path cwd = repo.resolve("a/b");
    mkdirs(repo.resolve(".git"));
    mkdirs(cwd);
    write(repo.resolve("a/.root"), "");
    assertEquals(repo, ProjectTrust.projectRoot(cwd, List.of(".git")));
    assertEquals(repo.resolve("a"), ProjectTrust.projectRoot(cwd, List.of(".root", ".git")), "the nearest, whichever marker");
    assertEquals(cwd, ProjectTrust.projectRoot(cwd, List.of()), "no markers: the directory itself");
    assertEquals(cwd, ProjectTrust.projectRoot(cwd, List.of(".nowhere")), "no marked folder: the directory itself");
  }

  @Test
  void aDecisionForTheDirectoryItsProjectRootOrItsRepositoryApplies() {
    Path repo = root.resolve("repo");
    Path project = repo.resolve("services/api");
    Path cwd = project.resolve("src");
    mkdirs(repo.resolve(".git"));
    mkdirs(cwd);
    write(project.resolve(".root"), "");
    assertEquals(Level.TRUSTED, of(trust(cwd, "trusted"), cwd, ".root"));
    assertEquals(Level.TRUSTED, of(trust(project, "trusted"), cwd, ".root"), "the project root");
    assertEquals(Level.TRUSTED, of(trust(repo, "trusted"), cwd, ".root"), "the git repository's root");
    assertEquals(Level.UNTRUSTED, of(trust(repo, "untrusted"), cwd, ".root"));
    assertEquals(Level.UNDECIDED, of(trust(repo.resolve("services"), "trusted"), cwd, ".root"), "a folder in between decides nothing");
    assertEquals(Level.UNDECIDED, of(trust(), cwd, ".root"));
  }

  @Test
  void theDirectoryDecidesBeforeItsRootAndTheRootBeforeTheRepository() {
    Path repo = root.resolve("repo");
    Path project = repo.resolve("api");
    mkdirs(repo.resolve(".git"));
    mkdirs(project.resolve("src"));
    write(project.resolve(".root"), "");
    Path cwd = project.resolve("src");
    assertEquals(Level.UNTRUSTED, of(trust(repo, "trusted", cwd, "untrusted"), cwd, ".root"));
    assertEquals(Level.TRUSTED, of(trust(repo, "untrusted", project, "trusted"), cwd, ".root"));
  }

  @Test
  void otherLevelsAndKeysThatAreNotPathsDecideNothing() {
    Path repo = root.resolve("repo");
    mkdirs(repo.resolve(".git"));
    assertEquals(Level.UNDECIDED, of(trust(repo, "yes"), repo, ".git"));
    assertEquals(Level.UNDECIDED, of(trust(repo, "Trusted"), repo, ".git"), "levels are spelled as Codex spells them");
    assertEquals(Level.TRUSTED, of(trust("bad\u0000path", "trusted", repo, "trusted"), repo, ".git"));
  }

  @Test
  void decisionsAndDirectoriesAreComparedAsRealPaths() {
    Path repo = root.resolve("repo");
    Path link = root.resolve("link");
    mkdirs(repo.resolve(".git"));
    Fixtures.symlinkOrSkip(link, repo);
    assertEquals(Level.TRUSTED, of(trust(repo, "trusted"), link, ".git"), "working through a link, trust under the real path");
    assertEquals(Level.TRUSTED, of(trust(link, "trusted"), repo, ".git"), "trust under a link, working in the real path");
    assertEquals(Level.TRUSTED, of(trust(root.resolve("repo/sub/.."), "trusted"), repo, ".git"), "written with '..'");
  }

  @Test
  void aWorktreeMadeByGitHasItsRepositorysTrustWhereverGitMovesIt() throws Exception {
    Path main = gitRepository("main");
    Path worktree = root.resolve("feature");
    git(main, "worktree", "add", "-q", "-b", "feature", worktree.toString());
    ProjectTrust trustMain = trust(main, "trusted");
    assertEquals(Optional.of(main), ProjectTrust.gitRoot(worktree), "the main worktree, not the linked one");
    assertEquals(Level.TRUSTED, of(trustMain, worktree, ".git"));
    mkdirs(worktree.resolve("src/deep"));
    assertEquals(Level.TRUSTED, of(trustMain, worktree.resolve("src/deep"), ".git"), "also below the worktree's root");
    assertEquals(Level.UNTRUSTED, of(trust(main, "untrusted"), worktree, ".git"));
    assertEquals(Level.UNTRUSTED, of(trust(main, "trusted", worktree, "untrusted"), worktree, ".git"), "its own decision first");

    Path moved = root.resolve("elsewhere/feature");
    mkdirs(moved.getParent());
    git(main, "worktree", "move", worktree.toString(), moved.toString());
    assertEquals(Level.TRUSTED, of(trustMain, moved, ".git"), "git rewrote both links");
  }

  @Test
  void aCopiedOrForgedGitFileBorrowsNoTrust() throws Exception {
    Path main = gitRepository("main");
    Path worktree = root.resolve("feature");
    git(main, "worktree", "add", "-q", "-b", "feature", worktree.toString());
    ProjectTrust trustMain = trust(main, "trusted");

    // The real worktree's .git file, copied: it names a worktree the repository has, but the
    // repository links that worktree back to the original folder, not to the copy.
    Path copy = root.resolve("copy");
    mkdirs(copy);
    Files.copy(worktree.resolve(".git"), copy.resolve(".git"));
    assertEquals(Optional.of(copy), ProjectTrust.gitRoot(copy));
    assertEquals(Level.UNDECIDED, of(trustMain, copy, ".git"));

    // Written by hand: a worktree the repository never made, absolute or relative.
    Path forged = root.resolve("forged");
    write(forged.resolve(".git"), "gitdir: " + main.resolve(".git/worktrees/ghost") + "\n");
    assertEquals(Level.UNDECIDED, of(trustMain, forged, ".git"));
    write(forged.resolve(".git"), "gitdir: ../main/.git/worktrees/feature\n");
    assertEquals(Level.UNDECIDED, of(trustMain, forged, ".git"), "the feature worktree links back to feature/.git only");

    assertEquals(Level.TRUSTED, of(trustMain, worktree, ".git"), "while the real worktree keeps its trust");
  }

  @Test
  void aGitFileThatIsNoWorktreePointerMakesItsFolderTheRoot() throws Exception {
    Path main = gitRepository("main");
    Path module = main.resolve("lib");
    write(module.resolve(".git"), "gitdir: ../.git/modules/lib\n");
    mkdirs(main.resolve(".git/modules/lib"));
    assertEquals(Optional.of(module), ProjectTrust.gitRoot(module), "a submodule's own folder");
    assertEquals(Level.UNDECIDED, of(trust(main, "trusted"), module, ".git"), "a submodule is its own project");
    Path junk = root.resolve("junk");
    write(junk.resolve(".git"), "not a pointer\n");
    assertEquals(Optional.of(junk), ProjectTrust.gitRoot(junk));
    assertEquals(Optional.empty(), ProjectTrust.gitRoot(root.resolve("nowhere")), "outside any repository");
  }

  /** A repository with one commit (git makes worktrees only then), at {@code root/name}. */
  private Path gitRepository(String name) throws Exception {
    Assumptions.assumeTrue(gitAvailable(), "git is not installed");
    Path repo = root.resolve(name);
    mkdirs(repo);
    git(repo, "init", "-q");
    git(repo, "commit", "-q", "--allow-empty", "-m", "start");
    return repo;
  }

  private static boolean gitAvailable() {
    try {
      Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Orchestra Test", "-c", "user.email=test@orchestra.invalid",
        "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    // The machine's own git configuration stays out of the test.
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("GIT_CONFIG_GLOBAL", tmp.resolve("no-gitconfig").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("git " + String.join(" ", args) + " failed: " + out);
    }
  }
}
