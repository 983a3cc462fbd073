package dev.orchestra.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A line to scan: the text, its words and whether it is a comment. Its own type because every
 * sensitivity rule reads lines through it: split into words once, matched many times.
 */
final class Line {
  final String text;
  final FileType type;
  final boolean comment;
  final List<Word> words;
  private int namesOtherSession = -1;

  /**
   * @param text the line as scanned, with the keys it sits under in front
   * @param original the line as the file has it, which says whether it is a comment
   */
  Line(String text, String original, FileType type) {
    this.text = text;
    this.type = type;
    String stripped = original.strip();
    this.comment = type.commentMarkers().stream().anyMatch(stripped::startsWith);
    this.words = words(text);
  }

  /** Whether word i and the next belong together: one identifier, or one space or dot apart. */
  boolean joined(int i) {
    Word a = words.get(i);
    Word b = words.get(i + 1);
    if (a.group() == b.group()) {
      return true;
    }
    String gap = text.substring(a.end(), b.start());
    return gap.equals(" ") || gap.equals(".");
  }

  /**
   * Whether the word after i is close enough to describe it: at most a few characters of
   * punctuation apart, with no comma or semicolon between, as in {@code session({ cookie}.
   */
  boolean near(int i) {
    if (i + 1 >= words.size()) {
      return false;
    }
    String gap = text.substring(words.get(i).end(), words.get(i + 1).start());
    return gap.length() <= 4 && gap.indexOf(',') < 0 && gap.indexOf(';') < 0;
  }

  /** The text from word i to word j, lowercased: {@code checkPermission} gives 'permission'. */
  String span(int i, int j) {
    return text.substring(words.get(i).start(), words.get(j).end()).toLowerCase(Locale.ROOT);
  }

  /** Whether the line names a session of another kind than a login: {@code jam_sessions}. */
  boolean namesOtherSession() {
    if (namesOtherSession < 0) {
      namesOtherSession = 0;
      for (int k = 0; k < words.size(); k++) {
        Optional<Word> q = before(k);
        if (AuthenticationRules.isSession(words.get(k)) && q.isPresent()
            && !AuthenticationRules.WEB_SESSION_QUALIFIERS.contains(q.get().text())
            && !AuthenticationRules.NEUTRAL_SESSION_PREFIXES.contains(q.get().text())) {
          namesOtherSession = 1;
          break;
        }
      }
    }
    return namesOtherSession == 1;
  }

  /** The word before i in the same identifier, if any. */
  Optional<Word> before(int i) {
    return i > 0 && words.get(i - 1).group() == words.get(i).group() ? Optional.of(words.get(i - 1)) : Optional.empty();
  }

  /** The word after i in the same identifier, if any. */
  Optional<Word> after(int i) {
    return i + 1 < words.size() && words.get(i + 1).group() == words.get(i).group()
        ? Optional.of(words.get(i + 1))
        : Optional.empty();
  }

  /**
   * Splits a line into words: identifiers are runs of letters and digits joined by {@code _} or
   * {@code -}, cut again at camelCase humps ({@code HTTPClient} is {@code http}, {@code client}).
   */
  private static List<Word> words(String s) {
    List<Word> out = new ArrayList<>();
    int n = s.length();
    int group = 0;
    int i = 0;
    while (i < n) {
      if (!isWordChar(s.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      boolean lower = false;
      while (end < n && (isWordChar(s.charAt(end)) || isJoiner(s, end))) {
        lower |= Character.isLowerCase(s.charAt(end));
        end++;
      }
      boolean upper = !lower;
      int start = -1;
      for (int k = i; k <= end; k++) {
        if (k == end || !isWordChar(s.charAt(k))) {
          if (start >= 0) {
            out.add(new Word(s.substring(start, k).toLowerCase(Locale.ROOT), group, start, k, upper));
          }
          start = -1;
          continue;
        }
        if (start < 0) {
          start = k;
          continue;
        }
        char c = s.charAt(k);
        char prev = s.charAt(k - 1);
        boolean hump =
            Character.isUpperCase(c)
                && (Character.isLowerCase(prev)
                    || (Character.isDigit(prev) && !upper)
                    || (Character.isUpperCase(prev) && k + 1 < end && Character.isLowerCase(s.charAt(k + 1))));
        if (hump) {
          out.add(new Word(s.substring(start, k).toLowerCase(Locale.ROOT), group, start, k, upper));
          start = k;
        }
      }
      group++;
      i = end;
    }
    return out;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isJoiner(String s, int i) {
    char c = s.charAt(i);
    return (c == '_' || c == '-') && i + 1 < s.length() && (isWordChar(s.charAt(i + 1)) || s.charAt(i + 1) == '_');
  }
}
