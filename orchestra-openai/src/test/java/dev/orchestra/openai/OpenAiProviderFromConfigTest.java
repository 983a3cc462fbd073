package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link OpenAiProvider#fromConfig}: what each setting of a {@link ProviderConfig} does to the provider. */
final class OpenAiProviderFromConfigTest {
  private static final List<String[]> NO_CALLS = List.of();

  @Test
  void withoutABaseUrlItIsOpenAiWithItsKeyAndWithOneItSendsAKeyOnlyWhenTold() {
    try (OpenAiProvider openAi = OpenAiProvider.fromConfig(ProviderConfig.builder("openai").name("OpenAI").build(), Map.of("OPENAI_API_KEY", "sk-1"));
        OpenAiProvider local =
            OpenAiProvider.fromConfig(ProviderConfig.builder("local").baseUrl(URI.create("http://localhost:8000/v1")).build(), Map.of("OPENAI_API_KEY", "sk-1"))) {
      assertEquals("OpenAiProvider[OpenAI, https://api.openai.com/v1, responses, key ApiKey[redacted]]", openAi.toString());
      assertEquals("OpenAiProvider[local, http://localhost:8000/v1, responses, no key]", local.toString());
    }
  }

  @Test
  void aMissingKeyNamesTheVariableAndTheConfiguredInstructions() {
    ProviderConfig config =
        ProviderConfig.builder("corp").baseUrl(URI.create("https://llm.corp.example/v1")).envKey("CORP_KEY")
            .envKeyInstructions("ask #platform for a key").build();
    AuthenticationException e = assertThrows(AuthenticationException.class, () -> OpenAiProvider.fromConfig(config, Map.of("CORP_KEY", " ")));
    assertEquals("no API key for provider 'corp': set the CORP_KEY environment variable (ask #platform for a key)", e.getMessage());
  }

  @Test
  void queryParametersGoOutInTheConfiguredOrderAndBlankEnvironmentHeadersStayHome() throws Exception {
    Map<String, String> query = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid", "beta")) {
      query.put(k, k.substring(0, 1));
    }
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.enqueue(FakeReply.responsesStream("ok", NO_CALLS, 1, 1));
      ProviderConfig config =
          ProviderConfig.builder("local").baseUrl(server.baseUrl()).queryParams(query).envHttpHeader("X-Blank", "BLANK")
              .envHttpHeader("X-Set", "SET").requestMaxRetries(0).streamMaxRetries(0).build();
      try (OpenAiProvider p = OpenAiProvider.fromConfig(config, Map.of("BLANK", "  ", "SET", "yes"))) {
        p.respond(Requests.simple("gpt-5.4"), ProviderSignals.NONE);
      }
      RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertEquals("zeta=z&alpha=a&mid=m&beta=b", r.query());
      assertEquals(Optional.empty(), r.header("x-blank"));
      assertEquals(Optional.of("yes"), r.header("x-set"));
    }
  }

  /** The configuration's rule for base URLs and the builder's are one rule: what one takes, the other takes. */
  @ParameterizedTest
  @ValueSource(strings = {"https://api.example/v1", "HTTP://Local:8000/v1/", "http://u:p@host/x", "ftp://host/v1", "localhost:8000/v1",
      "/v1", "https:///v1", "https://host/v1?api-version=1", "https://host/v1#f", "mailto:ops@example.com"})
  void aBaseUrlTheConfigurationTakesTheProviderTakes(String url) {
    URI u = URI.create(url);
    Optional<URI> configured;
    try {
      configured = ProviderConfig.builder("x").baseUrl(u).build().baseUrl();
    } catch (IllegalArgumentException e) {
      configured = Optional.empty();
    }
    Optional<URI> built;
    try {
      built = Optional.of(BaseUrls.httpUrl(u, "baseUrl"));
      OpenAiProvider.builder().baseUrl(u);
    } catch (IllegalArgumentException e) {
      built = Optional.empty();
    }
    assertEquals(built, configured, url);
  }

  /** Every header a configuration takes, the provider can send. */
  static Stream<Arguments> headers() {
    return Stream.of(
        Arguments.of("Authorization", "Bearer x"), Arguments.of("X-Tab", "a\tb"), Arguments.of("X-Latin", "caf\u00e9"),
        Arguments.of("Host", "h"), Arguments.of("content-length", "1"), Arguments.of("Connection", "close"),
        Arguments.of("Expect", "100-continue"), Arguments.of("Upgrade", "h2c"), Arguments.of("Bad Header", "v"), Arguments.of("X:Y", "v"),
        Arguments.of("X-Line", "a\nb"), Arguments.of("X-Return", "a\rb"), Arguments.of("X-Nul", "a\u0000b"), Arguments.of("X-Del", "a\u007fb"),
        Arguments.of("X-Wide", "\u20ac"));
  }

  @ParameterizedTest
  @MethodSource("headers")
  void aHeaderTheConfigurationTakesTheProviderSends(String name, String value) {
    boolean configured;
    try {
      ProviderConfig.builder("x").httpHeader(name, value);
      configured = true;
    } catch (IllegalArgumentException e) {
      configured = false;
    }
    boolean sendable;
    try {
      OpenAiProvider.builder().headers(Map.of(name, value));
      sendable = true;
    } catch (IllegalArgumentException e) {
      sendable = false;
    }
    assertEquals(sendable, configured, name);
  }
}
