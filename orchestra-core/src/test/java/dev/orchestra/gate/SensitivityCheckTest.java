package dev.orchestra.gate;

import dev.orchestra.internal.workspace.GitWorkspace;
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

  @Test
  void identifiersAreReadAsWordsSoATokenizerIsNotACredential() {
    String diff = "--- a/src/Lexer.java\n+++ b/src/Lexer.java\n@@ -1,1 +1,2 @@\n Token next() {\n+  Token token = new Token(TokenKind.NUMBER, text);\n";
    assertEquals(Optional.empty(), reason(List.of("src/Lexer.java"), diff));
    String qualified = "--- a/src/Api.java\n+++ b/src/Api.java\n@@ -1,1 +1,2 @@\n class Api {\n+  String accessToken = response.token();\n";
    assertEquals(
        Optional.of("src/Api.java:2: change adds 'accesstoken' (secrets and credentials)"), reason(List.of("src/Api.java"), qualified));
  }

  @Test
  void aJamSessionIsNotALoginSessionButASessionCookieIs() {
    String jam = "--- a/src/Jam.ts\n+++ b/src/Jam.ts\n@@ -1,1 +1,2 @@\n class Jam {\n+  const session = new JamSession(band, tempoBpm);\n";
    assertEquals(Optional.empty(), reason(List.of("src/Jam.ts"), jam));
    String web = "--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1,1 +1,2 @@\n const app = express();\n+app.use(session({ cookie: { secure: false } }));\n";
    assertEquals(Optional.of("src/app.ts:2: change adds 'session' (authentication)"), reason(List.of("src/app.ts"), web));
  }

  @Test
  void aSecretsValueNeverAppearsInTheReason() {
    String diff = "--- a/deploy.yml\n+++ b/deploy.yml\n@@ -1,1 +1,2 @@\n env:\n+  AWS_KEY: AKIAZ3EXAMPLE7Q2W4RT\n";
    Optional<String> why = reason(List.of("deploy.yml"), diff);
    assertEquals(Optional.of("deploy.yml:2: change adds 'AKIA...' (secrets and credentials)"), why);
  }

  @Test
  void aYamlLineIsReadWithTheKeysItSitsUnder() {
    String diff =
        "--- a/config/app.yml\n+++ b/config/app.yml\n@@ -1,4 +1,4 @@\n server:\n   session:\n-    timeout: 30m\n+    timeout: 30d\n     name: APP\n";
    assertEquals(Optional.of("config/app.yml:3: change removes 'session' (authentication)"), reason(List.of("config/app.yml"), diff));
  }

  @Test
  void aFileMovedOutOfASensitiveFolderIsNamedByItsOldPath() {
    String diff =
        "diff --git a/src/auth/Policy.ts b/src/forms/Rules.ts\nsimilarity index 100%\nrename from src/auth/Policy.ts\nrename to src/forms/Rules.ts\n";
    assertEquals(
        Optional.of("src/forms/Rules.ts: renamed from src/auth/Policy.ts, whose path mentions 'auth' (authentication)"),
        reason(List.of("src/forms/Rules.ts"), diff));
  }

  @Test
  void makingAFileExecutableIsAPermissionChange() {
    String diff = "diff --git a/hooks/post-merge b/hooks/post-merge\nold mode 100644\nnew mode 100755\n";
    assertEquals(
        Optional.of("hooks/post-merge: change makes the file executable, mode '100755' (permissions)"),
        reason(List.of("hooks/post-merge"), diff));
  }

  @Test
  void docsTestsAndStylesheetsAreCheckedForKeyMaterialOnly() {
    String diff =
        "--- a/docs/login.md\n+++ b/docs/login.md\n@@ -1 +1 @@\n-Pick a pasword.\n+Pick a password.\n"
            + "--- a/src/test/java/LoginTest.java\n+++ b/src/test/java/LoginTest.java\n@@ -1 +1 @@\n-void login() {}\n+void signsIn() {}\n"
            + "--- a/web/login.css\n+++ b/web/login.css\n@@ -1 +1 @@\n-.login { gap: 8px; }\n+.login { gap: 12px; }\n";
    assertEquals(Optional.empty(), reason(List.of("docs/login.md", "src/test/java/LoginTest.java", "web/login.css"), diff));
  }

  @Test
  void aLoggingCallIsSensitiveWhenItsArgumentsCarryUserData() {
    String diff = "--- a/app/signup.py\n+++ b/app/signup.py\n@@ -1,1 +1,2 @@\n def done(member):\n+    logger.info(\"welcome %s\", member.email)\n";
    assertEquals(
        Optional.of("app/signup.py:2: change adds 'logger.info(...email' (logging of user data)"), reason(List.of("app/signup.py"), diff));
    String counts = "--- a/app/jobs.py\n+++ b/app/jobs.py\n@@ -1,1 +1,2 @@\n def done(n):\n+    logger.info(\"imported %d tracks\", n)\n";
    assertEquals(Optional.empty(), reason(List.of("app/jobs.py"), counts));
  }

  @Test
  void aMalformedDiffIsReadAsFarAsItGoesWithoutFailing() {
    String diff =
        "diff --git \"a/odd name\" \"b/odd name\"\n@@ -99999999999 +1,2 @@\n+plain\n@@ -1 +1 @@\n+const r = await fetch(url);\n"
            + "old mode 1\nnew mode zz\n";
    assertEquals(Optional.of(":1: change adds 'fetch(' (external fetches and URLs)"), reason(List.of(), diff));
  }
}
