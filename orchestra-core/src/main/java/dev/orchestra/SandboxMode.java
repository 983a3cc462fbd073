package dev.orchestra;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What an agent may change on disk, with Codex's names, from most to least restrictive. */
public enum SandboxMode {
  /** May read anything in the workspace and change nothing. */
  READ_ONLY("read-only"),
  /** May write inside the workspace root (and configured writable roots) only. */
  WORKSPACE_WRITE("workspace-write"),
  /** No limits. Use only in a disposable environment. */
  DANGER_FULL_ACCESS("danger-full-access");

  private final String configValue;

  SandboxMode(String configValue) {
    this.configValue = configValue;
  }

  /** Returns the value as written in Codex's {@code config.toml}, for example {@code read-only}. */
  public String configValue() {
    return configValue;
  }

  /**
   * Returns the mode for a configuration value.
   *
   * @param value the value as written in a configuration file
   * @return the mode, or empty when the value is not one of {@link #allowedValues()}
   */
  public static Optional<SandboxMode> fromConfigValue(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.configValue.equals(v)).findFirst();
  }

  /** Returns the allowed configuration values, comma separated, for error messages. */
  public static String allowedValues() {
    return Arrays.stream(values()).map(SandboxMode::configValue).collect(Collectors.joining(", "));
  }

  /** Returns whether an agent in this mode may write files. */
  public boolean allowsWrites() {
    return this != READ_ONLY;
  }

  /**
   * Returns whether this mode allows more than {@code other}.
   *
   * @param other the mode to compare with
   * @return true when this mode is more permissive
   */
  public boolean isMorePermissiveThan(SandboxMode other) {
    return ordinal() > other.ordinal();
  }
}
