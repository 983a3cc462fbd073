package dev.orchestra.codex;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.TransientModelException;
import java.util.Locale;

/**
 * Reads why a Codex turn failed from the message Codex printed, into the failure a model provider
 * would have thrown, so the run treats a Codex agent's failures as it treats a provider's. Codex
 * 0.169.0 says, for example, "exceeded retry limit, last status: 429 Too Many Requests" for a rate
 * limit, "You've hit your usage limit. ..." for a plan's usage limit (HTTP 429 with the code
 * {@code usage_limit_reached}), and "unexpected status 401 Unauthorized: ..." for a bad sign-in.
 */
final class CodexFailures {
  private CodexFailures() {}

  /**
   * Classifies a failed turn.
   *
   * @param message Codex's message for the failure
   * @param stderrTail the last lines Codex wrote to its standard error, for a failure of unknown kind
   */
  static ModelProviderException classify(String message, String stderrTail) {
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("usage limit") || m.contains("usage_limit") || m.contains("insufficient_quota") || m.contains("quota")) {
      return new QuotaExhaustedException("Codex stopped on a usage limit: " + message);
    }
    if (m.contains("429") || m.contains("too many requests") || m.contains("rate limit")) {
      return new RateLimitedException("Codex was rate limited: " + message, null);
    }
    if (m.contains("401") || m.contains("unauthorized") || m.contains("403 forbidden") || m.contains("not logged in")
        || m.contains("login") && m.contains("expired")) {
      return new AuthenticationException(
          "Codex's sign-in was refused (" + message + "); run `codex login` (with the same CODEX_HOME) and resume the run");
    }
    return new TransientModelException("Codex failed: " + message + stderrPart(stderrTail));
  }

  /** A process that ended without saying why a turn failed: a crash, a kill, garbage on its output. */
  static ModelProviderException processFailed(String what, String stderrTail) {
    return new TransientModelException("Codex " + what + stderrPart(stderrTail));
  }

  private static String stderrPart(String stderrTail) {
    return stderrTail.isBlank() ? "" : "; its last error output: " + stderrTail.strip();
  }
}
