package dev.orchestra.toml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * A Codex role file as {@code -c key=value} overrides, one per leaf key, so a Codex process started
 * for the role gets what Codex would apply to it (its MCP servers, skills, features and other
 * settings) without Orchestra copying anything into the user's {@code CODEX_HOME}.
 */
final class CodexOverrides {
  /**
   * Keys not passed on: the role's own identity, which is no configuration key, and the settings
   * Orchestra passes itself from the role (capped by the run's sandbox ceiling).
   */
  static final Set<String> NOT_PASSED =
      Set.of("name", "description", "nickname_candidates", "model", "model_reasoning_effort", "sandbox_mode", "approval_policy", "developer_instructions");

  private CodexOverrides() {}

  static List<String> of(Path roleFile) {
    TomlParseResult toml;
    try {
      toml = Toml.parse(roleFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the role file " + roleFile + ": " + e.getMessage(), e);
    }
    if (toml.hasErrors()) {
      throw new IllegalStateException("the role file " + roleFile + " does not parse: " + toml.errors().get(0));
    }
    List<String> out = new ArrayList<>();
    for (String key : toml.keySet()) {
      if (!NOT_PASSED.contains(key)) {
        flatten(key(key), toml.get(List.of(key)), out);
      }
    }
    return List.copyOf(out);
  }

  private static void flatten(String path, Object value, List<String> out) {
    if (value instanceof TomlTable t) {
      for (String k : t.keySet()) {
        flatten(path + "." + key(k), t.get(List.of(k)), out);
      }
    } else {
      out.add(path + "=" + value(value));
    }
  }

  /** A TOML value written inline: what Codex parses after the {@code =}. */
  static String value(Object v) {
    if (v instanceof String s) {
      return TomlLiterals.string(s);
    }
    if (v instanceof TomlArray a) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        items.add(value(a.get(i)));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof TomlTable t) {
      List<String> items = new ArrayList<>();
      for (String k : t.keySet()) {
        items.add(key(k) + " = " + value(t.get(List.of(k))));
      }
      return "{" + String.join(", ", items) + "}";
    }
    if (v instanceof Double d) {
      return TomlLiterals.number(d);
    }
    return String.valueOf(v); // integers, booleans, dates and times as TOML writes them
  }

  private static String key(String k) {
    return TomlLiterals.key(k);
  }
}
