package dev.orchestra.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

final class TextTest {
  /** What oneLine did when it was a regular expression; the loop must agree with it. */
  private static String byPattern(String s) {
    return s == null ? "" : Pattern.compile("\\s+").matcher(s).replaceAll(" ").strip();
  }

  @Test
  void oneLineCollapsesWhitespaceRunsAndTrims() {
    assertEquals("", Text.oneLine(null));
    assertEquals("", Text.oneLine(" \t\r\n "));
    assertEquals("a b", Text.oneLine("a b"));
    assertEquals("a b c", Text.oneLine("  a \n\t b\r\nc  "));
    assertEquals("a b", Text.oneLine("a\u000Bb"));
    assertEquals("a b", Text.oneLine("a\fb"));
    assertEquals("a\u00A0b", Text.oneLine("a\u00A0b"), "no-break space is not \\s");
  }

  @Test
  void oneLineAgreesWithThePatternOnRandomText() {
    char[] alphabet = {'a', 'b', ' ', ' ', '\t', '\n', '\r', '\f', '\u000B', '\u2003', '\u00A0', '\u001F', 'é'};
    SplittableRandom random = new SplittableRandom(11);
    for (int n = 0; n < 50_000; n++) {
      char[] text = new char[random.nextInt(12)];
      for (int i = 0; i < text.length; i++) {
        text[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String s = new String(text);
      assertEquals(byPattern(s), Text.oneLine(s), () -> "for " + s.chars().mapToObj(c -> "\\u" + Integer.toHexString(c)).toList());
    }
  }
}
