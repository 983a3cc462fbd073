package dev.orchestra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one model of a {@code [model_providers.<id>]} table: its defaults, limits and checks. */
final class ProviderConfigTest {
  private static final String SECRET = "sk-never-printed-123";

  @Test
  void anEmptyTableHasCodexsDefaults() {
    ProviderConfig c = ProviderConfig.builder("corp").build();
    assertEquals("corp", c.id());
    assertEquals("corp", c.name(), "the name defaults to the id");
    assertEquals(Optional.empty(), c.baseUrl());
    assertEquals(Optional.empty(), c.envKey());
    assertEquals(Optional.empty(), c.envKeyInstructions());
    assertEquals(WireApi.RESPONSES, c.wireApi());
    assertEquals(Map.of(), c.queryParams());
    assertEquals(Map.of(), c.httpHeaders());
    assertEquals(Map.of(), c.envHttpHeaders());
    assertEquals(4, c.requestMaxRetries());
    assertEquals(5, c.streamMaxRetries());
    assertEquals(Duration.ofMillis(300_000), c.streamIdleTimeout());
    assertEquals(0, c.requestsPerPeriod());
    assertEquals(Duration.ofSeconds(1), c.rateLimitPeriod());
  }

  @Test
  void retryCountsAboveTheCapAreReadAsTheCapAndNegativeOnesAreRefused() {
    ProviderConfig c = ProviderConfig.builder("corp").requestMaxRetries(250).streamMaxRetries(Long.MAX_VALUE).build();
    assertEquals(ProviderConfig.MAX_RETRIES, c.requestMaxRetries());
    assertEquals(100, c.streamMaxRetries());
    assertEquals(0, ProviderConfig.builder("corp").requestMaxRetries(0).build().requestMaxRetries());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").streamMaxRetries(-1));
    assertEquals("stream_max_retries must be 0 or more, got -1", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host/v1", "localhost:8080/v1", "/v1", "https:///v1", "mailto:ops@example.com",
      "https://host/v1?api-version=1", "https://host/v1#part"})
  void aBaseUrlNoProviderCanUseIsRefusedNamingTheKey(String url) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").baseUrl(URI.create(url)));
    assertTrue(e.getMessage().startsWith("base_url must "), e.getMessage());
  }

  @Test
  void theBaseUrlKeepsItsPathAndTakesItsSchemeInLowerCase() {
    assertEquals(URI.create("http://Local:8000/v1/"),
        ProviderConfig.builder("corp").baseUrl(URI.create("HTTP://Local:8000/v1/")).build().baseUrl().orElseThrow());
  }

  @Test
  void aRefusedBaseUrlLeavesItsUserInfoOutOfTheMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").baseUrl(URI.create("ftp://me:" + SECRET + "@host/v1")));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad Header", "X:Y", "X-Ümlaut", "Host", "content-length", "Connection", "Expect", "Upgrade"})
  void aHeaderNameTheClientCannotSendIsRefused(String name) {
    IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").httpHeader(name, "v"));
    assertTrue(fixed.getMessage().startsWith("http_headers: '" + name + "'"), fixed.getMessage());
    IllegalArgumentException fromEnv =
        assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").envHttpHeader(name, "VAR"));
    assertTrue(fromEnv.getMessage().startsWith("env_http_headers: '" + name + "'"), fromEnv.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"line\nbreak", "carriage\rreturn", "nul\u0000", "del\u007f", "wide\u20ac"})
  void aHeaderValueTheClientCannotSendIsRefusedWithoutQuotingIt(String bad) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").httpHeader("Authorization", SECRET + bad));
    assertTrue(e.getMessage().contains("'Authorization'"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void sendableHeaderValuesAreKept() {
    ProviderConfig c = ProviderConfig.builder("corp").httpHeader("X-Tab", "a\tb c").httpHeader("X-Latin", "caf\u00e9").build();
    assertEquals(Map.of("X-Tab", "a\tb c", "X-Latin", "caf\u00e9"), c.httpHeaders());
  }

  @Test
  void replacingHeadersIsAllOrNothing() {
    ProviderConfig.Builder b = ProviderConfig.builder("corp").httpHeaders(Map.of("X-Team", "a"));
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("X-Other", "b");
    bad.put("Host", "c");
    assertThrows(IllegalArgumentException.class, () -> b.httpHeaders(bad));
    assertEquals(Map.of("X-Team", "a"), b.build().httpHeaders());
  }

  @Test
  void blankNamesAndVariablesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder(" "));
    assertEquals("name must not be blank", assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").name("")).getMessage());
    assertEquals("env_key must not be blank", assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").envKey(" ")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").envHttpHeader("X-Trace", ""));
  }

  @Test
  void durationsMustBePositive() {
    assertEquals("stream_idle_timeout_ms must be positive, got 0 ms",
        assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").streamIdleTimeout(Duration.ZERO)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").rateLimitPeriod(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ProviderConfig.builder("corp").requestsPerPeriod(-1));
  }

  @Test
  void queryParametersKeepTheirOrderAndInputsAreCopied() {
    Map<String, String> query = new LinkedHashMap<>();
    for (String k : List.of("z", "a", "m", "b", "y")) {
      query.put(k, k + "1");
    }
    ProviderConfig c = ProviderConfig.builder("corp").queryParams(query).build();
    query.put("late", "x");
    assertEquals(List.of("z", "a", "m", "b", "y"), List.copyOf(c.queryParams().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> c.queryParams().put("k", "v"));
  }

  @Test
  void toBuilderDerivesACopyThatIsEqualUntilChanged() {
    ProviderConfig c =
        ProviderConfig.builder("azure").name("Azure").baseUrl(URI.create("https://x.example/openai/v1")).envKey("AZURE_KEY")
            .envKeyInstructions("ask ops").queryParams(Map.of("api-version", "2025-04-01")).httpHeader("X-Team", "a")
            .envHttpHeader("X-Trace", "TRACE").requestMaxRetries(1).streamMaxRetries(2).streamIdleTimeout(Duration.ofSeconds(9))
            .requestsPerPeriod(10).rateLimitPeriod(Duration.ofSeconds(2)).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    ProviderConfig chat = c.toBuilder().wireApi(WireApi.CHAT_COMPLETIONS).build();
    assertNotEquals(c, chat);
    assertEquals(WireApi.CHAT_COMPLETIONS, chat.wireApi());
    assertEquals(c.httpHeaders(), chat.httpHeaders());
  }

  @Test
  void toStringShowsNamesButNoValueThatMayBeAToken() {
    ProviderConfig c =
        ProviderConfig.builder("proxy").baseUrl(URI.create("https://user:" + SECRET + "@proxy.example/v1"))
            .queryParams(Map.of("key", SECRET)).httpHeader("Authorization", "Bearer " + SECRET).envHttpHeader("X-Trace", "TRACE_ID").build();
    String s = c.toString();
    assertFalse(s.contains(SECRET), s);
    assertTrue(s.contains("httpHeaders=[Authorization]") && s.contains("queryParams=[key]") && s.contains("X-Trace=TRACE_ID"), s);
  }
}
