package dev.orchestra.gate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
  static final String LOGGED_USER_DATA = "logging of user data";
  static final String AUTHENTICATION = "authentication";
  static final String SECRETS = "secrets and credentials";
  static final String PERMISSIONS = "permissions";
  static final String EXECUTION = "command execution";
  static final String FETCHES = "external fetches and URLs";
  static final String FILES = "file access";
  static final String CRYPTOGRAPHY = "cryptography";
  static final String DESERIALISATION = "deserialisation";
  static final String SQL = "SQL built from input";
  static final String USER_DATA = "user data";

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
      Optional<Hit> hit = SensitivePaths.hit(file);
      if (hit.isPresent()) {
        return Optional.of(file + ": path mentions '" + hit.get().seen() + "' (" + hit.get().category() + ")");
      }
    }
    Set<String> shown = new HashSet<>();
    if (!batch.diff().isEmpty()) {
      Optional<String> fromDiff = DiffReader.reason(batch.diff(), shown);
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

  // ------------------------------------------------------------------ scanning a line

  /** What a line or path showed, and under which category. */
  record Hit(String category, String seen) {}

  /** The leftmost match of one category on a line: what a reader's eye meets first. */
  static final class Best {
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
          new Category(LOGGED_USER_DATA, UserDataRules::loggedUserData),
          new Category(AUTHENTICATION, AuthenticationRules::authentication),
          new Category(SECRETS, SecretRules::secrets),
          new Category(PERMISSIONS, OperationRules::permissions),
          new Category(EXECUTION, OperationRules::execution),
          new Category(FETCHES, OperationRules::fetches),
          new Category(FILES, OperationRules::files),
          new Category(CRYPTOGRAPHY, OperationRules::cryptography),
          new Category(DESERIALISATION, OperationRules::deserialisation),
          new Category(SQL, OperationRules::sqlFromInput),
          new Category(USER_DATA, UserDataRules::userData));

  static Optional<Hit> scan(Line line) {
    if (line.text.isBlank()) {
      return Optional.empty();
    }
    if (line.type.kind().keyMaterialOnly()) {
      Best best = new Best();
      SecretRules.keyMaterial(line, best);
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
}
