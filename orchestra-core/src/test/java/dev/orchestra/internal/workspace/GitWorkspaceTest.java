package dev.orchestra.internal.workspace;

import dev.orchestra.TestRepos;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class GitWorkspaceTest {
  private static final String KEY = "sk-orchestra-test-GITLEAK-0123456789";

  @TempDir Path tmp;
  Path repo;
  CommandEnvironment environment;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestRepos.gitAvailable(), "git is not installed");
    repo = Files.createDirectories(tmp.resolve("repo"));
    TestRepos.write(repo, "src/a.txt", "alpha\n");
    TestRepos.git(repo, "init", "-q");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "start");
    Map<String, String> parent = new HashMap<>(System.getenv());
    parent.put("OPENAI_API_KEY", KEY);
    environment = CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), parent);
  }

  private GitWorkspace workspace() {
    return GitWorkspace.of(repo, List.of(), environment).orElseThrow();
  }

  @Test
  void aFilterPlantedInTheRepositoryRunsWithoutTheParentsSecrets() throws Exception {
    Path dump = tmp.resolve("env-dump.txt");
    // What an agent with a shell could plant: a clean filter that git runs while hashing files.
    TestRepos.git(repo, "config", "filter.leak.clean", "env > '" + dump + "'; cat");
    TestRepos.write(repo, ".gitattributes", "*.txt filter=leak\n");
    TestRepos.write(repo, "src/a.txt", "changed\n");
    GitWorkspace git = workspace();
    GitWorkspace.Snapshot before = git.snapshot(List.of());
    TestRepos.write(repo, "src/a.txt", "changed again\n");
    git.changesSince(before, List.of());
    assertTrue(Files.exists(dump), "the planted filter ran, so the test saw what it could see");
    String seen = Files.readString(dump);
    assertTrue(seen.contains("PATH="), seen);
    assertFalse(seen.contains(KEY), "the API key reached a program git ran");
    assertFalse(seen.contains("OPENAI_API_KEY"));
  }

  @Test
  void snapshotsTakenTogetherAllSeeTheUncommittedChange() throws Exception {
    TestRepos.write(repo, "src/a.txt", "uncommitted\n");
    String head = TestRepos.git(repo, "rev-parse", "HEAD").strip();
    GitWorkspace git = workspace();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<GitWorkspace.Snapshot>> all = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        all.add(pool.submit(() -> git.snapshot(List.of("src/**"))));
      }
      for (Future<GitWorkspace.Snapshot> f : all) {
        // Falling back to HEAD would count the uncommitted change as the next task's own.
        assertNotEquals(head, f.get().base());
      }
    } finally {
      pool.shutdownNow();
    }
    GitWorkspace.Snapshot s = git.snapshot(List.of());
    assertEquals(List.of(), git.changesSince(s, List.of()).files());
  }

  @Test
  void anUntrackedLinkIsListedButItsTargetIsNotRead() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET\n");
    GitWorkspace git = workspace();
    GitWorkspace.Snapshot before = git.snapshot(List.of());
    Files.createSymbolicLink(repo.resolve("src/link.txt"), secret);
    TestRepos.write(repo, "src/new.txt", "new\n");
    GitWorkspace.Changes changes = git.changesSince(before, List.of());
    assertTrue(changes.files().contains("src/new.txt"), changes.files().toString());
    assertFalse(changes.diff().contains("TOP SECRET"), changes.diff());
    assertTrue(changes.diff().contains("+new"), changes.diff());
  }
}
