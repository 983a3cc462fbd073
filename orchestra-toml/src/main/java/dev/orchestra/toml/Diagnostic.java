package dev.orchestra.toml;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in a Codex configuration: how bad it is, where it is and how to fix it.
 *
 * <p>Diagnostics are immutable values and safe to share between threads. Their {@link #toString()}
 * reads like a compiler message, for example:
 *
 * <pre>{@code
 * ERROR /repo/.codex/config.toml:4:1 [agents.max_threads] max_threads must be at least 1, got 0
 *   fix: set agents.max_threads to 1 or more (Codex's default is 6)
 * }</pre>
 *
 * @param severity whether the problem stops a load ({@link Severity#ERROR}) or is only reported
 * @param file the file the problem is in (or the folder, when no file could be read)
 * @param line the 1-based line of the key or value, or 0 when the problem has no position
 * @param column the 1-based column, or 0 when the problem has no position
 * @param keyPath the dotted TOML key the problem is about, for example {@code agents.reviewer}, or
 *     empty when it is about the whole file
 * @param message what is wrong, naming the offending value
 * @param fixHint how to fix it, or empty when there is nothing better to say than the message
 */
public record Diagnostic(
    Severity severity, Path file, int line, int column, String keyPath, String message, String fixHint) {

  /** How bad a {@link Diagnostic} is. */
  public enum Severity {
    /** Codex would refuse the configuration; {@link CodexConfig#load()} throws. */
    ERROR,
    /** Codex would load the configuration but ignore or reinterpret part of it, and says so. */
    WARNING,
    /** Orchestra's own advice, which Codex does not give: a setting with no effect, a deliberate difference. */
    NOTE
  }

  /**
   * Checks the components.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if line or column is negative
   */
  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keyPath, "keyPath");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fixHint, "fixHint");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be 0 or more, got " + line + ":" + column);
    }
  }

  /** Returns whether this diagnostic is an {@link Severity#ERROR}. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * Returns the diagnostic as one or two lines: severity, {@code file:line:column}, key, message,
   * and the fix on a second line when there is one.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append(severity).append(' ').append(file);
    if (line > 0) {
      b.append(':').append(line).append(':').append(column);
    }
    if (!keyPath.isEmpty()) {
      b.append(" [").append(keyPath).append(']');
    }
    b.append(' ').append(message);
    if (!fixHint.isEmpty()) {
      b.append(System.lineSeparator()).append("  fix: ").append(fixHint);
    }
    return b.toString();
  }
}
