package dev.orchestra.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a JSON Schema already has the strict form structured outputs need: every object closes
 * its properties ({@code additionalProperties: false}) and requires all of them. Such schemas are
 * sent with {@code strict: true}; others are sent as they are, not strict, rather than rejected.
 * Definitions ({@code $defs}, {@code definitions}) are checked too: a {@code $ref} may lead to any
 * of them, and strict mode holds every object the schema contains to the same rules.
 */
final class StrictSchemas {
  private StrictSchemas() {}

  static boolean isStrict(JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      return true;
    }
    if (schema.has("properties") || "object".equals(schema.path("type").asText())) {
      JsonNode props = schema.path("properties");
      if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
        return false;
      }
      Set<String> required = new HashSet<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      var names = props.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!required.contains(n) || !isStrict(props.get(n))) {
          return false;
        }
      }
    }
    if (schema.has("items") && !isStrict(schema.get("items"))) {
      return false;
    }
    for (String definitions : new String[] {"$defs", "definitions"}) {
      for (JsonNode def : schema.path(definitions)) {
        if (!isStrict(def)) {
          return false;
        }
      }
    }
    for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
      for (JsonNode sub : schema.path(combinator)) {
        if (!isStrict(sub)) {
          return false;
        }
      }
    }
    return true;
  }
}
