package dev.orchestra;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that stop a run before it is green: rounds, tokens, wall time, the turns one agent may
 * take, and the attempts one finding gets.
 *
 * @param maxRounds the most rounds (batch plus gates), at least 1
 * @param maxTokens the most tokens (input plus output) of all model calls, or 0 for no limit; a
 *     resumed run counts the tokens its earlier parts used, so resume with a higher limit
 * @param maxWallTime the longest one run (or one resume) may take, or {@link Duration#ZERO} for no
 *     limit
 * @param maxAgentTurns the most model turns one agent may take on one task, at least 1
 * @param maxFindingAttempts the most attempts a finding's task gets while its gate keeps reporting
 *     it, at least 1; at the limit the orchestrator role is asked for a new plan once, and a
 *     finding still reported after that stops the run with {@link StopReason#ATTEMPTS_EXHAUSTED}
 */
public record Bounds(int maxRounds, long maxTokens, Duration maxWallTime, int maxAgentTurns, int maxFindingAttempts) {

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
    if (maxFindingAttempts < 1) {
      throw new IllegalArgumentException("maxFindingAttempts must be at least 1, got " + maxFindingAttempts);
    }
  }

  /**
   * Creates bounds with the default of 3 attempts per finding.
   *
   * @param maxRounds the most rounds, at least 1
   * @param maxTokens the most tokens, or 0 for no limit
   * @param maxWallTime the longest a run may take, or zero for no limit
   * @param maxAgentTurns the most model turns per agent and task, at least 1
   */
  public Bounds(int maxRounds, long maxTokens, Duration maxWallTime, int maxAgentTurns) {
    this(maxRounds, maxTokens, maxWallTime, maxAgentTurns, 3);
  }

  /**
   * Returns the defaults: 10 rounds, no token or time limit, 30 turns per agent, 3 attempts per
   * finding.
   */
  public static Bounds defaults() {
    return new Bounds(10, 0, Duration.ZERO, 30, 3);
  }

  /**
   * Returns these bounds with another round limit.
   *
   * @param rounds at least 1
   * @return the bounds
   */
  public Bounds withMaxRounds(int rounds) {
    return new Bounds(rounds, maxTokens, maxWallTime, maxAgentTurns, maxFindingAttempts);
  }

  /**
   * Returns these bounds with another token limit.
   *
   * @param tokens the limit, or 0 for none
   * @return the bounds
   */
  public Bounds withMaxTokens(long tokens) {
    return new Bounds(maxRounds, tokens, maxWallTime, maxAgentTurns, maxFindingAttempts);
  }

  /**
   * Returns these bounds with another wall-time limit.
   *
   * @param time the limit, or zero for none
   * @return the bounds
   */
  public Bounds withMaxWallTime(Duration time) {
    return new Bounds(maxRounds, maxTokens, time, maxAgentTurns, maxFindingAttempts);
  }

  /**
   * Returns these bounds with another turn limit per agent.
   *
   * @param turns at least 1
   * @return the bounds
   */
  public Bounds withMaxAgentTurns(int turns) {
    return new Bounds(maxRounds, maxTokens, maxWallTime, turns, maxFindingAttempts);
  }

  /**
   * Returns these bounds with another attempt limit per finding.
   *
   * @param attempts at least 1
   * @return the bounds
   */
  public Bounds withMaxFindingAttempts(int attempts) {
    return new Bounds(maxRounds, maxTokens, maxWallTime, maxAgentTurns, attempts);
  }
}
