package dev.orchestra.internal.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Writes files so that a reader or a crash sees the old content or the new, never a mix: the
 * bytes go to a temporary file in the target's folder, which is then moved over the target
 * atomically. Not part of Orchestra's API: other Orchestra modules use it; users should not.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes UTF-8 text atomically, creating missing parent folders.
   *
   * @param file the target
   * @param content the text
   * @throws java.io.UncheckedIOException when the file cannot be written; the target is unchanged
   */
  public static void writeString(Path file, String content) {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes UTF-8 text atomically, creating missing parent folders, and gives the new file the
   * given POSIX permissions before it replaces the target (a plain write leaves the temporary
   * file's owner-only {@code 0600}).
   *
   * @param file the target
   * @param content the text
   * @param permissions the permissions the written file gets
   * @throws java.io.UncheckedIOException when the file cannot be written; the target is unchanged
   * @throws UnsupportedOperationException when the file system has no POSIX permissions
   */
  public static void writeString(Path file, String content, Set<PosixFilePermission> permissions) {
    write(file, content.getBytes(StandardCharsets.UTF_8), Set.copyOf(permissions), () -> true);
  }

  /**
   * Writes bytes atomically, creating missing parent folders.
   *
   * @param file the target
   * @param content the bytes
   * @throws java.io.UncheckedIOException when the file cannot be written; the target is unchanged
   */
  public static void write(Path file, byte[] content) {
    write(file, content, null, () -> true);
  }

  /**
   * Writes UTF-8 text atomically unless, with the new content ready beside the target, {@code
   * stillMine} says the target has changed hands: the last moment to notice that someone else
   * wrote it, as short a window as a rename allows.
   *
   * @param file the target
   * @param content the text
   * @param stillMine asked just before the move; false leaves the target as it is
   * @return whether the file was written
   * @throws java.io.UncheckedIOException when the file cannot be written; the target is unchanged
   */
  public static boolean writeStringUnlessChanged(Path file, String content, java.util.function.BooleanSupplier stillMine) {
    return write(file, content.getBytes(StandardCharsets.UTF_8), null, stillMine);
  }

  private static boolean write(
      Path file, byte[] content, Set<PosixFilePermission> permissions, java.util.function.BooleanSupplier stillMine) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // Same folder as the target, so the move is a rename on one file system.
      tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
      Files.write(tmp, content);
      if (permissions != null) {
        Files.setPosixFilePermissions(tmp, permissions);
      }
      if (!stillMine.getAsBoolean()) {
        return false; // the finally block removes the temporary file
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + absolute + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write already failed; that failure is the one to report.
        }
      }
    }
  }
}
