package dev.orchestra.openai.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of a {@link FakeOpenAiServer}: a status with headers and a body (JSON, SSE or
 * anything), and the faults to inject while sending it. Immutable; each {@code with} method
 * returns a copy.
 */
public final class FakeReply {
  private static final ObjectMapper JSON = new ObjectMapper();

  final int status;
  final Map<String, String> headers;
  final byte[] body;
  final Duration delay;
  final int chunkSize; // 0: one write
  final int cutAfterBytes; // -1: send everything
  final Duration stallAfterCut; // with cutAfterBytes: go silent instead of closing
  final boolean dropConnection;

  private FakeReply(int status, Map<String, String> headers, byte[] body, Duration delay, int chunkSize, int cutAfterBytes,
      Duration stallAfterCut, boolean dropConnection) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.delay = delay;
    this.chunkSize = chunkSize;
    this.cutAfterBytes = cutAfterBytes;
    this.stallAfterCut = stallAfterCut;
    this.dropConnection = dropConnection;
  }

  /**
   * Returns an answer with any status, content type and body.
   *
   * @param status the HTTP status
   * @param contentType the content type
   * @param body the body
   * @return the reply
   */
  public static FakeReply of(int status, String contentType, String body) {
    return new FakeReply(status, Map.of("content-type", contentType), body.getBytes(StandardCharsets.UTF_8), Duration.ZERO, 0, -1, null, false);
  }

  /**
   * Returns a JSON answer.
   *
   * @param status the HTTP status
   * @param json the body
   * @return the reply
   */
  public static FakeReply json(int status, String json) {
    return of(status, "application/json", json);
  }

  /**
   * Returns a stream of server-sent events, each written as {@code event:} (when the JSON has a
   * {@code type}) and {@code data:} lines and a blank line.
   *
   * @param events the events' data, usually JSON
   * @return the reply
   */
  public static FakeReply sse(List<String> events) {
    StringBuilder b = new StringBuilder();
    for (String e : events) {
      String type = "";
      try {
        type = JSON.readTree(e).path("type").asText("");
      } catch (Exception notJson) {
        // data that is not JSON, e.g. [DONE]
      }
      if (!type.isEmpty()) {
        b.append("event: ").append(type).append('\n');
      }
      b.append("data: ").append(e).append("\n\n");
    }
    return of(200, "text/event-stream", b.toString());
  }

  /**
   * Returns an OpenAI error answer: {@code {"error":{"message","type","param","code"}}}.
   *
   * @param status the HTTP status
   * @param type the error type, for example {@code invalid_request_error}
   * @param code the error code, for example {@code rate_limit_exceeded}
   * @param message the message
   * @return the reply
   */
  public static FakeReply error(int status, String type, String code, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.putNull("param");
    if (code == null) {
      e.putNull("code");
    } else {
      e.put("code", code);
    }
    return json(status, root.toString());
  }

  /**
   * Returns a closed connection without any answer.
   *
   * @return the reply
   */
  public static FakeReply dropConnection() {
    return new FakeReply(200, Map.of(), new byte[0], Duration.ZERO, 0, -1, null, true);
  }

  /**
   * Returns a Responses API answer with a message and function calls, as JSON.
   *
   * @param text the message text, or an empty string for none
   * @param calls function calls as {call_id, name, arguments} triples
   * @param inputTokens input tokens for usage
   * @param outputTokens output tokens for usage
   * @return the reply
   */
  public static FakeReply responsesJson(String text, List<String[]> calls, long inputTokens, long outputTokens) {
    return json(200, response(text, calls, inputTokens, outputTokens, "completed").toString());
  }

  /**
   * Returns the same answer as {@link #responsesJson} as a Responses event stream: created,
   * items with their text and argument deltas, and completed with usage.
   *
   * @param text the message text, or an empty string for none
   * @param calls function calls as {call_id, name, arguments} triples
   * @param inputTokens input tokens for usage
   * @param outputTokens output tokens for usage
   * @return the reply
   */
  public static FakeReply responsesStream(String text, List<String[]> calls, long inputTokens, long outputTokens) {
    List<String> events = new ArrayList<>();
    ObjectNode created = JSON.createObjectNode().put("type", "response.created");
    created.putObject("response").put("id", "resp_fake").put("status", "in_progress").putArray("output");
    events.add(created.toString());
    int index = 0;
    if (!text.isEmpty()) {
      ObjectNode item = JSON.createObjectNode().put("type", "message").put("id", "msg_0").put("role", "assistant").put("status", "in_progress");
      item.putArray("content");
      events.add(JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", index).<ObjectNode>set("item", item).toString());
      for (String piece : pieces(text)) {
        events.add(JSON.createObjectNode().put("type", "response.output_text.delta").put("item_id", "msg_0").put("output_index", index)
            .put("content_index", 0).put("delta", piece).toString());
      }
      events.add(JSON.createObjectNode().put("type", "response.output_text.done").put("output_index", index).put("text", text).toString());
      events.add(JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", index).<ObjectNode>set("item", messageItem(text)).toString());
      index++;
    }
    for (String[] c : calls) {
      ObjectNode added = JSON.createObjectNode().put("type", "function_call").put("id", "fc_" + index).put("call_id", c[0]).put("name", c[1]).put("arguments", "");
      events.add(JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", index).<ObjectNode>set("item", added).toString());
      for (String piece : pieces(c[2])) {
        events.add(JSON.createObjectNode().put("type", "response.function_call_arguments.delta").put("output_index", index).put("delta", piece).toString());
      }
      events.add(JSON.createObjectNode().put("type", "response.function_call_arguments.done").put("output_index", index).put("arguments", c[2]).toString());
      ObjectNode done = added.deepCopy().put("arguments", c[2]).put("status", "completed");
      events.add(JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", index).<ObjectNode>set("item", done).toString());
      index++;
    }
    ObjectNode completed = JSON.createObjectNode().put("type", "response.completed");
    completed.set("response", response(text, calls, inputTokens, outputTokens, "completed"));
    events.add(completed.toString());
    return sse(events);
  }

  /**
   * Returns a Chat Completions answer as JSON.
   *
   * @param text the content, or an empty string
   * @param calls tool calls as {id, name, arguments} triples
   * @param promptTokens prompt tokens
   * @param completionTokens completion tokens
   * @return the reply
   */
  public static FakeReply chatJson(String text, List<String[]> calls, long promptTokens, long completionTokens) {
    ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    ObjectNode msg = choice.putObject("message").put("role", "assistant");
    if (text.isEmpty()) {
      msg.putNull("content");
    } else {
      msg.put("content", text);
    }
    msg.putNull("refusal"); // as OpenAI sends it on every answer that is not a refusal
    if (!calls.isEmpty()) {
      ArrayNode tc = msg.putArray("tool_calls");
      for (String[] c : calls) {
        tc.addObject().put("id", c[0]).put("type", "function").putObject("function").put("name", c[1]).put("arguments", c[2]);
      }
    }
    choice.put("finish_reason", calls.isEmpty() ? "stop" : "tool_calls");
    root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
    return json(200, root.toString());
  }

  /**
   * Returns the same answer as {@link #chatJson} as a Chat Completions chunk stream ending with a
   * usage chunk and {@code [DONE]}.
   *
   * @param text the content, or an empty string
   * @param calls tool calls as {id, name, arguments} triples
   * @param promptTokens prompt tokens
   * @param completionTokens completion tokens
   * @return the reply
   */
  public static FakeReply chatStream(String text, List<String[]> calls, long promptTokens, long completionTokens) {
    List<String> chunks = new ArrayList<>();
    chunks.add(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    for (String piece : pieces(text)) {
      chunks.add(chunk(JSON.createObjectNode().put("content", piece), null));
    }
    for (int i = 0; i < calls.size(); i++) {
      String[] c = calls.get(i);
      ObjectNode first = JSON.createObjectNode();
      first.putArray("tool_calls").addObject().put("index", i).put("id", c[0]).put("type", "function")
          .putObject("function").put("name", c[1]).put("arguments", "");
      chunks.add(chunk(first, null));
      for (String piece : pieces(c[2])) {
        ObjectNode more = JSON.createObjectNode();
        more.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", piece);
        chunks.add(chunk(more, null));
      }
    }
    chunks.add(chunk(JSON.createObjectNode(), calls.isEmpty() ? "stop" : "tool_calls"));
    return chatEvents(chunks, promptTokens, completionTokens);
  }

  /**
   * Returns a Chat Completions refusal as JSON: the message's {@code content} is null and its
   * {@code refusal} holds the model's words, as OpenAI answers a request it declines.
   *
   * @param refusal the refusal, in the model's words
   * @param promptTokens prompt tokens
   * @param completionTokens completion tokens
   * @return the reply
   */
  public static FakeReply chatRefusalJson(String refusal, long promptTokens, long completionTokens) {
    ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").putNull("content").put("refusal", Objects.requireNonNull(refusal, "refusal"));
    choice.put("finish_reason", "stop");
    root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
    return json(200, root.toString());
  }

  /**
   * Returns the same refusal as {@link #chatRefusalJson} as a Chat Completions chunk stream: a
   * first chunk with the role and an empty refusal, the refusal in {@code delta.refusal}
   * fragments, a {@code stop} chunk, a usage chunk and {@code [DONE]}.
   *
   * @param refusal the refusal, in the model's words
   * @param promptTokens prompt tokens
   * @param completionTokens completion tokens
   * @return the reply
   */
  public static FakeReply chatRefusalStream(String refusal, long promptTokens, long completionTokens) {
    List<String> chunks = new ArrayList<>();
    ObjectNode first = JSON.createObjectNode().put("role", "assistant").put("refusal", "");
    first.putNull("content");
    chunks.add(chunk(first, null));
    for (String piece : pieces(Objects.requireNonNull(refusal, "refusal"))) {
      chunks.add(chunk(JSON.createObjectNode().put("refusal", piece), null));
    }
    chunks.add(chunk(JSON.createObjectNode(), "stop"));
    return chatEvents(chunks, promptTokens, completionTokens);
  }

  /** The chunks as a Chat Completions stream, followed by a usage chunk and {@code [DONE]}. */
  private static FakeReply chatEvents(List<String> chunks, long promptTokens, long completionTokens) {
    ObjectNode usage = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk");
    usage.putArray("choices");
    usage.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens);
    StringBuilder b = new StringBuilder();
    for (String c : chunks) {
      b.append("data: ").append(c).append("\n\n");
    }
    b.append("data: ").append(usage).append("\n\n");
    b.append("data: [DONE]\n\n");
    return of(200, "text/event-stream", b.toString());
  }

  /**
   * Returns a Responses API refusal as JSON: one {@code message} output item whose only content
   * part is {@code {"type":"refusal","refusal":...}}.
   *
   * @param refusal the refusal, in the model's words
   * @param inputTokens input tokens for usage
   * @param outputTokens output tokens for usage
   * @return the reply
   */
  public static FakeReply responsesRefusalJson(String refusal, long inputTokens, long outputTokens) {
    ObjectNode r = responseShell("completed");
    r.putArray("output").add(refusalItem(Objects.requireNonNull(refusal, "refusal"), "completed"));
    usage(r, inputTokens, outputTokens);
    return json(200, r.toString());
  }

  /**
   * Returns the same refusal as {@link #responsesRefusalJson} as a Responses event stream, in the
   * order OpenAI sends it: created, the message item added, its refusal part added, {@code
   * response.refusal.delta} events, {@code response.refusal.done}, the part and the item done,
   * and completed with the whole response and usage.
   *
   * @param refusal the refusal, in the model's words
   * @param inputTokens input tokens for usage
   * @param outputTokens output tokens for usage
   * @return the reply
   */
  public static FakeReply responsesRefusalStream(String refusal, long inputTokens, long outputTokens) {
    Objects.requireNonNull(refusal, "refusal");
    List<String> events = new ArrayList<>();
    ObjectNode created = JSON.createObjectNode().put("type", "response.created");
    ObjectNode inProgress = responseShell("in_progress");
    inProgress.putArray("output");
    created.set("response", inProgress);
    events.add(created.toString());
    ObjectNode added = JSON.createObjectNode().put("type", "message").put("id", "msg_0").put("role", "assistant").put("status", "in_progress");
    added.putArray("content");
    events.add(JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", 0).<ObjectNode>set("item", added).toString());
    ObjectNode emptyPart = JSON.createObjectNode().put("type", "refusal").put("refusal", "");
    events.add(JSON.createObjectNode().put("type", "response.content_part.added").put("item_id", "msg_0").put("output_index", 0)
        .put("content_index", 0).<ObjectNode>set("part", emptyPart).toString());
    for (String piece : pieces(refusal)) {
      events.add(JSON.createObjectNode().put("type", "response.refusal.delta").put("item_id", "msg_0").put("output_index", 0)
          .put("content_index", 0).put("delta", piece).toString());
    }
    events.add(JSON.createObjectNode().put("type", "response.refusal.done").put("item_id", "msg_0").put("output_index", 0)
        .put("content_index", 0).put("refusal", refusal).toString());
    ObjectNode part = JSON.createObjectNode().put("type", "refusal").put("refusal", refusal);
    events.add(JSON.createObjectNode().put("type", "response.content_part.done").put("item_id", "msg_0").put("output_index", 0)
        .put("content_index", 0).<ObjectNode>set("part", part).toString());
    events.add(JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", 0)
        .<ObjectNode>set("item", refusalItem(refusal, "completed")).toString());
    ObjectNode completed = JSON.createObjectNode().put("type", "response.completed");
    ObjectNode response = responseShell("completed");
    response.putArray("output").add(refusalItem(refusal, "completed"));
    usage(response, inputTokens, outputTokens);
    completed.set("response", response);
    events.add(completed.toString());
    return sse(events);
  }

  private static ObjectNode refusalItem(String refusal, String status) {
    ObjectNode item = JSON.createObjectNode().put("type", "message").put("id", "msg_0").put("role", "assistant").put("status", status);
    item.putArray("content").addObject().put("type", "refusal").put("refusal", refusal);
    return item;
  }

  private static String chunk(ObjectNode delta, String finish) {
    ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    root.putNull("usage");
    return root.toString();
  }

  private static ObjectNode response(String text, List<String[]> calls, long in, long out, String status) {
    ObjectNode r = responseShell(status);
    ArrayNode output = r.putArray("output");
    if (!text.isEmpty()) {
      output.add(messageItem(text));
    }
    for (String[] c : calls) {
      output.addObject().put("type", "function_call").put("id", "fc_x").put("call_id", c[0]).put("name", c[1]).put("arguments", c[2]).put("status", "completed");
    }
    usage(r, in, out);
    return r;
  }

  private static ObjectNode responseShell(String status) {
    return JSON.createObjectNode().put("id", "resp_fake").put("object", "response").put("status", status);
  }

  private static void usage(ObjectNode response, long in, long out) {
    ObjectNode usage = response.putObject("usage").put("input_tokens", in).put("output_tokens", out).put("total_tokens", in + out);
    usage.putObject("input_tokens_details").put("cached_tokens", in / 2);
    usage.putObject("output_tokens_details").put("reasoning_tokens", out / 4);
  }

  private static ObjectNode messageItem(String text) {
    ObjectNode item = JSON.createObjectNode().put("type", "message").put("id", "msg_0").put("role", "assistant").put("status", "completed");
    item.putArray("content").addObject().put("type", "output_text").put("text", text).putArray("annotations");
    return item;
  }

  private static List<String> pieces(String s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += 7) {
      out.add(s.substring(i, Math.min(s.length(), i + 7)));
    }
    return out;
  }

  /**
   * Returns this reply with another header.
   *
   * @param name the header
   * @param value its value
   * @return the reply
   */
  public FakeReply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
    return new FakeReply(status, h, body, delay, chunkSize, cutAfterBytes, stallAfterCut, dropConnection);
  }

  /**
   * Returns this reply sent after a delay.
   *
   * @param d the delay
   * @return the reply
   */
  public FakeReply withDelay(Duration d) {
    return new FakeReply(status, headers, body, d, chunkSize, cutAfterBytes, stallAfterCut, dropConnection);
  }

  /**
   * Returns this reply written in chunks of so many bytes, each flushed: events split at any
   * byte boundary, even inside a UTF-8 character.
   *
   * @param bytes the chunk size, at least 1
   * @return the reply
   */
  public FakeReply inChunksOf(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1");
    }
    return new FakeReply(status, headers, body, delay, bytes, cutAfterBytes, stallAfterCut, dropConnection);
  }

  /**
   * Returns this reply cut off after so many bytes of body: the connection closes mid-event.
   *
   * @param bytes how much of the body to send
   * @return the reply
   */
  public FakeReply cutAfter(int bytes) {
    return new FakeReply(status, headers, body, delay, chunkSize, bytes, null, dropConnection);
  }

  /**
   * Returns this reply that goes silent after so many bytes and stays silent for a while: an idle
   * stream.
   *
   * @param bytes how much of the body to send first
   * @param silence how long to stay silent before closing
   * @return the reply
   */
  public FakeReply stallAfter(int bytes, Duration silence) {
    return new FakeReply(status, headers, body, delay, chunkSize, bytes, silence, dropConnection);
  }

  /** Returns the body as text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
