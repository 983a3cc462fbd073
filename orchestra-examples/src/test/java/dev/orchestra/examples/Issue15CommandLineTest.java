package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} and {@code roles} on a folder read as a user's CODEX_HOME (a dotfiles repository,
 * say): user rules, not a project's; the Codex release the checks follow; the thread cap and where
 * it comes from.
 */
final class Issue15CommandLineTest {
  @TempDir Path tmp;

  @Test
  void verifyACodexHomeSaysWhatCodexWouldAndWhichCodex() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("dotfiles/codex"));
    // A provider is user configuration: judged as a project layer it would be stripped with a warning.
    Files.writeString(home.resolve("config.toml"),
        "commit_attribution = \"x\"\nmodel_provider = \"corp\"\n[model_providers.corp]\nname = \"Corp\"\nbase_url = \"http://127.0.0.1:9/v1\"\n");
    Issue11CommandLineTest.Outcome v = Issue11CommandLineTest.run(Map.of(), "verify", "--codex-home", home.toString());
    assertEquals(0, v.exit(), v.out() + v.err());
    assertTrue(v.out().contains(home.resolve("config.toml") + ":1:1: warning: commit_attribution: `commit_attribution` is ignored"), v.out());
    assertTrue(v.out().contains("checked as Codex 0.169.0 reads it"), v.out());
    assertTrue(v.out().endsWith("0 errors, 1 warnings\n"), v.out());
    Issue11CommandLineTest.Outcome asProject = Issue11CommandLineTest.run(Map.of("CODEX_HOME", tmp.resolve("empty").toString()), "verify", "--dir", home.toString());
    assertTrue(asProject.out().contains("model_provider is not allowed in a project configuration"), "--dir judges by project rules: " + asProject.out());
  }

  @Test
  void rolesPrintsTheThreadCapAndWhereItComesFrom() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(home.resolve("config.toml"), "[agents]\nmax_threads = 9\n[features.multi_agent_v2]\nenabled = true\nmax_concurrent_threads_per_session = 5\n");
    Issue11CommandLineTest.Outcome r = Issue11CommandLineTest.run(Map.of(), "roles", "--codex-home", home.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("max_threads = 4: 4 agents at once (features.multi_agent_v2.max_concurrent_threads_per_session = 5, which counts the main agent)"), r.out());
  }

  @Test
  void aProjectFolderAndACodexHomeTogetherAreRefused() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Issue11CommandLineTest.Outcome r = Issue11CommandLineTest.run(Map.of(), "verify", "--dir", a.toString(), "--codex-home", a.toString());
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("give --dir (a project's .codex folder) or --codex-home (a user's CODEX_HOME), not both"), r.err());
  }
}
