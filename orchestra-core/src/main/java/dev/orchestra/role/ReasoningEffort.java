package dev.orchestra.role;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How hard a model should think before it answers.
 *
 * <p>The six values Codex and OpenAI document are constants here; any other non-blank string a
 * provider accepts (for example a new effort level) is kept exactly as given, so configurations
 * written for newer models still load.
 *
 * @param value the wire value, for example {@code "medium"}; never blank
 */
public record ReasoningEffort(String value) {
  /** No reasoning. */
  public static final ReasoningEffort NONE = new ReasoningEffort("none");
  /** The least reasoning a reasoning model does. */
  public static final ReasoningEffort MINIMAL = new ReasoningEffort("minimal");
  /** Little reasoning: for roles that execute. */
  public static final ReasoningEffort LOW = new ReasoningEffort("low");
  /** Moderate reasoning: for roles that create. */
  public static final ReasoningEffort MEDIUM = new ReasoningEffort("medium");
  /** Deep reasoning. */
  public static final ReasoningEffort HIGH = new ReasoningEffort("high");
  /** The deepest reasoning: for roles that decide. */
  public static final ReasoningEffort XHIGH = new ReasoningEffort("xhigh");

  private static final List<ReasoningEffort> KNOWN = List.of(NONE, MINIMAL, LOW, MEDIUM, HIGH, XHIGH);

  /**
   * Validates the value.
   *
   * @throws IllegalArgumentException if the value is blank or contains whitespace
   */
  public ReasoningEffort {
    Objects.requireNonNull(value, "value");
    if (value.isBlank() || !value.strip().equals(value)) {
      throw new IllegalArgumentException(
          "reasoning effort must be a non-blank string without surrounding spaces, got '" + value + "'");
    }
  }

  /**
   * Returns the effort for a wire value. Known values are matched without regard to case and
   * return the shared constant; anything else is kept as given.
   *
   * @param value the value, for example {@code "high"}
   * @return the effort
   * @throws IllegalArgumentException if the value is blank
   */
  public static ReasoningEffort of(String value) {
    Objects.requireNonNull(value, "value");
    String lower = value.strip().toLowerCase(Locale.ROOT);
    for (ReasoningEffort known : KNOWN) {
      if (known.value.equals(lower)) {
        return known;
      }
    }
    return new ReasoningEffort(value.strip().isEmpty() ? value : value.strip());
  }

  /** Returns the six documented values, from least to most effort. */
  public static List<ReasoningEffort> known() {
    return KNOWN;
  }

  /** Returns whether this is one of the six documented values. */
  public boolean isKnown() {
    return KNOWN.contains(this);
  }

  @Override
  public String toString() {
    return value;
  }
}
