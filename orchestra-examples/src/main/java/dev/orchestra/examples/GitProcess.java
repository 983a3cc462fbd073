package dev.orchestra.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Git run by the command line for its own set-up (a worker's clone, the demo's remote): waited for, never outliving the command. */
final class GitProcess {
  private GitProcess() {}

  /** How git ended: its exit code and its output and errors together. */
  record Outcome(int exitCode, String output) {}

  /**
   * Runs {@code git -C in ARGS}, with no password prompt; kills it after ten minutes.
   *
   * @throws Main.UsageError when git cannot start or runs over its time
   */
  static Outcome run(Path in, List<String> args) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", in.toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0"); // nobody answers a password prompt here
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new Main.UsageError("git cannot start: " + e.getMessage());
    }
    try {
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        throw new Main.UsageError("git " + args.get(0) + " took over ten minutes and was stopped");
      }
      // A helper git started (ssh, a remote helper) may hold the output open: not waited for long.
      return new Outcome(p.exitValue(), new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new Outcome(p.exitValue(), "");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly); // ssh or a remote helper git left behind
      p.destroyForcibly();
    }
  }
}
