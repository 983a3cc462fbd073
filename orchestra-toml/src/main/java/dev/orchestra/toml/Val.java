package dev.orchestra.toml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TOML value together with where it was written. Tables are {@code Map<String, Val>} in file
 * order, arrays {@code List<Val>}, scalars the tomlj types (String, Long, Double, Boolean, java.time
 * values). Trees of these are built per file, merged per layer and read by {@link SettingsReader}.
 */
record Val(Object raw, Origin at) {

  /** Where a value was written: file, 1-based line and column (0 when unknown). */
  record Origin(Path file, int line, int column) {
    Origin {
      Objects.requireNonNull(file, "file");
    }

    static Origin of(Path file) {
      return new Origin(file, 0, 0);
    }
  }

  Val {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(at, "at");
  }

  boolean isTable() {
    return raw instanceof Map;
  }

  boolean isArray() {
    return raw instanceof List;
  }

  boolean isString() {
    return raw instanceof String;
  }

  boolean isLong() {
    return raw instanceof Long;
  }

  boolean isBoolean() {
    return raw instanceof Boolean;
  }

  boolean isNumber() {
    return raw instanceof Long || raw instanceof Double;
  }

  @SuppressWarnings("unchecked")
  Map<String, Val> table() {
    return (Map<String, Val>) raw;
  }

  @SuppressWarnings("unchecked")
  List<Val> array() {
    return (List<Val>) raw;
  }

  String string() {
    return (String) raw;
  }

  long longValue() {
    return (Long) raw;
  }

  boolean bool() {
    return (Boolean) raw;
  }

  double number() {
    return ((Number) raw).doubleValue();
  }

  Val withRaw(Object newRaw) {
    return new Val(newRaw, at);
  }

  /** Names the value's TOML type for messages: "a string", "an integer", ... */
  String typeName() {
    if (raw instanceof String) {
      return "a string";
    } else if (raw instanceof Long) {
      return "an integer";
    } else if (raw instanceof Double) {
      return "a float";
    } else if (raw instanceof Boolean) {
      return "a boolean";
    } else if (raw instanceof Map) {
      return "a table";
    } else if (raw instanceof List) {
      return "an array";
    }
    return "a date/time";
  }

  /** Converts to plain unmodifiable Java values: maps, lists and scalars. */
  Object plain() {
    if (raw instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      table().forEach((k, v) -> out.put(k, v.plain()));
      return Collections.unmodifiableMap(out);
    } else if (raw instanceof List) {
      List<Object> out = new ArrayList<>();
      array().forEach(v -> out.add(v.plain()));
      return Collections.unmodifiableList(out);
    }
    return raw;
  }

  /** Returns a deep copy whose tables and arrays may be changed without touching this one. */
  Val copy() {
    if (raw instanceof Map) {
      Map<String, Val> out = new LinkedHashMap<>();
      table().forEach((k, v) -> out.put(k, v.copy()));
      return withRaw(out);
    } else if (raw instanceof List) {
      List<Val> out = new ArrayList<>();
      array().forEach(v -> out.add(v.copy()));
      return withRaw(out);
    }
    return this;
  }

  /**
   * Merges {@code higher} over {@code lower} the way Codex folds layers: tables key by key,
   * recursively; anything else (scalars, arrays, a table against a scalar) is replaced whole.
   * Neither input is changed.
   */
  static Map<String, Val> merge(Map<String, Val> lower, Map<String, Val> higher) {
    Map<String, Val> out = new LinkedHashMap<>(lower);
    higher.forEach(
        (key, high) -> {
          Val low = out.get(key);
          if (low != null && low.isTable() && high.isTable()) {
            out.put(key, high.withRaw(merge(low.table(), high.table())));
          } else {
            out.put(key, high);
          }
        });
    return out;
  }
}
