package dev.orchestra.internal.store;

import dev.orchestra.OrchestraException;
import dev.orchestra.internal.io.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run per workspace: an exclusive operating-system lock on {@code .orchestra/run.lock}, held
 * for the whole run. The operating system releases it when the process ends, however it ends, so a
 * crashed run never leaves it stuck; the file's text (who holds it) is only for the message a
 * second run gets. Two orchestrators in one JVM exclude each other the same way.
 */
public final class RunLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the workspace's run lock, or says who holds it.
   *
   * @param workspace the workspace
   * @param file the lock file
   * @param runId the run taking it
   * @param now when
   * @return the held lock; close it when the run ends
   * @throws OrchestraException when another run holds it, or the file cannot be opened
   */
  public static RunLock acquire(Path workspace, Path file, String runId, Instant now) {
    FileChannel channel;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new OrchestraException("cannot open the run lock " + file + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another orchestrator in this JVM
    } catch (IOException e) {
      close(channel);
      throw new OrchestraException("cannot take the run lock " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = holder(file);
      close(channel);
      throw new OrchestraException(
          "another Orchestra run is going on in " + workspace + (holder.isEmpty() ? "" : " (" + holder + ")")
              + "; wait for it to end or cancel it. Two runs would overwrite each other's plan.md and journal.");
    }
    try {
      String text = "run " + runId + ", process " + ProcessHandle.current().pid() + ", since " + now + "\n";
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
    } catch (IOException e) {
      // The lock is what counts; the text only helps a second run's message.
    }
    return new RunLock(channel, lock);
  }

  private static String holder(Path file) {
    try {
      return Text.oneLine(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing held
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    close(channel);
  }
}
