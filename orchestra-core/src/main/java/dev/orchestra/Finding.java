package dev.orchestra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One problem a gate found.
 *
 * @param gate the name of the gate that found it
 * @param severity how serious it is
 * @param file the workspace-relative file it concerns, or an empty string
 * @param line the 1-based line in that file, or 0 when unknown
 * @param message what is wrong, one line
 * @param suggestedTask the task that would fix it, one line, or an empty string to use the message
 * @param relatedFiles other workspace-relative files the problem involves, beyond {@code file}:
 *     for a failing command, the script it ran and the files its output names. A finding's task
 *     may write them, since the file a diagnosis names is often not the one that needs the fix.
 */
public record Finding(
    String gate,
    Severity severity,
    String file,
    int line,
    String message,
    String suggestedTask,
    List<String> relatedFiles) {

  /** Validates and normalises the components. */
  public Finding {
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(severity, "severity");
    file = Text.oneLine(Objects.requireNonNull(file, "file"));
    if (line < 0) {
      throw new IllegalArgumentException("line must not be negative, got " + line);
    }
    message = Text.oneLine(Objects.requireNonNull(message, "message"));
    if (message.isEmpty()) {
      throw new IllegalArgumentException("a finding needs a message");
    }
    suggestedTask = Text.oneLine(Objects.requireNonNull(suggestedTask, "suggestedTask"));
    relatedFiles = List.copyOf(relatedFiles);
  }

  /**
   * Creates a finding with no related files.
   *
   * @param gate the name of the gate that found it
   * @param severity how serious it is
   * @param file the workspace-relative file it concerns, or an empty string
   * @param line the 1-based line in that file, or 0 when unknown
   * @param message what is wrong, one line
   * @param suggestedTask the task that would fix it, one line, or an empty string to use the message
   */
  public Finding(String gate, Severity severity, String file, int line, String message, String suggestedTask) {
    this(gate, severity, file, line, message, suggestedTask, List.of());
  }


  /** Returns {@code file:line}, {@code file}, or an empty string. */
  public String location() {
    if (file.isEmpty()) {
      return "";
    }
    return line > 0 ? file + ":" + line : file;
  }

  /**
   * Returns a stable identity for deduplication across rounds: the gate, the file and the message
   * with case, spacing and numbers ignored (line numbers move as code changes; the problem is the
   * same).
   */
  public String fingerprint() {
    String normalised =
        gate + "|" + file + "|" + message.toLowerCase(Locale.ROOT).replaceAll("[0-9]+", "#");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Returns the title of the task that fixes this finding. */
  public String taskTitle() {
    return suggestedTask.isEmpty() ? message : suggestedTask;
  }
}
