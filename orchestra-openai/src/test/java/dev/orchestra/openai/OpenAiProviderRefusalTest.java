package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.WireApi;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model's refusal, on both wire APIs, streamed and not, over real HTTP on loopback: it comes
 * back as a refusal in the model's words, never as an empty text answer, and never reaches a
 * text-delta listener as if it were answer text.
 */
final class OpenAiProviderRefusalTest {
  static final String REFUSAL = "I'm sorry, but I can't help with that — désolé.";

  FakeOpenAiServer server;
  final List<String> signals = Collections.synchronizedList(new ArrayList<>());
  final ProviderSignals recording =
      new ProviderSignals() {
        @Override
        public void rateLimited(String cause) {
          signals.add("rate_limited: " + cause);
        }

        @Override
        public void unstable(String cause) {
          signals.add("unstable: " + cause);
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

  OpenAiProvider.Builder provider(WireApi api, boolean stream) {
    return OpenAiProvider.builder()
        .baseUrl(server.baseUrl())
        .noApiKey()
        .wireApi(api)
        .stream(stream)
        .retryPolicy(new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5)));
  }

  static Stream<Arguments> wireForms() {
    return Stream.of(
        Arguments.of(WireApi.CHAT_COMPLETIONS, false, FakeReply.chatRefusalJson(REFUSAL, 21, 9)),
        Arguments.of(WireApi.CHAT_COMPLETIONS, true, FakeReply.chatRefusalStream(REFUSAL, 21, 9)),
        Arguments.of(WireApi.RESPONSES, false, FakeReply.responsesRefusalJson(REFUSAL, 21, 9)),
        Arguments.of(WireApi.RESPONSES, true, FakeReply.responsesRefusalStream(REFUSAL, 21, 9)));
  }

  @ParameterizedTest(name = "{0}, streamed {1}")
  @MethodSource("wireForms")
  void aRefusalComesBackAsARefusalInTheModelsWords(WireApi api, boolean stream, FakeReply reply) throws Exception {
    server.enqueue(reply);
    List<String> deltas = Collections.synchronizedList(new ArrayList<>());
    ModelResponse r;
    try (OpenAiProvider p = provider(api, stream).onTextDelta(deltas::add).build()) {
      r = p.respond(Requests.simple("gpt-5.4"), recording);
    }
    assertTrue(r.isRefusal(), "not a refusal: " + r);
    assertEquals(REFUSAL, r.refusal());
    assertEquals("", r.text());
    assertEquals(List.of(), r.toolCalls());
    assertEquals(ModelResponse.FinishReason.COMPLETED, r.finishReason());
    TokenUsage usage = r.usage();
    assertEquals(21, usage.inputTokens());
    assertEquals(9, usage.outputTokens());
    assertEquals(List.of(), deltas, "a refusal is not answer text");
    assertEquals(1, server.requestCount(), "a refusal is an answer: nothing to retry");
    assertEquals(List.of(), signals);
  }

  /** An answer with refusal null (as OpenAI sends every ordinary answer) is no refusal. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anOrdinaryAnswerIsNoRefusal(boolean stream) throws Exception {
    server.enqueue(stream ? FakeReply.chatStream("hello", List.of(), 1, 1) : FakeReply.chatJson("hello", List.of(), 1, 1));
    server.enqueue(stream ? FakeReply.responsesStream("hello", List.of(), 1, 1) : FakeReply.responsesJson("hello", List.of(), 1, 1));
    for (WireApi api : List.of(WireApi.CHAT_COMPLETIONS, WireApi.RESPONSES)) {
      try (OpenAiProvider p = provider(api, stream).build()) {
        ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
        assertFalse(r.isRefusal(), api + ": " + r);
        assertEquals("hello", r.text());
      }
    }
  }

  /** Chat Completions: content and refusal fragments are concatenated each on their own. */
  @Test
  void chatContentAndRefusalFragmentsAreKeptApart() throws Exception {
    server.enqueue(FakeReply.sse(List.of(
        chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null),
        chunk("{\"content\":\"Here is \"}", null),
        chunk("{\"refusal\":\"I can't \"}", null),
        chunk("{\"content\":\"part.\"}", null),
        chunk("{\"refusal\":\"do the rest.\"}", null),
        chunk("{}", "\"stop\""),
        "[DONE]")));
    try (OpenAiProvider p = provider(WireApi.CHAT_COMPLETIONS, true).build()) {
      ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals("Here is part.", r.text());
      assertEquals("I can't do the rest.", r.refusal());
      assertTrue(r.isRefusal());
    }
  }

  private static String chunk(String delta, String finish) {
    return "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
  }

  /**
   * Responses API streams in the shapes compatible servers send: refusal deltas with no item
   * events; only the refusal's done event; only the final snapshot's content parts. Each is a
   * refusal.
   */
  @ParameterizedTest
  @ValueSource(strings = {"deltas", "done", "snapshot"})
  void aStreamedResponsesRefusalIsFoundInEveryShape(String shape) throws Exception {
    String completedEmpty = "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":4,\"output_tokens\":2}}}";
    List<String> events =
        switch (shape) {
          case "deltas" -> List.of(
              "{\"type\":\"response.created\",\"response\":{}}",
              "{\"type\":\"response.refusal.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"I can't \"}",
              "{\"type\":\"response.refusal.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"do that.\"}",
              completedEmpty);
          case "done" -> List.of(
              "{\"type\":\"response.created\",\"response\":{}}",
              "{\"type\":\"response.refusal.done\",\"output_index\":0,\"content_index\":0,\"refusal\":\"I can't do that.\"}",
              completedEmpty);
          default -> List.of(
              "{\"type\":\"response.created\",\"response\":{}}",
              "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\","
                  + "\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't do that.\"}]}],\"usage\":{\"input_tokens\":4,\"output_tokens\":2}}}");
        };
    server.enqueue(FakeReply.sse(events));
    try (OpenAiProvider p = provider(WireApi.RESPONSES, true).build()) {
      ModelResponse r = p.respond(Requests.simple("gpt-5.4"), recording);
      assertEquals("I can't do that.", r.refusal(), shape);
      assertEquals("", r.text());
    }
  }
}
