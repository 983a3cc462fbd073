package dev.orchestra.internal.workspace;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.internal.json.Json;
import dev.orchestra.model.ToolSpec;

/**
 * Builds a tool's argument schema: a JSON object whose properties are all required and which
 * allows no others, as strict function calling wants. Properties keep the order they are added in.
 */
final class ToolSchema {
  private final ObjectNode properties = Json.MAPPER.createObjectNode();
  private final ArrayNode required = Json.MAPPER.createArrayNode();

  private ToolSchema() {}

  static ToolSchema object() {
    return new ToolSchema();
  }

  ToolSchema string(String name) {
    return add(name, type("string"));
  }

  ToolSchema string(String name, String description) {
    return add(name, type("string").put("description", description));
  }

  ToolSchema integer(String name) {
    return add(name, type("integer"));
  }

  ToolSchema integer(String name, String description) {
    return add(name, type("integer").put("description", description));
  }

  ToolSchema strings(String name) {
    ObjectNode array = type("array");
    array.set("items", type("string"));
    return add(name, array);
  }

  /** The tool with this schema. */
  ToolSpec spec(String tool, String description) {
    ObjectNode schema = type("object");
    schema.set("properties", properties);
    schema.set("required", required);
    schema.put("additionalProperties", false);
    return new ToolSpec(tool, description, schema.toString());
  }

  private ToolSchema add(String name, ObjectNode property) {
    properties.set(name, property);
    required.add(name);
    return this;
  }

  private static ObjectNode type(String type) {
    return Json.MAPPER.createObjectNode().put("type", type);
  }
}
