package dev.orchestra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a batch's changes need a security review: they do when a changed path or the
 * changed content mentions authentication, secrets and credentials, external fetches and URLs,
 * file access, permissions or user data. The reason names the file, the line and the category.
 */
final class SensitivityCheck {
  private static final int MAX_BYTES_PER_FILE = 256 * 1024;

  private record Category(String name, Pattern pattern) {}

  private static final List<Category> CATEGORIES =
      List.of(
          new Category(
              "authentication",
              Pattern.compile("(?i)(\\bauth(?!or)|login|logout|signin|sign_in|passw(or)?d|oauth|\\bjwt\\b|session|\\bsso\\b)")),
          new Category(
              "secrets and credentials",
              Pattern.compile("(?i)(secret|credential|api[_-]?key|\\btoken|private[_-]?key|\\.pem\\b|\\.env\\b|bearer)")),
          new Category(
              "external fetches and URLs",
              Pattern.compile("(?i)(https?://|httpclient|urlconnection|\\bfetch\\(|requests\\.(get|post)|urllib|axios|\\bcurl\\b|\\bwget\\b|\\bnew URL\\()")),
          new Category(
              "file access",
              Pattern.compile("(?i)(Files\\.(read|write|delete|newInputStream|newOutputStream|copy|move)|File(Input|Output)Stream|RandomAccessFile|\\bfs\\.(read|write|unlink|rm)|os\\.(remove|unlink)|shutil\\.|\\bopen\\()")),
          new Category(
              "permissions",
              Pattern.compile("(?i)(permission|chmod|chown|\\bacl\\b|rbac|authori[sz]|privilege|\\bsudo\\b|setuid)")),
          new Category(
              "user data",
              Pattern.compile("(?i)(\\bemail|e-mail|phone.?number|\\bssn\\b|birth.?date|date.?of.?birth|personal.?data|\\bpii\\b|gdpr|user.?data|customer)")));

  private SensitivityCheck() {}

  /**
   * Returns why the batch is sensitive, or empty when nothing sensitive was changed. The diff's
   * added and removed lines are scanned (taking a permission check out is as sensitive as putting
   * one in); changed files the diff does not show (it was cut, or the workspace is not a git
   * repository, or the round resumed after a stop) are read whole.
   */
  static Optional<String> reason(Batch batch) {
    for (String file : batch.changedFiles()) {
      for (Category c : CATEGORIES) {
        Matcher m = c.pattern().matcher(file);
        if (m.find()) {
          return Optional.of(file + ": path mentions '" + m.group() + "' (" + c.name() + ")");
        }
      }
    }
    Set<String> shown = new HashSet<>();
    if (!batch.diff().isEmpty()) {
      Optional<String> fromDiff = fromDiff(batch.diff(), shown);
      if (fromDiff.isPresent()) {
        return fromDiff;
      }
    }
    for (String file : batch.changedFiles()) {
      if (shown.contains(file)) {
        continue;
      }
      Path p = batch.workspace().resolve(file);
      String[] lines = read(p).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        for (Category c : CATEGORIES) {
          Matcher m = c.pattern().matcher(lines[i]);
          if (m.find()) {
            return Optional.of(
                file + ":" + (i + 1) + ": change mentions '" + m.group().toLowerCase(Locale.ROOT) + "' (" + c.name() + ")");
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Scans the lines the diff adds and removes, with their line numbers in the new or old file, and
   * collects in {@code shown} the files whose whole change the diff holds (not the one it was cut in).
   */
  private static Optional<String> fromDiff(String diff, Set<String> shown) {
    String[] lines = diff.split("\n", -1);
    String file = "";
    String oldFile = "";
    int newLine = 0;
    int oldLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
        oldFile = pathOf(l);
      } else if (l.startsWith("+++ ")) {
        String p = pathOf(l);
        file = p.equals("/dev/null") ? oldFile : p;
        shown.add(file);
      } else if (l.startsWith("@@")) {
        Matcher h = HUNK.matcher(l);
        if (h.find()) {
          oldLine = Integer.parseInt(h.group(1));
          newLine = Integer.parseInt(h.group(2));
        }
      } else if (l.startsWith("+") || l.startsWith("-")) {
        boolean added = l.startsWith("+");
        for (Category c : CATEGORIES) {
          Matcher m = c.pattern().matcher(l.substring(1));
          if (m.find()) {
            return Optional.of(
                file + ":" + (added ? newLine : oldLine) + ": change " + (added ? "adds" : "removes") + " '"
                    + m.group().toLowerCase(Locale.ROOT) + "' (" + c.name() + ")");
          }
        }
        if (added) {
          newLine++;
        } else {
          oldLine++;
        }
      } else if (l.startsWith(" ")) {
        newLine++;
        oldLine++;
      } else if (l.equals(GitWorkspace.DIFF_CUT)) {
        shown.remove(file);
      }
    }
    return Optional.empty();
  }

  private static String pathOf(String header) {
    String p = header.substring(4).strip();
    return p.startsWith("a/") || p.startsWith("b/") ? p.substring(2) : p;
  }

  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)");

  private static String read(Path p) {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(p)) {
      return new String(in.readNBytes(MAX_BYTES_PER_FILE), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
