package dev.orchestra.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ReasoningItem;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.model.TransientModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Chat Completions ({@code POST /chat/completions}): request bodies, answers, stream assembly. */
final class ChatWire {
  private ChatWire() {}

  static ObjectNode encode(ModelRequest r, WireOptions o) {
    ObjectNode body = ResponsesWire.JSON.createObjectNode();
    body.put("model", r.model());
    ArrayNode messages = body.putArray("messages");
    String instructionRole = o.developerAsSystem() ? "system" : "developer";
    if (!r.instructions().isEmpty()) {
      messages.addObject().put("role", instructionRole).put("content", r.instructions());
    }
    for (Message m : r.messages()) {
      switch (m.kind()) {
        case DEVELOPER -> messages.addObject().put("role", instructionRole).put("content", ((Message.Developer) m).text());
        case USER -> messages.addObject().put("role", "user").put("content", ((Message.User) m).text());
        case ASSISTANT -> {
          Message.Assistant a = (Message.Assistant) m;
          ObjectNode msg = messages.addObject().put("role", "assistant");
          if (a.text().isEmpty() && !a.toolCalls().isEmpty()) {
            msg.putNull("content");
          } else {
            msg.put("content", a.text());
          }
          if (!a.toolCalls().isEmpty()) {
            ArrayNode calls = msg.putArray("tool_calls");
            for (ToolCall c : a.toolCalls()) {
              calls.addObject().put("id", c.id()).put("type", "function")
                  .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
          }
        }
        case TOOL_RESULT -> {
          Message.ToolResult t = (Message.ToolResult) m;
          messages.addObject().put("role", "tool").put("tool_call_id", t.callId()).put("content", t.output());
        }
      }
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec t : r.tools()) {
        JsonNode params = ResponsesWire.parseSchema(t.parametersSchema(), "tool " + t.name());
        tools.addObject().put("type", "function").putObject("function")
            .put("name", t.name())
            .put("description", t.description())
            .put("strict", StrictSchemas.isStrict(params))
            .set("parameters", params);
      }
      body.put("tool_choice", "auto");
    }
    if (o.reasoningModel()) {
      body.put("reasoning_effort", r.reasoningEffort().value());
    }
    r.responseSchema()
        .ifPresent(
            s -> {
              JsonNode schema = ResponsesWire.parseSchema(s, "the response schema");
              body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                  .put("name", "report")
                  .put("strict", StrictSchemas.isStrict(schema))
                  .set("schema", schema);
            });
    r.maxOutputTokens().ifPresent(n -> body.put("max_completion_tokens", n));
    if (o.stream()) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  static ModelResponse decode(JsonNode response) {
    JsonNode choice = response.path("choices").path(0);
    JsonNode msg = choice.path("message");
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode c : msg.path("tool_calls")) {
      calls.add(new ToolCall(c.path("id").asText(""), c.path("function").path("name").asText(""), c.path("function").path("arguments").asText("")));
    }
    String text = msg.path("content").isTextual() ? msg.path("content").asText() : "";
    String refusal = msg.path("refusal").isTextual() ? msg.path("refusal").asText() : "";
    return answer(text, calls, usage(response.path("usage")), finish(choice.path("finish_reason").asText(""), calls), List.of(), refusal);
  }

  /**
   * The response, with the refusal the model gave: OpenAI sends {@code refusal: null} or leaves it
   * out when the model answered, and some compatible servers send an empty string, so a blank
   * refusal is none.
   */
  static ModelResponse answer(
      String text, List<ToolCall> calls, TokenUsage usage, ModelResponse.FinishReason finish, List<ReasoningItem> reasoning, String refusal) {
    return new ModelResponse(text, calls, usage, finish, reasoning, refusal.isBlank() ? "" : refusal);
  }

  static TokenUsage usage(JsonNode u) {
    if (u == null || u.isMissingNode() || u.isNull()) {
      return TokenUsage.ZERO;
    }
    return new TokenUsage(
        Math.max(0, u.path("prompt_tokens").asLong(0)),
        Math.max(0, u.path("completion_tokens").asLong(0)),
        Math.max(0, u.path("prompt_tokens_details").path("cached_tokens").asLong(0)),
        Math.max(0, u.path("completion_tokens_details").path("reasoning_tokens").asLong(0)));
  }

  private static ModelResponse.FinishReason finish(String reason, List<ToolCall> calls) {
    return switch (reason) {
      case "length" -> ModelResponse.FinishReason.LENGTH;
      case "content_filter" -> ModelResponse.FinishReason.CONTENT_FILTER;
      case "tool_calls", "function_call" -> ModelResponse.FinishReason.TOOL_CALLS;
      case "stop", "" -> calls.isEmpty() ? ModelResponse.FinishReason.COMPLETED : ModelResponse.FinishReason.TOOL_CALLS;
      default -> ModelResponse.FinishReason.OTHER;
    };
  }

  /** Accumulates chunks of choice 0: content and refusal each on its own, and tool calls by their index. */
  static final class Assembler {
    private final String where;
    private final ApiKey key;
    private final StreamResult sink;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final Map<Integer, String[]> calls = new TreeMap<>(); // id, name
    private final Map<Integer, StringBuilder> args = new TreeMap<>();
    private String finishReason;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean done;

    Assembler(String where, ApiKey key, StreamResult sink) {
      this.where = where;
      this.key = key;
      this.sink = sink;
    }

    boolean accept(SseReader.Event event) throws Failure {
      String data = event.data().strip();
      if (data.equals("[DONE]")) {
        done = true;
        return true;
      }
      JsonNode chunk;
      try {
        chunk = ResponsesWire.JSON.readTree(data);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new Failure(new TransientModelException("malformed chunk from " + where + ": " + e.getOriginalMessage()), true, null);
      }
      if (chunk.has("error")) {
        JsonNode e = chunk.get("error");
        ErrorMapper.ErrorBody body =
            e.isTextual()
                ? new ErrorMapper.ErrorBody(e.asText(), "", "", "")
                : new ErrorMapper.ErrorBody(e.path("message").asText(""), e.path("type").asText(""), e.path("code").asText(""), e.path("param").asText(""));
        throw ErrorMapper.fromStream(body, where, key);
      }
      if (chunk.has("usage") && chunk.get("usage").isObject()) {
        usage = usage(chunk.get("usage"));
      }
      for (JsonNode choice : chunk.path("choices")) {
        if (choice.path("index").asInt(0) != 0) {
          continue;
        }
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual()) {
          String d = delta.get("content").asText();
          content.append(d);
          if (sink != null && !d.isEmpty()) {
            sink.textDelta(d);
          }
        }
        if (delta.path("refusal").isTextual()) {
          // Not answer text: kept apart, and never handed to the text listener.
          refusal.append(delta.get("refusal").asText());
        }
        for (JsonNode tc : delta.path("tool_calls")) {
          int i = tc.path("index").asInt(0);
          String[] meta = calls.computeIfAbsent(i, k -> new String[] {"", ""});
          if (tc.hasNonNull("id")) {
            meta[0] = tc.get("id").asText();
          }
          if (tc.path("function").hasNonNull("name")) {
            meta[1] = tc.path("function").get("name").asText();
          }
          args.computeIfAbsent(i, k -> new StringBuilder()).append(tc.path("function").path("arguments").asText(""));
        }
        if (choice.hasNonNull("finish_reason")) {
          finishReason = choice.get("finish_reason").asText();
        }
      }
      return false;
    }

    ModelResponse result() throws Failure {
      if (!done && finishReason == null) {
        throw new Failure(new TransientModelException("the stream from " + where + " closed before it finished"), true, null);
      }
      List<ToolCall> out = new ArrayList<>();
      calls.forEach((i, meta) -> out.add(new ToolCall(meta[0], meta[1], args.getOrDefault(i, new StringBuilder()).toString())));
      return answer(content.toString(), out, usage, finish(finishReason == null ? "" : finishReason, out), List.of(), refusal.toString());
    }
  }
}
