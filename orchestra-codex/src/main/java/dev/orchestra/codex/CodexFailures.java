package dev.orchestra.codex;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    // The HTTP status as Codex words it ("last status: 429", "unexpected status 401", or the
    // app-server's {"httpStatusCode":401}); never a number inside a URL or an id.
    Matcher s = STATUS.matcher(m);
    int status = s.find() ? Integer.parseInt(s.group(1) != null ? s.group(1) : s.group(2)) : 0;
    if (m.contains("usage limit") || m.contains("usagelimitexceeded") || m.contains("usage_limit") || m.contains("insufficient_quota")
        || m.contains("quota exceeded")) {
      return new QuotaExhaustedException("Codex stopped on a usage limit: " + message);
    }
    if (status == 429 || m.contains("too many requests") || m.contains("ratelimitexceeded")) {
      return new RateLimitedException("Codex was rate limited: " + message, null);
    }
    if (status == 401 || status == 403 || m.contains("\"unauthorized\"") || m.contains("not logged in") || m.contains("sign in again")
        || m.contains("log out and sign in") || m.contains("refresh token")) {
      return new AuthenticationException(
          "Codex's sign-in was refused (" + message + "); run `codex login` (with the same CODEX_HOME) and resume the run");
    }
    if (m.contains("contextwindowexceeded") || m.contains("context window") || m.contains("badrequest") || status == 400 || status == 404
        || status == 422) {
      return new RejectedRequestException("Codex's request was refused: " + message);
    }
    return new TransientModelException("Codex failed: " + message + stderrPart(stderrTail));
  }

  private static final Pattern STATUS = Pattern.compile("(?:last status:?|unexpected status)\\s+(\\d{3})\\b|\"httpstatuscode\"\\s*:\\s*(\\d{3})");

  /** A process that ended without saying why a turn failed: a crash, a kill, garbage on its output. */
  static ModelProviderException processFailed(String what, String stderrTail) {
    return new TransientModelException("Codex " + what + stderrPart(stderrTail));
  }

  private static String stderrPart(String stderrTail) {
    return stderrTail.isBlank() ? "" : "; its last error output: " + stderrTail.strip();
  }
}
