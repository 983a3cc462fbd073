package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SensitivityCheckTest {
  @TempDir Path ws;

  private Optional<String> reason(List<String> files, String diff) {
    return SensitivityCheck.reason(new Batch(1, "goal", ws, List.of(), Map.of(), files, diff));
  }

  @Test
  void addedLinesAreNamedWithTheirNewLineNumber() {
    String diff = "--- a/src/Api.java\n+++ b/src/Api.java\n@@ -10,2 +10,3 @@\n int x;\n+var c = HttpClient.newHttpClient();\n int y;\n";
    assertEquals(Optional.of("src/Api.java:11: change adds 'httpclient' (external fetches and URLs)"), reason(List.of("src/Api.java"), diff));
  }

  @Test
  void removingACheckIsAsSensitiveAsAddingOne() {
    String diff = "--- a/src/Orders.java\n+++ b/src/Orders.java\n@@ -40,3 +40,2 @@\n void cancel(Order o) {\n-  checkPermission(user);\n   o.cancel();\n";
    assertEquals(Optional.of("src/Orders.java:41: change removes 'permission' (permissions)"), reason(List.of("src/Orders.java"), diff));
  }

  @Test
  void aRemovedLineStartingWithDashesIsNotTakenForAHeader() {
    String diff = "--- a/db/init.sql\n+++ b/db/init.sql\n@@ -1,2 +1,1 @@\n--- grant access to the session table\n select 1;\n";
    assertEquals(Optional.of("db/init.sql:1: change removes 'session' (authentication)"), reason(List.of("db/init.sql"), diff));
  }

  @Test
  void anAuthorTagIsNotAuthentication() {
    String diff = "--- /dev/null\n+++ b/src/Util.java\n@@ -0,0 +1,3 @@\n+/** Helpers.\n+ * @author Ada\n+ */\n";
    assertEquals(Optional.empty(), reason(List.of("src/Util.java"), diff));
  }

  @Test
  void filesPastTheCutOfALongDiffAreReadWhole() throws Exception {
    Files.writeString(ws.resolve("client.js"), "const r = await fetch('https://example.invalid/data');\n");
    Files.writeString(ws.resolve("package-lock.json"), "{}\n");
    String diff = "--- a/package-lock.json\n+++ b/package-lock.json\n@@ -1,1 +1,1 @@\n-{\n+{ \"lockfileVersion\": 3\n" + GitWorkspace.DIFF_CUT + "\n";
    assertEquals(
        Optional.of("client.js:1: change mentions 'fetch(' (external fetches and URLs)"),
        reason(List.of("client.js", "package-lock.json"), diff));
  }

  @Test
  void aLinkIsNotFollowedOutOfTheWorkspace() throws Exception {
    Path outside = Files.writeString(Files.createTempFile("outside", ".txt"), "password=hunter2\n");
    try {
      Files.createSymbolicLink(ws.resolve("notes.txt"), outside);
      assertEquals(Optional.empty(), reason(List.of("notes.txt"), ""));
    } finally {
      Files.delete(outside);
    }
  }
}
