package dev.orchestra.internal.workspace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.internal.json.Json;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one tool call: the model's JSON object, read with typed accessors whose
 * failures are errors the model can act on. It also carries the call's target (the path, command
 * line or skill the journal names the call by), which a tool sets as soon as it has read it. One
 * per call; not thread-safe.
 */
final class ToolArgs {
  private final JsonNode object;
  private String target = "";

  private ToolArgs(JsonNode object) {
    this.object = object;
  }

  /** Reads the arguments; blank means none. */
  static ToolArgs parse(String json) throws ToolError {
    try {
      JsonNode node = Json.MAPPER.readTree(json.isBlank() ? "{}" : json);
      if (node == null || !node.isObject()) {
        throw new ToolError("arguments must be a JSON object");
      }
      return new ToolArgs(node);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token: fine for the model, not for the journal.
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ToolError("arguments are not valid JSON: " + e.getMessage(), "arguments are not valid JSON" + where);
    }
  }

  /** A string the call cannot do without. */
  String text(String field) throws ToolError {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      throw new ToolError("argument '" + field + "' is required");
    }
    return textual(field, v);
  }

  /** A string, empty when left out. */
  String optionalText(String field) throws ToolError {
    JsonNode v = object.get(field);
    return v == null || v.isNull() ? "" : textual(field, v);
  }

  /** A non-negative integer, 0 when left out. */
  int count(String field) throws ToolError {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new ToolError("argument '" + field + "' must be a non-negative integer");
    }
    return v.asInt();
  }

  /** An array of strings, empty when left out. */
  List<String> strings(String field) throws ToolError {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ToolError("argument '" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new ToolError("argument '" + field + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** Names what the call is about, for the journal; returns it. */
  String target(String value) {
    target = value;
    return value;
  }

  /** What the call is about, as far as the tool got; empty before it named anything. */
  String target() {
    return target;
  }

  private static String textual(String field, JsonNode v) throws ToolError {
    if (!v.isTextual()) {
      throw new ToolError("argument '" + field + "' must be a string");
    }
    return v.asText();
  }
}
