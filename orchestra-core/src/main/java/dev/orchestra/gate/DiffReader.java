package dev.orchestra.gate;

import dev.orchestra.gate.SensitivityCheck.Hit;
import dev.orchestra.internal.workspace.GitWorkspace;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a unified diff for {@link SensitivityCheck}: its added and removed lines with their line
 * numbers, renames and mode changes. Its own class because following hunks, headers and cut
 * diffs is a job apart from judging what a line says.
 */
final class DiffReader {
  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

  private DiffReader() {}

  /**
   * Scans the lines the diff adds and removes, with their line numbers in the new or old file, and
   * collects in {@code shown} the files whose whole change the diff holds (not the one it was cut
   * in). A hunk's line counts say where it ends, so a removed line that reads {@code --- x} is not
   * taken for a file header; a diff whose counts are off is still read line by line.
   */
  static Optional<String> reason(String diff, Set<String> shown) {
    String[] lines = diff.split("\n", -1);
    String file = "";
    String oldFile = "";
    String oldMode = "";
    FileType type = FileType.of(file);
    KeyPath keys = new KeyPath(type);
    int newLine = 0;
    int oldLine = 0;
    int oldLeft = 0;
    int newLeft = 0;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.equals(GitWorkspace.DIFF_CUT)) {
        shown.remove(file);
        oldLeft = 0;
        newLeft = 0;
        continue;
      }
      boolean inHunk = oldLeft > 0 || newLeft > 0;
      if (!inHunk) {
        if (l.startsWith("diff --git ")) {
          int b = l.lastIndexOf(" b/");
          file = b >= 0 ? l.substring(b + 3) : file;
          oldFile = l.startsWith("diff --git a/") && b > 13 ? l.substring(13, b) : file;
          type = FileType.of(file);
          keys = new KeyPath(type);
          oldMode = "";
          // Mode changes and pure renames have no hunks: the header is the whole change.
          shown.add(file);
          Optional<String> renamed = renamedFrom(file, oldFile);
          if (renamed.isPresent()) {
            return renamed;
          }
          continue;
        }
        if (l.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
          oldFile = pathOf(l);
          continue;
        }
        if (l.startsWith("+++ ")) {
          String p = pathOf(l);
          file = p.equals("/dev/null") ? oldFile : p;
          type = FileType.of(file);
          keys = new KeyPath(type);
          shown.add(file);
          Optional<String> renamed = oldFile.equals("/dev/null") ? Optional.empty() : renamedFrom(file, oldFile);
          if (renamed.isPresent()) {
            return renamed;
          }
          continue;
        }
        if (l.startsWith("old mode ")) {
          oldMode = l.substring(9).strip();
          continue;
        }
        if (l.startsWith("new mode ")) {
          String newMode = l.substring(9).strip();
          if (executable(newMode) && !executable(oldMode)) {
            return Optional.of(file + ": change makes the file executable, mode '" + newMode + "' (" + SensitivityCheck.PERMISSIONS + ")");
          }
          continue;
        }
      }
      if (l.startsWith("@@")) {
        Matcher h = HUNK.matcher(l);
        if (h.find()) {
          oldLine = number(h.group(1), 0);
          oldLeft = number(h.group(2), 1);
          newLine = number(h.group(3), 0);
          newLeft = number(h.group(4), 1);
        }
        keys = new KeyPath(type);
      } else if (l.startsWith("+") || l.startsWith("-")) {
        boolean added = l.startsWith("+");
        String content = l.substring(1);
        Optional<Hit> hit = SensitivityCheck.scan(new Line(keys.read(content), content, type));
        if (hit.isPresent()) {
          return Optional.of(
              file + ":" + (added ? newLine : oldLine) + ": change " + (added ? "adds" : "removes") + " '"
                  + hit.get().seen() + "' (" + hit.get().category() + ")");
        }
        if (added) {
          newLine++;
          newLeft--;
        } else {
          oldLine++;
          oldLeft--;
        }
      } else if (l.startsWith(" ") || (inHunk && l.isEmpty())) {
        // Context is not scanned, but YAML and TOML lines need the keys it opens.
        keys.read(l.isEmpty() ? "" : l.substring(1));
        newLine++;
        oldLine++;
        oldLeft--;
        newLeft--;
      }
    }
    return Optional.empty();
  }

  /** A hunk header's number; a count left out is 1, and a number too large for an int is ignored. */
  private static int number(String digits, int absent) {
    if (digits == null) {
      return absent;
    }
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A file moved out of a sensitive place is as sensitive as one moved into it. */
  private static Optional<String> renamedFrom(String file, String oldFile) {
    if (oldFile.isEmpty() || oldFile.equals(file)) {
      return Optional.empty();
    }
    return SensitivePaths.hit(oldFile)
        .map(h -> file + ": renamed from " + oldFile + ", whose path mentions '" + h.seen() + "' (" + h.category() + ")");
  }

  private static boolean executable(String mode) {
    return mode.length() >= 3 && mode.chars().allMatch(c -> c >= '0' && c <= '7')
        && (Integer.parseInt(mode.substring(mode.length() - 3), 8) & 0111) != 0;
  }

  private static String pathOf(String header) {
    String p = header.substring(4).strip();
    return p.startsWith("a/") || p.startsWith("b/") ? p.substring(2) : p;
  }
}
