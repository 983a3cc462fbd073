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
import java.util.Comparator;
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
  /**
   * How deep arrays, inline tables and tables may nest. tomlj parses, and this module converts and
   * merges, by recursion; refusing deeper files keeps a hostile file from overflowing the stack.
   */
  private static final int MAX_NESTING = 100;

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
    Optional<Origin> tooDeep = firstTooDeepBracket(text, file);
    if (tooDeep.isPresent()) {
      reportTooDeep(tooDeep.get(), reporter);
      return Optional.empty();
    }
    TomlParseResult result = Toml.parse(text);
    if (result.hasErrors()) {
      // Only the first error is reported. After a syntax error the parser resynchronises at a guess,
      // so what it reports next (a broken string's second line read as a key, say) is usually the
      // same mistake again, at the wrong line.
      TomlParseError first = result.errors().stream().min(Comparator.comparingLong(TomlReader::position)).orElseThrow();
      TomlPosition p = first.position();
      reporter.problem(
          new Origin(file, p == null ? 0 : p.line(), p == null ? 0 : p.column()),
          "",
          "TOML syntax error: " + stripPosition(first.getMessage()),
          "fix the syntax at this line, then check again (the rest of the file is checked once it parses);"
              + " strings need quotes and end on their line, inline tables fit on one line, tables and keys may be"
              + " defined only once");
      return Optional.empty();
    }
    try {
      return Optional.of(convertTable(result, file, 1));
    } catch (TooDeep e) {
      reportTooDeep(e.at, reporter);
      return Optional.empty();
    }
  }

  /** Orders parse errors by where they are; an error without a position sorts last. */
  private static long position(TomlParseError error) {
    TomlPosition p = error.position();
    return p == null ? Long.MAX_VALUE : ((long) p.line() << 32) + p.column();
  }

  private static void reportTooDeep(Origin at, Reporter reporter) {
    reporter.problem(at, "", "TOML syntax error: arrays and tables nest more than " + MAX_NESTING + " levels deep",
        "flatten the value; no Codex setting nests more than a few levels");
  }

  /**
   * Returns where an array or inline table first opens deeper than {@link #MAX_NESTING}, outside
   * strings and comments. Runs before tomlj, whose parser recurses once per bracket.
   */
  private static Optional<Origin> firstTooDeepBracket(String t, Path file) {
    int depth = 0;
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\n') {
        line++;
        lineStart = i + 1;
      } else if (c == '#') {
        while (i + 1 < t.length() && t.charAt(i + 1) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'') {
        String delimiter = String.valueOf(c).repeat(t.startsWith(String.valueOf(c).repeat(3), i) ? 3 : 1);
        int j = i + delimiter.length();
        while (j < t.length() && !t.startsWith(delimiter, j)) {
          char d = t.charAt(j);
          if (d == '\n') {
            if (delimiter.length() == 1) {
              break; // an unterminated one-line string; tomlj reports it
            }
            line++;
            lineStart = j + 1;
          }
          j += c == '"' && d == '\\' && j + 1 < t.length() && t.charAt(j + 1) != '\n' ? 2 : 1;
        }
        j += delimiter.length();
        while (delimiter.length() == 3 && j < t.length() && t.charAt(j) == c) {
          j++; // up to two quotes may end a multi-line string's content
        }
        i = Math.min(j, t.length()) - 1;
      } else if (c == '[' || c == '{') {
        if (++depth > MAX_NESTING) {
          return Optional.of(new Origin(file, line, i - lineStart + 1));
        }
      } else if (c == ']' || c == '}') {
        depth = Math.max(0, depth - 1);
      }
    }
    return Optional.empty();
  }

  /** Thrown while converting when tables nest deeper than {@link #MAX_NESTING} (dotted keys). */
  private static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Origin at;

    TooDeep(Origin at) {
      super(null, null, false, false);
      this.at = at;
    }
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

  private static Map<String, Val> convertTable(TomlTable table, Path file, int depth) {
    Map<String, Val> out = new LinkedHashMap<>();
    for (String key : table.keySet()) {
      Origin at = origin(file, table.inputPositionOf(List.of(key)));
      out.put(key, convert(table.get(List.of(key)), at, file, depth + 1));
    }
    return out;
  }

  private static Val convert(Object value, Origin at, Path file, int depth) {
    if (depth > MAX_NESTING) {
      throw new TooDeep(at);
    }
    if (value instanceof TomlTable) {
      return new Val(convertTable((TomlTable) value, file, depth), at);
    } else if (value instanceof TomlArray) {
      TomlArray array = (TomlArray) value;
      List<Val> items = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        // tomlj's positions of array items are approximate; the key's position is more useful.
        items.add(convert(array.get(i), at, file, depth + 1));
      }
      return new Val(items, at);
    }
    return new Val(value, at);
  }

  private static Origin origin(Path file, TomlPosition p) {
    return p == null ? Origin.of(file) : new Origin(file, p.line(), p.column());
  }
}
