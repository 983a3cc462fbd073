package dev.orchestra.temporal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git remotes for tests of workers that share only a remote: a bare repository with one commit, and clones of it. */
public final class TestRemotes {
  private TestRemotes() {}

  /** Makes {@code dir/remote.git}, a bare repository whose {@code main} holds a README. */
  public static Path bare(Path dir) throws IOException, InterruptedException {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Files.writeString(seed.resolve("README.md"), "# Shared\n");
    git(seed, "init", "-q", "-b", "main");
    git(seed, "add", "-A");
    git(seed, "commit", "-q", "-m", "start");
    Path remote = dir.resolve("remote.git");
    git(dir, "clone", "-q", "--bare", seed.toString(), remote.toString());
    return remote;
  }

  /** Clones {@code remote} into {@code dir/name}. */
  public static Path cloneOf(Path remote, Path dir, String name) throws IOException, InterruptedException {
    Path to = dir.resolve(name);
    git(dir, "clone", "-q", remote.toString(), to.toString());
    return to;
  }

  /** Runs git in {@code in}, returning its output. @throws IOException when it fails */
  public static String git(Path in, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@orchestra.invalid"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(in.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
