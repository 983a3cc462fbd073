package dev.orchestra.gate;

import dev.orchestra.internal.workspace.GitWorkspace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a batch's changes need a security review. They do when a changed path, or a line
 * the diff adds or removes, touches authentication, secrets, permissions, command execution,
 * external fetches, file access, cryptography, deserialisation, SQL built from input or user data
 * (in logs or elsewhere). The reason names the file, the line, what was seen and its category; it
 * never quotes a secret's value, since it ends up in events.
 *
 * <p>A keyword match flags every tokenizer, jam session and map key, so the check reads a line the
 * way a reviewer skims it (it is measured on a labelled corpus of diffs: SensitivityCheckCorpusTest,
 * and {@code benchmarks.jar sensitivity}):
 *
 * <ul>
 *   <li>Identifiers are split into words (camelCase, snake_case, kebab-case) and words match whole,
 *       so {@code author} is not {@code auth} and {@code Tokenizer} is not {@code token}.
 *   <li>Ambiguous words count only in the sense that matters. A {@code token} needs a qualifier
 *       ({@code accessToken}), a constant's name ({@code DEPLOY_TOKEN}) or a literal value; a
 *       {@code secret} must be the noun ({@code clientSecret}, {@code secret:}), not the adjective
 *       ({@code secret level}); a {@code session} must be a web session ({@code HttpSession},
 *       {@code session id}, {@code req.session}), not a jam session or a database session; a
 *       {@code key} counts only as an API, private, access or signing key.
 *   <li>Calls are matched in the shapes the languages give them ({@code requests.get(},
 *       {@code http.Get(}, {@code ProcessBuilder}, {@code child_process}, {@code os.Open(}, ...),
 *       logging calls count when their arguments carry user data, and SQL counts when a statement
 *       is glued to a value by concatenation, interpolation or formatting.
 *   <li>The kind of file decides what applies: documentation, translations, stylesheets, tests and
 *       lockfiles are only checked for key material; a link in a comment is not a fetch; a secret
 *       in a configuration file may be a bare value; and a YAML or TOML line is read with the keys
 *       it sits under.
 *   <li>A diff says more than its lines: a file renamed out of {@code auth/} and a mode change that
 *       makes a file executable count too.
 * </ul>
 *
 * <p>Deterministic, and linear in the size of the diff: each line is split once and matched against
 * a fixed set of precompiled patterns.
 */
final class SensitivityCheck {
  private static final int MAX_BYTES_PER_FILE = 256 * 1024;

  // Categories, in the order a line is checked: the first that matches names the line.
  private static final String LOGGED_USER_DATA = "logging of user data";
  private static final String AUTHENTICATION = "authentication";
  private static final String SECRETS = "secrets and credentials";
  private static final String PERMISSIONS = "permissions";
  private static final String EXECUTION = "command execution";
  private static final String FETCHES = "external fetches and URLs";
  private static final String FILES = "file access";
  private static final String CRYPTOGRAPHY = "cryptography";
  private static final String DESERIALISATION = "deserialisation";
  private static final String SQL = "SQL built from input";
  private static final String USER_DATA = "user data";

  private SensitivityCheck() {}

  /**
   * Returns why the batch is sensitive, or empty when nothing sensitive was changed. Changed paths
   * are looked at first, then the diff's added and removed lines (taking a permission check out is
   * as sensitive as putting one in) and the old paths of renamed files; changed files the diff does
   * not show (it was cut, or the workspace is not a git repository, or the round resumed after a
   * stop) are read whole.
   */
  static Optional<String> reason(Batch batch) {
    for (String file : batch.changedFiles()) {
      Optional<Hit> hit = pathHit(file);
      if (hit.isPresent()) {
        return Optional.of(file + ": path mentions '" + hit.get().seen() + "' (" + hit.get().category() + ")");
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
      FileType type = FileType.of(file);
      KeyPath keys = new KeyPath(type);
      String[] lines = read(batch.workspace().resolve(file)).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Optional<Hit> hit = scan(new Line(keys.read(lines[i]), lines[i], type));
        if (hit.isPresent()) {
          return Optional.of(file + ":" + (i + 1) + ": change mentions '" + hit.get().seen() + "' (" + hit.get().category() + ")");
        }
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ reading the diff

  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

  /**
   * Scans the lines the diff adds and removes, with their line numbers in the new or old file, and
   * collects in {@code shown} the files whose whole change the diff holds (not the one it was cut
   * in). A hunk's line counts say where it ends, so a removed line that reads {@code --- x} is not
   * taken for a file header; a diff whose counts are off is still read line by line.
   */
  private static Optional<String> fromDiff(String diff, Set<String> shown) {
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
            return Optional.of(file + ": change makes the file executable, mode '" + newMode + "' (" + PERMISSIONS + ")");
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
        Optional<Hit> hit = scan(new Line(keys.read(content), content, type));
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
    return pathHit(oldFile)
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

  // ------------------------------------------------------------------ kinds of file

  /** What a file holds, which decides the rules its lines are held to. */
  private enum Kind {
    /** Source code and scripts: every rule. */
    CODE,
    /** Configuration and data: every rule, and a secret may be a bare value. */
    CONFIG,
    /**
     * Documentation and translation catalogs: key material only, since prose changes no behaviour
     * and a password field's label is not a password.
     */
    PROSE,
    /**
     * Tests: key material only. Tests do not ship, so a test named after login code, or a fixture's
     * made-up password, is no reason for a security review; the code under test is checked where it
     * changes.
     */
    TEST,
    /** Stylesheets: key material only. */
    STYLE,
    /**
     * Lockfiles and checksums, which tools write: key material only. Every dependency bump changes
     * their URLs and hashes, which say nothing about the project's own code.
     */
    GENERATED;

    /** Whether only key material counts in such a file, and its path not at all. */
    boolean keyMaterialOnly() {
      return this != CODE && this != CONFIG;
    }
  }

  private static final Set<String> PROSE_EXTENSIONS = Set.of("md", "markdown", "mdx", "rst", "adoc", "asciidoc");
  private static final Set<String> PROSE_NAMES =
      Set.of("readme", "license", "licence", "notice", "authors", "contributors", "changelog", "changes", "copying");
  private static final Set<String> STYLE_EXTENSIONS = Set.of("css", "scss", "sass", "less", "styl");
  private static final Set<String> CATALOG_EXTENSIONS = Set.of("po", "pot", "xliff", "xlf", "arb", "strings");
  private static final Set<String> CATALOG_FOLDERS = Set.of("i18n", "l10n", "locale", "locales", "translations");
  // No "spec" folder: RSpec files are named *_spec.rb, and spec/ often holds an API's specification.
  private static final Set<String> TEST_FOLDERS = Set.of("test", "tests", "__tests__", "testdata");
  private static final Set<String> GENERATED_NAMES =
      Set.of("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "go.sum",
          "poetry.lock", "pipfile.lock", "gemfile.lock", "composer.lock", "gradle.lockfile", "uv.lock");
  /** Test file names: FooTest.java, foo_test.go, test_foo.py, foo.test.ts, foo.spec.js, foo_spec.rb. */
  private static final Pattern TEST_FILE_NAME =
      Pattern.compile("^(?:test_.+|.+_test\\.[a-z]+|.+_spec\\.rb|.+\\.(?:test|spec)\\.[a-z]+|.+(?:Test|Tests|IT)\\.(?:java|kt|scala|groovy))$");
  private static final Set<String> CONFIG_EXTENSIONS =
      Set.of("yml", "yaml", "json", "json5", "jsonc", "toml", "ini", "cfg", "conf", "properties", "env", "txt", "xml",
          "plist", "hcl", "tfvars", "lock", "npmrc");
  private static final Set<String> SLASH_COMMENTS =
      Set.of("java", "kt", "kts", "scala", "groovy", "gradle", "js", "jsx", "mjs", "cjs", "ts", "tsx", "go", "rs", "c",
          "h", "cc", "cpp", "hpp", "cs", "swift", "dart", "proto", "php", "json5", "jsonc");
  private static final Set<String> DASH_COMMENTS = Set.of("sql", "lua", "hs");
  private static final Set<String> TAG_COMMENTS = Set.of("xml", "html", "htm", "svg", "vue");

  /**
   * A file's kind, how its comments start (a link in a comment is not a fetch) and how its keys nest.
   *
   * @param nested keys nest by indentation (YAML)
   * @param sectioned keys sit under {@code [section]} headers (TOML, INI)
   */
  private record FileType(Kind kind, List<String> commentMarkers, boolean nested, boolean sectioned) {
    static FileType of(String path) {
      String fileName = path.substring(path.lastIndexOf('/') + 1);
      String name = fileName.toLowerCase(Locale.ROOT);
      int dot = name.lastIndexOf('.');
      String ext = dot > 0 ? name.substring(dot + 1) : "";
      String stem = dot > 0 ? name.substring(0, dot) : name;
      List<String> folders = List.of(path.toLowerCase(Locale.ROOT).split("/"));
      folders = folders.subList(0, folders.size() - 1);
      Kind kind;
      if (PROSE_EXTENSIONS.contains(ext) || (PROSE_NAMES.contains(stem) && (ext.isEmpty() || ext.equals("txt")))
          || CATALOG_EXTENSIONS.contains(ext) || folders.stream().anyMatch(CATALOG_FOLDERS::contains)) {
        kind = Kind.PROSE;
      } else if (GENERATED_NAMES.contains(name)) {
        kind = Kind.GENERATED;
      } else if (TEST_FILE_NAME.matcher(fileName).matches() || folders.stream().anyMatch(TEST_FOLDERS::contains)) {
        kind = Kind.TEST;
      } else if (STYLE_EXTENSIONS.contains(ext)) {
        kind = Kind.STYLE;
      } else if (CONFIG_EXTENSIONS.contains(ext) || name.startsWith(".env") || (name.startsWith(".") && dot <= 0)) {
        kind = Kind.CONFIG;
      } else {
        kind = Kind.CODE;
      }
      List<String> markers;
      if (SLASH_COMMENTS.contains(ext) || STYLE_EXTENSIONS.contains(ext)) {
        markers = List.of("//", "/*", "*");
      } else if (DASH_COMMENTS.contains(ext)) {
        markers = List.of("--", "/*");
      } else if (TAG_COMMENTS.contains(ext)) {
        markers = List.of("<!--");
      } else if (ext.equals("ini")) {
        markers = List.of(";", "#");
      } else if (ext.equals("json")) {
        markers = List.of();
      } else {
        markers = List.of("#", "//");
      }
      return new FileType(kind, markers, ext.equals("yml") || ext.equals("yaml"), ext.equals("toml") || ext.equals("ini"));
    }
  }

  /**
   * The keys a YAML line sits under (by indentation) or a TOML or INI line's section, so that a
   * changed {@code timeout: 30d} under {@code session:} is read as {@code session.timeout: 30d}.
   * Fed every line of a hunk in order, context included; a hunk starts with no keys.
   */
  private static final class KeyPath {
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

  // ------------------------------------------------------------------ words

  /**
   * A word of a line, lowercased.
   *
   * @param group which identifier (or bare word) of the line it belongs to
   * @param upperGroup whether that identifier is in capitals, as constants and environment variables are
   */
  private record Word(String text, int group, int start, int end, boolean upperGroup) {}

  /** A line to scan: the text, its words and whether it is a comment. */
  private static final class Line {
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
          if (isSession(words.get(k)) && q.isPresent() && !WEB_SESSION_QUALIFIERS.contains(q.get().text())
              && !NEUTRAL_SESSION_PREFIXES.contains(q.get().text())) {
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

  /** Phrases by their first word; each phrase is two or more words. */
  private static Map<String, List<List<String>>> phrases(String... phrases) {
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
  private static void findPhrases(Line l, Map<String, List<List<String>>> phrases, boolean sameIdentifier, Best best) {
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

  private static boolean startsPhrase(Line l, int i, Map<String, List<List<String>>> phrases) {
    for (List<String> p : phrases.getOrDefault(l.words.get(i).text(), List.of())) {
      if (spells(l, i, p, false)) {
        return true;
      }
    }
    return false;
  }

  private static boolean spells(Line l, int i, List<String> phrase, boolean sameIdentifier) {
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

  private static void findWords(Line l, Set<String> vocabulary, Best best) {
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
  private static Pattern calls(String startingAWord, String anywhere) {
    return Pattern.compile("(?i)\\b(?:" + startingAWord + ")" + (anywhere.isEmpty() ? "" : "|" + anywhere));
  }

  private static void findPattern(Line l, Pattern p, Best best) {
    Matcher m = p.matcher(l.text);
    if (m.find()) {
      best.offer(m.start(), m.group().strip().toLowerCase(Locale.ROOT));
    }
  }

  // ------------------------------------------------------------------ scanning a line

  /** What a line or path showed, and under which category. */
  private record Hit(String category, String seen) {}

  /** The leftmost match of one category on a line: what a reader's eye meets first. */
  private static final class Best {
    private int start = Integer.MAX_VALUE;
    private String seen;

    void offer(int at, String what) {
      if (at < start) {
        start = at;
        seen = what;
      }
    }

    Optional<Hit> as(String category) {
      return seen == null ? Optional.empty() : Optional.of(new Hit(category, seen));
    }
  }

  /** One category's rules, applied to a line. */
  private interface Detector {
    void find(Line line, Best best);
  }

  private record Category(String name, Detector detector) {}

  private static final List<Category> CATEGORIES =
      List.of(
          new Category(LOGGED_USER_DATA, SensitivityCheck::loggedUserData),
          new Category(AUTHENTICATION, SensitivityCheck::authentication),
          new Category(SECRETS, SensitivityCheck::secrets),
          new Category(PERMISSIONS, SensitivityCheck::permissions),
          new Category(EXECUTION, SensitivityCheck::execution),
          new Category(FETCHES, SensitivityCheck::fetches),
          new Category(FILES, SensitivityCheck::files),
          new Category(CRYPTOGRAPHY, SensitivityCheck::cryptography),
          new Category(DESERIALISATION, SensitivityCheck::deserialisation),
          new Category(SQL, SensitivityCheck::sqlFromInput),
          new Category(USER_DATA, SensitivityCheck::userData));

  private static Optional<Hit> scan(Line line) {
    if (line.text.isBlank()) {
      return Optional.empty();
    }
    if (line.type.kind().keyMaterialOnly()) {
      Best best = new Best();
      keyMaterial(line, best);
      return best.as(SECRETS);
    }
    for (Category c : CATEGORIES) {
      Best best = new Best();
      c.detector().find(line, best);
      Optional<Hit> hit = best.as(c.name());
      if (hit.isPresent()) {
        return hit;
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ paths

  /** File names that hold secrets by convention: key files, dotenv files, registry credentials. */
  private static final Pattern SECRET_FILE_NAME =
      Pattern.compile(
          "^(?:\\.env(?:\\..+)?|.+\\.(?:pem|key|p12|pfx|jks|keystore|kdbx)|id_(?:rsa|dsa|ecdsa|ed25519)|\\.npmrc|\\.pypirc"
              + "|\\.netrc|\\.htpasswd|\\.git-credentials|credentials(?:\\.json)?)$");
  private static final Set<String> AUTHENTICATION_PATH_WORDS =
      Set.of("auth", "authn", "authentication", "authenticate", "authenticator", "login", "logout", "signin", "signout",
          "oauth", "oauth2", "jwt", "sso", "saml", "oidc", "openid", "password", "passwords", "passwd", "mfa", "totp",
          "csrf", "webauthn", "passkey", "passkeys");
  private static final Set<String> SECRETS_PATH_WORDS = Set.of("credential", "credentials", "apikey", "keystore", "truststore");
  private static final Set<String> PERMISSIONS_PATH_WORDS =
      Set.of("permission", "permissions", "acl", "acls", "rbac", "authz", "authorization", "authorisation", "sudoers", "security");
  private static final Set<String> CRYPTOGRAPHY_PATH_WORDS =
      Set.of("crypto", "cryptography", "cipher", "encryption", "tls", "ssl", "certs", "certificates", "pki");
  private static final Map<String, List<List<String>>> AUTHENTICATION_PATH_PHRASES = phrases("sign in", "log in");

  /**
   * Whether a path names a sensitive place. Documentation, stylesheets, tests and lockfiles do not
   * count, whatever their folder: {@code docs/auth.md} describes authentication and changes none.
   */
  private static Optional<Hit> pathHit(String path) {
    FileType type = FileType.of(path);
    if (type.kind().keyMaterialOnly()) {
      return Optional.empty();
    }
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (SECRET_FILE_NAME.matcher(name).matches()) {
      return Optional.of(new Hit(SECRETS, name));
    }
    Line l = new Line(path, "", type);
    for (int i = 0; i < l.words.size(); i++) {
      String w = l.words.get(i).text();
      if (AUTHENTICATION_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(AUTHENTICATION, w));
      }
      for (List<String> p : AUTHENTICATION_PATH_PHRASES.getOrDefault(w, List.of())) {
        if (spells(l, i, p, true)) {
          return Optional.of(new Hit(AUTHENTICATION, l.span(i, i + p.size() - 1)));
        }
      }
      if (SECRETS_PATH_WORDS.contains(w) || secretNoun(l, i)) {
        return Optional.of(new Hit(SECRETS, w));
      }
      if (PERMISSIONS_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(PERMISSIONS, w));
      }
      if (CRYPTOGRAPHY_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(CRYPTOGRAPHY, w));
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ logging of user data

  /** Calls that write to a log or the console, in the usual spellings of each language. */
  private static final Pattern LOG_CALL =
      calls(
          "(?:log|logger|logging|console|slog|_log|_logger)\\s*\\.\\s*(?:trace|debug|info|warn|warning|error|fatal"
              + "|critical|exception|log|print|printf|println|debugf|infof|warnf|errorf|fatalf)\\s*[({]"
              + "|System\\.(?:out|err)\\.print(?:ln|f)?\\s*\\(|(?<![.$])print\\s*\\(|fmt\\.Print(?:f|ln)?\\s*\\("
              + "|(?:e?println|e?print|dbg|trace|debug|info|warn|error)!\\s*\\(",
          "(?:^|[\\s;&|(])echo\\s");
  /** Words that, in a logging call's arguments, mean a user's or a system's secrets go to the log. */
  private static final Set<String> LOGGED_WORDS =
      Set.of("password", "passwords", "passwd", "passphrase", "pwd", "secret", "secrets", "credential", "credentials",
          "email", "emails", "phone", "ssn", "dob", "birthdate", "birthday", "iban", "cvv", "passport",
          "headers", "cookie", "cookies", "authorization", "otp");
  private static final Set<String> REQUEST_HOLDERS = Set.of("req", "request");
  private static final Set<String> REQUEST_CONTENT = Set.of("body", "json", "form", "data", "files", "post");

  private static void loggedUserData(Line l, Best best) {
    Matcher m = LOG_CALL.matcher(l.text);
    while (m.find()) {
      for (int i = 0; i < l.words.size(); i++) {
        Word w = l.words.get(i);
        if (w.start() < m.end()) {
          continue;
        }
        if (LOGGED_WORDS.contains(w.text()) || USER_DATA_WORDS.contains(w.text()) || startsPhrase(l, i, USER_DATA_PHRASES)
            || credentialToken(l, i) || requestContent(l, i)) {
          best.offer(m.start(), m.group().strip().toLowerCase(Locale.ROOT) + "..." + w.text());
          return;
        }
      }
    }
  }

  /** {@code request.body}, {@code req.json}, {@code request.get_json()}: what a client sent. */
  private static boolean requestContent(Line l, int i) {
    if (!REQUEST_HOLDERS.contains(l.words.get(i).text()) || i + 1 >= l.words.size()
        || !l.text.startsWith(".", l.words.get(i).end())) {
      return false;
    }
    int next = l.words.get(i + 1).group();
    for (int k = i + 1; k < l.words.size() && l.words.get(k).group() == next; k++) {
      if (REQUEST_CONTENT.contains(l.words.get(k).text())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ authentication

  private static final Set<String> AUTHENTICATION_WORDS =
      Set.of("auth", "authn", "authenticate", "authenticated", "authenticates", "authenticating", "authentication",
          "authenticator", "unauthenticated", "reauthenticate", "login", "logins", "logon", "logout", "signin",
          "signout", "signup", "password", "passwords", "passwd", "passphrase", "oauth", "oauth2", "jwt", "jwts", "jwk",
          "jwks", "sso", "saml", "oidc", "openid", "mfa", "totp", "otp", "2fa", "csrf", "xsrf", "webauthn", "passkey",
          "passkeys", "kerberos", "ldap", "impersonate", "impersonation");
  /** Phrases that name authentication only inside one identifier: {@code logIn}, {@code HttpOnly}. */
  private static final Map<String, List<List<String>>> AUTHENTICATION_IDENTIFIERS =
      phrases("sign in", "sign out", "log in", "log out", "http only", "same site", "set cookie");
  private static final Map<String, List<List<String>>> AUTHENTICATION_PHRASES =
      phrases("document cookie", "request cookies", "req cookies", "two factor");
  /** Session APIs of web frameworks, which need no further context. */
  private static final Pattern WEB_SESSION_CALLS =
      Pattern.compile("\\bgetSession\\s*\\(|\\bsession\\s*\\[|\\$_SESSION\\b|\\bsession_start\\s*\\(|\\.cookie\\s*\\(");
  /** Words that, before {@code session} in one identifier, make it a web session: {@code HttpSession}. */
  private static final Set<String> WEB_SESSION_QUALIFIERS =
      Set.of("http", "web", "user", "login", "auth", "browser", "cookie", "express", "flask", "php", "server", "secure",
          "remember", "django", "servlet");
  /** Words before {@code session} that say nothing of its kind: {@code currentSession}. */
  private static final Set<String> NEUTRAL_SESSION_PREFIXES =
      Set.of("get", "set", "new", "create", "open", "close", "start", "end", "current", "active", "my", "the", "this",
          "default", "to", "from", "is", "has", "init", "load", "save", "find", "validate", "check", "destroy",
          "invalidate", "clear", "refresh", "renew", "update", "with");
  /** Words next to {@code session} that make it the login kind: {@code session id}, {@code session.invalidate()}. */
  private static final Set<String> SESSION_CONTEXT =
      Set.of("id", "ids", "cookie", "cookies", "token", "tokens", "key", "secret", "store", "storage", "table",
          "expiry", "expires", "expire", "expired", "expiration", "timeout", "ttl", "lifetime", "invalidate",
          "invalidated", "fixation", "hijack", "hijacking", "login", "logout", "auth", "csrf", "attribute",
          "attributes", "permanent", "regenerate", "middleware");
  private static final Set<String> SESSION_HOLDERS = Set.of("req", "request", "ctx", "context", "flask");

  private static void authentication(Line l, Best best) {
    findWords(l, AUTHENTICATION_WORDS, best);
    findPhrases(l, AUTHENTICATION_IDENTIFIERS, true, best);
    findPhrases(l, AUTHENTICATION_PHRASES, false, best);
    findPattern(l, WEB_SESSION_CALLS, best);
    for (int i = 0; i < l.words.size(); i++) {
      if (webSession(l, i)) {
        best.offer(l.words.get(i).start(), l.span(i, i));
        return;
      }
    }
  }

  /**
   * Whether word i is a login session. A session named by another kind ({@code JamSession},
   * {@code dbSession}) is that kind, and so is a bare {@code session} on a line that names one; a
   * bare one counts next to what web sessions have: an id, a cookie, a timeout, a store.
   */
  private static boolean webSession(Line l, int i) {
    if (!isSession(l.words.get(i))) {
      return false;
    }
    Optional<Word> qualifier = l.before(i);
    if (qualifier.isPresent() && WEB_SESSION_QUALIFIERS.contains(qualifier.get().text())) {
      return true;
    }
    if (qualifier.isPresent() && !NEUTRAL_SESSION_PREFIXES.contains(qualifier.get().text())) {
      return false;
    }
    if (l.namesOtherSession()) {
      return false;
    }
    if (l.near(i) && SESSION_CONTEXT.contains(l.words.get(i + 1).text())) {
      return true;
    }
    return i > 0 && l.text.startsWith(".", l.words.get(i - 1).end()) && l.words.get(i - 1).end() + 1 == l.words.get(i).start()
        && SESSION_HOLDERS.contains(l.words.get(i - 1).text());
  }

  private static boolean isSession(Word w) {
    return w.text().equals("session") || w.text().equals("sessions");
  }

  // ------------------------------------------------------------------ secrets and credentials

  /** Key material and tokens in the shapes their issuers give them; case matters here. */
  private static final Pattern KEY_MATERIAL =
      Pattern.compile(
          "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|\\b(?:AKIA[0-9A-Z]{16}\\b|gh[pousr]_[A-Za-z0-9]{36,}\\b"
              + "|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}"
              + "|sk-(?:proj-|live-)?[A-Za-z0-9]{20,}|[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}|AIza[0-9A-Za-z_-]{35}\\b"
              + "|npm_[A-Za-z0-9]{36}\\b)");
  /** A user name and password inside a URL: {@code postgres://app:hunter2@db}. */
  private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*)://[^\\s/:@'\"]+:[^\\s/@'\"]+@");
  private static final Pattern KEY_FILE_REFERENCES =
      Pattern.compile("(?i)\\.(?:pem|p12|pfx|jks|keystore)\\b|\\bid_(?:rsa|ed25519|ecdsa|dsa)\\b|\\.(?:npmrc|pypirc|netrc|htpasswd)\\b");
  private static final Set<String> SECRETS_WORDS =
      Set.of("credential", "credentials", "apikey", "bearer", "keystore", "truststore", "keyring", "secretsmanager", "kms",
          "privatekey");
  private static final Map<String, List<List<String>>> SECRETS_PHRASES =
      phrases("api key", "api keys", "private key", "access key", "signing key", "encryption key", "master key",
          "ssh key", "client secret", "service account key");
  /** What follows {@code secret} in one identifier when it is the noun: {@code SECRET_KEY}, {@code secretRef}. */
  private static final Set<String> SECRET_COMPANIONS =
      Set.of("key", "keys", "token", "tokens", "id", "value", "values", "ref", "name", "manager", "store", "file",
          "path", "arn", "access", "hash", "string", "bytes", "env", "provider", "version", "data", "source", "engine",
          "rotation");
  /** What makes a {@code token} a credential when it comes before it: {@code accessToken}. */
  private static final Set<String> TOKEN_QUALIFIERS =
      Set.of("access", "refresh", "auth", "api", "bearer", "id", "session", "csrf", "xsrf", "reset", "verification",
          "verify", "personal", "oauth", "jwt", "device", "bot", "github", "gitlab", "slack", "npm", "pypi", "deploy",
          "service", "security", "secret", "signed", "magic", "invite", "invitation", "confirmation", "remember",
          "login", "registration", "push", "app", "client", "user", "admin", "sso");
  private static final Set<String> TOKEN_COMPANIONS = Set.of("secret", "expiry", "expires", "expiration", "ttl", "revoke", "revoked");
  /** The last word of a name that holds a secret: {@code DB_PASSWORD}, {@code authToken}. */
  private static final Set<String> SECRET_NAMES =
      Set.of("password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "credentials", "apikey", "privatekey");
  private static final Pattern QUOTED_VALUE =
      Pattern.compile("^(?:\\[\\]byte\\(|Buffer\\.from\\(|bytes\\(|[bru]|&)?\\s*([\"'`])(.*?)\\1");
  private static final Pattern TYPE_ANNOTATION = Pattern.compile("^[\\s\\w&\\[\\]<>,.':]*$");
  private static final Set<String> EMPTY_VALUES = Set.of("null", "nil", "none", "~", "true", "false", "\"\"", "''", "|", ">");

  private static void secrets(Line l, Best best) {
    keyMaterial(l, best);
    findPattern(l, KEY_FILE_REFERENCES, best);
    findWords(l, SECRETS_WORDS, best);
    findPhrases(l, SECRETS_PHRASES, false, best);
    for (int i = 0; i < l.words.size(); i++) {
      if (secretNoun(l, i) || credentialToken(l, i)) {
        // SECRET_KEY reads better than 'secret', accessToken than 'token'
        int from = l.before(i).isPresent() && credentialToken(l, i) ? i - 1 : i;
        int to = l.after(i).isPresent() && secretNoun(l, i) ? i + 1 : i;
        best.offer(l.words.get(from).start(), l.span(from, to));
        break;
      }
    }
    secretAssignment(l, best);
  }

  /** Key material, reported by its first characters only: the reason ends up in events. */
  private static void keyMaterial(Line l, Best best) {
    Matcher m = KEY_MATERIAL.matcher(l.text);
    if (m.find()) {
      best.offer(m.start(), m.group().startsWith("-----") ? "private key block" : m.group().substring(0, 4) + "...");
    }
    if (l.text.contains("://")) {
      Matcher u = CREDENTIALS_IN_URL.matcher(l.text);
      if (u.find()) {
        best.offer(u.start(), u.group(1).toLowerCase(Locale.ROOT) + "://...:...@");
      }
    }
  }

  /**
   * Whether word i is {@code secret} the noun. It is when it ends its identifier and no plain word
   * follows it ({@code clientSecret}, {@code secret:}, {@code secrets.TOKEN}), or when a word a
   * secret has follows ({@code secret_key}, {@code secret store}); it is the adjective in
   * {@code SecretLevel} and in "a secret level".
   */
  private static boolean secretNoun(Line l, int i) {
    Word w = l.words.get(i);
    if (!w.text().equals("secret") && !w.text().equals("secrets")) {
      return false;
    }
    Optional<Word> next = l.after(i);
    if (next.isPresent()) {
      return SECRET_COMPANIONS.contains(next.get().text());
    }
    if (i + 1 < l.words.size() && l.text.substring(w.end(), l.words.get(i + 1).start()).isBlank()) {
      return SECRET_COMPANIONS.contains(l.words.get(i + 1).text());
    }
    return true;
  }

  /**
   * Whether word i is a credential {@code token}: qualified ({@code accessToken}, {@code csrf
   * token}), followed by what credentials have ({@code tokenExpiry}), or ending a constant's or
   * environment variable's name ({@code DEPLOY_TOKEN}). A tokenizer's {@code Token} is none of these.
   */
  private static boolean credentialToken(Line l, int i) {
    Word w = l.words.get(i);
    if (!w.text().equals("token") && !w.text().equals("tokens")) {
      return false;
    }
    if (i > 0 && l.joined(i - 1) && TOKEN_QUALIFIERS.contains(l.words.get(i - 1).text())) {
      return true;
    }
    Optional<Word> next = l.after(i);
    if (next.isPresent() && TOKEN_COMPANIONS.contains(next.get().text())) {
      return true;
    }
    return w.upperGroup() && w.text().equals("token") && l.before(i).isPresent() && next.isEmpty();
  }

  /**
   * A name that holds a secret given a literal: {@code password = "hunter2"}, {@code API_KEY: "..."},
   * {@code const TOKEN: &str = "..."}, and in configuration files a bare value ({@code token = 1}). A
   * value read from the environment or a placeholder is not a secret in the change.
   */
  private static void secretAssignment(Line l, Best best) {
    List<Word> ws = l.words;
    int i = 0;
    while (i < ws.size()) {
      int j = i;
      while (j + 1 < ws.size() && ws.get(j + 1).group() == ws.get(i).group()) {
        j++;
      }
      if (namesSecret(l, i, j) && assignsLiteral(l, ws.get(j).end())) {
        best.offer(ws.get(i).start(), l.span(i, j));
        return;
      }
      i = j + 1;
    }
  }

  private static boolean namesSecret(Line l, int first, int last) {
    if (SECRET_NAMES.contains(l.words.get(last).text())) {
      return true;
    }
    for (int k = first; k < last; k++) {
      for (List<String> p : SECRETS_PHRASES.getOrDefault(l.words.get(k).text(), List.of())) {
        if (spells(l, k, p, true) && k + p.size() - 1 <= last) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean assignsLiteral(Line l, int from) {
    String s = l.text;
    int k = from;
    if (k < s.length() && (s.charAt(k) == '"' || s.charAt(k) == '\'')) {
      k++; // a quoted key's closing quote, as in JSON
    }
    k = skipSpaces(s, k);
    if (s.startsWith(":=", k) || s.startsWith("=>", k)) {
      k += 2;
    } else if (s.startsWith("=", k) && !s.startsWith("==", k)) {
      k += 1;
    } else if (s.startsWith(":", k) && !s.startsWith("::", k)) {
      k += 1;
      int eq = s.indexOf('=', k);
      // name: Type = value, as Rust, TypeScript and Kotlin declare; otherwise a mapping's key: value
      if (eq > 0 && !s.startsWith("==", eq) && TYPE_ANNOTATION.matcher(s.substring(k, eq)).matches()) {
        k = eq + 1;
      }
    } else {
      return false;
    }
    String value = s.substring(skipSpaces(s, k));
    Matcher q = QUOTED_VALUE.matcher(value);
    if (q.find()) {
      String v = q.group(2);
      return v.length() >= 4 && v.chars().noneMatch(Character::isWhitespace) && !placeholder(v)
          && v.chars().distinct().count() > 1 && !EMPTY_VALUES.contains(v.toLowerCase(Locale.ROOT));
    }
    if (l.type.kind() != Kind.CONFIG) {
      return false;
    }
    int comment = value.indexOf(" #");
    String bare = (comment >= 0 ? value.substring(0, comment) : value).strip();
    return !bare.isEmpty() && !placeholder(bare) && !EMPTY_VALUES.contains(bare.toLowerCase(Locale.ROOT));
  }

  /** Environment lookups, templates and angle-bracket placeholders stand for a value kept elsewhere. */
  private static boolean placeholder(String v) {
    return v.startsWith("$") || v.startsWith("{{") || v.startsWith("%") || v.startsWith("<") || v.startsWith("!")
        || v.contains("${") || v.contains("{{") || v.startsWith("env(") || v.startsWith("ENV[");
  }

  private static int skipSpaces(String s, int k) {
    while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k++;
    }
    return k;
  }

  // ------------------------------------------------------------------ permissions

  private static final Set<String> PERMISSIONS_WORDS =
      Set.of("permission", "permissions", "authorize", "authorized", "authorizes", "authorizing", "authorization",
          "authorise", "authorised", "authorisation", "unauthorized", "unauthorised", "authz", "acl", "acls", "rbac",
          "abac", "privilege", "privileges", "privileged", "sudo", "sudoers", "setuid", "setgid", "chmod", "chown",
          "chgrp", "umask", "icacls", "setfacl", "forbidden", "cors", "allowlist", "whitelist", "denylist", "blacklist",
          "blocklist", "security", "superuser");
  private static final Map<String, List<List<String>>> PERMISSIONS_PHRASES =
      phrases("is admin", "is staff", "is superuser", "is owner", "has role", "has roles", "has any role",
          "has authority", "require role", "requires role", "roles allowed", "permit all", "allow origin",
          "allowed origins", "allowed hosts", "allowed domains", "allowed ips", "allowed urls", "allowed redirects",
          "allowed users", "allowed roles", "run as user", "run as root", "run as non root", "host network", "host pid");
  private static final Pattern PERMISSIONS_CALLS =
      Pattern.compile(
          "(?i)\\bpull_request_target\\b|\\b(?:grant|revoke)\\s+(?:all|select|insert|update|delete|usage|execute|connect"
              + "|create|references|trigger|truncate)\\b|\\bset(?:Executable|Readable|Writable)\\s*\\(");

  private static void permissions(Line l, Best best) {
    findWords(l, PERMISSIONS_WORDS, best);
    findPhrases(l, PERMISSIONS_PHRASES, false, best);
    findPattern(l, PERMISSIONS_CALLS, best);
  }

  // ------------------------------------------------------------------ command execution

  private static final Pattern EXECUTION_CALLS =
      calls(
          "Runtime\\.getRuntime\\(\\)\\.exec\\b|Runtime\\.exec\\b|ProcessBuilder\\b|subprocess\\."
              + "|os\\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?)\\s*\\(|child_process\\b"
              + "|(?:execSync|execFileSync|execFile|spawnSync)\\s*\\(|(?<![.$:])(?:exec|spawn|system|popen|eval)\\s*\\("
              + "|new\\s+Function\\s*\\(|exec\\.Command(?:Context)?\\s*\\(|syscall\\.Exec\\b|std::process::Command\\b"
              + "|Command::new\\s*\\(|shell\\s*=\\s*True\\b|pexpect\\.|create_subprocess_(?:exec|shell)\\b"
              + "|(?:sh|bash|zsh)\\s+-c\\b",
          "\"os/exec\"|\\|\\s*(?:sudo\\s+)?(?:ba|z)?sh\\b|^\\s*eval\\s");

  private static void execution(Line l, Best best) {
    findPattern(l, EXECUTION_CALLS, best);
  }

  // ------------------------------------------------------------------ external fetches and URLs

  private static final Pattern FETCH_CALLS =
      calls(
          "new\\s+URL\\s*\\(|RestTemplate\\b|WebClient\\b|Jsoup\\.connect\\b|fetch\\("
              + "|requests\\.(?:get|post|put|patch|delete|head|request|Session)\\b|urllib\\d?\\b|urlopen\\s*\\(|httpx\\."
              + "|aiohttp\\b|http\\.client\\b|pycurl\\b|axios\\b|XMLHttpRequest\\b|https?\\.(?:get|request)\\s*\\("
              + "|node-fetch\\b|superagent\\b|new\\s+(?:WebSocket|EventSource)\\s*\\("
              + "|http\\.(?:Get|Post|PostForm|Head|NewRequest(?:WithContext)?|DefaultClient|Client|Transport)\\b"
              + "|net\\.Dial\\w*\\s*\\(|reqwest\\b|ureq::|hyper::client\\b|surf::|TcpStream::connect\\b|curl\\b|wget\\b"
              + "|Invoke-WebRequest\\b|new\\s+Socket\\s*\\(|socket\\.(?:connect|create_connection)\\b",
          "httpclient|urlconnection|\\.openStream\\s*\\(|\\.openConnection\\s*\\(|\\$\\.(?:ajax|getJSON)\\s*\\(");
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|wss?|ftp)://");
  /** A redirect whose target the request chose: an open redirect unless it is checked. */
  private static final Pattern REDIRECT_FROM_REQUEST =
      Pattern.compile(
          "(?i)\\bredirect\\w*\\s*\\((?=[^;]*\\b(?:req|request)\\.(?:query|params|body|args|form|get|getParameter)\\b)");
  /** URLs that name a schema, not a place to fetch from. */
  private static final Pattern XML_NAMESPACE = Pattern.compile("(?i)xmlns|schemaLocation|<!DOCTYPE|\"\\$schema\"");

  /** A call that fetches, or a URL in code or configuration; a link in a comment is not a fetch. */
  private static void fetches(Line l, Best best) {
    findPattern(l, FETCH_CALLS, best);
    findPattern(l, REDIRECT_FROM_REQUEST, best);
    if (!l.comment && l.text.contains("://") && !XML_NAMESPACE.matcher(l.text).find()) {
      findPattern(l, URL, best);
    }
  }

  // ------------------------------------------------------------------ file access

  private static final Pattern FILE_CALLS =
      calls(
          "(?-i:Files\\.[a-z]\\w*\\s*\\()|File(?:Input|Output)Stream\\b|RandomAccessFile\\b|new\\s+File\\s*\\("
              + "|FileChannel\\.open\\b|File(?:Reader|Writer)\\b|Paths\\.get\\s*\\(|(?-i:Path\\.of\\s*\\()"
              + "|Zip(?:InputStream|File)\\b|getCanonical(?:Path|File)\\s*\\(|toRealPath\\s*\\(|(?<![.$])open\\s*\\("
              + "|os\\.(?:open|openfile|create|createtemp|readfile|writefile|remove|removeall|rename|replace|mkdir|mkdirall"
              + "|makedirs|readdir|listdir|scandir|unlink|rmdir|walk|chdir|symlink|link)\\s*\\("
              + "|os\\.path\\.(?:join|realpath|abspath|expanduser)\\s*\\(|shutil\\.|pathlib\\b|tarfile\\.|zipfile\\."
              + "|extractall\\s*\\(|send_(?:file|from_directory)\\s*\\(|tempfile\\.mktemp\\b|secure_filename\\b|fs\\.\\w+"
              + "|fs/promises\\b|create(?:Read|Write)Stream\\s*\\(|path\\.(?:join|resolve)\\s*\\(|express\\.static\\s*\\("
              + "|ioutil\\.\\w+|filepath\\.(?:Join|Clean|Abs|Rel|EvalSymlinks|Walk\\w*)\\s*\\("
              + "|http\\.(?:ServeFile|FileServer|Dir)\\b|File::(?:open|create)\\s*\\(|fs::\\w+|OpenOptions\\b"
              + "|rm\\s+-[a-z]*r|getOriginalFilename\\s*\\(",
          "\\.normalize\\(\\)|\\.(?:read_text|write_text|read_bytes|write_bytes)\\s*\\(|\\.sendFile\\s*\\(");

  private static void files(Line l, Best best) {
    findPattern(l, FILE_CALLS, best);
  }

  // ------------------------------------------------------------------ cryptography

  private static final Set<String> CRYPTOGRAPHY_WORDS =
      Set.of("crypto", "cryptography", "cryptographic", "cipher", "ciphers", "ciphertext", "encrypt", "encrypts",
          "encrypted", "encryption", "decrypt", "decrypts", "decrypted", "decryption", "hmac", "md5", "sha1", "sha256",
          "sha384", "sha512", "hs256", "rs256", "es256", "bcrypt", "scrypt", "argon2", "argon2id", "pbkdf2", "aes", "rsa",
          "ecdsa", "ecdh", "ed25519", "x25519", "x509", "tls", "ssl", "certificate", "certificates", "nonce", "keypair",
          "pkcs", "pkcs8", "pkcs12");
  private static final Map<String, List<List<String>>> CRYPTOGRAPHY_PHRASES = phrases("secure random");
  private static final Pattern CRYPTOGRAPHY_CALLS =
      calls(
          "InsecureSkipVerify\\b|verify\\s*=\\s*False\\b|rejectUnauthorized\\s*:\\s*false\\b"
              + "|NODE_TLS_REJECT_UNAUTHORIZED\\b|danger_accept_invalid_certs\\b|CERT_NONE\\b|_create_unverified_context"
              + "|TrustManager\\b|HostnameVerifier\\b|MessageDigest\\b|KeyPairGenerator\\b|KeyGenerator\\b"
              + "|Signature\\.getInstance\\b|compare_digest\\b|timingSafeEqual\\b|ConstantTimeCompare\\b|hashlib\\b"
              + "|openssl\\b|StrictHostKeyChecking\\b|UserKnownHostsFile\\s*=\\s*/dev/null"
              + "|verify_\\w*[\"']?\\s*[:=]\\s*false\\b",
          "");

  private static void cryptography(Line l, Best best) {
    findWords(l, CRYPTOGRAPHY_WORDS, best);
    findPhrases(l, CRYPTOGRAPHY_PHRASES, false, best);
    findPattern(l, CRYPTOGRAPHY_CALLS, best);
  }

  // ------------------------------------------------------------------ deserialisation

  /** Readers that build objects of types the input names, and XML parsers that resolve entities. */
  private static final Pattern DESERIALISATION_CALLS =
      calls(
          "ObjectInputStream\\b|XMLDecoder\\b|XStream\\b|(?:enable|activate)DefaultTyping\\b|Id\\.CLASS\\b"
              + "|new\\s+Yaml\\s*\\(|pickle\\.(?:loads?|Unpickler)\\b|cPickle\\b|dill\\.loads?\\b|jsonpickle\\.decode\\b"
              + "|shelve\\.open\\b|marshal\\.loads?\\s*\\(|yaml\\.(?:unsafe_)?load(?:_all)?\\s*\\(|yaml\\.(?:Unsafe|Full)?Loader\\b"
              + "|unserialize\\s*\\(|node-serialize\\b|BinaryFormatter\\b|TypeNameHandling\\b|resolve_entities\\b|load_dtd\\b"
              + "|no_network\\b|DocumentBuilderFactory\\b|SAXParserFactory\\b|XMLInputFactory\\b|SAXReader\\b"
              + "|disallow-doctype-decl\\b|FEATURE_SECURE_PROCESSING\\b",
          "\\.readObject\\s*\\(|<!ENTITY");

  private static void deserialisation(Line l, Best best) {
    findPattern(l, DESERIALISATION_CALLS, best);
  }

  // ------------------------------------------------------------------ SQL built from input

  private static final Pattern SQL_STATEMENT =
      Pattern.compile(
          "(?i)\\b(?:select\\b.{1,200}?\\bfrom|insert\\s+into|update\\s+[\\w.\"`]+\\s+set|delete\\s+from"
              + "|where\\s+[\\w.\"`]+\\s*(?:=|<|>|!=|\\blike\\b|\\bin\\b)|order\\s+by|group\\s+by)\\b");
  /** A string glued to a value: concatenation, interpolation, formatting. */
  private static final Pattern GLUED =
      Pattern.compile(
          "[\"'`]\\s*\\+\\s*[\\w(]|[\\w)\\]]\\s*\\+\\s*[\"'`]|\\$\\{|(?<![\\w])f[\"'][^\"']*\\{|[\"']\\s*%\\s*[\\w(]"
              + "|\\.format\\(|\\bSprintf\\(|\\bformat!\\(|\\bString\\.format\\(|\\.formatted\\(");

  /** A SQL statement on a line that glues a value into a string: the shape of an injection. */
  private static void sqlFromInput(Line l, Best best) {
    Matcher m = SQL_STATEMENT.matcher(l.text);
    if (m.find() && GLUED.matcher(l.text).find()) {
      best.offer(m.start(), m.group().split("\\s+")[0].toLowerCase(Locale.ROOT));
    }
  }

  // ------------------------------------------------------------------ user data

  private static final Set<String> USER_DATA_WORDS =
      Set.of("email", "emails", "ssn", "dob", "birthdate", "pii", "gdpr", "iban", "cvv", "passport");
  private static final Map<String, List<List<String>>> USER_DATA_PHRASES =
      phrases("e mail", "phone number", "birth date", "date of birth", "personal data", "user data", "customer data",
          "credit card", "card number", "social security", "home address", "street address", "billing address",
          "shipping address", "postal address");

  private static void userData(Line l, Best best) {
    findWords(l, USER_DATA_WORDS, best);
    findPhrases(l, USER_DATA_PHRASES, false, best);
  }
}
