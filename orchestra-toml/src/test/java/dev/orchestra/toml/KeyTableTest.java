package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.toml.SettingsReader.Scope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declarative key tables: one rule per key and scope, read in file order, unknown keys to the handler. */
final class KeyTableTest {

  private static Map<String, Val> parse(String toml, Reporter reporter) {
    return TomlReader.parse(toml, Path.of("config.toml"), reporter).orElseThrow();
  }

  @Test
  void aKeyIsReadByTheRuleOfTheScopeAndAnUnknownKeyGoesToTheHandler() {
    KeyTable<List<String>> table =
        KeyTable.<List<String>>builder()
            .key("count", Schema.integer(1), (out, n, at, path) -> out.add(path + "=" + n))
            .key("mode", Schema.oneOf("a", "b"), (out, m, at, path) -> out.add("config " + m), Scope.CONFIG)
            .key("mode", KeyTable.ANY, (out, m, at, path) -> out.add("profile " + m.plain()), Scope.PROFILE)
            .build();
    Reporter reporter = Reporter.create(false);
    SettingsReader reader = new SettingsReader(reporter);
    List<String> out = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    table.read(reader, parse("count = 3\nmode = \"b\"\nzz = 1\ncount2 = 0\n", reporter), "t.", out, Scope.CONFIG,
        (key, v, path) -> unknown.add(path));
    assertEquals(List.of("t.count=3", "config b"), out);
    assertEquals(List.of("t.zz", "t.count2"), unknown);

    out.clear();
    table.read(reader, parse("mode = \"c\"\n", reporter), "", out, Scope.PROFILE, (key, v, path) -> unknown.add(path));
    assertEquals(List.of("profile c"), out, "the profile's rule takes any value");
    assertTrue(reporter.diagnostics().isEmpty(), reporter.diagnostics().toString());

    assertTrue(table.knows("mode", Scope.PROFILE));
    assertFalse(table.knows("mode", Scope.ROLE_FILE), "no rule for mode in a role file");
    assertEquals(List.of("count"), List.copyOf(table.keys(Scope.ROLE_FILE)));
  }

  @Test
  void aWrongValueIsReportedWithItsPathAndNotApplied() {
    KeyTable<List<String>> table =
        KeyTable.<List<String>>builder().key("count", Schema.integer(1), (out, n, at, path) -> out.add("applied")).build();
    Reporter reporter = Reporter.create(false);
    List<String> out = new ArrayList<>();
    table.read(new SettingsReader(reporter), parse("count = 0\n", reporter), "agents.", out, Scope.CONFIG, (k, v, p) -> { });
    assertEquals(List.of(), out);
    Diagnostic d = reporter.diagnostics().get(0);
    assertTrue(d.isError());
    assertEquals("agents.count", d.keyPath());
    assertEquals(1, d.line());
  }

  @Test
  void aKeyGetsOneRulePerScope() {
    KeyTable.Builder<Object> b = KeyTable.builder().key("k", KeyTable.ANY, (t, v, at, path) -> { }, Scope.CONFIG);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.key("k", KeyTable.ANY, (t, v, at, path) -> { }));
    assertTrue(e.getMessage().contains("'k'"), e.getMessage());
  }

  @Test
  void theSchemaSpellsEachTopLevelKeyOnceAndKnowsTheRoleFileKeysOnlyInARoleFile() {
    assertTrue(Schema.TOP.knows("name", Scope.ROLE_FILE));
    assertFalse(Schema.TOP.knows("name", Scope.CONFIG));
    assertTrue(Schema.TOP.knows("include_apply_patch_tool", Scope.PROFILE));
    assertFalse(Schema.TOP.knows("include_apply_patch_tool", Scope.CONFIG), "Codex dropped it from the top level");
    assertFalse(Schema.TOP.knows(Keys.ORCHESTRA, Scope.CONFIG), "Orchestra's own table is read apart: a role file may not set it");
    // Every key known in a profile is a top-level key too, but those Codex takes only in a profile.
    for (String key : Schema.TOP.keys(Scope.PROFILE)) {
      assertTrue(Schema.TOP.knows(key, Scope.CONFIG) || List.of("include_apply_patch_tool", "experimental_use_freeform_apply_patch").contains(key), key);
    }
  }
}
