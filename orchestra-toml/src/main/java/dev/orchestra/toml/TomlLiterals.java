package dev.orchestra.toml;

import java.util.List;
import java.util.stream.Collectors;

/** Writes Java values as TOML source: keys, strings, numbers, booleans and string arrays. */
final class TomlLiterals {
  private TomlLiterals() {}

  /** Writes a key segment bare when it can be, quoted otherwise. */
  static String key(String segment) {
    if (!segment.isEmpty() && segment.chars().allMatch(c -> TomlDocument.isBare((char) c))) {
      return segment;
    }
    return string(segment);
  }

  /** Writes a dotted key. */
  static String key(List<String> path) {
    return path.stream().map(TomlLiterals::key).collect(Collectors.joining("."));
  }

  /** Writes a one-line basic string, escaping quotes, backslashes and control characters. */
  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    escape(s, b, false);
    return b.append('"').toString();
  }

  /**
   * Writes a string; one with line breaks becomes a multi-line basic string so that it stays
   * readable in the file.
   */
  static String text(String s) {
    if (!s.contains("\n")) {
      return string(s);
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append("\"\"\"\n");
    escape(s, b, true);
    return b.append("\"\"\"").toString();
  }

  static String number(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    } else if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.toString(d);
  }

  static String strings(List<String> values) {
    return values.stream().map(TomlLiterals::string).collect(Collectors.joining(", ", "[", "]"));
  }

  private static void escape(String s, StringBuilder b, boolean multiLine) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\b': b.append("\\b"); break;
        case '\t': b.append(multiLine ? "\t" : "\\t"); break;
        case '\n': b.append(multiLine ? "\n" : "\\n"); break;
        case '\f': b.append("\\f"); break;
        case '\r': b.append("\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
      }
    }
  }
}
