package dev.orchestra.toml;

import dev.orchestra.internal.AtomicFiles;
import dev.orchestra.toml.Diagnostic.Severity;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a file through core's atomic writer (temporary file, then an atomic move) and reports a
 * failure as this module's exception, with a diagnostic naming the file.
 */
final class AtomicWrite {
  private AtomicWrite() {}

  static void write(Path file, String content) {
    Path target = file.toAbsolutePath().normalize();
    try {
      AtomicFiles.writeString(target, content);
    } catch (UncheckedIOException e) {
      throw new CodexConfigException(
          "cannot write " + target,
          List.of(new Diagnostic(Severity.ERROR, target, 0, 0, "",
              "cannot write the file: " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(),
              "check that the folder exists and is writable; the file was left unchanged")));
    }
  }
}
