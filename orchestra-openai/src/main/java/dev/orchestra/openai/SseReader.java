package dev.orchestra.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events as the WHATWG algorithm describes: lines end with LF, CRLF or CR;
 * {@code :} starts a comment; one space after {@code field:} is dropped; several {@code data:}
 * lines join with LF; a blank line dispatches the event; a block without data dispatches nothing.
 * Bytes may arrive split anywhere, even inside a UTF-8 character: lines are decoded whole.
 *
 * <p>Not thread-safe: one reader per stream.
 */
final class SseReader {
  /** One event. */
  record Event(String name, String data) {}

  private final InputStream in;
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int len;
  private boolean lastWasCr;
  private long bytesRead;

  SseReader(InputStream in) {
    this.in = in;
  }

  long bytesRead() {
    return bytesRead;
  }

  /** Returns the next event, or null at the end of the stream. */
  Event next() throws IOException {
    String name = null;
    StringBuilder data = null;
    while (true) {
      String line = readLine();
      if (line == null) {
        return null; // an event without its blank line at the end is not dispatched
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(name == null ? "message" : name, data.toString());
        }
        name = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> name = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> { } // id, retry and unknown fields do not matter here
      }
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = null;
    while (true) {
      if (pos == len) {
        len = in.read(buf);
        pos = 0;
        if (len <= 0) {
          len = 0;
          return line == null ? null : line.toString(StandardCharsets.UTF_8);
        }
        bytesRead += len;
      }
      int start = pos;
      while (pos < len) {
        byte b = buf[pos];
        if (b == '\n' || b == '\r') {
          if (b == '\n' && lastWasCr && pos == start && line == null) {
            // the LF of a CRLF whose CR ended the previous line
            lastWasCr = false;
            pos++;
            start = pos;
            continue;
          }
          lastWasCr = b == '\r';
          String s;
          if (line == null) {
            s = new String(buf, start, pos - start, StandardCharsets.UTF_8);
          } else {
            line.write(buf, start, pos - start);
            s = line.toString(StandardCharsets.UTF_8);
          }
          pos++;
          return s;
        }
        lastWasCr = false;
        pos++;
      }
      if (line == null) {
        line = new ByteArrayOutputStream();
      }
      line.write(buf, start, pos - start);
    }
  }
}
