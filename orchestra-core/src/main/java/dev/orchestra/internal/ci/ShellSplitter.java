package dev.orchestra.internal.ci;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits shell text into simple commands, as a shell would before running them. Its own class
 * because quoting, sub-shells, comments and here-documents are the shell's grammar, apart from
 * deciding what each command is.
 */
final class ShellSplitter {
  private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?");

  private ShellSplitter() {}

  /**
   * Splits a shell text into simple commands, each as its words with quotes removed. Separators are
   * {@code && || ; | &}, new lines and sub-shell parentheses outside quotes; {@code $(…)}, {@code
   * <(…)} and back-ticks stay inside their word; {@code #} starts a comment at a word's start;
   * a backslash before a new line joins the lines; a here-document's body is not a command.
   */
  static List<List<String>> simpleCommands(String text) {
    List<List<String>> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    List<String> heredocEnds = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < n) {
        if (text.charAt(i + 1) != '\n') {
          word.append(text.charAt(i + 1));
          inWord = true;
        }
        i += 2;
        continue;
      }
      if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        end = end < 0 ? n : end;
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
        continue;
      }
      if (c == '"') {
        int j = i + 1;
        while (j < n && text.charAt(j) != '"') {
          if (text.charAt(j) == '\\' && j + 1 < n) {
            j++;
          }
          word.append(text.charAt(j));
          j++;
        }
        inWord = true;
        i = j + 1;
        continue;
      }
      if ((c == '$' || c == '<' || c == '>') && i + 1 < n && text.charAt(i + 1) == '(') {
        int end = closing(text, i + 1);
        word.append(text, i, end);
        inWord = true;
        i = end;
        continue;
      }
      if (c == '`') {
        int end = text.indexOf('`', i + 1);
        end = end < 0 ? n : end + 1;
        word.append(text, i, end);
        inWord = true;
        i = end;
        continue;
      }
      if (c == '#' && !inWord) {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '<' && text.startsWith("<<", i) && !text.startsWith("<<<", i)) {
        Matcher m = HEREDOC.matcher(text).region(i, n);
        if (m.lookingAt()) {
          heredocEnds.add(m.group(1));
          i = m.end();
          continue;
        }
      }
      boolean redirect = inWord && word.length() > 0 && (word.charAt(word.length() - 1) == '>' || word.charAt(word.length() - 1) == '<');
      boolean separator = c == ';' || c == '|' || c == '\n' || c == '(' || c == ')' || (c == '&' && !redirect && !(i + 1 < n && text.charAt(i + 1) == '>'));
      if (separator || Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        if (separator) {
          if (!words.isEmpty()) {
            out.add(words);
            words = new ArrayList<>();
          }
          if (c == '\n' && !heredocEnds.isEmpty()) {
            i = skipHeredocs(text, i + 1, heredocEnds);
            heredocEnds.clear();
            continue;
          }
        }
        i++;
        continue;
      }
      word.append(c);
      inWord = true;
      i++;
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (!words.isEmpty()) {
      out.add(words);
    }
    return out;
  }

  /** The index after the parenthesis that closes the one at {@code open}, quotes respected. */
  private static int closing(String text, int open) {
    int depth = 0;
    for (int j = open; j < text.length(); j++) {
      char c = text.charAt(j);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, j + 1);
        j = end < 0 ? text.length() - 1 : end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return j + 1;
      }
    }
    return text.length();
  }

  /** Skips here-document bodies starting at {@code from}; returns the index after the last terminator line. */
  private static int skipHeredocs(String text, int from, List<String> ends) {
    int i = from;
    for (String end : ends) {
      while (i < text.length()) {
        int eol = text.indexOf('\n', i);
        String line = text.substring(i, eol < 0 ? text.length() : eol);
        i = eol < 0 ? text.length() : eol + 1;
        if (line.strip().equals(end)) {
          break;
        }
      }
    }
    return i;
  }
}
