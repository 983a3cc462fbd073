package dev.orchestra.gate;

import dev.orchestra.internal.io.Text;
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
 * @param key what identifies the problem from one round to the next when its wording may change,
 *     for example a failing check's command line (a model's diagnosis of the same failure is worded
 *     differently each time); empty to identify it by its gate, file and message. See {@link
 *     #fingerprint()}.
 */
public record Finding(
    String gate,
    Severity severity,
    String file,
    int line,
    String message,
    String suggestedTask,
    List<String> relatedFiles,
    String key) {

  private static final String REFUSAL_KEY = "refusal:";

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
    key = Text.oneLine(Objects.requireNonNull(key, "key"));
  }

  /**
   * Creates a finding identified by its gate, file and message.
   *
   * @param gate the name of the gate that found it
   * @param severity how serious it is
   * @param file the workspace-relative file it concerns, or an empty string
   * @param line the 1-based line in that file, or 0 when unknown
   * @param message what is wrong, one line
   * @param suggestedTask the task that would fix it, one line, or an empty string to use the message
   * @param relatedFiles other files the problem involves
   */
  public Finding(
      String gate, Severity severity, String file, int line, String message, String suggestedTask, List<String> relatedFiles) {
    this(gate, severity, file, line, message, suggestedTask, relatedFiles, "");
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
    this(gate, severity, file, line, message, suggestedTask, List.of(), "");
  }

  /**
   * Returns the finding a gate reports when its role refused to check the change: recorded as
   * what it is, in the gate's result and the run's Risks, but no work for an implementer (there is
   * nothing in the code to fix).
   *
   * @param gate the gate's name
   * @param role the role that refused
   * @param refusal the model's words
   * @return the finding
   */
  public static Finding refusal(String gate, String role, String refusal) {
    return new Finding(
        gate, Severity.HIGH, "", 0, "the " + role + " role refused to check the change: " + refusal, "", List.of(), REFUSAL_KEY + role);
  }

  /** Returns whether this finding records a role's refusal (see {@link #refusal}). */
  public boolean isRefusal() {
    return key.startsWith(REFUSAL_KEY);
  }


  /** Returns {@code file:line}, {@code file}, or an empty string. */
  public String location() {
    if (file.isEmpty()) {
      return "";
    }
    return line > 0 ? file + ":" + line : file;
  }

  /**
   * Returns a stable identity for recognising the same problem across rounds: the gate and the
   * {@link #key()} when there is one, else the gate, the file and the message with case, spacing
   * and numbers ignored (line numbers move as code changes; the problem is the same).
   */
  public String fingerprint() {
    String normalised =
        key.isEmpty()
            ? gate + "|" + file + "|" + message.toLowerCase(Locale.ROOT).replaceAll("[0-9]+", "#")
            : gate + "|key|" + key;
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
