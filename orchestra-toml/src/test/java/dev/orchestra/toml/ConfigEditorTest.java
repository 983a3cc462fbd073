package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** Edits change only the edited statement; every other byte stays as it was. */
final class ConfigEditorTest {
  @TempDir Path tmp;

  static final String REAL =
      "#:schema https://example.invalid/config-schema.json\n"
          + "# Personal Codex settings\n"
          + "model = \"gpt-5.4\"   # the default model\n"
          + "model_reasoning_effort='high'\n"
          + "tui.status_line = [\"model\", \"context\"]\n"
          + "\n"
          + "developer_instructions = \"\"\"\n"
          + "[not-a-table]\n"
          + "model = \"not a key\"\n"
          + "\"\"\"\n"
          + "\n"
          + "[features]\n"
          + "multi_agent = true\n"
          + "\n"
          + "# Agents\n"
          + "[agents]\n"
          + "max_threads = 12 # step down on 429s\n"
          + "reviewer.description = \"dotted\"\n"
          + "\n"
          + "[agents.\"qa test\"]\n"
          + "description = 'Literal'\n"
          + "nickname_candidates = [\n"
          + "  \"Ada\", # first\n"
          + "  \"Bob\",\n"
          + "]\n"
          + "\n"
          + "[projects.'C:\\Users\\me\\repo']\n"
          + "trust_level = \"trusted\"\n"
          + "\n"
          + "[mcp_servers.docs]\n"
          + "command = \"npx\"\n"
          + "env = { A = \"1\" }\n"
          + "\n"
          + "[[skills.config]]\n"
          + "path = \"/s\"\n"
          + "\n"
          + "[unknown_table]\n"
          + "x = 1979-05-27T07:32:00Z\n";

  private static TomlParseResult parse(String text) {
    TomlParseResult r = Toml.parse(text);
    assertFalse(r.hasErrors(), r.errors().toString());
    return r;
  }

  /** Asserts that {@code after} is {@code before} with exactly one region replaced by {@code inserted}. */
  private static void onlyChanged(String before, String after, String removed, String inserted) {
    int prefix = 0;
    while (prefix < before.length() && prefix < after.length() && before.charAt(prefix) == after.charAt(prefix)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < before.length() - prefix && suffix < after.length() - prefix
        && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
      suffix++;
    }
    String gone = before.substring(prefix, before.length() - suffix);
    String added = after.substring(prefix, after.length() - suffix);
    assertTrue(gone.isEmpty() || removed.contains(gone), "removed '" + gone + "', expected within '" + removed + "'");
    assertTrue(inserted.contains(added), "added '" + added + "', expected within '" + inserted + "'");
    assertEquals(before.replace(removed, inserted), after);
  }

  @Test
  void replacingAValueKeepsItsCommentAndEverythingElse() {
    String after = ConfigEditor.of(REAL).set("model", "gpt-5.3-codex-spark").text();
    onlyChanged(REAL, after, "\"gpt-5.4\"   # the", "\"gpt-5.3-codex-spark\"   # the");
    assertEquals("gpt-5.3-codex-spark", parse(after).getString("model"));
    String threads = ConfigEditor.of(REAL).set("agents.max_threads", 8).text();
    onlyChanged(REAL, threads, "max_threads = 12 #", "max_threads = 8 #");
  }

  @Test
  void replacesValuesInEveryStyle() {
    String a = ConfigEditor.of(REAL).set("model_reasoning_effort", "low").text();
    onlyChanged(REAL, a, "model_reasoning_effort='high'", "model_reasoning_effort=\"low\"");
    String b = ConfigEditor.of(REAL).set("tui.status_line", List.of("model")).text();
    onlyChanged(REAL, b, "[\"model\", \"context\"]", "[\"model\"]");
    String c = ConfigEditor.of(REAL).set("agents.\"qa test\".nickname_candidates", List.of("Cy")).text();
    onlyChanged(REAL, c, "[\n  \"Ada\", # first\n  \"Bob\",\n]", "[\"Cy\"]");
    String d = ConfigEditor.of(REAL).set("developer_instructions", "one line").text();
    onlyChanged(REAL, d, "\"\"\"\n[not-a-table]\nmodel = \"not a key\"\n\"\"\"", "\"one line\"");
    String e = ConfigEditor.of(REAL).set("projects.'C:\\Users\\me\\repo'.trust_level", "untrusted").text();
    onlyChanged(REAL, e, "trust_level = \"trusted\"", "trust_level = \"untrusted\"");
    String f = ConfigEditor.of(REAL).set("agents.reviewer.description", "new").text();
    onlyChanged(REAL, f, "reviewer.description = \"dotted\"", "reviewer.description = \"new\"");
    String g = ConfigEditor.of(REAL).set("unknown_table.x", 2.5).text();
    onlyChanged(REAL, g, "x = 1979-05-27T07:32:00Z", "x = 2.5");
  }

  @Test
  void missingKeyGoesToTheEndOfItsTable() {
    String after = ConfigEditor.of(REAL).set("features.collab", false).text();
    onlyChanged(REAL, after, "multi_agent = true\n", "multi_agent = true\ncollab = false\n");
    String agents = ConfigEditor.of(REAL).set("agents.max_depth", 2).text();
    onlyChanged(REAL, agents, "reviewer.description = \"dotted\"\n", "reviewer.description = \"dotted\"\nmax_depth = 2\n");
    String sibling = ConfigEditor.of(REAL).set("agents.reviewer.config_file", "agents/reviewer.toml").text();
    onlyChanged(REAL, sibling, "reviewer.description = \"dotted\"\n",
        "reviewer.description = \"dotted\"\nreviewer.config_file = \"agents/reviewer.toml\"\n");
    String top = ConfigEditor.of(REAL).set("service_tier", "flex").text();
    onlyChanged(REAL, top, "model = \"not a key\"\n\"\"\"\n", "model = \"not a key\"\n\"\"\"\nservice_tier = \"flex\"\n");
    assertEquals("flex", parse(top).getString("service_tier"));
    String dotted = ConfigEditor.of(REAL).set("tui.theme", "dark").text();
    onlyChanged(REAL, dotted, "tui.status_line = [\"model\", \"context\"]\n", "tui.status_line = [\"model\", \"context\"]\ntui.theme = \"dark\"\n");
  }

  @Test
  void missingTableIsAddedAtTheEndOfTheFile() {
    String after = ConfigEditor.of(REAL).set("agents.implementer.description", "Makes one change.").text();
    assertEquals(REAL + "\n[agents.implementer]\ndescription = \"Makes one change.\"\n", after);
    String quoted = ConfigEditor.of("a = 1").set("projects.\"/home/me/my repo\".trust_level", "trusted").text();
    assertEquals("a = 1\n\n[projects.\"/home/me/my repo\"]\ntrust_level = \"trusted\"\n", quoted);
    assertEquals("trusted", parse(quoted).getString(List.of("projects", "/home/me/my repo", "trust_level")));
  }

  @Test
  void topLevelKeyInAFileWithoutTopLevelKeysGoesAboveTheFirstTableAndItsComment() {
    String text = "#:schema x\n\n# Features\n[features]\nmulti_agent = true\n";
    assertEquals("#:schema x\n\nmodel = \"m\"\n\n# Features\n[features]\nmulti_agent = true\n", ConfigEditor.of(text).set("model", "m").text());
    assertEquals("model = \"m\"\n", ConfigEditor.of("").set("model", "m").text());
    assertEquals("# only a comment\nmodel = \"m\"\n", ConfigEditor.of("# only a comment").set("model", "m").text());
  }

  @Test
  void keyAddedToAnEmptyTableGoesRightAfterItsHeader() {
    assertEquals("[features]\nx = true\n\n[agents]\n", ConfigEditor.of("[features]\n\n[agents]\n").set("features.x", true).text());
  }

  @Test
  void removingAKeyDeletesOnlyItsLine() {
    ConfigEditor editor = ConfigEditor.of(REAL);
    assertTrue(editor.remove("agents.max_threads"));
    onlyChanged(REAL, editor.text(), "max_threads = 12 # step down on 429s\n", "");
    assertFalse(editor.remove("agents.max_threads"), "already gone");
    assertFalse(editor.remove("no.such.key"));
    ConfigEditor multi = ConfigEditor.of(REAL);
    assertTrue(multi.remove("agents.\"qa test\".nickname_candidates"));
    onlyChanged(REAL, multi.text(), "nickname_candidates = [\n  \"Ada\", # first\n  \"Bob\",\n]\n", "");
  }

  @Test
  void removingATableDeletesItsHeaderKeysAndSubTables() {
    String text = "a = 1\n[agents]\nmax_threads = 3\n\n[agents.r]\ndescription = \"R\"\n\n# next\n[other]\nb = 2\n";
    ConfigEditor editor = ConfigEditor.of(text);
    assertTrue(editor.remove("agents"));
    assertEquals("a = 1\n\n\n# next\n[other]\nb = 2\n", editor.text());
    ConfigEditor dotted = ConfigEditor.of("tui.a = 1\ntui.b = 2\nc = 3\n");
    assertTrue(dotted.remove("tui"));
    assertEquals("c = 3\n", dotted.text());
  }

  @Test
  void stringsAreEscapedAsTomlLiterals() {
    String nasty = "quote \" backslash \\ tab \t bell \u0007 unicode é";
    String after = ConfigEditor.of("").set("developer_instructions", nasty).text();
    assertEquals(nasty, parse(after).getString("developer_instructions"));
    String multi = "line one\n\"\"\" not the end\nC:\\path\n";
    String text = ConfigEditor.of("").set("developer_instructions", multi).text();
    assertTrue(text.startsWith("developer_instructions = \"\"\"\n"), text);
    assertEquals(multi, parse(text).getString("developer_instructions"));
    assertEquals("needs \"quotes\"", parse(ConfigEditor.of("").set("agents.\"a.b\".description", "needs \"quotes\"").text())
        .getString(List.of("agents", "a.b", "description")));
  }

  @Test
  void refusesWhatItCannotEditAndLeavesTheTextUnchanged() {
    ConfigEditor editor = ConfigEditor.of(REAL);
    CodexConfigException inline = assertThrows(CodexConfigException.class, () -> editor.set("mcp_servers.docs.env.B", "2"));
    assertTrue(inline.getMessage().contains("inline table"), inline.getMessage());
    CodexConfigException array = assertThrows(CodexConfigException.class, () -> editor.set("skills.config.path", "x"));
    assertTrue(array.getMessage().contains("array"), array.getMessage());
    CodexConfigException table = assertThrows(CodexConfigException.class, () -> editor.set("features", true));
    assertTrue(table.getMessage().contains("is a table"), table.getMessage());
    CodexConfigException scalar = assertThrows(CodexConfigException.class, () -> editor.set("model.name", "x"));
    assertTrue(scalar.getMessage().contains("is a value, not a table"), scalar.getMessage());
    assertThrows(IllegalArgumentException.class, () -> editor.set("bad key", "x"));
    assertEquals(REAL, editor.text());
  }

  @Test
  void invalidTomlCannotBeOpened() {
    CodexConfigException e = assertThrows(CodexConfigException.class, () -> ConfigEditor.of("a = \n"));
    assertEquals(1, e.diagnostics().get(0).line());
  }

  @Test
  void windowsLineEndingsArePreserved() {
    String crlf = "model = \"a\"\r\n\r\n[agents]\r\nmax_threads = 3\r\n";
    String after = ConfigEditor.of(crlf).set("agents.max_depth", 2).set("model", "b").text();
    assertEquals("model = \"b\"\r\n\r\n[agents]\r\nmax_threads = 3\r\nmax_depth = 2\r\n", after);
  }

  @Test
  void savesAtomicallyAndReadsBackWithTheLoader() throws Exception {
    Path home = tmp.resolve("home");
    Path file = Fixtures.write(home.resolve("config.toml"), REAL.replace("[agents.\"qa test\"]", "[agents.\"qa_test\"]"));
    ConfigEditor.open(file).set("agents.max_threads", 4).set("agents.qa_test.description", "Tests.").save();
    try (var listing = Files.list(home)) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
    }
    LoadedConfig config = CodexConfig.forFolder(home).load();
    assertEquals(4, config.maxThreads());
    assertEquals("Tests.", config.role("qa_test").orElseThrow().description());
    Path copy = tmp.resolve("copy/config.toml");
    ConfigEditor.open(tmp.resolve("missing.toml")).set("model", "m").writeTo(copy);
    assertEquals("model = \"m\"\n", Fixtures.read(copy));
    assertThrows(IllegalStateException.class, () -> ConfigEditor.of("").save());
  }

  @Test
  void savingThroughASymbolicLinkWritesItsTargetAndKeepsTheMode() throws Exception {
    Path target = Fixtures.write(tmp.resolve("dotfiles/codex.toml"), "model = \"a\"\n");
    Path link = tmp.resolve("home/.codex/config.toml");
    Fixtures.symlinkOrSkip(link, target);
    boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
    Set<PosixFilePermission> mode = PosixFilePermissions.fromString("rw-r-----");
    if (posix) {
      Files.setPosixFilePermissions(target, mode);
    }
    ConfigEditor.open(link).set("model", "b").save();
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals(target, Files.readSymbolicLink(link));
    assertEquals("model = \"b\"\n", Fixtures.read(target));
    if (posix) {
      assertEquals(mode, Files.getPosixFilePermissions(target), "the file keeps its permissions, not the temporary file's 0600");
    }
  }

  @Test
  void writingThroughALinkWhoseTargetIsMissingCreatesTheTargetAndKeepsTheLink() throws Exception {
    Path target = tmp.resolve("dotfiles/new.toml");
    Fixtures.mkdirs(target.getParent());
    Path link = tmp.resolve("home/.codex/config.toml");
    Fixtures.symlinkOrSkip(link, target);
    AtomicWrite.write(link, "model = \"c\"\n");
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals("model = \"c\"\n", Fixtures.read(target));
  }
}
