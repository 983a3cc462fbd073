package dev.orchestra.internal.workspace;

import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place Orchestra starts {@code git}: in a given work tree, with exactly the run's
 * environment, no terminal prompt, the file-system monitor and automatic housekeeping off and,
 * unless asked, the repository's hooks off (a configuration an agent planted in {@code .git} must not hand the parent's secrets to
 * a program). Thread-safe.
 */
final class Git {
  /** Git must never wait for a password on a terminal nobody watches. */
  private static final Map<String, String> NO_PROMPT = Map.of("GIT_TERMINAL_PROMPT", "0");
  /** A command that reads: long enough for any repository, short enough to notice a hung git. */
  static final Duration QUICK = Duration.ofSeconds(60);
  /**
   * A command that writes a work tree or merges (a worktree's checkout, a commit's staging, a
   * merge): these grow with the repository, and a large one can take minutes on a slow disk.
   */
  static final Duration WRITES_FILES = Duration.ofMinutes(20);

  private Git() {}

  /**
   * Checks that a run id can name the run's branches and refs.
   *
   * @throws IllegalArgumentException when it cannot, naming it
   */
  static void checkRunId(String runId) {
    if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || runId.contains("..") || runId.endsWith(".lock")) {
      throw new IllegalArgumentException("a run id must be a safe branch name, got '" + runId + "'");
    }
  }

  /**
   * How a git command ended.
   *
   * @param exitCode its exit code, or -1 when it could not start or ran over its time
   * @param out its standard output
   * @param err its standard error (or why it could not run)
   */
  record Result(int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The first line of standard error, or of standard output when git said nothing on it. */
    String why() {
      String text = err.isBlank() ? out : err;
      return text.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + exitCode);
    }
  }

  /**
   * Runs git in {@code root}; never throws for git's own failure.
   *
   * @param hooks whether the repository's hooks may run (Orchestra's own commits: only when the
   *     user asked)
   */
  static Result run(Path root, CommandEnvironment environment, boolean hooks, List<String> args) {
    return run(root, environment, hooks, Map.of(), QUICK, args);
  }

  /**
   * Runs git in {@code root} with variables added to its environment; never throws for git's own
   * failure. A thread's interrupt (a cancel) does not cut git short, which could leave a merge or
   * an index half-written: the command runs to its end or its time limit, and the interrupt is
   * kept for the caller. Git's own variables ({@code GIT_DIR}, {@code GIT_INDEX_FILE}, {@code
   * GIT_AUTHOR_NAME}...) are not passed on from the run's environment: they would point git at
   * another repository or index, or sign Orchestra's commits with someone else's name.
   *
   * @param limit how long git may run before it is stopped ({@link #QUICK} or {@link #WRITES_FILES})
   */
  static Result run(Path root, CommandEnvironment environment, boolean hooks, Map<String, String> added, Duration limit, List<String> args) {
    return run(root, environment, hooks, added, limit, args, "");
  }

  /** As {@link #run(Path, CommandEnvironment, boolean, Map, Duration, List)}, with {@code input} on git's standard input. */
  static Result run(
      Path root, CommandEnvironment environment, boolean hooks, Map<String, String> added, Duration limit, List<String> args, String input) {
    boolean interrupted = Thread.interrupted();
    try {
      return start(root, environment, hooks, added, limit, args, input);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Result start(
      Path root, CommandEnvironment environment, boolean hooks, Map<String, String> added, Duration limit, List<String> args, String input) {
    // No automatic housekeeping after Orchestra's commits and merges: a gc git starts by itself can
    // detach and outlive the run, and it costs every commit a check; the user's own git does it.
    List<String> cmd =
        new ArrayList<>(List.of("git", "-C", root.toString(), "-c", "core.fsmonitor=false", "-c", "gc.auto=0", "-c", "maintenance.auto=false"));
    if (!hooks) {
      cmd.addAll(List.of("-c", "core.hooksPath=/dev/null"));
    }
    cmd.addAll(args);
    Process p;
    try {
      Map<String, String> variables = new java.util.TreeMap<>(environment.variables());
      variables.keySet().removeIf(k -> k.startsWith("GIT_"));
      variables.putAll(NO_PROMPT);
      variables.putAll(added);
      p = CommandEnvironment.chosen(variables).processBuilder(cmd).start();
    } catch (IOException e) {
      return new Result(-1, "", "git could not start: " + e.getMessage());
    }
    try {
      // Written whole before git's output is read: only for commands that read all their input
      // before they write anything back (ref updates, an object's content).
      try (var in = p.getOutputStream()) {
        in.write(input.getBytes(StandardCharsets.UTF_8));
      }
      // Read on other threads, so the timeout holds even when git never closes its output.
      CompletableFuture<byte[]> out = readAll(p.getInputStream());
      CompletableFuture<byte[]> err = readAll(p.getErrorStream());
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Result(-1, "", "git " + String.join(" ", args) + " ran over " + limit.toSeconds() + " s and was stopped");
      }
      byte[] o = out.get(10, TimeUnit.SECONDS);
      byte[] e = err.get(10, TimeUnit.SECONDS);
      return new Result(
          p.exitValue(), o == null ? "" : new String(o, StandardCharsets.UTF_8), e == null ? "" : new String(e, StandardCharsets.UTF_8));
    } catch (IOException | ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      return new Result(-1, "", "git failed: " + e);
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(-1, "", "interrupted");
    }
  }

  private static CompletableFuture<byte[]> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            return null;
          }
        },
        r -> {
          Thread t = new Thread(r, "orchestra-git-output");
          t.setDaemon(true);
          t.start();
        });
  }
}
