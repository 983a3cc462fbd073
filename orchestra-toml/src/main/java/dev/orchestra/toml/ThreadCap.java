package dev.orchestra.toml;

import java.util.Objects;

/**
 * How many agents a Codex configuration lets run at once, and where that number comes from:
 * Orchestra's thread budget. An immutable value.
 *
 * <p>Codex has two caps. Without {@code features.multi_agent_v2} it is {@code [agents]
 * max_concurrent_threads_per_session} (alias {@code max_threads}), 6 when unset, counting only the
 * agents the main one starts. With {@code multi_agent_v2} enabled it is that feature's own {@code
 * max_concurrent_threads_per_session}, which counts the main agent too (4 when unset, so 3 more);
 * an {@code [agents]} value N then stands for N + 1.
 *
 * @param agents how many agents besides the main one may run at once; at least 1
 * @param configured the number as configured (or Codex's default)
 * @param source the dotted key it comes from, or {@code default} when none is set
 * @param countsMainAgent whether {@code configured} counts the main agent
 */
public record ThreadCap(int agents, int configured, String source, boolean countsMainAgent) {
  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if agents or configured is below 1
   */
  public ThreadCap {
    Objects.requireNonNull(source, "source");
    if (agents < 1 || configured < 1) {
      throw new IllegalArgumentException("a thread cap is at least 1, got " + agents + " of " + configured);
    }
  }

  /** One line for people, for example {@code 3 agents at once (features.multi_agent_v2.max_concurrent_threads_per_session = 4, which counts the main agent)}. */
  public String describe() {
    String where = source.equals("default") ? "Codex's default of " + configured : source + " = " + configured;
    return agents + (agents == 1 ? " agent" : " agents") + " at once (" + where
        + (countsMainAgent ? ", which counts the main agent" : ", besides the main agent") + ")";
  }
}
