package dev.orchestra.event;

import dev.orchestra.internal.json.EventJson;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes every event to a file as JSON lines, in the journal's format. Thread-safe. An I/O error
 * while writing is thrown to the caller (and so logged and swallowed by a composite listener).
 */
public final class JsonLinesListener implements OrchestraListener, AutoCloseable {
  private final Path file;
  private final OutputStream out;

  JsonLinesListener(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      this.out = new FileOutputStream(file.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + " for events: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void onEvent(OrchestraEvent event) {
    try {
      out.write((EventJson.line(event) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write events to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Closes the file. */
  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
