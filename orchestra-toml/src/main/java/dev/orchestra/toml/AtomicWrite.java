package dev.orchestra.toml;

import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.toml.Diagnostic.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a file through core's atomic writer (temporary file, then an atomic move) and reports a
 * failure as this module's exception, with a diagnostic naming the file. A symbolic link is
 * written through: its target is replaced and the link stays. The replaced file keeps its POSIX
 * permissions.
 */
final class AtomicWrite {
  private AtomicWrite() {}

  static void write(Path file, String content) {
    Path target = file.toAbsolutePath().normalize();
    try {
      Path real = realPath(target);
      Optional<Set<PosixFilePermission>> permissions = permissions(real);
      if (permissions.isPresent()) {
        AtomicFiles.writeString(real, content, permissions.get());
      } else {
        AtomicFiles.writeString(real, content);
      }
    } catch (UncheckedIOException e) {
      throw new CodexConfigException(
          "cannot write " + target,
          List.of(new Diagnostic(Severity.ERROR, target, 0, 0, "",
              "cannot write the file: " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(),
              "check that the folder exists and is writable; the file was left unchanged")));
    }
  }

  /**
   * Returns the file a link points to (following every link), or the path when it does not exist.
   * A link whose target does not exist yet is followed too (up to a few hops), so writing creates
   * the target and the link stays a link.
   */
  private static Path realPath(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      Path p = file;
      for (int hops = 0; hops < 8 && Files.isSymbolicLink(p); hops++) {
        try {
          // The link's folder resolved for real first: normalising '..' in the text would go
          // wrong when that folder is itself reached through a link.
          p = p.toAbsolutePath().getParent().toRealPath().resolve(Files.readSymbolicLink(p));
        } catch (IOException unreadable) {
          return file;
        }
      }
      return Files.isSymbolicLink(p) ? file : p; // a loop of links: written in the first link's place
    }
  }

  /** Returns the permissions of an existing file on a POSIX file system. */
  private static Optional<Set<PosixFilePermission>> permissions(Path file) {
    if (!Files.exists(file) || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.getPosixFilePermissions(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
