package dev.orchestra.openai;

import dev.orchestra.model.WireApi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the provider's requests go and how they are authorised: the base URL with the API's path
 * and the query parameters, the request as failures and logs name it ({@code POST /responses}),
 * the host and port as connect failures name them, and the key's header ({@code api-key} for
 * Azure, a bearer token otherwise). Immutable.
 */
final class Endpoint {
  private final URI baseUrl;
  private final URI uri;
  private final String where;
  private final String hostAndPort;
  private final ApiKey apiKey; // null: send no key
  private final boolean azure;

  /**
   * Creates the endpoint.
   *
   * @param baseUrl the API root, without query or fragment
   * @param wireApi which API's path is appended
   * @param queryParams added to every request
   * @param apiKey the key, or null to send none
   * @param azure whether the key goes in Azure's {@code api-key} header
   */
  Endpoint(URI baseUrl, WireApi wireApi, Map<String, String> queryParams, ApiKey apiKey, boolean azure) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    String path = wireApi == WireApi.RESPONSES ? "/responses" : "/chat/completions";
    this.uri = uri(baseUrl, path, queryParams);
    this.where = "POST " + path;
    int port = baseUrl.getPort() >= 0 ? baseUrl.getPort() : "https".equals(baseUrl.getScheme()) ? 443 : 80;
    this.hostAndPort = baseUrl.getHost() + ":" + port;
    this.apiKey = apiKey;
    this.azure = azure;
  }

  URI baseUrl() {
    return baseUrl;
  }

  /** The request's URL: the base URL, the API's path, the query parameters. */
  URI uri() {
    return uri;
  }

  /** The request as failures and logs name it, for example {@code POST /responses}. */
  String where() {
    return where;
  }

  String hostAndPort() {
    return hostAndPort;
  }

  /** The key, or null when none is sent. */
  ApiKey apiKey() {
    return apiKey;
  }

  /** Adds the key's header, when there is a key. */
  void authorize(HttpRequest.Builder request) {
    if (apiKey == null) {
      return;
    }
    if (azure) {
      request.header("api-key", apiKey.value());
    } else {
      request.header("Authorization", "Bearer " + apiKey.value());
    }
  }

  /** The text with the key, wherever it appears, replaced by a marker. */
  String redact(String text) {
    return apiKey == null ? text : apiKey.redact(text);
  }

  /** Whether a host is Azure OpenAI's, by its name. */
  static boolean isAzureHost(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return host.endsWith(".openai.azure.com") || host.endsWith(".services.ai.azure.com")
        || host.endsWith(".azure-api.net") || host.endsWith(".cognitiveservices.azure.com");
  }

  private static URI uri(URI baseUrl, String path, Map<String, String> queryParams) {
    String base = baseUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    StringBuilder u = new StringBuilder(base).append(path);
    if (!queryParams.isEmpty()) {
      u.append('?');
      boolean first = true;
      for (Map.Entry<String, String> q : queryParams.entrySet()) {
        if (!first) {
          u.append('&');
        }
        first = false;
        u.append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
      }
    }
    return URI.create(u.toString());
  }
}
