package dev.orchestra.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ReasoningItem;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The Responses API ({@code POST /responses}): request bodies, answers, and stream assembly. */
final class ResponsesWire {
  static final ObjectMapper JSON = new ObjectMapper();

  private ResponsesWire() {}

  static ObjectNode encode(ModelRequest r, WireOptions o) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", r.model());
    if (!r.instructions().isEmpty()) {
      body.put("instructions", r.instructions());
    }
    ArrayNode input = body.putArray("input");
    for (Message m : r.messages()) {
      switch (m.kind()) {
        case DEVELOPER -> message(input, o.developerAsSystem() ? "system" : "developer", "input_text", ((Message.Developer) m).text());
        case USER -> message(input, "user", "input_text", ((Message.User) m).text());
        case ASSISTANT -> {
          Message.Assistant a = (Message.Assistant) m;
          for (ReasoningItem item : a.reasoning()) {
            reasoningInput(input, item, o.store());
          }
          if (!a.text().isEmpty()) {
            message(input, "assistant", "output_text", a.text());
          }
          for (ToolCall c : a.toolCalls()) {
            input.addObject().put("type", "function_call").put("call_id", c.id()).put("name", c.name()).put("arguments", c.arguments());
          }
        }
        case TOOL_RESULT -> {
          Message.ToolResult t = (Message.ToolResult) m;
          input.addObject().put("type", "function_call_output").put("call_id", t.callId()).put("output", t.output());
        }
      }
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec t : r.tools()) {
        JsonNode params = parseSchema(t.parametersSchema(), "tool " + t.name());
        tools.addObject()
            .put("type", "function")
            .put("name", t.name())
            .put("description", t.description())
            .<ObjectNode>set("parameters", params)
            .put("strict", StrictSchemas.isStrict(params));
      }
      body.put("tool_choice", "auto");
      body.put("parallel_tool_calls", true);
    }
    if (o.reasoningModel()) {
      body.putObject("reasoning").put("effort", r.reasoningEffort().value()).put("summary", "auto");
      if (!o.store()) {
        body.putArray("include").add("reasoning.encrypted_content");
      }
    }
    r.responseSchema()
        .ifPresent(
            s -> {
              JsonNode schema = parseSchema(s, "the response schema");
              body.putObject("text").putObject("format")
                  .put("type", "json_schema")
                  .put("name", "report")
                  .put("strict", StrictSchemas.isStrict(schema))
                  .set("schema", schema);
            });
    r.maxOutputTokens().ifPresent(n -> body.put("max_output_tokens", Math.max(16, n)));
    body.put("store", o.store());
    // Who asks, for the server's logs and for test servers that answer per role and task.
    body.putObject("metadata").put("orchestra_role", r.role()).put("orchestra_task", r.taskId());
    if (o.stream()) {
      body.put("stream", true);
    }
    return body;
  }

  /**
   * Sends a reasoning item back as the provider gave it. Without server-side storage the item's
   * id would point at nothing, so it goes without id and status, carried by its encrypted content.
   */
  private static void reasoningInput(ArrayNode input, ReasoningItem item, boolean store) {
    if (item.providerData().isEmpty()) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(item.providerData());
      if (n != null && n.isObject() && "reasoning".equals(n.path("type").asText())) {
        ObjectNode copy = (ObjectNode) n.deepCopy();
        copy.remove("status");
        if (!store) {
          copy.remove("id");
        }
        input.add(copy);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // not ours to repair: an unreadable item is left out rather than failing the request
    }
  }

  private static void message(ArrayNode input, String role, String partType, String text) {
    ObjectNode m = input.addObject().put("type", "message").put("role", role);
    m.putArray("content").addObject().put("type", partType).put("text", text);
  }

  static JsonNode parseSchema(String schema, String what) {
    try {
      JsonNode n = JSON.readTree(schema);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(what + " is not a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Decodes a complete {@code Response} object. Throws the mapped failure for a failed one. */
  static ModelResponse decode(JsonNode response, String where, ApiKey key) throws Failure {
    String status = response.path("status").asText("completed");
    if (status.equals("failed")) {
      JsonNode err = response.path("error");
      throw ErrorMapper.fromStream(new ErrorMapper.ErrorBody(err.path("message").asText(""), "", err.path("code").asText(""), ""), where, key);
    }
    Output out = new Output();
    for (JsonNode item : response.path("output")) {
      out.collect(item);
    }
    return out.response(status, response);
  }

  /** What the output items say, gathered in order. */
  private static final class Output {
    final StringBuilder text = new StringBuilder();
    final StringBuilder refusal = new StringBuilder();
    final List<ToolCall> calls = new ArrayList<>();
    final List<ReasoningItem> reasoning = new ArrayList<>();

    /**
     * A message item's output_text and refusal parts (each to its own), a function_call item's
     * call, a reasoning item.
     */
    void collect(JsonNode item) {
      switch (item.path("type").asText()) {
        case "message" -> {
          for (JsonNode part : item.path("content")) {
            switch (part.path("type").asText()) {
              case "output_text" -> text.append(part.path("text").asText(""));
              case "refusal" -> refusal.append(part.path("refusal").asText(""));
              default -> { } // parts added later
            }
          }
        }
        case "function_call" -> calls.add(
            new ToolCall(item.path("call_id").asText(item.path("id").asText("")), item.path("name").asText(""), item.path("arguments").asText("")));
        case "reasoning" -> {
          StringBuilder summary = new StringBuilder();
          for (JsonNode part : item.path("summary")) {
            if (summary.length() > 0) {
              summary.append('\n');
            }
            summary.append(part.path("text").asText(""));
          }
          reasoning.add(new ReasoningItem(summary.toString(), item.toString()));
        }
        default -> { } // other items carry nothing the caller needs
      }
    }

    /** The answer, with status, usage and why it stopped taken from the final response object. */
    ModelResponse response(String status, JsonNode response) {
      return ChatWire.answer(
          text.toString(), calls, usage(response.path("usage")),
          finish(status, response.path("incomplete_details").path("reason").asText(""), calls), reasoning, refusal.toString());
    }
  }

  static TokenUsage usage(JsonNode u) {
    if (u == null || u.isMissingNode() || u.isNull()) {
      return TokenUsage.ZERO;
    }
    return new TokenUsage(
        Math.max(0, u.path("input_tokens").asLong(0)),
        Math.max(0, u.path("output_tokens").asLong(0)),
        Math.max(0, u.path("input_tokens_details").path("cached_tokens").asLong(0)),
        Math.max(0, u.path("output_tokens_details").path("reasoning_tokens").asLong(0)));
  }

  private static ModelResponse.FinishReason finish(String status, String incompleteReason, List<ToolCall> calls) {
    if (status.equals("incomplete")) {
      return switch (incompleteReason) {
        case "max_output_tokens" -> ModelResponse.FinishReason.LENGTH;
        case "content_filter" -> ModelResponse.FinishReason.CONTENT_FILTER;
        default -> ModelResponse.FinishReason.OTHER;
      };
    }
    return calls.isEmpty() ? ModelResponse.FinishReason.COMPLETED : ModelResponse.FinishReason.TOOL_CALLS;
  }

  /**
   * Builds the answer from a stream of events: items by output index, finished by their {@code
   * output_item.done}; usage and status from the terminal event only; unknown events ignored.
   * Refusal deltas are kept apart from text deltas and never reach the text listener.
   */
  static final class Assembler {
    private final String where;
    private final ApiKey key;
    private final StreamResult sink;
    private final Map<Integer, ObjectNode> items = new TreeMap<>();
    private final Map<Integer, StringBuilder> texts = new TreeMap<>();
    private final Map<Integer, StringBuilder> refusals = new TreeMap<>();
    private final Map<Integer, StringBuilder> arguments = new TreeMap<>();
    private ModelResponse result;

    Assembler(String where, ApiKey key, StreamResult sink) {
      this.where = where;
      this.key = key;
      this.sink = sink;
    }

    /** Feeds one event; returns true once the terminal event arrived (read no further). */
    boolean accept(SseReader.Event event) throws Failure {
      JsonNode data;
      try {
        data = JSON.readTree(event.data());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        if (event.data().strip().equals("[DONE]")) {
          return false;
        }
        throw new Failure(new dev.orchestra.model.TransientModelException("malformed event from " + where + ": " + e.getOriginalMessage()), true, null);
      }
      String type = data.path("type").asText(event.name());
      int index = data.path("output_index").asInt(-1);
      switch (type) {
        case "response.output_item.added" -> {
          if (data.path("item").isObject()) {
            items.put(index, (ObjectNode) data.get("item").deepCopy());
          }
        }
        case "response.output_text.delta" -> {
          String delta = data.path("delta").asText("");
          texts.computeIfAbsent(index, k -> new StringBuilder()).append(delta);
          if (sink != null && !delta.isEmpty()) {
            sink.textDelta(delta);
          }
        }
        case "response.refusal.delta" ->
            refusals.computeIfAbsent(index, k -> new StringBuilder()).append(data.path("delta").asText(""));
        case "response.refusal.done" -> {
          // The whole refusal: it stands in for deltas that never came, and adds nothing to them.
          StringBuilder r = refusals.computeIfAbsent(index, k -> new StringBuilder());
          if (r.length() == 0) {
            r.append(data.path("refusal").asText(""));
          }
        }
        case "response.function_call_arguments.delta" ->
            arguments.computeIfAbsent(index, k -> new StringBuilder()).append(data.path("delta").asText(""));
        case "response.output_item.done" -> {
          if (!data.path("item").isObject()) {
            throw malformed("an output_item.done event without its item");
          }
          items.put(index, (ObjectNode) data.get("item").deepCopy());
          texts.remove(index);
          refusals.remove(index);
          arguments.remove(index);
        }
        case "response.completed", "response.incomplete", "response.failed" -> {
          JsonNode response = data.path("response");
          if (type.equals("response.failed")) {
            JsonNode err = response.path("error");
            throw ErrorMapper.fromStream(new ErrorMapper.ErrorBody(err.path("message").asText(""), "", err.path("code").asText(""), ""), where, key);
          }
          Output out = new Output();
          TreeSet<Integer> indexes = new TreeSet<>(items.keySet());
          indexes.addAll(texts.keySet());
          indexes.addAll(refusals.keySet());
          for (int i : indexes) {
            ObjectNode item = items.get(i);
            // An item whose done event never came: use what streamed in for it. Text and
            // refusal deltas without any item event (some compatible servers) still make the
            // message.
            StringBuilder partial = texts.get(i);
            StringBuilder partialRefusal = refusals.get(i);
            if ((partial != null || partialRefusal != null) && (item == null || item.path("type").asText().equals("message"))) {
              if (partial != null) {
                out.text.append(partial);
              }
              if (partialRefusal != null) {
                out.refusal.append(partialRefusal);
              }
              continue;
            }
            if (item == null) {
              continue;
            }
            StringBuilder args = arguments.get(i);
            if (args != null && item.path("type").asText().equals("function_call")) {
              item.put("arguments", args.toString());
            }
            out.collect(item);
          }
          if (indexes.isEmpty()) {
            // No item came as its own event: the final response is the only account of the output.
            for (JsonNode item : response.path("output")) {
              out.collect(item);
            }
          }
          String status = response.path("status").asText(type.equals("response.incomplete") ? "incomplete" : "completed");
          result = out.response(status, response);
          return true;
        }
        case "error" -> {
          JsonNode e = data.has("error") && data.get("error").isObject() ? data.get("error") : data;
          throw ErrorMapper.fromStream(
              new ErrorMapper.ErrorBody(e.path("message").asText(""), e.path("type").asText(""), e.path("code").asText(""), e.path("param").asText("")),
              where, key);
        }
        default -> { } // created, in_progress, content parts, reasoning, and event types added later
      }
      return false;
    }

    private Failure malformed(String what) {
      return new Failure(new dev.orchestra.model.TransientModelException("malformed stream from " + where + ": " + what), true, null);
    }

    ModelResponse result() throws Failure {
      if (result == null) {
        throw new Failure(
            new dev.orchestra.model.TransientModelException("the stream from " + where + " closed before response.completed"), true, null);
      }
      return result;
    }
  }
}
