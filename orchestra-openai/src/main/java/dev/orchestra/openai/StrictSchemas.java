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
    if (schema.has("properties") || isObjectType(schema.path("type"))) {
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
    // items (a schema, or the older list form), prefixItems and not hold schemas as well.
    for (String holder : new String[] {"items", "prefixItems", "not"}) {
      JsonNode sub = schema.get(holder);
      if (sub == null) {
        continue;
      }
      if (sub.isArray()) {
        for (JsonNode each : sub) {
          if (!isStrict(each)) {
            return false;
          }
        }
      } else if (!isStrict(sub)) {
        return false;
      }
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

  /** {@code "object"}, or a list of types that includes it ({@code ["object", "null"]}). */
  private static boolean isObjectType(JsonNode type) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if ("object".equals(t.asText())) {
          return true;
        }
      }
      return false;
    }
    return "object".equals(type.asText());
  }
}
