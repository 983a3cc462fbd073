package dev.orchestra.model;

/**
 * Tokens one or more model calls used.
 *
 * @param inputTokens tokens sent, including cached ones
 * @param outputTokens tokens generated, including reasoning ones
 * @param cachedInputTokens the part of the input served from the provider's cache
 * @param reasoningTokens the part of the output spent on reasoning
 */
public record TokenUsage(
    long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {
  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

  /** Validates that no count is negative. */
  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** Returns input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /**
   * Returns the sum of this usage and another.
   *
   * @param other the usage to add
   * @return the sum
   */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens,
        reasoningTokens + other.reasoningTokens);
  }
}
