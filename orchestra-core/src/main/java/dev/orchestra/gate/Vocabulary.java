package dev.orchestra.gate;

import dev.orchestra.gate.SensitivityCheck.Best;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the sensitivity rules write down their vocabulary (words, phrases by their first word, call
 * shapes) and find it on a {@link Line}. Its own class because every category's rules use it.
 */
final class Vocabulary {
  private Vocabulary() {}

  /** Phrases by their first word; each phrase is two or more words. */
  static Map<String, List<List<String>>> phrases(String... phrases) {
    Map<String, List<List<String>>> byFirst = new HashMap<>();
    for (String p : phrases) {
      List<String> words = List.of(p.split(" "));
      byFirst.computeIfAbsent(words.get(0), k -> new ArrayList<>()).add(words);
    }
    return byFirst;
  }

  /**
   * Offers the first phrase that starts at a word, its words joined (one identifier, or a space or
   * dot apart), or, with {@code sameIdentifier}, within one identifier.
   */
  static void findPhrases(Line l, Map<String, List<List<String>>> phrases, boolean sameIdentifier, Best best) {
    List<Word> ws = l.words;
    for (int i = 0; i < ws.size(); i++) {
      List<List<String>> candidates = phrases.get(ws.get(i).text());
      if (candidates == null) {
        continue;
      }
      for (List<String> p : candidates) {
        if (spells(l, i, p, sameIdentifier)) {
          best.offer(ws.get(i).start(), l.span(i, i + p.size() - 1));
          return;
        }
      }
    }
  }

  static boolean startsPhrase(Line l, int i, Map<String, List<List<String>>> phrases) {
    for (List<String> p : phrases.getOrDefault(l.words.get(i).text(), List.of())) {
      if (spells(l, i, p, false)) {
        return true;
      }
    }
    return false;
  }

  static boolean spells(Line l, int i, List<String> phrase, boolean sameIdentifier) {
    if (i + phrase.size() > l.words.size()) {
      return false;
    }
    for (int k = 0; k < phrase.size(); k++) {
      Word w = l.words.get(i + k);
      if (!w.text().equals(phrase.get(k))) {
        return false;
      }
      if (k > 0 && (sameIdentifier ? w.group() != l.words.get(i + k - 1).group() : !l.joined(i + k - 1))) {
        return false;
      }
    }
    return true;
  }

  static void findWords(Line l, Set<String> vocabulary, Best best) {
    for (int i = 0; i < l.words.size(); i++) {
      if (vocabulary.contains(l.words.get(i).text())) {
        best.offer(l.words.get(i).start(), l.span(i, i));
        return;
      }
    }
  }

  /**
   * A case-insensitive pattern of call shapes. Most shapes start a word, and testing the word
   * boundary once before them, rather than in each, lets the matcher pass over most positions of a
   * line at once.
   *
   * @param startingAWord alternatives that begin at a word boundary
   * @param anywhere alternatives that may begin inside a word ({@code OkHttpClient}) or at a symbol
   */
  static Pattern calls(String startingAWord, String anywhere) {
    return Pattern.compile("(?i)\\b(?:" + startingAWord + ")" + (anywhere.isEmpty() ? "" : "|" + anywhere));
  }

  static void findPattern(Line l, Pattern p, Best best) {
    Matcher m = p.matcher(l.text);
    if (m.find()) {
      best.offer(m.start(), m.group().strip().toLowerCase(Locale.ROOT));
    }
  }
}
