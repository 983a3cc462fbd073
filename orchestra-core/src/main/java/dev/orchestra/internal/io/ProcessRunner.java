package dev.orchestra.internal.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process with a timeout that kills its whole tree, capturing stdout and stderr together,
 * capped at a size: the first half of the cap and the last half are kept, the middle is cut with a
 * note, so both the command's start and its final error survive.
 */
public final class ProcessRunner {
  /** How a run ended. */
  public record Outcome(int exitCode, boolean timedOut, String output, long outputBytes) {}

  private ProcessRunner() {}

  /**
   * Runs the command with exactly the given environment: the process is made by {@link
   * CommandEnvironment#processBuilder(List)}, so nothing of the JVM's own environment reaches it.
   *
   * @throws IOException when the program cannot be started (for example it is not on the PATH)
   * @throws InterruptedException when the calling thread is interrupted; the tree is killed first
   */
  public static Outcome run(
      List<String> command,
      Path workingDirectory,
      CommandEnvironment environment,
      Duration timeout,
      int maxOutputBytes)
      throws IOException, InterruptedException {
    ProcessBuilder pb = environment.processBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
    Process process = pb.start();
    process.getOutputStream().close();
    CappedCollector collector = new CappedCollector(process.getInputStream(), maxOutputBytes);
    Thread reader = new Thread(collector, "orchestra-process-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    }
    if (!finished) {
      killTree(process);
      process.waitFor(5, TimeUnit.SECONDS);
    }
    // A grandchild that outlives its parent may keep the pipe open; do not wait on it for ever.
    reader.join(finished ? 5_000 : 2_000);
    if (reader.isAlive()) {
      process.getInputStream().close();
      reader.join(1_000);
    }
    int exit = finished ? process.exitValue() : -1;
    return new Outcome(exit, !finished, collector.text(), collector.total());
  }

  /** Kills the descendants first (while they are still known as ours), then the process. */
  public static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    // Children started between the snapshot and the parent's death: one more pass.
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  /** Reads a stream to its end, keeping the head and tail within the cap. */
  public static final class CappedCollector implements Runnable {
    private final InputStream in;
    private final int headCap;
    private final int tailCap;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final byte[] tail;
    private int tailStart;
    private int tailLength;
    private long total;

    CappedCollector(InputStream in, int maxBytes) {
      if (maxBytes < 2) {
        throw new IllegalArgumentException("output cap must be at least 2 bytes");
      }
      this.in = in;
      this.headCap = maxBytes / 2;
      this.tailCap = maxBytes - headCap;
      this.tail = new byte[tailCap];
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          accept(buf, n);
        }
      } catch (IOException e) {
        // The stream was closed under us (timeout or a lingering grandchild): keep what we have.
      }
    }

    private synchronized void accept(byte[] buf, int n) {
      total += n;
      int off = 0;
      if (head.size() < headCap) {
        int take = Math.min(n, headCap - head.size());
        head.write(buf, 0, take);
        off = take;
      }
      for (int i = off; i < n; i++) {
        int pos = (tailStart + tailLength) % tailCap;
        tail[pos] = buf[i];
        if (tailLength < tailCap) {
          tailLength++;
        } else {
          tailStart = (tailStart + 1) % tailCap;
        }
      }
    }

    synchronized long total() {
      return total;
    }

    synchronized String text() {
      StringBuilder out = new StringBuilder(head.toString(StandardCharsets.UTF_8));
      long cut = total - head.size() - tailLength;
      if (cut > 0) {
        out.append("\n[... ").append(cut).append(" bytes of output cut ...]\n");
      }
      byte[] t = new byte[tailLength];
      for (int i = 0; i < tailLength; i++) {
        t[i] = tail[(tailStart + i) % tailCap];
      }
      out.append(new String(t, StandardCharsets.UTF_8));
      return out.toString();
    }
  }
}
