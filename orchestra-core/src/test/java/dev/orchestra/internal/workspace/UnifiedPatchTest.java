package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class UnifiedPatchTest {
  @TempDir Path ws;

  private List<String> apply(String diff) throws Exception {
    return UnifiedPatch.applyAll(UnifiedPatch.parse(diff), p -> ws.resolve(p));
  }

  @Test
  void modifiesCreatesAndDeletesFilesInOnePatch() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "one\ntwo\nthree\nfour\n");
    Files.writeString(ws.resolve("gone.txt"), "bye\n");
    String diff =
        """
        diff --git a/a.txt b/a.txt
        --- a/a.txt
        +++ b/a.txt
        @@ -1,4 +1,4 @@
         one
        -two
        +TWO
         three
         four
        --- /dev/null
        +++ b/new/b.txt
        @@ -0,0 +1,2 @@
        +hello
        +world
        --- a/gone.txt
        +++ /dev/null
        @@ -1 +0,0 @@
        -bye
        """;
    assertEquals(List.of("a.txt", "new/b.txt", "gone.txt"), apply(diff));
    assertEquals("one\nTWO\nthree\nfour\n", Files.readString(ws.resolve("a.txt")));
    assertEquals("hello\nworld\n", Files.readString(ws.resolve("new/b.txt")));
    assertFalse(Files.exists(ws.resolve("gone.txt")));
  }

  @Test
  void findsAHunkThatMovedAndAppliesSeveralHunks() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "x\ny\nalpha\nbeta\ngamma\n1\n2\n3\nomega\n");
    String diff =
        """
        --- a/a.txt
        +++ b/a.txt
        @@ -1,2 +1,2 @@
         alpha
        -beta
        +BETA
        @@ -6,2 +6,3 @@
         3
        +3.5
         omega
        """;
    apply(diff);
    assertEquals("x\ny\nalpha\nBETA\ngamma\n1\n2\n3\n3.5\nomega\n", Files.readString(ws.resolve("a.txt")));
  }

  @Test
  void aHunkThatDoesNotApplyChangesNothing() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "one\ntwo\n");
    Files.writeString(ws.resolve("b.txt"), "keep\n");
    String diff =
        """
        --- a/b.txt
        +++ b/b.txt
        @@ -1 +1 @@
        -keep
        +changed
        --- a/a.txt
        +++ b/a.txt
        @@ -1,2 +1,2 @@
         one
        -three
        +THREE
        """;
    UnifiedPatch.PatchException e = assertThrows(UnifiedPatch.PatchException.class, () -> apply(diff));
    assertEquals("hunk 1 of a.txt does not apply: expected 'one' at line 1 and found no matching place", e.getMessage());
    assertEquals("keep\n", Files.readString(ws.resolve("b.txt")), "nothing is half applied");
    try (Stream<Path> files = Files.list(ws)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void keepsAMissingNewlineAtTheEnd() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "one\ntwo");
    String diff = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n\\ No newline at end of file\n+2\n\\ No newline at end of file\n";
    apply(diff);
    assertEquals("one\n2", Files.readString(ws.resolve("a.txt")));
  }

  @Test
  void malformedPatchesAreClearErrors() {
    assertEquals("no file in the patch: expected '--- <file>' and '+++ <file>' headers",
        assertThrows(UnifiedPatch.PatchException.class, () -> UnifiedPatch.parse("just text")).getMessage());
    assertTrue(assertThrows(UnifiedPatch.PatchException.class, () -> UnifiedPatch.parse("--- a/x\nnope\n")).getMessage()
        .contains("expected '+++ <file>'"));
    assertTrue(assertThrows(UnifiedPatch.PatchException.class, () -> UnifiedPatch.parse("--- a/x\n+++ b/x\n@@ bad @@\n")).getMessage()
        .contains("malformed hunk header"));
    assertTrue(assertThrows(UnifiedPatch.PatchException.class, () -> UnifiedPatch.parse("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n")).getMessage()
        .contains("hunk 1 of x is cut short"));
  }

  @Test
  void creatingAFileThatExistsIsRefused() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "mine\n");
    UnifiedPatch.PatchException e =
        assertThrows(UnifiedPatch.PatchException.class, () -> apply("--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+x\n"));
    assertEquals("a.txt already exists; the patch creates it", e.getMessage());
    assertEquals("mine\n", Files.readString(ws.resolve("a.txt")));
  }
}
