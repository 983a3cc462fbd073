package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchestra.TestRepos;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's journal kept on a real bare remote by one clone and read back by another. */
final class KeptJournalsTest {
  private static final CommandEnvironment ENV = CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), System.getenv());

  @TempDir Path dir;
  private GitRemote remote;
  private Path desk;
  private Path other;

  @BeforeEach
  void twoClonesOfOneRemote() throws Exception {
    assumeTrue(TestRepos.gitAvailable(), "git is needed");
    remote = new GitRemote(TestRepos.bareRemote(dir).toString());
    desk = dir.resolve("desk");
    other = dir.resolve("other");
    TestRepos.git(dir, "clone", "-q", remote.url(), desk.toString());
    TestRepos.git(dir, "clone", "-q", remote.url(), other.toString());
  }

  @Test
  void aJournalKeptByOneCloneIsReadByAnotherAndANewerCopyReplacesIt() throws Exception {
    assertEquals(Optional.empty(), KeptJournals.read(remote, other, ENV, "run-1"), "none kept yet");
    List<String> first = List.of("{\"type\":\"run_started\",\"n\":1}", "{\"text\":\"ünïcode and \\\"quotes\\\"\"}");
    KeptJournals.keep(remote, desk, ENV, GitIdentity.ORCHESTRA, "run-1", first);
    assertEquals(Optional.of(first), KeptJournals.read(remote, other, ENV, "run-1"));

    List<String> longer = List.of(first.get(0), first.get(1), "{\"n\":3}");
    KeptJournals.keep(remote, desk, ENV, GitIdentity.ORCHESTRA, "run-1", longer);
    assertEquals(Optional.of(longer), KeptJournals.read(remote, other, ENV, "run-1"), "the newer copy");
    assertEquals(Optional.empty(), KeptJournals.read(remote, other, ENV, "run-2"), "another run's is its own");
    assertEquals("", TestRepos.git(other, "for-each-ref", "refs/orchestra-remote/"), "the reading clone keeps no ref for what it read");
  }

  @Test
  void theKeptJournalIsNoBranchAndLeavesTheClonesCheckoutAlone() throws Exception {
    KeptJournals.keep(remote, desk, ENV, GitIdentity.ORCHESTRA, "run-1", List.of("{}"));
    Path bare = dir.resolve("remote.git");
    assertEquals("main", TestRepos.git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads/").strip(), "no new branch");
    assertFalse(TestRepos.git(bare, "for-each-ref", "refs/orchestra-journals/run-1").isBlank());
    assertEquals("", TestRepos.git(desk, "status", "--porcelain"));
  }

  @Test
  void aRemoteGitCannotReachIsNamedWithoutItsCredentialsAndABadRunIdIsRefused() {
    GitRemote gone = new GitRemote("https://user:s3cret@127.0.0.1:9/nothing.git");
    IllegalStateException push = assertThrows(IllegalStateException.class, () -> KeptJournals.keep(gone, desk, ENV, GitIdentity.ORCHESTRA, "run-1", List.of("{}")));
    assertTrue(push.getMessage().contains("run-1's journal") && push.getMessage().contains("https://***@127.0.0.1:9/nothing.git"), push.getMessage());
    assertFalse(push.getMessage().contains("s3cret"), push.getMessage());
    IllegalStateException read = assertThrows(IllegalStateException.class, () -> KeptJournals.read(gone, other, ENV, "run-1"));
    assertFalse(read.getMessage().contains("s3cret"), read.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KeptJournals.keep(remote, desk, ENV, GitIdentity.ORCHESTRA, "../run", List.of("{}")));
  }
}
