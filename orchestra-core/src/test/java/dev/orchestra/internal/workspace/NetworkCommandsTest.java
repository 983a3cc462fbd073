package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which commands the sandbox knows to reach the network, without running any (SandboxDecisionTest runs them). */
final class NetworkCommandsTest {
  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(List.of("curl", "-fsSL", "https://example.com"), true),
        Arguments.of(List.of("/usr/bin/wget", "https://example.com/x.tgz"), true),
        Arguments.of(List.of("ssh", "host", "ls"), true),
        Arguments.of(List.of("git", "fetch", "origin"), true),
        Arguments.of(List.of("git", "-C", "sub", "pull", "--rebase"), true),
        Arguments.of(List.of("git", "push", "origin", "HEAD"), true),
        Arguments.of(List.of("npm", "install"), true),
        Arguments.of(List.of("npm", "ci"), true),
        Arguments.of(List.of("pip", "install", "requests"), true),
        Arguments.of(List.of("python3", "-m", "pip", "install", "-r", "requirements.txt"), true),
        Arguments.of(List.of("go", "mod", "download"), true),
        Arguments.of(List.of("docker", "pull", "alpine"), true),
        Arguments.of(List.of("rsync", "-a", "build/", "deploy@host:/srv/app"), true),
        Arguments.of(List.of("sh", "-c", "cd app && curl -O https://example.com/x"), true),
        Arguments.of(List.of("bash", "-lc", "FOO=1 wget https://example.com"), true),
        Arguments.of(List.of("sh", "-c", "echo $(curl -s https://example.com)"), true),
        Arguments.of(List.of("sh", "-c", "timeout 30s git clone https://example.com/r.git"), true),
        Arguments.of(List.of("sh", "-c", "sudo -E apt-get update"), true),
        Arguments.of(List.of("sh", "-c", "if true; then nc -z host 80; fi"), true),
        Arguments.of(List.of("git", "status"), false),
        Arguments.of(List.of("git", "-c", "core.pager=cat", "log"), false),
        Arguments.of(List.of("git", "commit", "-m", "fetch the thing"), false),
        Arguments.of(List.of("npm", "test"), false),
        Arguments.of(List.of("npm", "run", "build"), false),
        Arguments.of(List.of("pip", "list"), false),
        Arguments.of(List.of("go", "build", "./..."), false),
        Arguments.of(List.of("rsync", "-a", "src/", "dst/"), false),
        Arguments.of(List.of("sh", "-c", "echo curl is not run here"), false),
        Arguments.of(List.of("sh", "-c", "grep -r wget . | sort"), false),
        Arguments.of(List.of("sh", "test.sh"), false),
        Arguments.of(List.of("make", "test"), false),
        Arguments.of(List.of("ls"), false));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("commands")
  void knowsTheCommandsThatReachTheNetwork(List<String> argv, boolean network) {
    assertEquals(network, NetworkCommands.reachesNetwork(argv));
  }
}
