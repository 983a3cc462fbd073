package dev.orchestra.openai.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request the {@link FakeOpenAiServer} received.
 *
 * @param method the HTTP method
 * @param path the path, for example {@code /v1/responses}
 * @param query the raw query string, or an empty string
 * @param headers the headers, names in lower case
 * @param body the body as text
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {
  /** Copies the components. */
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /**
   * Returns a header's first value.
   *
   * @param name the header's name, any case
   * @return the value, if present
   */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public String toString() {
    // A recorded request may carry a real key: never print header values.
    return "RecordedRequest[" + method + " " + path + (query.isEmpty() ? "" : "?" + query) + ", " + body.length() + " bytes]";
  }
}
