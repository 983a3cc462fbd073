package dev.orchestra.gate;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A file's kind, how its comments start (a link in a comment is not a fetch) and how its keys nest,
 * from its path alone. Its own type because {@link SensitivityCheck} holds each file to the rules
 * of its kind, and reads YAML, TOML and INI lines with the keys they sit under ({@link KeyPath}).
 *
 * @param nested keys nest by indentation (YAML)
 * @param sectioned keys sit under {@code [section]} headers (TOML, INI)
 */
record FileType(Kind kind, List<String> commentMarkers, boolean nested, boolean sectioned) {
  /** What a file holds, which decides the rules its lines are held to. */
  enum Kind {
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
