package dev.orchestra.toml;

import dev.orchestra.toml.Diagnostic.Severity;
import dev.orchestra.toml.TomlDocument.Kind;
import dev.orchestra.toml.TomlDocument.Stmt;
import dev.orchestra.toml.Val.Origin;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;

/**
 * Sets or removes single keys in a Codex {@code config.toml} (or role file) while keeping every
 * other byte as it was: comments, blank lines, key order, quoting, unknown tables.
 *
 * <pre>{@code
 * ConfigEditor.open(home.resolve("config.toml"))
 *     .set("agents.max_threads", 8)
 *     .set("agents.reviewer.description", "PR-grade review.")
 *     .save();
 * }</pre>
 *
 * <p>Keys are written in TOML's dotted-key syntax; quote segments that are not plain words, for
 * example {@code projects."/home/me/repo".trust_level}. An existing value is replaced in place
 * (its trailing comment kept). A missing key is added at the end of its table; when the table
 * does not exist it is added at the end of the file. Keys inside inline tables or arrays of tables
 * cannot be edited and are refused with an explanation.
 *
 * <p>Every edit is checked by parsing the result again; an edit that would not read back exactly
 * throws and leaves the text unchanged. Not thread-safe: use one editor per thread.
 */
public final class ConfigEditor {
  private static final Path UNNAMED = Path.of("config.toml");

  private final Path file;
  private String text;

  private ConfigEditor(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  /**
   * Opens a file for editing; a missing file starts as an empty document.
   *
   * @param file the TOML file
   * @return an editor over the file's text
   * @throws CodexConfigException when the file cannot be read or is not valid TOML
   */
  public static ConfigEditor open(Path file) {
    Path target = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    String content = "";
    if (Files.exists(target)) {
      try {
        content = TomlReader.decode(Files.readAllBytes(target));
      } catch (CharacterCodingException e) {
        throw failure(target, "cannot edit " + target, "the file is not valid UTF-8", "save the file as UTF-8");
      } catch (IOException e) {
        throw failure(target, "cannot edit " + target, "cannot read the file: " + e.getMessage(), "check that it is readable");
      }
    }
    return new ConfigEditor(target, check(content, target));
  }

  /**
   * Starts editing TOML text that is not tied to a file; diagnostics name it {@code config.toml}.
   *
   * @param text the TOML text
   * @return an editor over the text
   * @throws CodexConfigException when the text is not valid TOML
   */
  public static ConfigEditor of(String text) {
    return new ConfigEditor(null, check(Objects.requireNonNull(text, "text"), UNNAMED));
  }

  /**
   * Sets a key to a string, written as a basic string (multi-line when it contains line breaks).
   *
   * @param key the dotted key, for example {@code model} or {@code agents.reviewer.description}
   * @param value the value
   * @return this editor
   * @throws CodexConfigException when the key cannot be set here (it is a table, or lies inside an
   *     inline table, an array of tables or a non-table value)
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public ConfigEditor set(String key, String value) {
    Objects.requireNonNull(value, "value");
    return apply(key, TomlLiterals.text(value), value);
  }

  /**
   * Sets a key to an integer.
   *
   * @param key the dotted key
   * @param value the value
   * @return this editor
   * @throws CodexConfigException when the key cannot be set here
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public ConfigEditor set(String key, long value) {
    return apply(key, Long.toString(value), value);
  }

  /**
   * Sets a key to a boolean.
   *
   * @param key the dotted key
   * @param value the value
   * @return this editor
   * @throws CodexConfigException when the key cannot be set here
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public ConfigEditor set(String key, boolean value) {
    return apply(key, Boolean.toString(value), value);
  }

  /**
   * Sets a key to a float.
   *
   * @param key the dotted key
   * @param value the value
   * @return this editor
   * @throws CodexConfigException when the key cannot be set here
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public ConfigEditor set(String key, double value) {
    return apply(key, TomlLiterals.number(value), value);
  }

  /**
   * Sets a key to an array of strings.
   *
   * @param key the dotted key
   * @param values the strings
   * @return this editor
   * @throws CodexConfigException when the key cannot be set here
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public ConfigEditor set(String key, List<String> values) {
    List<String> copy = List.copyOf(values);
    return apply(key, TomlLiterals.strings(copy), copy);
  }

  /**
   * Removes a key's line, or a whole table (its header, keys and sub-tables) when the key names
   * one. Comments on their own lines are kept.
   *
   * @param key the dotted key
   * @return whether anything was removed
   * @throws CodexConfigException when the key lies inside an inline table or array of tables
   * @throws IllegalArgumentException when {@code key} is not TOML key syntax
   */
  public boolean remove(String key) {
    List<String> path = TomlDocument.parseKey(key);
    TomlDocument doc = TomlDocument.of(text);
    refuseNested(doc, path, key);
    List<int[]> cuts = new ArrayList<>();
    for (int i = 0; i < doc.stmts.size(); i++) {
      Stmt s = doc.stmts.get(i);
      if (s.kind == Kind.KEY_VALUE && !s.inArrayTable && s.path.equals(path)) {
        cuts.add(new int[] {s.start, s.end});
      } else if (s.isHeader() && startsWith(s.path, path)) {
        cuts.add(new int[] {s.start, sectionEnd(doc, i)});
      } else if (s.kind == Kind.KEY_VALUE && !s.inArrayTable && startsWith(s.path, path) && !isUnderHeader(doc, i, path)) {
        cuts.add(new int[] {s.start, s.end}); // dotted keys that define the table implicitly
      }
    }
    if (cuts.isEmpty()) {
      return false;
    }
    StringBuilder b = new StringBuilder(text);
    for (int i = cuts.size() - 1; i >= 0; i--) {
      b.delete(cuts.get(i)[0], cuts.get(i)[1]);
    }
    String updated = b.toString();
    TomlParseResult parsed = Toml.parse(updated);
    if (parsed.hasErrors() || parsed.contains(path)) {
      throw failure(where(), "cannot remove " + key, "removing " + key + " would not leave valid TOML without it",
          "remove it by hand; the file was left unchanged");
    }
    text = updated;
    return true;
  }

  /** Returns the current text. */
  public String text() {
    return text;
  }

  /**
   * Writes the text back to the file this editor was opened from, atomically.
   *
   * @throws IllegalStateException when the editor was made with {@link #of(String)}
   * @throws CodexConfigException when the file cannot be written; it is then unchanged
   */
  public void save() {
    if (file == null) {
      throw new IllegalStateException("this editor has no file; use writeTo(path)");
    }
    AtomicWrite.write(file, text);
  }

  /**
   * Writes the text to a file, atomically.
   *
   * @param target the file to write
   * @throws CodexConfigException when the file cannot be written; it is then unchanged
   */
  public void writeTo(Path target) {
    AtomicWrite.write(Objects.requireNonNull(target, "target"), text);
  }

  // ------------------------------------------------------------------------

  private ConfigEditor apply(String key, String literal, Object expected) {
    List<String> path = TomlDocument.parseKey(key);
    TomlDocument doc = TomlDocument.of(text);
    refuseNested(doc, path, key);
    String updated = null;
    for (Stmt s : doc.stmts) {
      if (s.kind == Kind.KEY_VALUE && !s.inArrayTable && s.path.equals(path)) {
        updated = text.substring(0, s.valueStart) + literal + text.substring(s.valueEnd);
        break;
      }
      if (s.isHeader() && s.path.equals(path)) {
        throw failure(where(), "cannot set " + key, key + " is a table, not a value", "set a key inside it, for example " + key + ".name");
      }
    }
    if (updated == null) {
      updated = insert(doc, path, literal);
    }
    TomlParseResult parsed = Toml.parse(updated);
    if (parsed.hasErrors() || !readsBack(parsed, path, expected)) {
      throw failure(where(), "cannot set " + key,
          "setting " + key + " here would not read back as written"
              + (parsed.hasErrors() ? ": " + parsed.errors().get(0).getMessage() : ""),
          "edit this key by hand; the text was left unchanged");
    }
    text = updated;
    return this;
  }

  private void refuseNested(TomlDocument doc, List<String> path, String key) {
    TomlParseResult parsed = Toml.parse(text);
    for (int n = 1; n <= path.size(); n++) {
      List<String> prefix = path.subList(0, n);
      Object v = parsed.get(prefix);
      if (v == null) {
        break;
      }
      if (v instanceof TomlArray) {
        boolean ofTables = !((TomlArray) v).isEmpty() && ((TomlArray) v).get(0) instanceof org.tomlj.TomlTable;
        if (n < path.size() || ofTables) {
          throw failure(where(), "cannot edit " + key, String.join(".", prefix) + " is an array" + (ofTables ? " of tables" : ""),
              "edit entries of arrays by hand");
        }
        break;
      }
      if (n < path.size() && !(v instanceof org.tomlj.TomlTable)) {
        throw failure(where(), "cannot edit " + key, TomlLiterals.key(prefix) + " is a value, not a table, so it cannot hold " + key,
            "remove " + TomlLiterals.key(prefix) + " first, or choose another key");
      }
    }
    for (Stmt s : doc.stmts) {
      if (s.kind == Kind.KEY_VALUE && s.path.size() < path.size() && startsWith(path, s.path)
          && text.charAt(s.valueStart) == '{') {
        throw failure(where(), "cannot edit " + key, TomlLiterals.key(s.path) + " is an inline table, which this editor does not change",
            "rewrite " + TomlLiterals.key(s.path) + " as a [" + TomlLiterals.key(s.path) + "] table, or edit it by hand");
      }
    }
  }

  private String insert(TomlDocument doc, List<String> path, String literal) {
    String nl = doc.newline;
    // The table section whose header is the longest proper prefix of the key (the root has none).
    int header = -1;
    int headerLength = 0;
    for (int i = 0; i < doc.stmts.size(); i++) {
      Stmt s = doc.stmts.get(i);
      if (s.kind == Kind.HEADER && !s.inArrayTable && s.path.size() < path.size() && startsWith(path, s.path)
          && s.path.size() >= headerLength) {
        header = i;
        headerLength = s.path.size();
      }
    }
    int from = header + 1;
    int to = header < 0 ? firstHeader(doc) : sectionEndIndex(doc, header);
    List<String> rel = path.subList(headerLength, path.size());
    // A dotted sibling in that section (tui.status_line when adding tui.theme): insert next to it.
    int sibling = -1;
    int best = 0;
    int lastKey = -1;
    for (int i = from; i < to; i++) {
      Stmt s = doc.stmts.get(i);
      if (s.kind != Kind.KEY_VALUE) {
        continue;
      }
      lastKey = i;
      int common = commonPrefix(s.key, rel);
      if (common >= 1 && common >= best) {
        sibling = i;
        best = common;
      }
    }
    String line = TomlLiterals.key(rel) + " = " + literal + nl;
    if (sibling >= 0) {
      return insertAfter(doc, doc.stmts.get(sibling), line);
    }
    if (rel.size() > 1) {
      // The table does not exist: add it at the end of the file.
      String end = text;
      if (!end.isEmpty() && !end.endsWith("\n")) {
        end += nl;
      }
      if (!end.isEmpty() && !end.endsWith(nl + nl)) {
        end += nl;
      }
      return end + "[" + TomlLiterals.key(path.subList(0, path.size() - 1)) + "]" + nl
          + TomlLiterals.key(path.get(path.size() - 1)) + " = " + literal + nl;
    }
    if (lastKey >= 0) {
      return insertAfter(doc, doc.stmts.get(lastKey), line);
    }
    if (header >= 0) {
      return insertAfter(doc, doc.stmts.get(header), line);
    }
    // A top-level key in a file without top-level keys: before the first table and its comments.
    int first = firstHeader(doc);
    if (first >= doc.stmts.size()) {
      String end = text.isEmpty() || text.endsWith("\n") ? text : text + nl;
      return end + line;
    }
    int at = first;
    while (at > 0 && doc.stmts.get(at - 1).isComment(text)) {
      at--;
    }
    int offset = doc.stmts.get(at).start;
    return text.substring(0, offset) + line + nl + text.substring(offset);
  }

  private String insertAfter(TomlDocument doc, Stmt s, String line) {
    String before = text.substring(0, s.end);
    if (!before.endsWith("\n")) {
      before += doc.newline;
    }
    return before + line + text.substring(s.end);
  }

  private static int firstHeader(TomlDocument doc) {
    for (int i = 0; i < doc.stmts.size(); i++) {
      if (doc.stmts.get(i).isHeader()) {
        return i;
      }
    }
    return doc.stmts.size();
  }

  /** Returns the end offset of a header's section: after its last key/value (trailing comments stay with the next table). */
  private static int sectionEnd(TomlDocument doc, int header) {
    int end = doc.stmts.get(header).end;
    for (int i = header + 1; i < doc.stmts.size() && !doc.stmts.get(i).isHeader(); i++) {
      if (doc.stmts.get(i).kind == Kind.KEY_VALUE) {
        end = doc.stmts.get(i).end;
      }
    }
    return end;
  }

  /** Returns the index of the statement after a header's section. */
  private static int sectionEndIndex(TomlDocument doc, int header) {
    int i = header + 1;
    while (i < doc.stmts.size() && !doc.stmts.get(i).isHeader()) {
      i++;
    }
    return i;
  }

  private static boolean isUnderHeader(TomlDocument doc, int stmt, List<String> path) {
    for (int i = stmt - 1; i >= 0; i--) {
      Stmt s = doc.stmts.get(i);
      if (s.isHeader()) {
        return startsWith(s.path, path);
      }
    }
    return false;
  }

  private static boolean startsWith(List<String> list, List<String> prefix) {
    return list.size() >= prefix.size() && list.subList(0, prefix.size()).equals(prefix);
  }

  private static int commonPrefix(List<String> a, List<String> b) {
    int n = 0;
    while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
      n++;
    }
    return n;
  }

  private static boolean readsBack(TomlParseResult parsed, List<String> path, Object expected) {
    Object actual = parsed.get(path);
    if (expected instanceof List) {
      return actual instanceof TomlArray && ((TomlArray) actual).toList().equals(expected);
    }
    if (expected instanceof Double && actual instanceof Double) {
      return Double.compare((Double) expected, (Double) actual) == 0;
    }
    return Objects.equals(expected, actual);
  }

  private Path where() {
    return file == null ? UNNAMED : file;
  }

  private static String check(String text, Path file) {
    Reporter r = Reporter.create(false);
    Optional<?> parsed = TomlReader.parse(text, file, r);
    if (parsed.isEmpty()) {
      throw new CodexConfigException("cannot edit " + file + ": it is not valid TOML", r.diagnostics());
    }
    return text;
  }

  private static CodexConfigException failure(Path file, String summary, String message, String hint) {
    Origin at = Origin.of(file);
    return new CodexConfigException(summary, List.of(new Diagnostic(Severity.ERROR, at.file(), 0, 0, "", message, hint)));
  }
}
