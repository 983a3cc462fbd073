package dev.orchestra.toml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes configuration fixtures into test folders; never touches the real home or environment. */
final class Fixtures {
  private Fixtures() {}

  static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes {@code link} a symbolic link to {@code target}, skipping the test where links cannot be made. */
  static void symlinkOrSkip(Path link, Path target) {
    mkdirs(link.getParent());
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no symbolic links here: " + e);
    }
  }

  /** A loader isolated from the machine: home, CODEX_HOME and environment all under {@code root}. */
  static CodexConfig.Builder isolated(Path root) {
    return CodexConfig.builder()
        .homeDirectory(root.resolve("home"))
        .codexHome(root.resolve("home/.codex"))
        .environment(Map.of());
  }

  static Path codexHome(Path root) {
    return root.resolve("home/.codex");
  }

  static String keys(List<Diagnostic> diagnostics) {
    return diagnostics.stream().map(d -> d.severity() + " " + d.keyPath()).collect(Collectors.joining("\n"));
  }
}
