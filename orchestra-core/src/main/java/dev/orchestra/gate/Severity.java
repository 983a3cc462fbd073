package dev.orchestra.gate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How serious a gate finding is, most serious first. */
public enum Severity {
  /** Must be fixed before anything ships. */
  CRITICAL,
  /** A real defect that should be fixed now. */
  HIGH,
  /** Worth fixing in this change. */
  MEDIUM,
  /** Minor. */
  LOW,
  /** Information only. */
  INFO;

  /**
   * Returns the severity for a word such as {@code "high"}, ignoring case; {@code "blocker"} and
   * {@code "must-fix"} mean critical.
   *
   * @param value the word
   * @return the severity, or empty when the word is unknown
   */
  public static Optional<Severity> parse(String value) {
    String v = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (v.equals("BLOCKER") || v.equals("MUST_FIX")) {
      return Optional.of(CRITICAL);
    }
    return Arrays.stream(values()).filter(s -> s.name().equals(v)).findFirst();
  }
}
