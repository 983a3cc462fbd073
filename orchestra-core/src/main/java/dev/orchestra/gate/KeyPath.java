package dev.orchestra.gate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys a YAML line sits under (by indentation) or a TOML or INI line's section, so that a
 * changed {@code timeout: 30d} under {@code session:} is read as {@code session.timeout: 30d}.
 * Fed every line of a hunk in order, context included; a hunk starts with no keys.
 */
final class KeyPath {
  private static final Pattern YAML_KEY = Pattern.compile("^\\s*(?:-\\s+)?([\\w.$\"'-]+)\\s*:(?:\\s|$)");
  private static final Pattern SECTION = Pattern.compile("^\\s*\\[+([^\\]]+)\\]+\\s*$");

  private record Entry(int indent, String key) {}

  private final FileType type;
  private final Deque<Entry> open = new ArrayDeque<>();
  private String section = "";

  KeyPath(FileType type) {
    this.type = type;
  }

  /** Returns the line prefixed with the keys it sits under, and remembers the keys it opens. */
  String read(String content) {
    String trimmed = content.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return content;
    }
    if (type.nested()) {
      Matcher m = YAML_KEY.matcher(content);
      boolean keyed = m.find();
      int indent = keyed ? m.start(1) : content.indexOf(trimmed.charAt(0));
      while (!open.isEmpty() && open.peek().indent() >= indent) {
        open.pop();
      }
      StringBuilder prefix = new StringBuilder();
      for (Iterator<Entry> it = open.descendingIterator(); it.hasNext(); ) {
        prefix.append(it.next().key()).append('.');
      }
      if (keyed) {
        open.push(new Entry(indent, m.group(1)));
      }
      return prefix.length() == 0 ? content : prefix + trimmed;
    }
    if (type.sectioned()) {
      Matcher s = SECTION.matcher(content);
      if (s.find()) {
        section = s.group(1).strip();
        return content;
      }
      return section.isEmpty() ? content : section + "." + trimmed;
    }
    return content;
  }
}
