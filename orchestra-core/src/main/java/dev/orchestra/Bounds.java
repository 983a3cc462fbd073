package dev.orchestra;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that stop a run before it is green: rounds, tokens, wall time, and the turns one agent
 * may take.
 *
 * @param maxRounds the most rounds (batch plus gates), at least 1
 * @param maxTokens the most tokens (input plus output) of all model calls, or 0 for no limit
 * @param maxWallTime the longest a run may take, or {@link Duration#ZERO} for no limit
 * @param maxAgentTurns the most model turns one agent may take on one task, at least 1
 */
public record Bounds(int maxRounds, long maxTokens, Duration maxWallTime, int maxAgentTurns) {

  /** Validates the limits. */
  public Bounds {
    Objects.requireNonNull(maxWallTime, "maxWallTime");
    if (maxRounds < 1) {
      throw new IllegalArgumentException("maxRounds must be at least 1, got " + maxRounds);
    }
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must not be negative, got " + maxTokens);
    }
    if (maxWallTime.isNegative()) {
      throw new IllegalArgumentException("maxWallTime must not be negative, got " + maxWallTime);
    }
    if (maxAgentTurns < 1) {
      throw new IllegalArgumentException("maxAgentTurns must be at least 1, got " + maxAgentTurns);
    }
  }

  /** Returns the defaults: 10 rounds, no token or time limit, 30 turns per agent. */
  public static Bounds defaults() {
    return new Bounds(10, 0, Duration.ZERO, 30);
  }

  /**
   * Returns these bounds with another round limit.
   *
   * @param rounds at least 1
   * @return the bounds
   */
  public Bounds withMaxRounds(int rounds) {
    return new Bounds(rounds, maxTokens, maxWallTime, maxAgentTurns);
  }

  /**
   * Returns these bounds with another token limit.
   *
   * @param tokens the limit, or 0 for none
   * @return the bounds
   */
  public Bounds withMaxTokens(long tokens) {
    return new Bounds(maxRounds, tokens, maxWallTime, maxAgentTurns);
  }

  /**
   * Returns these bounds with another wall-time limit.
   *
   * @param time the limit, or zero for none
   * @return the bounds
   */
  public Bounds withMaxWallTime(Duration time) {
    return new Bounds(maxRounds, maxTokens, time, maxAgentTurns);
  }

  /**
   * Returns these bounds with another turn limit per agent.
   *
   * @param turns at least 1
   * @return the bounds
   */
  public Bounds withMaxAgentTurns(int turns) {
    return new Bounds(maxRounds, maxTokens, maxWallTime, turns);
  }
}
