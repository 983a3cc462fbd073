package dev.orchestra.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps OpenAI's HTTP and stream errors to the core's typed failures, with the retry decision and
 * the server's wait. Lenient about body shapes: {@code error} may be an object or a string, {@code
 * code} a string or a number; compatible servers vary.
 */
final class ErrorMapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRY_AGAIN = Pattern.compile("(?i)try again in\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|seconds?)\\b");
  private static final Pattern RETRY_AFTER_SECONDS = Pattern.compile("(?i)retry after\\s*(\\d+)\\s*seconds?");

  private ErrorMapper() {}

  /** What an error body says. */
  record ErrorBody(String message, String type, String code, String param) {
    boolean is(String value) {
      return value.equalsIgnoreCase(type) || value.equalsIgnoreCase(code);
    }
  }

  static ErrorBody parse(String body) {
    try {
      JsonNode root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
      JsonNode e = root.has("error") ? root.get("error") : root;
      if (e.isTextual()) {
        return new ErrorBody(e.asText(), "", "", "");
      }
      return new ErrorBody(text(e, "message"), text(e, "type"), text(e, "code"), text(e, "param"));
    } catch (Exception notJson) {
      String b = body == null ? "" : body.strip();
      return new ErrorBody(b.length() > 300 ? b.substring(0, 300) + "..." : b, "", "", "");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** Maps an HTTP answer that is not 2xx. */
  static Failure fromHttp(int status, HttpHeaders headers, String body, String where, ApiKey key, Clock clock) {
    ErrorBody e = parse(body);
    String requestId = headers.firstValue("x-request-id").map(id -> " (request " + id + ")").orElse("");
    String what = describe(status, e, where) + requestId;
    if (key != null) {
      what = key.redact(what);
    }
    Optional<Boolean> shouldRetry = headers.firstValue("x-should-retry").map(v -> v.strip().equalsIgnoreCase("true"));
    Duration wait = retryAfter(headers, e.message(), clock).orElse(null);
    Failure f =
        switch (status) {
          case 401, 403 -> new Failure(new AuthenticationException(what), false, null);
          case 429 -> {
            if (e.is("insufficient_quota") || e.is("credit_balance_exhausted") || e.is("usage_limit_reached") || e.is("usage_not_included")) {
              yield new Failure(new QuotaExhaustedException(what), false, null);
            }
            if (e.message().toLowerCase(Locale.ROOT).contains("request too large")) {
              yield new Failure(new RejectedRequestException(what + "; make the request smaller"), false, null);
            }
            yield new Failure(new RateLimitedException(what, wait), true, wait);
          }
          case 408, 409 -> new Failure(new TransientModelException(what), true, wait);
          default -> status >= 500
              ? new Failure(new TransientModelException(what), true, wait)
              : new Failure(new RejectedRequestException(rejection(what, e)), false, null);
        };
    // The server's x-should-retry decides, except for what can never succeed as sent: an exhausted
    // quota, and a 429 that says the request is too large.
    boolean hopeless =
        f.mapped().kind() == ModelProviderException.Kind.QUOTA_EXHAUSTED
            || (status == 429 && f.mapped().kind() == ModelProviderException.Kind.REJECTED);
    if (shouldRetry.isPresent() && !hopeless) {
      return new Failure(f.mapped(), shouldRetry.get(), wait);
    }
    return f;
  }

  /** Maps a {@code response.failed} event or an {@code error} event inside a stream. */
  static Failure fromStream(ErrorBody e, String where, ApiKey key) {
    String what = "stream from " + where + " failed: " + (e.code().isEmpty() ? e.type() : e.code()) + ": " + e.message();
    if (key != null) {
      what = key.redact(what);
    }
    if (e.is("insufficient_quota") || e.is("credit_balance_exhausted") || e.is("usage_limit_reached")) {
      return new Failure(new QuotaExhaustedException(what), false, null);
    }
    if (e.is("context_length_exceeded") || e.is("invalid_prompt") || e.is("invalid_request_error")) {
      return new Failure(new RejectedRequestException(what), false, null);
    }
    if (e.is("rate_limit_exceeded") || e.is("too_many_requests") || e.is("requests") || e.is("tokens")) {
      Duration wait = tryAgainIn(e.message()).orElse(null);
      return new Failure(new RateLimitedException(what, wait), true, wait);
    }
    return new Failure(new TransientModelException(what), true, null);
  }

  private static String describe(int status, ErrorBody e, String where) {
    StringBuilder b = new StringBuilder("HTTP ").append(status).append(" from ").append(where);
    String kind = !e.code().isEmpty() ? e.code() : e.type();
    if (!kind.isEmpty()) {
      b.append(" (").append(kind).append(')');
    }
    if (!e.message().isEmpty()) {
      b.append(": ").append(e.message().replaceAll("\\s+", " ").strip());
    }
    return b.toString();
  }

  private static String rejection(String what, ErrorBody e) {
    if (e.param().contains("reasoning") && e.is("unsupported_value")) {
      return what + "; choose a reasoning effort this model supports (model_reasoning_effort)";
    }
    return what;
  }

  /** The server's wait, with dates read against the system clock. */
  static Optional<Duration> retryAfter(HttpHeaders headers, String message) {
    return retryAfter(headers, message, Clock.systemUTC());
  }

  /** The server's wait: retry-after-ms, then retry-after (seconds or an HTTP date), then the text. */
  static Optional<Duration> retryAfter(HttpHeaders headers, String message, Clock clock) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        double v = Double.parseDouble(ms.get().strip());
        if (v >= 0) {
          return Optional.of(Duration.ofNanos((long) (v * 1_000_000)));
        }
      } catch (NumberFormatException ignored) {
        // fall through to the next source
      }
    }
    Optional<String> ra = headers.firstValue("retry-after");
    if (ra.isPresent()) {
      String v = ra.get().strip();
      try {
        double seconds = Double.parseDouble(v);
        if (seconds >= 0) {
          return Optional.of(Duration.ofNanos((long) (seconds * 1_000_000_000L)));
        }
      } catch (NumberFormatException notSeconds) {
        try {
          ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
          Duration d = Duration.between(clock.instant(), at.toInstant());
          return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (RuntimeException ignored) {
          // fall through to the message
        }
      }
    }
    return tryAgainIn(message);
  }

  static Optional<Duration> tryAgainIn(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher m = TRY_AGAIN.matcher(message);
    if (m.find()) {
      double v = Double.parseDouble(m.group(1));
      return Optional.of(m.group(2).equalsIgnoreCase("ms") ? Duration.ofNanos((long) (v * 1_000_000)) : Duration.ofNanos((long) (v * 1e9)));
    }
    Matcher azure = RETRY_AFTER_SECONDS.matcher(message);
    if (azure.find()) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(azure.group(1))));
    }
    return Optional.empty();
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /**
   * Parses a rate-limit reset such as {@code 1s}, {@code 6m0s}, {@code 12ms} or {@code 1m26.4s}; a
   * bare number is seconds. Empty for anything else.
   */
  static Optional<Duration> parseReset(String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (seconds * 1e9)));
    } catch (NumberFormatException notBare) {
      // Go-style duration below
    }
    Matcher m = DURATION_PART.matcher(v);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return Optional.empty();
      }
      double n = Double.parseDouble(m.group(1));
      nanos += switch (m.group(2)) {
        case "h" -> (long) (n * 3_600e9);
        case "m" -> (long) (n * 60e9);
        case "s" -> (long) (n * 1e9);
        default -> (long) (n * 1e6);
      };
      end = m.end();
    }
    return end == v.length() && end > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
  }
}
