package dev.orchestra.toml;

import java.util.ArrayList;
import java.util.List;

/**
 * A line-level map of a TOML text: where each table header and each key/value statement starts
 * and ends, and which full key path it defines. Enough to replace, insert or delete single
 * statements while every other byte stays as it was. The text must already be valid TOML (tomlj
 * checks that first); this scanner only finds boundaries.
 */
final class TomlDocument {

  enum Kind {
    HEADER,
    ARRAY_HEADER,
    KEY_VALUE,
    TRIVIA
  }

  /**
   * One statement. {@code end} is exclusive and includes the line break. For key/values, {@code
   * valueStart}/{@code valueEnd} delimit the value text; {@code path} is the full key path
   * (header plus dotted key); {@code key} the dotted key as written relative to its table.
   */
  static final class Stmt {
    final Kind kind;
    final int start;
    final int end;
    final List<String> key;
    final List<String> path;
    final int valueStart;
    final int valueEnd;
    final boolean inArrayTable;

    Stmt(Kind kind, int start, int end, List<String> key, List<String> path, int valueStart, int valueEnd, boolean inArrayTable) {
      this.kind = kind;
      this.start = start;
      this.end = end;
      this.key = key;
      this.path = path;
      this.valueStart = valueStart;
      this.valueEnd = valueEnd;
      this.inArrayTable = inArrayTable;
    }

    boolean isHeader() {
      return kind == Kind.HEADER || kind == Kind.ARRAY_HEADER;
    }

    boolean isComment(String text) {
      return kind == Kind.TRIVIA && text.substring(start, end).strip().startsWith("#");
    }
  }

  final String text;
  final List<Stmt> stmts;
  final String newline;

  private int pos;

  private TomlDocument(String text) {
    this.text = text;
    this.newline = text.contains("\r\n") ? "\r\n" : "\n";
    this.stmts = new ArrayList<>();
    scan();
  }

  static TomlDocument of(String text) {
    return new TomlDocument(text);
  }

  /** Parses a dotted key written in TOML syntax, for example {@code projects."/a/b".trust_level}. */
  static List<String> parseKey(String key) {
    TomlDocument d = new TomlDocument("");
    d.pos = 0;
    List<String> parts = d.key(key);
    if (d.pos != key.length()) {
      throw new IllegalArgumentException("not a TOML key: '" + key + "' (quote segments that are not letters, digits, '_' or '-')");
    }
    return parts;
  }

  // ---------------------------------------------------------------- scanning

  private void scan() {
    List<String> table = List.of();
    boolean inArray = false;
    pos = 0;
    while (pos < text.length()) {
      int start = pos;
      skipSpaces(text);
      char c = pos < text.length() ? text.charAt(pos) : '\n';
      if (c == '\n' || c == '\r' || c == '#') {
        endOfLine(text);
        stmts.add(new Stmt(Kind.TRIVIA, start, pos, List.of(), List.of(), -1, -1, inArray));
      } else if (c == '[') {
        boolean array = text.startsWith("[[", pos);
        pos += array ? 2 : 1;
        List<String> header = key(text);
        skipSpaces(text);
        pos += array ? 2 : 1; // the closing bracket(s)
        endOfLine(text);
        table = header;
        inArray = array || hasArrayPrefix(header);
        stmts.add(new Stmt(array ? Kind.ARRAY_HEADER : Kind.HEADER, start, pos, header, header, -1, -1, inArray));
      } else {
        List<String> k = key(text);
        skipSpaces(text);
        pos++; // '='
        skipSpaces(text);
        int valueStart = pos;
        value(text);
        int valueEnd = pos;
        endOfLine(text);
        List<String> full = new ArrayList<>(table);
        full.addAll(k);
        stmts.add(new Stmt(Kind.KEY_VALUE, start, pos, k, List.copyOf(full), valueStart, valueEnd, inArray));
      }
    }
  }

  private boolean hasArrayPrefix(List<String> header) {
    for (Stmt s : stmts) {
      if (s.kind == Kind.ARRAY_HEADER && header.size() > s.path.size() && header.subList(0, s.path.size()).equals(s.path)) {
        return true;
      }
    }
    return false;
  }

  private void skipSpaces(String t) {
    while (pos < t.length() && (t.charAt(pos) == ' ' || t.charAt(pos) == '\t')) {
      pos++;
    }
  }

  /** Skips an optional comment and the line break. */
  private void endOfLine(String t) {
    while (pos < t.length() && t.charAt(pos) != '\n') {
      pos++;
    }
    if (pos < t.length()) {
      pos++;
    }
  }

  private List<String> key(String t) {
    List<String> parts = new ArrayList<>();
    while (true) {
      skipSpaces(t);
      if (pos >= t.length()) {
        throw new IllegalArgumentException("a key is missing");
      }
      char c = t.charAt(pos);
      if (c == '"') {
        parts.add(basicString(t));
      } else if (c == '\'') {
        int close = t.indexOf('\'', pos + 1);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated quoted key");
        }
        parts.add(t.substring(pos + 1, close));
        pos = close + 1;
      } else {
        int s = pos;
        while (pos < t.length() && isBare(t.charAt(pos))) {
          pos++;
        }
        if (s == pos) {
          throw new IllegalArgumentException("invalid character '" + c + "' in a key");
        }
        parts.add(t.substring(s, pos));
      }
      skipSpaces(t);
      if (pos < t.length() && t.charAt(pos) == '.') {
        pos++;
      } else {
        return parts;
      }
    }
  }

  static boolean isBare(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private String basicString(String t) {
    StringBuilder b = new StringBuilder();
    pos++;
    while (pos < t.length() && t.charAt(pos) != '"') {
      char c = t.charAt(pos);
      if (c == '\\' && pos + 1 < t.length()) {
        char e = t.charAt(pos + 1);
        pos += 2;
        switch (e) {
          case 'b': b.append('\b'); break;
          case 't': b.append('\t'); break;
          case 'n': b.append('\n'); break;
          case 'f': b.append('\f'); break;
          case 'r': b.append('\r'); break;
          case 'e': b.append('\u001b'); break;
          case 'u':
          case 'U':
            int len = e == 'u' ? 4 : 8;
            b.appendCodePoint(Integer.parseInt(t.substring(pos, pos + len), 16));
            pos += len;
            break;
          default: b.append(e);
        }
      } else {
        b.append(c);
        pos++;
      }
    }
    if (pos >= t.length()) {
      throw new IllegalArgumentException("unterminated quoted key");
    }
    pos++;
    return b.toString();
  }

  /** Moves past one value, which may span lines (multi-line strings, arrays). */
  private void value(String t) {
    if (t.startsWith("\"\"\"", pos)) {
      multiLine(t, "\"\"\"", true);
    } else if (t.startsWith("'''", pos)) {
      multiLine(t, "'''", false);
    } else if (t.charAt(pos) == '"' || t.charAt(pos) == '\'') {
      singleLine(t);
    } else if (t.charAt(pos) == '[' || t.charAt(pos) == '{') {
      composite(t);
    } else {
      while (pos < t.length() && t.charAt(pos) != '\n' && t.charAt(pos) != '#' && t.charAt(pos) != ','
          && t.charAt(pos) != ']' && t.charAt(pos) != '}') {
        pos++;
      }
      while (pos > 0 && (t.charAt(pos - 1) == ' ' || t.charAt(pos - 1) == '\t' || t.charAt(pos - 1) == '\r')) {
        pos--;
      }
    }
  }

  private void multiLine(String t, String delimiter, boolean escapes) {
    pos += 3;
    while (pos < t.length()) {
      char c = t.charAt(pos);
      if (escapes && c == '\\') {
        pos += 2;
      } else if (t.startsWith(delimiter, pos)) {
        pos += 3;
        int extra = 0;
        while (extra < 2 && pos < t.length() && t.charAt(pos) == delimiter.charAt(0)) {
          pos++;
          extra++;
        }
        return;
      } else {
        pos++;
      }
    }
  }

  private void singleLine(String t) {
    char quote = t.charAt(pos);
    pos++;
    while (pos < t.length() && t.charAt(pos) != quote) {
      pos += quote == '"' && t.charAt(pos) == '\\' ? 2 : 1;
    }
    pos++;
  }

  private void composite(String t) {
    int depth = 0;
    while (pos < t.length()) {
      char c = t.charAt(pos);
      if (c == '"' || c == '\'') {
        value(t);
        continue;
      }
      if (c == '#') {
        while (pos < t.length() && t.charAt(pos) != '\n') {
          pos++;
        }
        continue;
      }
      pos++;
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return;
        }
      }
    }
  }
}
