package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pinned Codex CLI for the conformance tests: the build installs it (build/install-codex.sh)
 * and names it in the {@code orchestra.codex.executable} system property. A test that needs it
 * fails, saying so, when it is missing: a green run never skips the oracle.
 */
final class PinnedCodex {
  private PinnedCodex() {}

  /** What one Codex command printed. */
  record Output(int exitCode, String out, String err) {}

  static Path executable() {
    String configured = System.getProperty("orchestra.codex.executable", "");
    Path p = configured.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache/orchestra/codex-0.169.0/node_modules/.bin/codex") : Path.of(configured);
    assertTrue(Files.isExecutable(p), "the Codex CLI " + CodexConfig.codexVersion() + " is not at " + p + "; `mvn verify` installs it (build/install-codex.sh)");
    return p;
  }

  /**
   * Runs Codex with {@code args} on {@code codexHome}, in {@code cwd}, with no network and no key:
   * only what the commands need.
   */
  static Output run(Path codexHome, Path cwd, List<String> args) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>();
    argv.add(executable().toString());
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("OPENAI") || k.startsWith("CODEX"));
    env.put("CODEX_HOME", codexHome.toString());
    env.put("RUST_BACKTRACE", "0");
    env.put("NO_COLOR", "1");
    // doctor probes OpenAI's and GitHub's servers: a dead loopback proxy makes that fail at once,
    // offline or not, and keeps the tests off the network.
    for (String proxy : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")) {
      env.put(proxy, "http://127.0.0.1:9");
    }
    env.remove("NO_PROXY");
    env.remove("no_proxy");
    Path out = Files.createTempFile("codex-out", ".txt");
    Path err = Files.createTempFile("codex-err", ".txt");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        throw new AssertionError("codex " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
