package dev.orchestra.openai;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key. Its {@link #toString()} is a redaction marker, so a key never reaches a log line,
 * an event or an exception message by accident; only this module reads the value, to send it.
 */
public final class ApiKey {
  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  /**
   * Wraps a key.
   *
   * @param value the key; not blank
   * @return the key
   * @throws IllegalArgumentException when the key is blank (the message does not contain it)
   */
  public static ApiKey of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("an API key must not be blank");
    }
    return new ApiKey(value.strip());
  }

  /**
   * Reads a key from an environment variable.
   *
   * @param environment the environment, usually {@link System#getenv()}
   * @param variable the variable's name, for example {@code OPENAI_API_KEY}
   * @return the key, or empty when the variable is unset or blank
   */
  public static Optional<ApiKey> fromEnvironment(Map<String, String> environment, String variable) {
    String v = environment.get(variable);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(new ApiKey(v.strip()));
  }

  String value() {
    return value;
  }

  /** Replaces every occurrence of the key in a text, for messages that quote a server's answer. */
  String redact(String text) {
    return text == null ? "" : text.replace(value, "[redacted]");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey k && k.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "ApiKey[redacted]";
  }
}
