package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature registry is what the pinned Codex says it is: {@code codex features list} on an empty
 * configuration prints exactly the registry's keys, stages and defaults, and each flag the registry
 * says takes a table loads with one, while a flag that takes none is refused with one.
 */
final class CodexFeaturesTest {
  @TempDir Path dir;

  @Test
  void theRegistryIsWhatCodexListsKeyStageAndDefault() throws Exception {
    PinnedCodex.Output listed = PinnedCodex.run(Files.createDirectories(dir.resolve("home")), dir, List.of("features", "list"));
    assertEquals(0, listed.exitCode(), listed.err());
    List<String> codex = new ArrayList<>();
    for (String line : listed.out().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s{2,}");
      assertEquals(3, f.length, "a line of codex features list: '" + line + "'");
      codex.add(f[0] + " " + f[1] + " " + f[2]);
    }
    List<String> ours =
        CodexFeatures.pinned().all().values().stream().map(f -> f.key() + " " + f.stage().label() + " " + f.defaultOn()).toList();
    assertEquals(codex, ours, "orchestra-toml's codex-features.tsv against `codex features list` of Codex " + CodexConfig.codexVersion());
    assertTrue(ours.size() > 100, "the whole list: " + ours.size());
  }

  @Test
  void aFlagTakesATableExactlyWhenTheRegistrySaysSo() throws Exception {
    List<String> disagree = new ArrayList<>();
    for (CodexFeatures.Feature f : CodexFeatures.pinned().all().values()) {
      if (f.key().contains(".")) {
        continue; // a listed name that is no TOML key of its own
      }
      boolean table = f.takesTable();
      if (!table && !List.of("multi_agent", "shell_tool", "apps", "unified_exec").contains(f.key())) {
        continue; // every flag would take minutes; a few that take only true or false stand for the rest
      }
      Path home = Files.createDirectories(dir.resolve("t-" + f.key()));
      String sub = f.subKeys().contains("enabled") ? "enabled = false\n" : "";
      Files.writeString(home.resolve("config.toml"), "[features." + f.key() + "]\n" + sub);
      PinnedCodex.Output out = PinnedCodex.run(home, dir, List.of("features", "list"));
      if ((out.exitCode() == 0) != table) {
        disagree.add(f.key() + ": registry says " + (table ? "a table" : "no table") + ", Codex exit " + out.exitCode() + " "
            + out.err().lines().filter(l -> l.toLowerCase(Locale.ROOT).contains("error") || l.contains("in `")).toList());
      }
    }
    assertEquals(List.of(), disagree);
  }
}
