package dev.orchestra;

import java.util.regex.Pattern;

/** Small text helpers shared by the engine. */
final class Text {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private Text() {}

  /** The text on one line: every run of whitespace (newlines included) one space, trimmed; "" for null. */
  static String oneLine(String s) {
    return s == null ? "" : WHITESPACE.matcher(s).replaceAll(" ").strip();
  }
}
