package dev.orchestra.internal.workspace;

import dev.orchestra.role.Role;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.Json;
import dev.orchestra.OrchestraException;
import dev.orchestra.TestRepos;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.Skill;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full tool set on real files and processes: search, line ranges, patches, commands, skills.
 * What sandboxes and approval policies let them do is in {@link SandboxDecisionTest}.
 */
final class WorkspaceToolsTest {
  @TempDir Path tmp;
  Path root;
  final List<String> asked = new ArrayList<>();
  final List<String> audited = new ArrayList<>();
  ApprovalHandler.Decision answer = ApprovalHandler.Decision.approve("tester");
  Map<String, String> parentEnv = Map.of("PATH", System.getenv("PATH"), "OPENAI_API_KEY", "sk-test-SECRET123", "HOME", "/home/x");

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("ws"));
    TestRepos.write(root, "src/Main.java", "class Main {\n  // TODO: greet\n  void run() {}\n}\n");
    TestRepos.write(root, "notes.txt", "line 1\nline 2\nline 3\n");
  }

  private ToolBox box(Role role, List<String> scope, List<Skill> skills) {
    return box(role, scope, skills, List.of());
  }

  private ToolBox box(Role role, List<String> scope, List<Skill> skills, List<Path> writableRoots) {
    WorkspaceToolBox.Settings settings =
        new WorkspaceToolBox.Settings(
            CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), parentEnv), Duration.ofSeconds(20), WorkspaceToolBox.MAX_OUTPUT_CHARS,
            writableRoots, false, skills,
            (action, detail, reason) -> {
              asked.add(action + " " + detail);
              return answer;
            });
    return new WorkspaceToolBox(root, WorkspaceToolBox.realPath(root), role, scope, (t, p, ok, a) -> audited.add(t + " " + p + " " + ok + " " + a.detail()), settings);
  }

  private ToolBox box(Role role) {
    return box(role, List.of(), List.of());
  }

  private static Message.ToolResult call(ToolBox box, String tool, String args) {
    return box.execute(new ToolCall("c", tool, args));
  }

  private static Role with(String role, SandboxMode mode, ApprovalPolicy policy) {
    return BuiltInRoles.get(role).toBuilder().sandboxMode(mode).approvalPolicy(policy).build();
  }

  @Test
  void readsALineRange() {
    ToolBox box = box(BuiltInRoles.get("explorer"));
    assertEquals("line 2\nline 3\n", call(box, "read_file", "{\"path\":\"notes.txt\",\"start_line\":2,\"end_line\":0}").output());
    assertEquals("line 1\n", call(box, "read_file", "{\"path\":\"notes.txt\",\"start_line\":0,\"end_line\":1}").output());
    Message.ToolResult outside = call(box, "read_file", "{\"path\":\"notes.txt\",\"start_line\":7,\"end_line\":9}");
    assertTrue(outside.error() && outside.output().contains("which has 3 lines"), outside.output());
  }

  @Test
  void searchSkipsIgnoredAndBinaryFiles() throws Exception {
    TestRepos.write(root, ".gitignore", "build/\n*.log\n");
    TestRepos.write(root, "build/out.txt", "TODO hidden\n");
    TestRepos.write(root, "debug.log", "TODO hidden\n");
    Files.write(root.resolve("blob.bin"), new byte[] {'T', 'O', 'D', 'O', 0, 1, 2});
    Files.write(root.resolve("latin1.txt"), "TODO: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)); // no NUL, but not UTF-8
    Files.write(root.resolve("logo.png"), png("TODO"));
    TestRepos.write(root, "utf8.txt", "TODO: na\u00efve caf\u00e9, \u65e5\u672c\u8a9e \ud83c\udf89\n");
    String out = call(box(BuiltInRoles.get("explorer")), "search", "{\"pattern\":\"TODO\",\"path\":\"\",\"max_results\":0}").output();
    assertEquals("src/Main.java:2: // TODO: greet\nutf8.txt:1: TODO: na\u00efve caf\u00e9, \u65e5\u672c\u8a9e \ud83c\udf89\n", out);
    assertTrue(call(box(BuiltInRoles.get("explorer")), "search", "{\"pattern\":\"(\",\"path\":\"\",\"max_results\":0}").output()
        .startsWith("error: not a valid regular expression"));
  }

  /** The start of a real PNG file (signature and header chunk), with some text in its data. */
  private static byte[] png(String text) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.writeBytes(new byte[] {0, 0, 0, 0x0D, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, (byte) 0xC4, (byte) 0x89});
    b.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  static Stream<Arguments> binaryFiles() throws IOException {
    byte[] noise = new byte[5000];
    new java.util.Random(11).nextBytes(noise);
    noise[0] = 'x'; // no format's signature
    byte[] elf = new byte[64];
    System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}, 0, elf, 0, 8);
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
      z.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
      z.write("inside a zip\n".getBytes(StandardCharsets.UTF_8));
    }
    java.io.ByteArrayOutputStream gzip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gzip)) {
      g.write("compressed text\n".repeat(20).getBytes(StandardCharsets.UTF_8));
    }
    byte[] cutAtTheEnd = Arrays.copyOf("text and then \u65e5".getBytes(StandardCharsets.UTF_8), 16); // half a character
    return Stream.of(
        Arguments.of("logo.png", png("IDAT"), "looks like PNG image"),
        Arguments.of("app", elf, "looks like ELF executable"),
        Arguments.of("lib.zip", zip.toByteArray(), "looks like zip archive"),
        Arguments.of("notes.gz", gzip.toByteArray(), "looks like gzip archive"),
        Arguments.of("noise.bin", noise, "of unknown type"),
        Arguments.of("latin1.txt", "caf\u00e9 cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1), "of unknown type"),
        Arguments.of("cut.txt", cutAtTheEnd, "of unknown type"));
  }

  @ParameterizedTest
  @MethodSource("binaryFiles")
  void readingABinaryFileSaysWhatItIsAndShowsNoneOfIt(String name, byte[] bytes, String kind) throws IOException {
    Files.write(root.resolve(name), bytes);
    Message.ToolResult r = call(box(BuiltInRoles.get("explorer")), "read_file", "{\"path\":\"" + name + "\"}");
    String what = String.format(java.util.Locale.ROOT, "binary file, %,d bytes, %s", bytes.length, kind);
    assertTrue(r.error(), "no text came back, and the model is told so: " + r.output());
    assertEquals("error: '" + name + "' is a " + what + "; read_file shows UTF-8 text only, so nothing of it was read", r.output());
    assertEquals(List.of("read_file " + name + " false " + what), audited);
  }

  @Test
  void utf8TextWithNonAsciiCharactersReadsAsItIs() throws IOException {
    String small = "na\u00efve caf\u00e9 \u2014 \u65e5\u672c\u8a9e \ud83c\udf89\n";
    // A three-byte character across the end of the bytes that decide text or binary.
    String across = "a".repeat(WorkspaceFiles.SNIFF_BYTES - 1) + "\u65e5\u672c\u8a9e\n" + small;
    TestRepos.write(root, "small.txt", small);
    TestRepos.write(root, "across.txt", across);
    ToolBox box = box(BuiltInRoles.get("explorer"));
    for (String[] file : new String[][] {{"small.txt", small}, {"across.txt", across}}) {
      Message.ToolResult r = call(box, "read_file", "{\"path\":\"" + file[0] + "\"}");
      assertFalse(r.error(), r.output());
      assertEquals(file[1], r.output());
    }
    String line = small.strip();
    assertEquals(
        "across.txt:2: " + line + "\nsmall.txt:1: " + line + "\n",
        call(box, "search", "{\"pattern\":\"na\u00efve\",\"path\":\"\",\"max_results\":0}").output(),
        "search does not take either for binary");
  }

  @Test
  void searchUsesGitInARepository() throws Exception {
    TestRepos.write(root, ".gitignore", "secret.txt\n");
    TestRepos.write(root, "secret.txt", "TODO hidden\n");
    TestRepos.git(root, "init", "-q");
    String out = call(box(BuiltInRoles.get("explorer")), "search", "{\"pattern\":\"TODO\",\"path\":\"src\",\"max_results\":5}").output();
    assertEquals("src/Main.java:2: // TODO: greet\n", out);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void searchAndListDoNotLookIntoOrchestrasFolder(boolean gitRepository) throws Exception {
    TestRepos.write(root, ".orchestra/journal.jsonl", "{\"detail\":\"TODO hidden\"}\n");
    TestRepos.write(root, ".orchestra/release-notes.md", "TODO hidden\n");
    TestRepos.write(root, "sub/.orchestra/journal.jsonl", "TODO hidden\n");
    if (gitRepository) {
      org.junit.jupiter.api.Assumptions.assumeTrue(TestRepos.gitAvailable(), "git is needed");
      TestRepos.git(root, "init", "-q");
      TestRepos.git(root, "add", "-f", ".orchestra/release-notes.md"); // tracked by mistake: still not searched
    }
    ToolBox box = box(BuiltInRoles.get("explorer"));
    assertEquals("src/Main.java:2: // TODO: greet\n", call(box, "search", "{\"pattern\":\"TODO\",\"path\":\"\",\"max_results\":0}").output());
    assertEquals("no matches", call(box, "search", "{\"pattern\":\"TODO\",\"path\":\"sub\",\"max_results\":0}").output());
    assertEquals((gitRepository ? ".git/\n" : "") + "notes.txt\nsrc/\nsub/\n", call(box, "list_dir", "{\"path\":\"\"}").output());
    for (String call : List.of(
        "search {\"pattern\":\"TODO\",\"path\":\".orchestra\",\"max_results\":0}",
        "list_dir {\"path\":\".orchestra\"}",
        "list_dir {\"path\":\"sub/.orchestra/\"}")) {
      String[] toolAndArgs = call.split(" ", 2);
      Message.ToolResult r = call(box, toolAndArgs[0], toolAndArgs[1]);
      assertTrue(r.error() && r.output().contains("where Orchestra keeps its run state"), r.output());
    }
  }

  @Test
  void appliesAPatchOrNothing() throws Exception {
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of("notes.txt", "new.txt"), List.of());
    String patch = "--- a/notes.txt\n+++ b/notes.txt\n@@ -2 +2 @@\n-line 2\n+LINE TWO\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh\n";
    Message.ToolResult ok = call(box, "apply_patch", Json.M.createObjectNode().put("patch", patch).toString());
    assertFalse(ok.error(), ok.output());
    assertEquals("line 1\nLINE TWO\nline 3\n", Files.readString(root.resolve("notes.txt")));
    assertEquals(List.of("new.txt", "notes.txt"), box.changedFiles());
    String bad = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-nope\n+x\n";
    Message.ToolResult err = call(box, "apply_patch", Json.M.createObjectNode().put("patch", bad).toString());
    assertTrue(err.error());
    assertEquals("error: hunk 1 of notes.txt does not apply: expected 'nope' at line 1 and found no matching place; no file was changed", err.output());
    String outOfScope = "--- a/src/Main.java\n+++ b/src/Main.java\n@@ -1 +1 @@\n-class Main {\n+class Main2 {\n";
    Message.ToolResult scope = call(box, "apply_patch", Json.M.createObjectNode().put("patch", outOfScope).toString());
    assertTrue(scope.output().contains("outside this task's write scope"), scope.output());
  }

  @Test
  void runsCommandsWithAFilteredEnvironment() {
    ToolBox box = box(BuiltInRoles.get("implementer"));
    Message.ToolResult r = call(box, "run_command", "{\"command\":[\"sh\",\"-c\",\"env; echo done\"],\"shell\":\"\",\"cwd\":\"src\",\"timeout_seconds\":0}");
    assertFalse(r.error(), r.output());
    assertTrue(r.output().startsWith("exit code 0\n"));
    assertTrue(r.output().contains("HOME=/home/x"));
    assertFalse(r.output().contains("SECRET123"), "the API key never reaches a child");
    assertFalse(r.output().contains("OPENAI_API_KEY"));
    Message.ToolResult shell = call(box, "run_command", "{\"command\":[],\"shell\":\"pwd; exit 3\",\"cwd\":\"src\",\"timeout_seconds\":0}");
    assertTrue(shell.output().startsWith("exit code 3\n") && shell.output().contains("/ws/src"), shell.output());
    Message.ToolResult escape = call(box, "run_command", "{\"command\":[\"ls\"],\"shell\":\"\",\"cwd\":\"..\",\"timeout_seconds\":0}");
    assertTrue(escape.error() && escape.output().contains("leads outside the workspace"));
    Message.ToolResult both = call(box, "run_command", "{\"command\":[\"ls\"],\"shell\":\"ls\",\"cwd\":\"\",\"timeout_seconds\":0}");
    assertTrue(both.output().contains("not both"));
    Message.ToolResult timeout = call(box, "run_command", "{\"command\":[\"sleep\",\"30\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":1}");
    assertTrue(timeout.output().startsWith("timed out after 1s and was killed"), timeout.output());
    assertTrue(asked.isEmpty(), "workspace-write with on-request asks nothing inside the sandbox");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[\"touch\",\"x.txt\"]",
        "[\"git\",\"commit\",\"-m\",\"x\"]",
        "[\"find\",\".\",\"-delete\"]",
        "[\"sort\",\"-o\",\"x.txt\",\"notes.txt\"]",
        "[\"sort\",\"-uo\",\"x.txt\",\"notes.txt\"]",
        "[\"sort\",\"--out=x.txt\",\"notes.txt\"]",
        "[\"sort\",\"--compress-prog=sh\",\"notes.txt\"]",
        "[\"uniq\",\"notes.txt\",\"x.txt\"]",
        "[\"tree\",\"-o\",\"x.txt\"]",
        "[\"git\",\"diff\",\"--output=x.txt\"]",
        "[\"git\",\"log\",\"--outp=x.txt\"]",
        "[\"git\",\"grep\",\"--open-files-in-pager=touch x.txt;\",\"line\"]",
        "[\"git\",\"grep\",\"-Otouch x.txt;\",\"line\"]",
        "[\"git\",\"diff\",\"--ext-diff\"]",
        "[\"rg\",\"--pre=touch\",\"line\"]",
        "[\"rg\",\"-uz\",\"line\"]",
        "[\"file\",\"-C\",\"-m\",\"notes.txt\"]",
        "[\"date\",\"-s\",\"2020-01-01\"]"
      })
  void aReadOnlyRoleCannotWriteThroughACommand(String argv) {
    ToolBox box = box(with("explorer", SandboxMode.READ_ONLY, ApprovalPolicy.NEVER));
    Message.ToolResult r = call(box, "run_command", "{\"command\":" + argv + ",\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}");
    assertTrue(r.error(), r.output());
    assertTrue(r.output().contains("the read-only sandbox runs only read-only commands"), r.output());
    assertFalse(Files.exists(root.resolve("x.txt")));
    assertTrue(Files.exists(root.resolve("notes.txt")));
  }

  @Test
  void aReadOnlyGitCommandRunsNoProgramTheRepositoryConfigurationNames() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(TestRepos.gitAvailable(), "git is needed");
    TestRepos.git(root, "init", "-q");
    TestRepos.git(root, "add", "-A");
    TestRepos.git(root, "commit", "-q", "-m", "start");
    // What an earlier command could have planted: programs git runs for diffs and status.
    Path marker = root.resolve("pwned.txt");
    String touch = "touch '" + marker + "'";
    TestRepos.git(root, "config", "diff.external", touch);
    TestRepos.git(root, "config", "diff.conv.textconv", touch + "; cat");
    TestRepos.git(root, "config", "core.fsmonitor", touch + "; true");
    TestRepos.write(root, ".gitattributes", "*.txt diff=conv\n");
    TestRepos.write(root, "notes.txt", "line 1\nline TWO\nline 3\n");
    ToolBox box = box(with("explorer", SandboxMode.READ_ONLY, ApprovalPolicy.NEVER));
    for (String cmd : List.of("[\"git\",\"diff\"]", "[\"git\",\"status\",\"--short\"]", "[\"git\",\"log\",\"-p\",\"-1\"]")) {
      Message.ToolResult r = call(box, "run_command", "{\"command\":" + cmd + ",\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}");
      assertFalse(r.error(), r.output());
      assertTrue(r.output().startsWith("exit code 0"), cmd + ": " + r.output());
      assertFalse(Files.exists(marker), cmd + " ran a program from .git/config");
    }
    Message.ToolResult diff = call(box, "run_command", "{\"command\":[\"git\",\"diff\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}");
    assertTrue(diff.output().contains("+line TWO"), diff.output());
  }

  @Test
  void skillsAreLoadedByName() throws Exception {
    TestRepos.write(tmp, "skills/java-style/SKILL.md", "---\nname: java-style\ndescription: How we write Java\n---\nUse records.\n");
    TestRepos.write(tmp, "skills/empty/README.md", "not a skill");
    List<Skill> skills = Skill.discover(tmp.resolve("skills"));
    assertEquals(List.of(new Skill("java-style", "How we write Java", tmp.resolve("skills/java-style/SKILL.md"))), skills);
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of(), skills);
    assertTrue(box.specs().stream().anyMatch(s -> s.name().equals("load_skill")));
    assertTrue(call(box, "load_skill", "{\"name\":\"java-style\"}").output().endsWith("Use records.\n"));
    assertEquals("error: no skill 'nope'; available: java-style", call(box, "load_skill", "{\"name\":\"nope\"}").output());
    assertFalse(box(BuiltInRoles.get("implementer")).specs().stream().anyMatch(s -> s.name().equals("load_skill")), "no skills, no tool");
  }

  @Test
  void malformedSkillsNameTheFile() throws Exception {
    TestRepos.write(tmp, "bad/SKILL.md", "---\nname: x\n---\n");
    OrchestraException e = org.junit.jupiter.api.Assertions.assertThrows(OrchestraException.class, () -> Skill.read(tmp.resolve("bad/SKILL.md")));
    assertTrue(e.getMessage().endsWith("SKILL.md:3: front matter needs 'name:' and 'description:'; description is missing"), e.getMessage());
  }

  @Test
  void skillFrontMatterIsReadAsYaml() throws Exception {
    TestRepos.write(tmp, "s/folded/SKILL.md",
        "---\nname: \"pdf-tools\"\ndescription: >\n  Fill in PDF forms\n  and merge files: use it for any PDF.\nlicense: MIT\n---\nBody.\n");
    Skill folded = Skill.read(tmp.resolve("s/folded/SKILL.md"));
    assertEquals("pdf-tools", folded.name());
    assertEquals("Fill in PDF forms and merge files: use it for any PDF.", folded.description(), "a folded value is one line");
    TestRepos.write(tmp, "s/escaped/SKILL.md", "---\nname: 'it''s'\ndescription: \"tabs\\tand \\\"quotes\\\"\"\n---\n");
    Skill escaped = Skill.read(tmp.resolve("s/escaped/SKILL.md"));
    assertEquals("it's", escaped.name());
    assertEquals("tabs\tand \"quotes\"", escaped.description());

    TestRepos.write(tmp, "s/literal/SKILL.md", "---\nname: lit\ndescription: |\n  First line.\n  Second line.\n---\n");
    assertEquals("First line. Second line.", Skill.read(tmp.resolve("s/literal/SKILL.md")).description(), "a literal block is one line too");
    TestRepos.write(tmp, "s/colon/SKILL.md", "---\nname: colon\ndescription: Use when: the user asks for a PDF\n---\n");
    assertEquals("Use when: the user asks for a PDF", Skill.read(tmp.resolve("s/colon/SKILL.md")).description(),
        "plain 'key: value' lines that YAML refuses are read as before");
    TestRepos.write(tmp, "s/bad-yaml/SKILL.md", "---\nname: x\ndescription: [unclosed\n  more\n---\n");
    OrchestraException bad = org.junit.jupiter.api.Assertions.assertThrows(OrchestraException.class, () -> Skill.read(tmp.resolve("s/bad-yaml/SKILL.md")));
    assertTrue(bad.getMessage().contains("SKILL.md:") && bad.getMessage().contains("front matter is not valid YAML"), bad.getMessage());
    TestRepos.write(tmp, "s/list/SKILL.md", "---\nname: x\ndescription:\n  - a\n  - b\n---\n");
    OrchestraException list = org.junit.jupiter.api.Assertions.assertThrows(OrchestraException.class, () -> Skill.read(tmp.resolve("s/list/SKILL.md")));
    assertTrue(list.getMessage().endsWith("front matter 'description:' must be text, not a list"), list.getMessage());
    TestRepos.write(tmp, "s/open/SKILL.md", "---\nname: x\ndescription: y\n");
    OrchestraException open = org.junit.jupiter.api.Assertions.assertThrows(OrchestraException.class, () -> Skill.read(tmp.resolve("s/open/SKILL.md")));
    assertTrue(open.getMessage().endsWith("SKILL.md:3: front matter is not closed with '---'"), open.getMessage());
  }

  @Test
  void aWritableRootNamedThroughALinkHoldsWhatIsUnderItsTargetButALinkOutOfItLeadsNowhere() throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Path alias = Files.createSymbolicLink(tmp.resolve("shared-alias"), shared);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(shared.resolve("out"), elsewhere);
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of(), List.of(), List.of(alias));
    String viaAlias = alias.resolve("a.txt").toString();
    assertEquals("wrote 1 bytes to " + viaAlias, call(box, "write_file", "{\"path\":\"" + viaAlias + "\",\"content\":\"a\"}").output());
    assertEquals("a", Files.readString(shared.resolve("a.txt")));
    String throughLink = alias.resolve("out/b.txt").toString();
    assertEquals(
        "error: path '" + throughLink + "' leads outside the workspace through a symbolic link",
        call(box, "write_file", "{\"path\":\"" + throughLink + "\",\"content\":\"b\"}").output());
    assertFalse(Files.exists(elsewhere.resolve("b.txt")));
    assertTrue(asked.isEmpty(), asked.toString());
  }

  @Test
  void everyResultIsBounded() throws Exception {
    TestRepos.write(root, "big.txt", "y".repeat(100_000));
    Message.ToolResult r = call(box(BuiltInRoles.get("implementer")), "run_command", "{\"command\":[\"cat\",\"big.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}");
    assertTrue(r.output().length() < WorkspaceToolBox.MAX_OUTPUT_CHARS + 200);
    assertTrue(r.output().endsWith(" characters]"), r.output().substring(r.output().length() - 80));
  }
}
