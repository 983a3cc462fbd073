package dev.orchestra.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.model.ModelProviderException.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Codex's failure messages, as 0.169.0 prints them, read into the failures a provider throws. */
final class CodexFailuresTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock = """
          exceeded retry limit, last status: 429 Too Many Requests | RATE_LIMITED
          exceeded retry limit, last status: 429 Too Many Requests ({"responseTooManyFailedAttempts":{"httpStatusCode":429}}) | RATE_LIMITED
          You've hit your usage limit. Upgrade to Pro or try again later. | QUOTA_EXHAUSTED
          Quota exceeded. Check your plan and billing details. ("usageLimitExceeded") | QUOTA_EXHAUSTED
          unexpected status 401 Unauthorized: Incorrect API key provided: x., url: http://127.0.0.1:56431/v1/responses | AUTHENTICATION
          unexpected status 401 Unauthorized ({"httpConnectionFailed":{"httpStatusCode":401}}) | AUTHENTICATION
          Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again. | AUTHENTICATION
          unexpected status 502 Bad Gateway: upstream, url: http://localhost:4010/v1/responses | TRANSIENT
          stream disconnected before completion: stream closed before response.completed, url (http://127.0.0.1:14290/v1) | TRANSIENT
          We're currently experiencing high demand, which may cause temporary errors. | TRANSIENT
          Codex ran out of room in the model's context window. ("contextWindowExceeded") | REJECTED
          unexpected status 400 Bad Request: Invalid schema for response_format | REJECTED
          """)
  void eachMessageIsTheFailureItSays(String message, Kind kind) {
    assertEquals(kind, CodexFailures.classify(message, "").kind());
  }
}
