package dev.orchestra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git repositories in temporary folders. */
public final class TestRepos {
  private TestRepos() {}

  public static boolean gitAvailable() {
    try {
      Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  public static void write(Path root, String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  public static String git(Path repo, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Orchestra Test", "-c", "user.email=test@orchestra.invalid"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /**
   * A bare repository, {@code remote.git} in {@code dir}, whose {@code main} holds one commit (a
   * README): a git remote that runs' clones share.
   */
  public static Path bareRemote(Path dir) throws IOException, InterruptedException {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    write(seed, "README.md", "# Shared\n");
    git(seed, "init", "-q", "-b", "main");
    git(seed, "add", "-A");
    git(seed, "commit", "-q", "-m", "start");
    Path remote = dir.resolve("remote.git");
    git(dir, "clone", "-q", "--bare", seed.toString(), remote.toString());
    return remote;
  }

  /** A repository with a check script that fails until src/part-1..N.txt and src/config.txt exist. */
  public static Path sampleRepo(Path dir, int parts) throws IOException, InterruptedException {
    write(dir, "README.md", "# Sample\n");
    write(
        dir,
        "check.sh",
        "#!/bin/sh\n"
            + "i=1\n"
            + "while [ $i -le " + parts + " ]; do\n"
            + "  [ -f src/part-$i.txt ] || { echo \"FAIL: src/part-$i.txt is missing\"; exit 1; }\n"
            + "  i=$((i+1))\n"
            + "done\n"
            + "[ -f src/config.txt ] || { echo \"FAIL: src/config.txt is missing\"; exit 1; }\n"
            + "echo ok\n");
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "sample");
    return dir;
  }
}
