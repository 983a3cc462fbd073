package dev.orchestra.codex;

import dev.orchestra.openai.testing.CodexScript;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every real-Codex test needs: the pinned Codex CLI the build installed, a scripted model
 * server on loopback that Codex is pointed at, a {@code CODEX_HOME} of the test's own, and git
 * repositories in temporary folders. No network, no key.
 */
final class CodexTestbed implements AutoCloseable {
  /** The variable the fake provider's {@code env_key} names; its value is no secret. */
  static final String KEY_VARIABLE = "ORCHESTRA_FAKE_CODEX_KEY";

  final FakeOpenAiServer server;
  final CodexScript script = new CodexScript();
  final Path codexHome;

  CodexTestbed(Path dir) throws IOException {
    server = FakeOpenAiServer.start().dispatcher(script);
    codexHome = Files.createDirectories(dir.resolve("codex-home"));
    Files.writeString(codexHome.resolve("config.toml"), CodexScript.codexConfig(server.baseUrl(), KEY_VARIABLE), StandardCharsets.UTF_8);
  }

  /** The Codex CLI the build installed (see the module's pom.xml). */
  static Path executable() {
    String configured = System.getProperty("orchestra.codex.executable");
    Path p = configured != null ? Path.of(configured) : CodexCli.cachedInstall(System.getenv());
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(
          "the Codex CLI " + CodexCli.TESTED_VERSION + " is not at " + p + "; `mvn verify` installs it (build/install-codex.sh)");
    }
    return p;
  }

  /** An agent builder for this testbed's Codex: its executable, home and key. */
  CodexAgent.Builder agent() {
    return CodexAgent.builder().executable(executable()).codexHome(codexHome).environment(KEY_VARIABLE, "not-a-secret");
  }

  @Override
  public void close() {
    server.close();
  }

  /** Makes a git repository with these files committed. */
  static Path repo(Path dir, Map<String, String> files) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "config", "user.email", "test@example.com");
    git(dir, "config", "user.name", "Test");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "start");
    return dir;
  }

  static String git(Path repo, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out.strip();
  }

  /** The Codex processes (and their children) this JVM has running now. */
  static List<String> codexDescendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(h -> h.info().commandLine().orElse("?"))
        .filter(c -> c.contains("codex"))
        .toList();
  }
}
