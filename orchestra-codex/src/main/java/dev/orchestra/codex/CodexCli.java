package dev.orchestra.codex;

import dev.orchestra.internal.io.ProcessRunner;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finding the {@code codex} executable and checking its version, once per agent. The versions
 * supported are those whose JSON output and app-server protocol this module was written and tested
 * against.
 */
final class CodexCli {
  /** The Codex CLI release this module is built and tested against. */
  static final String TESTED_VERSION = "0.169.0";
  /** The supported versions: the tested release's minor line. */
  static final String SUPPORTED = ">= 0.169.0, < 0.170.0";

  private static final Pattern VERSION = Pattern.compile("codex-cli (\\d+)\\.(\\d+)\\.(\\d+)\\S*");

  private CodexCli() {}

  /** Where the build installs the tested release, and where a user may keep it too. */
  static Path cachedInstall(Map<String, String> env) {
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".cache", "orchestra", "codex-" + TESTED_VERSION, "node_modules", ".bin", "codex");
  }

  /**
   * The executable to run: the one configured, else {@code codex} on the PATH, else the tested
   * release in the build's cache folder.
   *
   * @throws CodexUnavailableException when none is found, saying where it looked
   */
  static Path locate(Optional<Path> configured, Map<String, String> env) {
    if (configured.isPresent()) {
      Path p = configured.get();
      if (!Files.isExecutable(p)) {
        throw new CodexUnavailableException(
            "the Codex CLI was not found at " + p + " (the configured executable); supported versions " + SUPPORTED + "; " + installHint());
      }
      return p;
    }
    List<String> looked = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, "codex");
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    looked.add("codex on the PATH");
    Path cached = cachedInstall(env);
    if (Files.isExecutable(cached)) {
      return cached;
    }
    looked.add(cached.toString());
    throw new CodexUnavailableException(
        "the Codex CLI was not found (looked for " + String.join(" and ", looked) + "); supported versions " + SUPPORTED + "; " + installHint());
  }

  static String installHint() {
    return "install it with: npm install -g @openai/codex@" + TESTED_VERSION;
  }

  /**
   * Runs {@code codex --version} and checks it is supported.
   *
   * @return the version line, for example {@code codex-cli 0.169.0}
   * @throws CodexUnavailableException when it does not run or its version is not supported
   */
  static String checkVersion(Path executable, Map<String, String> env) {
    String out;
    Path file = null;
    Process p = null;
    try {
      // Its output goes to a file: reading a pipe would wait past the time limit for a child that
      // keeps it open, and could not be interrupted.
      file = Files.createTempFile("orchestra-codex-version", ".txt");
      ProcessBuilder pb = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).redirectOutput(file.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new CodexUnavailableException(executable + " --version did not answer within 60 s; supported versions " + SUPPORTED + "; " + installHint());
      }
      out = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new CodexUnavailableException(
            executable + " --version failed (exit code " + p.exitValue() + ": " + oneLine(out) + "); supported versions " + SUPPORTED + "; " + installHint());
      }
    } catch (IOException e) {
      throw new CodexUnavailableException(
          executable + " could not be started (" + e.getMessage() + "); supported versions " + SUPPORTED + "; " + installHint());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodexUnavailableException("interrupted while checking the version of " + executable);
    } finally {
      if (p != null && p.isAlive()) {
        ProcessRunner.killTree(p);
      }
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file left behind
        }
      }
    }
    String line = out.lines().filter(l -> l.startsWith("codex-cli ")).findFirst().orElse(out);
    Matcher m = VERSION.matcher(line);
    if (!m.matches()) {
      throw new CodexUnavailableException(
          executable + " printed no version Orchestra can read (\"" + oneLine(out) + "\"); supported versions " + SUPPORTED + "; " + installHint());
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major != 0 || minor != 169) {
      throw new CodexUnavailableException(
          executable + " is " + line + ", which Orchestra does not support; supported versions " + SUPPORTED + "; " + installHint());
    }
    return line;
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** A TOML basic string holding the text exactly, for a {@code -c key=value} override. */
  static String tomlString(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
