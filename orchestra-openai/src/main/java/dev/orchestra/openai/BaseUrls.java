package dev.orchestra.openai;

import java.net.URI;
import java.util.Locale;

/** Checks and prints base URLs for {@link OpenAiProvider.Builder#baseUrl}. */
final class BaseUrls {
  private BaseUrls() {}

  /**
   * Checks a base URL and returns it with its scheme in lower case ({@code HTTP://} is the same
   * URL as {@code http://}, and the provider picks its executor by scheme). The rule is {@link
   * dev.orchestra.model.ProviderConfig.Builder#baseUrl}'s, so a configured URL is one the builder
   * takes.
   *
   * @throws IllegalArgumentException when it is not an absolute http or https URL with a host,
   *     or has a query or fragment (the endpoint's path is appended to it); the message names
   *     {@code what} and leaves out any user-info
   */
  static URI httpUrl(URI url, String what) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(what + " must be an http or https URL with a host, got '" + withoutUserInfo(url) + "'");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          what + " must not have a query or fragment (query parameters go in query_params), got '" + withoutUserInfo(url) + "'");
    }
    return scheme.equals(url.getScheme()) ? url : URI.create(scheme + url.toString().substring(url.getScheme().length()));
  }

  /** The URL with any {@code user:password@} part taken out, for messages. */
  static String withoutUserInfo(URI url) {
    if (url.getRawUserInfo() == null) {
      return url.toString();
    }
    return url.toString().replace(url.getRawUserInfo() + "@", "");
  }
}
