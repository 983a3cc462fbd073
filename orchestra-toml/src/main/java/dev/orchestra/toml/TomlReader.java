package dev.orchestra.toml;

import dev.orchestra.toml.Val.Origin;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Reads TOML files into {@link Val} trees, reporting unreadable and malformed files. */
final class TomlReader {
  private TomlReader() {}

  /**
   * Reads and parses a file.
   *
   * @return the file's top-level table, or empty when the file could not be read or parsed (the
   *     reason is reported as a problem)
   */
  static Optional<Map<String, Val>> read(Path file, Reporter reporter) {
    String text;
    try {
      text = decode(Files.readAllBytes(file));
    } catch (CharacterCodingException e) {
      reporter.problem(
          Origin.of(file), "", "the file is not valid UTF-8", "save the file as UTF-8, as TOML requires");
      return Optional.empty();
    } catch (IOException e) {
      reporter.problem(
          Origin.of(file),
          "",
          "cannot read the file: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          "check that the file exists and is readable");
      return Optional.empty();
    }
    return parse(text, file, reporter);
  }

  /** Parses TOML text; positions in diagnostics and origins name {@code file}. */
  static Optional<Map<String, Val>> parse(String text, Path file, Reporter reporter) {
    TomlParseResult result = Toml.parse(text);
    if (result.hasErrors()) {
      for (TomlParseError error : result.errors()) {
        TomlPosition p = error.position();
        reporter.problem(
            new Origin(file, p == null ? 0 : p.line(), p == null ? 0 : p.column()),
            "",
            "TOML syntax error: " + stripPosition(error.getMessage()),
            "fix the syntax at this line; strings need quotes, tables and keys may be defined only once");
      }
      return Optional.empty();
    }
    return Optional.of(convertTable(result, file));
  }

  static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static String stripPosition(String message) {
    // tomlj appends " (line L, column C)"; the diagnostic carries the position already.
    int i = message.lastIndexOf(" (line ");
    return i > 0 && message.endsWith(")") ? message.substring(0, i) : message;
  }

  private static Map<String, Val> convertTable(TomlTable table, Path file) {
    Map<String, Val> out = new LinkedHashMap<>();
    for (String key : table.keySet()) {
      Origin at = origin(file, table.inputPositionOf(List.of(key)));
      out.put(key, convert(table.get(List.of(key)), at, file));
    }
    return out;
  }

  private static Val convert(Object value, Origin at, Path file) {
    if (value instanceof TomlTable) {
      return new Val(convertTable((TomlTable) value, file), at);
    } else if (value instanceof TomlArray) {
      TomlArray array = (TomlArray) value;
      List<Val> items = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        // tomlj's positions of array items are approximate; the key's position is more useful.
        items.add(convert(array.get(i), at, file));
      }
      return new Val(items, at);
    }
    return new Val(value, at);
  }

  private static Origin origin(Path file, TomlPosition p) {
    return p == null ? Origin.of(file) : new Origin(file, p.line(), p.column());
  }
}
