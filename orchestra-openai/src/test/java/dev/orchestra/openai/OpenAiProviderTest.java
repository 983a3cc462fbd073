package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.model.WireApi;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class OpenAiProviderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-test-ORCHESTRA-0123456789abcdef";
  static final List<String[]> NO_CALLS = List.of();

  FakeOpenAiServer server;
  final List<String> signals = Collections.synchronizedList(new ArrayList<>());
  final ProviderSignals recording =
      new ProviderSignals() {
        @Override
        public void rateLimited(String cause) {
          signals.add("rate_limited");
        }

        @Override
        public void unstable(String cause) {
          signals.add("unstable");
        }
      };

  @BeforeEach
  void start() throws Exception {
    server = FakeOpenAiServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  OpenAiProvider.Builder provider() {
    return OpenAiProvider.builder()
        .baseUrl(server.baseUrl())
        .apiKey(ApiKey.of(KEY))
        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5)));
  }

  JsonNode sentBody() throws Exception {
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    return JSON.readTree(r.body());
  }

  // ------------------------------------------------------------------ Responses API

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void responsesAnswersAreTheSameStreamedOrNot(boolean stream) throws Exception {
    List<String[]> calls = List.<String[]>of(new String[] {"call_9", "write_file", "{\"path\":\"a.txt\",\"content\":\"é ✓ 日本\"}"});
    server.enqueue(stream ? FakeReply.responsesStream("Hello, wörld", calls, 100, 40) : FakeReply.responsesJson("Hello, wörld", calls, 100, 40));
    try (OpenAiProvider p = provider().stream(stream).build()) {
      ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals("Hello, wörld", r.text());
      assertEquals(List.of(new ToolCall("call_9", "write_file", "{\"path\":\"a.txt\",\"content\":\"é ✓ 日本\"}")), r.toolCalls());
      assertEquals(new TokenUsage(100, 40, 50, 10), r.usage());
      assertEquals(ModelResponse.FinishReason.TOOL_CALLS, r.finishReason());
    }
    RecordedRequest req = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("/v1/responses", req.path());
    assertEquals("Bearer " + KEY, req.header("authorization").orElseThrow());
    assertEquals(stream, JSON.readTree(req.body()).path("stream").asBoolean(false));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 13})
  void aStreamSplitAtAnyByteBoundaryAssemblesTheSame(int chunk) throws Exception {
    server.enqueue(FakeReply.responsesStream("naïve café — 日本語 text", NO_CALLS, 7, 3).inChunksOf(chunk));
    try (OpenAiProvider p = provider().build()) {
      assertEquals("naïve café — 日本語 text", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
  }

  @Test
  void responsesRequestCarriesEverythingTheModelNeeds() throws Exception {
    server.enqueue(FakeReply.responsesJson("{\"result\":\"ok\"}", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(Requests.withToolTurn(), recording);
    }
    JsonNode b = sentBody();
    assertEquals("gpt-5.4", b.get("model").asText());
    assertEquals("Be brief.", b.get("instructions").asText());
    JsonNode input = b.get("input");
    assertEquals("developer", input.get(0).get("role").asText());
    assertEquals("input_text", input.get(0).at("/content/0/type").asText());
    assertEquals("user", input.get(1).get("role").asText());
    assertEquals("function_call", input.get(2).get("type").asText());
    assertEquals("call_1", input.get(2).get("call_id").asText());
    assertEquals("function_call_output", input.get(3).get("type").asText());
    assertEquals("call_1", input.get(3).get("call_id").asText());
    JsonNode tool = b.at("/tools/0");
    assertEquals("function", tool.get("type").asText());
    assertEquals("write_file", tool.get("name").asText());
    assertTrue(tool.get("strict").asBoolean());
    assertEquals("medium", b.at("/reasoning/effort").asText());
    assertEquals("auto", b.at("/reasoning/summary").asText());
    assertEquals("reasoning.encrypted_content", b.at("/include/0").asText());
    assertEquals("json_schema", b.at("/text/format/type").asText());
    assertTrue(b.at("/text/format/strict").asBoolean());
    assertEquals(500, b.get("max_output_tokens").asInt());
    assertFalse(b.get("store").asBoolean());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void reasoningItemsComeBackAndAreSentWithTheNextTurn(boolean stream) throws Exception {
    String reasoningItem =
        "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"status\":\"completed\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Need the file first.\"}],"
            + "\"encrypted_content\":\"gAAAA-opaque\"}";
    String call = "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_7\",\"name\":\"read_file\",\"arguments\":\"{}\"}";
    String response = "{\"id\":\"r\",\"status\":\"completed\",\"output\":[" + reasoningItem + "," + call + "],\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";
    if (stream) {
      server.enqueue(FakeReply.sse(List.of(
          "{\"type\":\"response.created\",\"response\":{}}",
          "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":" + reasoningItem + "}",
          "{\"type\":\"response.output_item.done\",\"output_index\":1,\"item\":" + call + "}",
          "{\"type\":\"response.completed\",\"response\":" + response + "}")));
    } else {
      server.enqueue(FakeReply.json(200, response));
    }
    server.enqueue(stream ? FakeReply.responsesStream("done", NO_CALLS, 1, 1) : FakeReply.responsesJson("done", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(stream).build()) {
      ModelResponse first = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals(1, first.reasoning().size());
      assertEquals("Need the file first.", first.reasoning().get(0).summary());
      var next =
          Requests.simple("gpt-5.4").toBuilder()
              .messages(List.of(
                  dev.orchestra.model.Message.user("Say hi"),
                  new dev.orchestra.model.Message.Assistant("", first.toolCalls(), first.reasoning()),
                  new dev.orchestra.model.Message.ToolResult("call_7", "contents", false)))
              .build();
      p.respond(next, recording);
    }
    server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    JsonNode input = sentBody().get("input");
    assertEquals("reasoning", input.get(1).get("type").asText());
    assertEquals("gAAAA-opaque", input.get(1).get("encrypted_content").asText());
    assertTrue(input.get(1).path("id").isMissingNode(), "no id without server-side storage");
    assertTrue(input.get(1).path("status").isMissingNode());
    assertEquals("function_call", input.get(2).get("type").asText());
  }

  /**
   * StrictSchemas: a schema already in strict form (every object closed and requiring all its
   * properties) goes with strict: true; any other is sent as it is with strict: false, never
   * rewritten nor rejected. Each schema here breaks the form in one place.
   */
  @ParameterizedTest
  @ValueSource(strings = {
    // an optional property
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}},\"required\":[\"a\"],\"additionalProperties\":false}",
    // an open object
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}",
    // additionalProperties as a schema
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"],\"additionalProperties\":{\"type\":\"string\"}}",
    // a nested open object
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}},"
        + "\"required\":[\"a\"],\"additionalProperties\":false}",
    // array items with an optional property
    "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},"
        + "\"additionalProperties\":false}}},\"required\":[\"l\"],\"additionalProperties\":false}",
    // an anyOf branch that is open
    "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"object\",\"properties\":{}}]}},"
        + "\"required\":[\"a\"],\"additionalProperties\":false}",
    // an open object behind a $ref into $defs
    "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"required\":[\"a\"],\"additionalProperties\":false,"
        + "\"$defs\":{\"A\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}}}",
    // the same through the older definitions keyword
    "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/A\"}},\"required\":[\"a\"],\"additionalProperties\":false,"
        + "\"definitions\":{\"A\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"additionalProperties\":false}}}",
    // a nullable object (a list of types) left open
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":[\"object\",\"null\"]}},\"required\":[\"a\"],\"additionalProperties\":false}",
    // an open object in the older list form of items
    "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"items\":[{\"type\":\"object\",\"properties\":{}}]}},"
        + "\"required\":[\"l\"],\"additionalProperties\":false}",
    // an open object in prefixItems
    "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"prefixItems\":[{\"type\":\"object\",\"properties\":{}}]}},"
        + "\"required\":[\"l\"],\"additionalProperties\":false}"
  })
  void aSchemaNotInStrictFormIsSentAsItIsWithoutStrict(String schema) throws Exception {
    JsonNode expected = JSON.readTree(schema);
    var request =
        Requests.simple("gpt-5.4").toBuilder()
            .tools(List.of(new dev.orchestra.model.ToolSpec("loose_tool", "A tool with a loose schema", schema)))
            .responseSchema(schema)
            .build();
    server.enqueue(FakeReply.responsesJson("{}", NO_CALLS, 1, 1), FakeReply.chatJson("{}", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(request, recording);
    }
    try (OpenAiProvider p = provider().wireApi(WireApi.CHAT_COMPLETIONS).stream(false).build()) {
      p.respond(request, recording);
    }
    JsonNode responses = sentBody();
    assertFalse(responses.at("/text/format/strict").asBoolean(true), "responses format: " + responses.at("/text/format"));
    assertEquals(expected, responses.at("/text/format/schema"), "sent as it is");
    assertFalse(responses.at("/tools/0/strict").asBoolean(true));
    assertEquals(expected, responses.at("/tools/0/parameters"));
    JsonNode chat = sentBody();
    assertFalse(chat.at("/response_format/json_schema/strict").asBoolean(true));
    assertEquals(expected, chat.at("/response_format/json_schema/schema"));
    assertFalse(chat.at("/tools/0/function/strict").asBoolean(true));
    assertEquals(expected, chat.at("/tools/0/function/parameters"));
    assertEquals(2, server.requestCount(), "a loose schema is not a reason to refuse or retry");
  }

  @Test
  void aSchemaInStrictFormWithDefinitionsIsSentStrict() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"},\"b\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"a\",\"b\"],"
            + "\"additionalProperties\":false,\"$defs\":{\"A\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},"
            + "\"required\":[\"x\"],\"additionalProperties\":false}}}";
    server.enqueue(FakeReply.responsesJson("{}", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4").toBuilder().responseSchema(schema).build(), recording);
    }
    assertTrue(sentBody().at("/text/format/strict").asBoolean(false));
  }

  @Test
  void reasoningIsSentOnlyToModelsThatTakeIt() throws Exception {
    server.enqueue(FakeReply.responsesJson("hi", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(Requests.simple("gpt-4o"), recording);
    }
    JsonNode b = sentBody();
    assertTrue(b.path("reasoning").isMissingNode());
    assertTrue(b.path("include").isMissingNode());
  }

  @Test
  void theDeveloperRoleCanBeRewrittenToSystem() throws Exception {
    server.enqueue(FakeReply.chatJson("{\"result\":\"ok\"}", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().wireApi(WireApi.CHAT_COMPLETIONS).developerRoleAsSystem(true).stream(false).build()) {
      p.respond(Requests.withToolTurn(), recording);
    }
    JsonNode msgs = sentBody().get("messages");
    assertEquals("system", msgs.get(0).get("role").asText());
    assertEquals("system", msgs.get(1).get("role").asText());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theDeveloperRoleCanBeRewrittenToSystemOnTheResponsesApi(boolean asSystem) throws Exception {
    server.enqueue(FakeReply.responsesJson("{\"result\":\"ok\"}", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().developerRoleAsSystem(asSystem).stream(false).build()) {
      p.respond(Requests.withToolTurn(), recording);
    }
    JsonNode b = sentBody();
    JsonNode first = b.at("/input/0");
    assertEquals(asSystem ? "system" : "developer", first.get("role").asText());
    assertEquals("message", first.get("type").asText());
    assertEquals("input_text", first.at("/content/0/type").asText());
    assertEquals("Only write inside src/.", first.at("/content/0/text").asText());
    assertEquals("user", b.at("/input/1/role").asText(), "only the developer role is rewritten");
    assertEquals("Be brief.", b.get("instructions").asText(), "instructions stay a top-level field either way");
    for (JsonNode item : b.get("input")) {
      assertFalse(asSystem && item.path("role").asText().equals("developer"), "no developer role left: " + b.get("input"));
    }
  }

  @Test
  void anIncompleteAnswerSaysWhy() throws Exception {
    String body = "{\"id\":\"r\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
        + "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"cut he\"}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":16}}";
    server.enqueue(FakeReply.json(200, body));
    try (OpenAiProvider p = provider().stream(false).build()) {
      ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals(ModelResponse.FinishReason.LENGTH, r.finishReason());
      assertEquals("cut he", r.text());
    }
  }

  @ParameterizedTest
  @CsvSource({"max_output_tokens, LENGTH", "content_filter, CONTENT_FILTER", "max_tokens, OTHER"})
  void aStreamedIncompleteAnswerSaysWhy(String reason, ModelResponse.FinishReason expected) throws Exception {
    String incomplete = "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"r\",\"status\":\"incomplete\","
        + "\"incomplete_details\":{\"reason\":\"" + reason + "\"},\"output\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":16}}}";
    server.enqueue(FakeReply.sse(List.of(
        "{\"type\":\"response.created\",\"response\":{}}",
        "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}",
        "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"cut he\"}",
        incomplete)));
    try (OpenAiProvider p = provider().build()) {
      ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals(expected, r.finishReason());
      assertEquals("cut he", r.text(), "the partial text is kept");
      assertEquals(5, r.usage().inputTokens());
      assertEquals(16, r.usage().outputTokens());
    }
    assertEquals(1, server.requestCount(), "an incomplete answer is an answer, not retried");
    assertTrue(signals.isEmpty(), signals.toString());
  }

  @Test
  void aNonStreamedFailedResponseIsRetriedAsTransient() throws Exception {
    String failed = "{\"id\":\"r\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model crashed\"},\"output\":[]}";
    server.enqueue(FakeReply.json(200, failed), FakeReply.responsesJson("recovered", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      assertEquals("recovered", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(2, server.requestCount());
    assertEquals(List.of("unstable"), signals);

    for (int i = 0; i < 4; i++) {
      server.enqueue(FakeReply.json(200, failed));
    }
    try (OpenAiProvider p = provider().stream(false).build()) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().contains("server_error: The model crashed"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(after 4 attempts)"), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "context_length_exceeded, dev.orchestra.model.RejectedRequestException",
    "insufficient_quota, dev.orchestra.model.QuotaExhaustedException"
  })
  void aNonStreamedFailedResponseThatCannotSucceedIsTypedAndNotRetried(String code, String type) throws Exception {
    String failed = "{\"id\":\"r\",\"status\":\"failed\",\"error\":{\"code\":\"" + code + "\",\"message\":\"no luck\"},\"output\":[]}";
    server.enqueue(FakeReply.json(200, failed), FakeReply.responsesJson("must not be asked for", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      ModelProviderException e = assertThrows(ModelProviderException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(type, e.getClass().getName());
      assertTrue(e.getMessage().contains(code + ": no luck"), e.getMessage());
    }
    assertEquals(1, server.requestCount());
    assertTrue(signals.isEmpty(), signals.toString());
  }

  @Test
  void unknownEventsAreIgnoredAndNothingAfterTheTerminalEventIsTrusted() throws Exception {
    String text = FakeReply.responsesStream("ok", NO_CALLS, 3, 1).bodyText();
    String withNoise =
        "event: response.brand_new_thing\ndata: {\"type\":\"response.brand_new_thing\",\"x\":1}\n\n: a comment\n\n"
            + text
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"LATE\"}\n\n"
            + "data: {\"type\":\"error\",\"error\":{\"code\":\"server_error\",\"message\":\"after the end\"}}\n\n";
    server.enqueue(FakeReply.of(200, "text/event-stream", withNoise));
    try (OpenAiProvider p = provider().build()) {
      assertEquals("ok", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"type\":\"error\",\"code\":\"insufficient_quota\",\"message\":\"You exceeded your current quota\",\"param\":null}",
    "{\"type\":\"error\",\"sequence_number\":2,\"error\":{\"type\":\"insufficient_quota\",\"code\":\"credit_balance_exhausted\",\"message\":\"You have no credits remaining\",\"param\":null}}"
  })
  void bothShapesOfTheStreamErrorEventAreUnderstood(String event) throws Exception {
    server.enqueue(FakeReply.of(200, "text/event-stream", "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{}}\n\ndata: " + event + "\n\n"));
    try (OpenAiProvider p = provider().build()) {
      assertThrows(QuotaExhaustedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(1, server.requestCount(), "an exhausted quota is not retried");
  }

  @Test
  void aFailedResponseWithARateLimitIsRetriedAfterTheHintedWait() throws Exception {
    String failed = "{\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"rate_limit_exceeded\","
        + "\"message\":\"Rate limit reached. Please try again in 20ms.\"}}}";
    server.enqueue(FakeReply.sse(List.of(failed)), FakeReply.responsesStream("second time lucky", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().build()) {
      assertEquals("second time lucky", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(List.of("rate_limited"), signals);
  }

  // ------------------------------------------------------------------ Chat Completions

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void chatCompletionsAnswersAreTheSameStreamedOrNot(boolean stream) throws Exception {
    List<String[]> calls =
        List.<String[]>of(new String[] {"call_a", "write_file", "{\"path\":\"x\",\"content\":\"1\"}"}, new String[] {"call_b", "read_file", "{\"path\":\"y\"}"});
    server.enqueue(stream ? FakeReply.chatStream("thinking out loud", calls, 30, 12).inChunksOf(3) : FakeReply.chatJson("thinking out loud", calls, 30, 12));
    try (OpenAiProvider p = provider().wireApi(WireApi.CHAT_COMPLETIONS).stream(stream).build()) {
      ModelResponse r = p.respond(Requests.withToolTurn(), recording);
      assertEquals("thinking out loud", r.text());
      assertEquals(2, r.toolCalls().size());
      assertEquals(new ToolCall("call_b", "read_file", "{\"path\":\"y\"}"), r.toolCalls().get(1));
      assertEquals(30, r.usage().inputTokens());
      assertEquals(12, r.usage().outputTokens());
    }
    JsonNode b = sentBody();
    assertEquals("developer", b.at("/messages/0/role").asText());
    assertEquals("assistant", b.at("/messages/3/role").asText());
    assertTrue(b.at("/messages/3/content").isNull());
    assertEquals("call_1", b.at("/messages/3/tool_calls/0/id").asText());
    assertEquals("tool", b.at("/messages/4/role").asText());
    assertEquals("call_1", b.at("/messages/4/tool_call_id").asText());
    assertEquals("write_file", b.at("/tools/0/function/name").asText());
    assertEquals("medium", b.get("reasoning_effort").asText());
    assertEquals("json_schema", b.at("/response_format/type").asText());
    assertEquals(500, b.get("max_completion_tokens").asInt());
    assertEquals(stream, b.path("stream_options").path("include_usage").asBoolean(false));
  }

  @Test
  void aMidStreamChatErrorIsMapped() throws Exception {
    server.enqueue(FakeReply.of(200, "text/event-stream", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":\"model crashed\"}\n\ndata: [DONE]\n\n"),
        FakeReply.chatStream("recovered", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().wireApi(WireApi.CHAT_COMPLETIONS).build()) {
      assertEquals("recovered", p.respond(Requests.simple("gpt-4o"), recording).text());
    }
    assertEquals(List.of("unstable"), signals);
  }

  // ------------------------------------------------------------------ failures and retries

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void authenticationFailuresAreNotRetried(int status) throws Exception {
    server.enqueue(FakeReply.error(status, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: " + KEY));
    try (OpenAiProvider p = provider().build()) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertFalse(e.getMessage().contains(KEY), "the key is redacted even when the server echoes it: " + e.getMessage());
      assertTrue(e.getMessage().contains("[redacted]"));
    }
    assertEquals(1, server.requestCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 422})
  void rejectedRequestsAreNeverRetried(int status) throws Exception {
    server.enqueue(FakeReply.error(status, "invalid_request_error", "unsupported_value",
        "Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model."));
    try (OpenAiProvider p = provider().build()) {
      RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().startsWith("HTTP " + status + " from POST /responses (unsupported_value): Unsupported value"), e.getMessage());
    }
    assertEquals(1, server.requestCount());
    assertTrue(signals.isEmpty());
  }

  @Test
  void anUnsupportedReasoningEffortSaysWhatToChange() throws Exception {
    server.enqueue(FakeReply.json(400, "{\"error\":{\"message\":\"Unsupported value: 'minimal'\",\"type\":\"invalid_request_error\","
        + "\"param\":\"reasoning.effort\",\"code\":\"unsupported_value\"}}"));
    try (OpenAiProvider p = provider().build()) {
      RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().endsWith("choose a reasoning effort this model supports (model_reasoning_effort)"), e.getMessage());
    }
  }

  @Test
  void throttlingIsRetriedWithTheServersWaitInOrderOfPrecedence() throws Exception {
    server.enqueue(
        FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached. Please try again in 900ms.")
            .withHeader("retry-after-ms", "30").withHeader("retry-after", "20"),
        FakeReply.error(429, "requests", "rate_limit_exceeded", "Please try again in 40ms."),
        FakeReply.responsesStream("done", NO_CALLS, 1, 1));
    long t0 = System.nanoTime();
    try (OpenAiProvider p = provider().build()) {
      assertEquals("done", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 70 && ms < 5_000, "waited retry-after-ms (30) then the text's 40 ms, took " + ms);
    assertEquals(List.of("rate_limited", "rate_limited"), signals);
  }

  @Test
  void retryAfterParsing() {
    var h = java.net.http.HttpHeaders.of(Map.of("retry-after", List.of("2.5")), (a, b) -> true);
    assertEquals(Duration.ofMillis(2500), ErrorMapper.retryAfter(h, "").orElseThrow());
    var none = java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    assertEquals(Duration.ofMillis(11054), ErrorMapper.retryAfter(none, "Please try again in 11.054s.").orElseThrow());
    assertEquals(Duration.ofSeconds(35), ErrorMapper.retryAfter(none, "Try again in 35 seconds").orElseThrow());
    assertEquals(Duration.ofSeconds(86400), ErrorMapper.retryAfter(none, "Please retry after 86400 seconds").orElseThrow());
    assertTrue(ErrorMapper.retryAfter(none, "no hint").isEmpty());
    assertEquals(Duration.ofMillis(86_400), ErrorMapper.parseReset("1m26.4s").orElseThrow());
    assertEquals(Duration.ofMinutes(6), ErrorMapper.parseReset("6m0s").orElseThrow());
    assertEquals(Duration.ofMillis(12), ErrorMapper.parseReset("12ms").orElseThrow());
    assertEquals(Duration.ofSeconds(55), ErrorMapper.parseReset("55").orElseThrow());
    assertTrue(ErrorMapper.parseReset("soon").isEmpty());
  }

  @Test
  void anExhaustedQuotaIsNotRetried() throws Exception {
    server.enqueue(FakeReply.error(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota"));
    try (OpenAiProvider p = provider().build()) {
      assertThrows(QuotaExhaustedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(1, server.requestCount());
  }

  @Test
  void aRequestTooLargeIsRejectedNotRetried() throws Exception {
    server.enqueue(FakeReply.error(429, "tokens", "rate_limit_exceeded", "Request too large for gpt-4o on tokens per min (TPM): Limit 30000, Requested 31538."));
    try (OpenAiProvider p = provider().build()) {
      assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(1, server.requestCount());
    // Not even when the server's x-should-retry says yes: the same request cannot fit later.
    server.enqueue(
        FakeReply.error(429, "tokens", "rate_limit_exceeded", "Request too large for gpt-4o on tokens per min (TPM): Limit 30000, Requested 31538.")
            .withHeader("x-should-retry", "true"));
    try (OpenAiProvider p = provider().build()) {
      assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(2, server.requestCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 500, 502, 503, 504})
  void serverTroubleIsRetried(int status) throws Exception {
    server.enqueue(FakeReply.error(status, "server_error", null, "The server had an error"), FakeReply.responsesStream("ok", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().build()) {
      assertEquals("ok", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(List.of("unstable"), signals);
  }

  @Test
  void xShouldRetryOverridesTheStatus() throws Exception {
    server.enqueue(FakeReply.error(503, "server_error", null, "maintenance").withHeader("x-should-retry", "false"));
    try (OpenAiProvider p = provider().build()) {
      assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertEquals(1, server.requestCount());
    server.enqueue(FakeReply.error(400, "invalid_request_error", null, "flaky").withHeader("x-should-retry", "true"), FakeReply.responsesStream("ok", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().build()) {
      assertEquals("ok", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
  }

  @Test
  void aServerWaitBeyondTheCeilingIsNotWaitedFor() throws Exception {
    server.enqueue(FakeReply.error(429, "requests", "rate_limit_exceeded", "slow down").withHeader("retry-after", "3600"));
    try (OpenAiProvider p = provider().build()) {
      RateLimitedException e = assertThrows(RateLimitedException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(Duration.ofHours(1), e.retryAfter().orElseThrow());
    }
    assertEquals(1, server.requestCount());
  }

  @Test
  void droppedConnectionsCutStreamsAndIdleStreamsAreRetried() throws Exception {
    FakeReply full = FakeReply.responsesStream("the whole answer", NO_CALLS, 1, 1);
    server.enqueue(
        FakeReply.dropConnection(),
        full.cutAfter(120),
        full.stallAfter(60, Duration.ofSeconds(3)),
        full);
    try (OpenAiProvider p = provider().streamIdleTimeout(Duration.ofMillis(300)).build()) {
      assertEquals("the whole answer", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    assertEquals(4, server.requestCount());
    assertEquals(List.of("unstable", "unstable", "unstable"), signals);
  }

  @Test
  void aNonStreamedAnswerThatStallsHalfWayIsDroppedAtTheIdleTimeoutAndRetried() throws Exception {
    FakeReply full = FakeReply.responsesJson("the whole answer", NO_CALLS, 1, 1);
    server.enqueue(full.stallAfter(20, Duration.ofSeconds(5)), full);
    long t0 = System.nanoTime();
    try (OpenAiProvider p = provider().stream(false).streamIdleTimeout(Duration.ofMillis(300)).build()) {
      assertEquals("the whole answer", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    // Not asserted as a timing: the 5 s stall must simply not have been sat out to its end.
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "the stalled body was waited out");
    assertEquals(2, server.requestCount());
    assertEquals(List.of("unstable"), signals);
  }

  @Test
  void aHugeIdleTimeoutIsAcceptedAndStreamsStillWork() throws Exception {
    server.enqueue(FakeReply.responsesStream("fine", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().streamIdleTimeout(Duration.ofSeconds(Long.MAX_VALUE / 2)).build()) {
      assertEquals("fine", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
  }

  @Test
  void aStreamThatReachedTheCallerIsNotRetried() throws Exception {
    FakeReply full = FakeReply.responsesStream("partial answer that will be cut", NO_CALLS, 1, 1);
    server.enqueue(full.cutAfter(full.bodyText().indexOf("response.output_text.done")), full);
    List<String> seen = new ArrayList<>();
    try (OpenAiProvider p = provider().onTextDelta(seen::add).build()) {
      assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
    }
    assertFalse(seen.isEmpty());
    assertEquals(1, server.requestCount());
  }

  @Test
  void retriesStopAfterTheConfiguredCount() throws Exception {
    for (int i = 0; i < 5; i++) {
      server.enqueue(FakeReply.error(500, "server_error", null, "down"));
    }
    try (OpenAiProvider p = provider().build()) {
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertTrue(e.getMessage().startsWith("HTTP 500 from POST /responses"), e.getMessage());
    }
    assertEquals(4, server.requestCount(), "1 attempt + 3 retries");
    assertEquals(3, signals.size(), "only the failures a retry absorbed are signalled; the last one the orchestrator sees");
  }

  // ------------------------------------------------------------------ rate limiting

  @Test
  void theClientSideLimiterSpacesRequests() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.enqueue(FakeReply.responsesJson("ok", NO_CALLS, 1, 1));
    }
    long t0 = System.nanoTime();
    try (OpenAiProvider p = provider().stream(false).rateLimit(RateLimit.of(2, Duration.ofMillis(300))).build()) {
      for (int i = 0; i < 4; i++) {
        p.respond(Requests.simple("gpt-5.4"), recording);
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 250, "4 requests at 2 per 300 ms need a second period, took " + ms);
  }

  @Test
  void theProviderFollowsTheLimitsTheServerAdvertises() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("first", NO_CALLS, 1, 1).withHeader("x-ratelimit-remaining-requests", "0").withHeader("x-ratelimit-reset-requests", "400ms"),
        FakeReply.responsesJson("second", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      long t0 = System.nanoTime();
      assertEquals("second", p.respond(Requests.simple("gpt-5.4"), recording).text());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 350, "held until the server's window reset, took " + ms);
    }
  }

  @Test
  void nearTheEndOfTheServersWindowRequestsAreSpreadOut() throws Exception {
    server.enqueue(
        FakeReply.responsesJson("first", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "100").withHeader("x-ratelimit-remaining-requests", "3")
            .withHeader("x-ratelimit-reset-requests", "800ms"),
        FakeReply.responsesJson("second", NO_CALLS, 1, 1)
            .withHeader("x-ratelimit-limit-requests", "100").withHeader("x-ratelimit-remaining-requests", "90")
            .withHeader("x-ratelimit-reset-requests", "800ms"),
        FakeReply.responsesJson("third", NO_CALLS, 1, 1));
    try (OpenAiProvider p = provider().stream(false).build()) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      long t0 = System.nanoTime();
      p.respond(Requests.simple("gpt-5.4"), recording);
      long spread = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(spread >= 150, "3 of 100 left for 800 ms: the next waits about 200 ms, took " + spread);
      long t1 = System.nanoTime();
      p.respond(Requests.simple("gpt-5.4"), recording);
      long free = (System.nanoTime() - t1) / 1_000_000;
      assertTrue(free < 150, "90 of 100 left: no wait, took " + free);
    }
  }

  // ------------------------------------------------------------------ settings and secrets

  @Test
  void settingsFromCodexKeysIncludingAzure() throws Exception {
    server.enqueue(FakeReply.responsesStream("azure ok", NO_CALLS, 1, 1));
    ProviderConfig s =
        ProviderConfig.builder("azure")
            .name("Azure")
            .baseUrl(server.baseUrl())
            .envKey("AZURE_OPENAI_API_KEY")
            .wireApi(WireApi.RESPONSES)
            .queryParams(Map.of("api-version", "2025-04-01-preview"))
            .httpHeader("X-Team", "orchestra")
            .envHttpHeader("X-Trace", "TRACE_ID")
            .requestMaxRetries(1)
            .streamIdleTimeout(Duration.ofMillis(2000))
            .build();
    try (OpenAiProvider p = OpenAiProvider.fromConfig(s, Map.of("AZURE_OPENAI_API_KEY", KEY, "TRACE_ID", "t-1"))) {
      p.respond(Requests.simple("gpt-5.4"), recording);
      assertFalse(p.toString().contains(KEY));
    }
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("api-version=2025-04-01-preview", r.query());
    assertEquals("orchestra", r.header("x-team").orElseThrow());
    assertEquals("t-1", r.header("x-trace").orElseThrow());
    assertEquals("Bearer " + KEY, r.header("authorization").orElseThrow());
  }

  /**
   * The fake server listens on 127.0.0.1, which no Azure host name resolves to: the provider's
   * choice (isAzureHost on the base URL, unless the builder's azure(...) says otherwise) is made
   * here with azure(true), and the request the server records is checked.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anAzureProviderSendsTheApiKeyHeaderAndStoresOverTheWire(boolean stream) throws Exception {
    String reasoningItem = "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"status\":\"completed\",\"summary\":[],\"encrypted_content\":\"gAAAA\"}";
    server.enqueue(stream ? FakeReply.responsesStream("azure ok", NO_CALLS, 1, 1) : FakeReply.responsesJson("azure ok", NO_CALLS, 1, 1));
    var request =
        Requests.simple("gpt-5.4").toBuilder()
            .messages(List.of(
                dev.orchestra.model.Message.user("Say hi"),
                new dev.orchestra.model.Message.Assistant("hi", List.of(), List.of(new dev.orchestra.model.ReasoningItem("", reasoningItem))),
                dev.orchestra.model.Message.user("Again")))
            .build();
    try (OpenAiProvider p = provider().azure(true).stream(stream).queryParams(Map.of("api-version", "2025-04-01-preview")).build()) {
      assertEquals("azure ok", p.respond(request, recording).text());
    }
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("/v1/responses", r.path());
    assertEquals("api-version=2025-04-01-preview", r.query());
    assertEquals(KEY, r.header("api-key").orElseThrow());
    assertTrue(r.header("authorization").isEmpty(), "no Bearer token to Azure");
    JsonNode b = JSON.readTree(r.body());
    assertTrue(b.get("store").asBoolean(), "Azure rejects store:false");
    assertTrue(b.path("include").isMissingNode(), "with storage no encrypted reasoning is asked for: " + b);
    assertEquals("rs_1", b.at("/input/1/id").asText(), "with storage reasoning items keep their id");
  }

  /**
   * The host check itself, over the wire: the JDK client takes the default proxy selector when it
   * is built, so a selector that sends one Azure host name to the fake server (as an HTTP proxy)
   * lets the provider see a real Azure base URL. Other hosts go direct, as before.
   */
  @ParameterizedTest
  @ValueSource(strings = {"auto", "off"})
  void anAzureHostNameAloneMakesTheProviderAzureUnlessTheBuilderSaysOtherwise(String mode) throws Exception {
    URI azureBase = URI.create("http://my-resource.openai.azure.com:" + server.baseUrl().getPort() + "/openai/v1");
    assertTrue(OpenAiProvider.isAzureHost(azureBase));
    java.net.ProxySelector before = java.net.ProxySelector.getDefault();
    java.net.ProxySelector toFake =
        new java.net.ProxySelector() {
          @Override
          public List<java.net.Proxy> select(URI uri) {
            if ("my-resource.openai.azure.com".equals(uri.getHost())) {
              return List.of(new java.net.Proxy(java.net.Proxy.Type.HTTP, new java.net.InetSocketAddress("127.0.0.1", server.baseUrl().getPort())));
            }
            return before == null ? List.of(java.net.Proxy.NO_PROXY) : before.select(uri);
          }

          @Override
          public void connectFailed(URI uri, java.net.SocketAddress sa, java.io.IOException ioe) {}
        };
    server.enqueue(FakeReply.responsesJson("via azure host", NO_CALLS, 1, 1));
    OpenAiProvider.Builder b = provider().baseUrl(azureBase).stream(false);
    if (mode.equals("off")) {
      b.azure(false);
    }
    OpenAiProvider p;
    java.net.ProxySelector.setDefault(toFake);
    try {
      p = b.build();
    } finally {
      java.net.ProxySelector.setDefault(before);
    }
    try (p) {
      assertEquals("via azure host", p.respond(Requests.simple("gpt-5.4"), recording).text());
    }
    RecordedRequest r = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("/openai/v1/responses", r.path());
    boolean azure = mode.equals("auto");
    assertEquals(azure, r.header("api-key").isPresent());
    assertEquals(!azure, r.header("authorization").isPresent());
    assertEquals(azure, JSON.readTree(r.body()).get("store").asBoolean());
  }

  @Test
  void azureHostsGetTheApiKeyHeaderAndStore() {
    assertTrue(OpenAiProvider.isAzureHost(java.net.URI.create("https://my.openai.azure.com/openai/v1")));
    assertFalse(OpenAiProvider.isAzureHost(java.net.URI.create("https://api.openai.com/v1")));
  }

  @Test
  void aMissingKeyNamesTheVariable() {
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> OpenAiProvider.builder().environment(Map.of()).build());
    assertTrue(e.getMessage().contains("set the OPENAI_API_KEY environment variable"), e.getMessage());
    AuthenticationException e2 =
        assertThrows(AuthenticationException.class, () -> OpenAiProvider.fromConfig(ProviderConfig.builder("openai").name("OpenAI").build(), Map.of()));
    assertTrue(e2.getMessage().contains("OPENAI_API_KEY"));
  }

  @Test
  void theKeyNeverShowsInToStringOrExceptions() throws Exception {
    ApiKey k = ApiKey.of(KEY);
    assertEquals("ApiKey[redacted]", k.toString());
    try (OpenAiProvider p = provider().build()) {
      assertFalse(p.toString().contains(KEY));
    }
    server.enqueue(FakeReply.error(500, "server_error", null, "boom with your key " + KEY), FakeReply.error(500, "server_error", null, KEY),
        FakeReply.error(500, "server_error", null, KEY), FakeReply.error(500, "server_error", null, KEY));
    try (OpenAiProvider p = provider().build()) {
      ModelProviderException e = assertThrows(ModelProviderException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertFalse(String.valueOf(e.getMessage()).contains(KEY));
      assertInstanceOf(TransientModelException.class, e);
    }
  }

  @Test
  void headerTokensAndUserInfoStayOutOfToString() {
    ProviderConfig settings =
        ProviderConfig.builder("proxy")
            .baseUrl(URI.create("https://user:" + KEY + "@proxy.example.invalid/v1"))
            .queryParams(Map.of("key", KEY))
            .httpHeader("Authorization", "Bearer " + KEY)
            .requestMaxRetries(1)
            .streamMaxRetries(1)
            .streamIdleTimeout(Duration.ofSeconds(30))
            .build();
    assertFalse(settings.toString().contains(KEY), settings.toString());
    assertTrue(settings.toString().contains("httpHeaders=[Authorization]"), settings.toString());
    try (OpenAiProvider p = OpenAiProvider.builder().baseUrl(settings.baseUrl().orElseThrow()).noApiKey().headers(settings.httpHeaders()).build()) {
      assertFalse(p.toString().contains(KEY), p.toString());
    }
    try (OpenAiProvider p = OpenAiProvider.fromConfig(settings, Map.of())) {
      assertFalse(p.toString().contains(KEY), p.toString());
    }
  }

  @Test
  void aHeaderTheClientCannotSendIsRefusedWhenBuiltNamingTheHeaderOnly() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OpenAiProvider.builder().headers(Map.of("Host", KEY)));
    assertTrue(e.getMessage().contains("'Host'"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
    assertThrows(IllegalArgumentException.class, () -> OpenAiProvider.builder().headers(Map.of("X-Bad", "line\nbreak")));
  }

  @Test
  @SuppressWarnings("removal") // the deprecated string form still finds and makes the provider
  void theProviderIsFoundByNameThroughServiceLoader() throws Exception {
    server.enqueue(FakeReply.responsesStream("found", NO_CALLS, 1, 1), FakeReply.responsesStream("typed", NO_CALLS, 1, 1));
    var provider =
        dev.orchestra.model.ModelProviders.create(
            "openai", getClass().getClassLoader(), Map.of("base_url", server.baseUrl().toString()), Map.of());
    assertEquals("found", provider.respond(Requests.simple("gpt-5.4"), recording).text());
    var typed =
        dev.orchestra.model.ModelProviders.create(
            "openai", getClass().getClassLoader(), ProviderConfig.builder("local").baseUrl(server.baseUrl()).build(), Map.of());
    assertEquals("typed", typed.respond(Requests.simple("gpt-5.4"), recording).text());
    var e = assertThrows(dev.orchestra.OrchestraException.class,
        () -> dev.orchestra.model.ModelProviders.create("anthropic", getClass().getClassLoader(), Map.of(), Map.of()));
    assertEquals("no model provider named 'anthropic'; found: openai", e.getMessage());
  }
}
