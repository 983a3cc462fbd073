package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-only command table, without running anything (WorkspaceToolsTest runs such commands for real). */
final class ReadOnlyCommandsTest {
  @Test
  void readOnlyCommandsKeepTheirHarmlessOptions() {
    for (List<String> argv :
        List.of(
            List.of("git", "log", "--oneline", "--no-ext-diff", "-n", "5"),
            List.of("git", "diff", "--stat", "--no-textconv"),
            List.of("sort", "-u", "-k", "2", "notes.txt"),
            List.of("rg", "-n", "--glob", "*.java", "Orchestra"),
            List.of("find", ".", "-name", "*.md"),
            List.of("date", "+%s"),
            List.of("/usr/bin/CAT", "notes.txt"))) {
      assertTrue(WorkspaceToolBox.isReadOnlyCommand(argv), argv.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "touch x.txt",
        "git",
        "git commit -m x",
        "find . -delete",
        "find . -name *.md -exec rm {} ;",
        "sort -o x.txt notes.txt",
        "sort -uo x.txt notes.txt",
        "sort --out=x.txt notes.txt",
        "sort --compress-prog=sh notes.txt",
        "uniq notes.txt x.txt",
        "tree -o x.txt",
        "git diff --output=x.txt",
        "git log --outp=x.txt",
        "git grep --open-files-in-pager=vi line",
        "git grep -Ovi line",
        "git diff --ext-diff",
        "git show --textconv",
        "rg --pre=touch line",
        "rg -uz line",
        "file -C -m notes.txt",
        "date -s 2020-01-01",
        "date --set=2020-01-01"
      })
  void writingOptionsSubcommandsAndActionsAreNotReadOnly(String command) {
    assertFalse(ReadOnlyCommands.isReadOnly(List.of(command.split(" "))), command);
  }

  @Test
  void gitRunsNoProgramTheRepositoryNames() {
    assertEquals(
        List.of("git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=", "log", "--no-ext-diff", "--no-textconv", "-p"),
        ReadOnlyCommands.withoutRepositoryPrograms(List.of("git", "log", "-p")));
    assertEquals(
        List.of("/usr/bin/git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=", "blame", "--no-textconv", "a.txt"),
        ReadOnlyCommands.withoutRepositoryPrograms(List.of("/usr/bin/git", "blame", "a.txt")));
    assertEquals(
        List.of("git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=", "status"),
        ReadOnlyCommands.withoutRepositoryPrograms(List.of("git", "status")));
    assertEquals(List.of("cat", "a.txt"), ReadOnlyCommands.withoutRepositoryPrograms(List.of("cat", "a.txt")));
    assertEquals(List.of("git"), ReadOnlyCommands.withoutRepositoryPrograms(List.of("git")));
  }
}
