package dev.orchestra.role;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an agent may change on disk, with Codex's names, from most to least restrictive.
 *
 * <p>Orchestra enforces the sandbox in its own tools: a read-only role gets no write or patch tool
 * and runs only read-only commands (ls, cat, grep, git status/log/diff, find without actions...)
 * unless approved; a workspace-write role writes only inside the workspace root, its configured
 * writable roots and its task's write scope, with {@code ..}, absolute paths and symbolic links
 * that lead outside refused, and without following any link on the way (so a folder swapped for a
 * link cannot redirect a write).
 *
 * <p>Network, as Codex has it: full access has it, read-only has not, and workspace-write has it
 * only with {@code [sandbox_workspace_write] network_access = true} ({@code
 * Orchestrator.Builder.networkAccess}). Without it, an agent's command known to reach the network
 * ({@code curl}, {@code git fetch}, {@code npm install}, ...) is asked about or refused, and every
 * other command gets {@code CODEX_SANDBOX_NETWORK_DISABLED=1} in its environment.
 *
 * <p>What a Java process cannot do: confine a child process. A command an agent runs (a build, a
 * test) runs with the JVM's own operating-system rights and can write anywhere the user can and
 * reach any host the machine can, in every mode; the sandbox decides which commands start, in
 * which folder and with which environment, not what a started program does. For hard isolation
 * run Orchestra in a container or under an operating-system sandbox.
 */
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
