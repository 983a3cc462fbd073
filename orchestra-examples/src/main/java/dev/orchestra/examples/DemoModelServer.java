package dev.orchestra.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.ToolCall;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.openai.testing.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's "OpenAI": a {@link FakeOpenAiServer} on loopback whose answers come from a scripted
 * brain. Each HTTP request of the real OpenAI provider (Responses API) is turned back into a
 * {@link ModelRequest} (role and task from the request's metadata, the conversation from its
 * input items), the brain answers, and the answer goes back as a server-sent event stream; a
 * scripted rate limit goes back as a real HTTP 429 with {@code retry-after-ms}.
 */
final class DemoModelServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeOpenAiServer server;

  private DemoModelServer(FakeOpenAiServer server) {
    this.server = server;
  }

  static DemoModelServer start(ModelProvider brain) throws IOException {
    FakeOpenAiServer s = FakeOpenAiServer.start();
    s.dispatcher(req -> answer(brain, req));
    return new DemoModelServer(s);
  }

  URI baseUrl() {
    return server.baseUrl();
  }

  int requestCount() {
    return server.requestCount();
  }

  static FakeReply answer(ModelProvider brain, RecordedRequest http) {
    ModelRequest request;
    try {
      request = toModelRequest(JSON.readTree(http.body()));
    } catch (IOException | RuntimeException e) {
      return FakeReply.error(400, "invalid_request_error", "invalid_json", "cannot read the request: " + e.getMessage());
    }
    try {
      ModelResponse r = brain.respond(request, ProviderSignals.NONE);
      List<String[]> calls = new ArrayList<>();
      for (ToolCall c : r.toolCalls()) {
        calls.add(new String[] {c.id(), c.name(), c.arguments()});
      }
      return FakeReply.responsesStream(r.text(), calls, r.usage().inputTokens(), r.usage().outputTokens());
    } catch (RateLimitedException e) {
      long ms = e.retryAfter().orElse(Duration.ofMillis(300)).toMillis();
      return FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again in " + ms + "ms.")
          .withHeader("retry-after-ms", String.valueOf(ms));
    } catch (ModelProviderException e) {
      int status = switch (e.kind()) {
        case AUTHENTICATION -> 401;
        case QUOTA_EXHAUSTED -> 429;
        case TRANSIENT -> 503;
        default -> 400;
      };
      return FakeReply.error(status, e.kind().name().toLowerCase(java.util.Locale.ROOT), null, e.getMessage());
    }
  }

  /** Reads a Responses API request body back into the request the orchestrator made. */
  static ModelRequest toModelRequest(JsonNode body) {
    List<Message> messages = new ArrayList<>();
    for (JsonNode item : body.path("input")) {
      switch (item.path("type").asText("message")) {
        case "function_call" -> messages.add(
            new Message.Assistant("", List.of(new ToolCall(item.path("call_id").asText(), item.path("name").asText(), item.path("arguments").asText()))));
        case "function_call_output" -> messages.add(new Message.ToolResult(item.path("call_id").asText(), item.path("output").asText(), false));
        case "reasoning" -> { } // the scripted brain has no reasoning to resume
        default -> {
          StringBuilder text = new StringBuilder();
          for (JsonNode part : item.path("content")) {
            text.append(part.path("text").asText(""));
          }
          switch (item.path("role").asText("user")) {
            case "assistant" -> messages.add(new Message.Assistant(text.toString(), List.of()));
            case "developer", "system" -> messages.add(new Message.Developer(text.toString()));
            default -> messages.add(Message.user(text.toString()));
          }
        }
      }
    }
    ModelRequest.Builder b =
        ModelRequest.builder()
            .role(body.path("metadata").path("orchestra_role").asText("unknown"))
            .taskId(body.path("metadata").path("orchestra_task").asText("unknown"))
            .model(body.path("model").asText("gpt-5.4"))
            .instructions(body.path("instructions").asText(""))
            .messages(messages);
    if (body.path("reasoning").has("effort")) {
      b.reasoningEffort(ReasoningEffort.of(body.path("reasoning").path("effort").asText()));
    }
    return b.build();
  }

  @Override
  public void close() {
    server.close();
  }
}
