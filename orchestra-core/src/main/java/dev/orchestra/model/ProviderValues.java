package dev.orchestra.model;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The checks {@link ProviderConfig.Builder} makes of each value, and the base URL as it may be
 * shown. Their messages start with the Codex key, so a file reader can add file and line.
 */
final class ProviderValues {
  /** Headers the HTTP client sets itself; a table may not. */
  private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private ProviderValues() {}

  /** The URL without its user-info part, which may hold a token. */
  static String withoutUserInfo(URI url) {
    return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
  }

  static Map<String, String> frozen(Map<String, String> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** Checks {@code base_url} and returns it with its scheme in lower case. */
  static URI baseUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException("base_url must be an http or https URL with a host, got '" + withoutUserInfo(url) + "'");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "base_url must not have a query or fragment (query parameters go in query_params), got '" + withoutUserInfo(url) + "'");
    }
    return scheme.equals(url.getScheme()) ? url : URI.create(scheme + url.toString().substring(url.getScheme().length()));
  }

  /** Returns the value of header {@code name} if it can be sent; the message never holds the value. */
  static String checkHeaderValue(String name, String value) {
    Objects.requireNonNull(value, "value");
    if (!validHeaderValue(value)) {
      throw new IllegalArgumentException(
          "http_headers: the value of '" + name + "' cannot be sent: it holds a line break or another control character");
    }
    return value;
  }

  static int retries(String key, long retries) {
    if (retries < 0) {
      throw new IllegalArgumentException(key + " must be 0 or more, got " + retries);
    }
    return (int) Math.min(retries, ProviderConfig.MAX_RETRIES);
  }

  static Duration positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + d.toMillis() + " ms");
    }
    return d;
  }

  static String nonBlank(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return s;
  }

  static String checkHeaderName(String name, String key) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || !name.chars().allMatch(ProviderValues::tokenChar)) {
      throw new IllegalArgumentException(key + ": '" + name + "' is not a valid HTTP header name");
    }
    if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(key + ": '" + name + "' cannot be set: the HTTP client sets it itself");
    }
    return name;
  }

  /** RFC 9110 {@code tchar}: the characters of a header name. */
  private static boolean tokenChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** Visible ASCII, space, tab and obs-text (0x80-0xFF); no other control characters, no line breaks. */
  static boolean validHeaderValue(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff));
  }
}
