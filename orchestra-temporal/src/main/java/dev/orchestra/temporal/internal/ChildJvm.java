package dev.orchestra.temporal.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started with this one's class path, whose output lines are read as they come: the demo's
 * Temporal server and workers, and the tests' and benchmarks'. It stops when its standard input
 * ends ({@link #close}), so the programs it starts must treat that end as their signal to stop.
 * Public for Orchestra's other modules; not Orchestra's API.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /**
   * Starts {@code main} with {@code args}.
   *
   * @param main the class whose {@code main} to run, on this JVM's class path
   * @param log where its standard error goes
   * @param args its arguments
   * @throws IOException when the JVM cannot be started
   */
  public ChildJvm(Class<?> main, Path log, String... args) throws IOException {
    this(main, log, java.util.Map.of(), args);
  }

  /**
   * Starts {@code main} with {@code args}, with variables added to (or replacing those of) this
   * JVM's environment.
   *
   * @param environment the variables to set
   * @throws IOException when the JVM cannot be started
   */
  public ChildJvm(Class<?> main, Path log, java.util.Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putAll(environment);
    process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Waits for a line starting with {@code prefix}, passing over others; returns it.
   *
   * @throws IllegalStateException when it exits first, or no such line comes within {@code seconds}
   * @throws InterruptedException when interrupted meanwhile
   */
  public String await(String prefix, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !process.isAlive()) {
        throw new IllegalStateException("the child JVM exited with " + process.exitValue() + " before printing '" + prefix + "'");
      }
    }
    throw new IllegalStateException("no line starting '" + prefix + "' within " + seconds + " s");
  }

  /** Returns the lines it printed that no {@link #await} took, and forgets them. */
  public List<String> drain() {
    List<String> out = new ArrayList<>();
    lines.drainTo(out);
    return out;
  }

  /** Returns its process id. */
  public long pid() {
    return process.pid();
  }

  /** Returns the CPU time it has used so far, or zero where the system does not say. */
  public java.time.Duration cpu() {
    return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /**
   * Kills it at once (SIGKILL), as a machine lost would.
   *
   * @throws InterruptedException when interrupted while waiting for it to go
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Returns whether it still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Ends its standard input (its signal to stop), then kills it if it has not stopped in 10 s. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
