package dev.orchestra.internal.io;

/** Small text helpers shared by the engine. */
public final class Text {
  private Text() {}

  /**
   * The text on one line: every run of whitespace (space, tab, line breaks, form feed, vertical
   * tab) one space, trimmed; "" for null. A loop rather than a pattern: it runs for every finished
   * task.
   */
  public static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    int n = s.length();
    int i = 0;
    while (i < n && !(isSpace(s.charAt(i)) && (s.charAt(i) != ' ' || i + 1 < n && isSpace(s.charAt(i + 1))))) {
      i++;
    }
    if (i == n) {
      return s.strip(); // nothing to collapse
    }
    StringBuilder b = new StringBuilder(n).append(s, 0, i);
    boolean inRun = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        if (!inRun) {
          b.append(' ');
          inRun = true;
        }
      } else {
        b.append(c);
        inRun = false;
      }
    }
    return b.toString().strip();
  }

  /** The characters of the regular expression class {@code \s}. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /**
   * Whether {@code s} is one or more ASCII letters, digits, '_' or '-', plus '.' when {@code
   * dotAllowed}: task ids and role names. A loop, not a pattern: every task status change checks
   * both.
   */
  public static boolean isName(String s, boolean dotAllowed) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
          || c == '.' && dotAllowed)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a role name: letters, digits, {@code _} or {@code -}.
   *
   * @param name the name
   * @return the name
   * @throws IllegalArgumentException when it is not one
   */
  public static String checkRoleName(String name) {
    java.util.Objects.requireNonNull(name, "name");
    if (!isName(name, false)) {
      throw new IllegalArgumentException("role name must be letters, digits, '_' or '-', got '" + name + "'");
    }
    return name;
  }

  /**
   * Returns a duration for people: whole seconds as {@code "30 s"}, anything else in milliseconds.
   *
   * @param d the duration
   * @return its text
   */
  public static String duration(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
