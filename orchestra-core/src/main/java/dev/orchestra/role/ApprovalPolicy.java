package dev.orchestra.role;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When an agent must ask before it runs a command or writes, with Codex's names. Orchestra asks
 * the {@link ApprovalHandler} given to the orchestrator; a denial, or no answer within the
 * approval timeout, reaches the model as a tool error, and an event records who decided.
 *
 * <ul>
 *   <li>{@link #UNTRUSTED}: asks before every write, patch and command that is not known to be
 *       read-only, where the sandbox allows it at all.
 *   <li>{@link #ON_REQUEST} and {@link #ON_FAILURE}: ask when the sandbox would refuse a command:
 *       in a read-only role, one that is not known to be read-only.
 *   <li>{@link #NEVER}: never asks; what the sandbox refuses goes back to the model as an error.
 * </ul>
 *
 * <p>No policy asks about a path the sandbox refuses (outside the workspace and its writable
 * roots, outside the task's write scope, inside {@code .git}) or about a read: those are refused,
 * or allowed, without a question.
 *
 * <p>{@code on-failure} behaves exactly like {@code on-request} in Orchestra. In Codex it means:
 * run the command in the sandbox, and ask to run it again without the sandbox only when it fails.
 * Orchestra cannot confine a child process (see {@link SandboxMode}), so it has no sandboxed first
 * attempt to fail: it asks before the command, in the same cases as {@code on-request}, and a
 * command that runs and fails is reported to the model, never turned into a question.
 */
public enum ApprovalPolicy {
  /** Ask before anything that is not known to be safe. */
  UNTRUSTED("untrusted"),
  /** The model decides when to ask. */
  ON_REQUEST("on-request"),
  /**
   * In Codex, ask only when a sandboxed attempt fails. Orchestra treats it exactly as {@link
   * #ON_REQUEST}: it asks before what the sandbox would refuse, never after a failure.
   */
  ON_FAILURE("on-failure"),
  /** Never ask; failures go back to the model. */
  NEVER("never");

  private final String configValue;

  ApprovalPolicy(String configValue) {
    this.configValue = configValue;
  }

  /** Returns the value as written in Codex's {@code config.toml}, for example {@code on-request}. */
  public String configValue() {
    return configValue;
  }

  /**
   * Returns the policy for a configuration value.
   *
   * @param value the value as written in a configuration file
   * @return the policy, or empty when the value is not one of {@link #allowedValues()}
   */
  public static Optional<ApprovalPolicy> fromConfigValue(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.configValue.equals(v)).findFirst();
  }

  /** Returns the allowed configuration values, comma separated, for error messages. */
  public static String allowedValues() {
    return Arrays.stream(values()).map(ApprovalPolicy::configValue).collect(Collectors.joining(", "));
  }

  /**
   * Returns whether this policy lets an agent act with less human oversight than {@code other}.
   * The order, strictest first, is untrusted, on-failure, on-request, never.
   *
   * @param other the policy to compare with
   * @return true when this policy is more permissive
   */
  public boolean isMorePermissiveThan(ApprovalPolicy other) {
    return permissiveness() > other.permissiveness();
  }

  private int permissiveness() {
    return switch (this) {
      case UNTRUSTED -> 0;
      case ON_FAILURE -> 1;
      case ON_REQUEST -> 2;
      case NEVER -> 3;
    };
  }
}
