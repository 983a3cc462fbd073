package dev.orchestra.internal.workspace;

import dev.orchestra.Json;
import dev.orchestra.TestRepos;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class WorkspaceToolBoxTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  final List<String> calls = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("ws"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    TestRepos.write(root, "src/a.txt", "alpha");
    TestRepos.write(root, "README.md", "readme");
  }

  private WorkspaceToolBox box(Role role, List<String> scope) {
    return new WorkspaceToolBox(root, role, scope, (tool, target, ok, detail) -> calls.add(tool + " " + target + " " + ok));
  }

  private static Message.ToolResult call(ToolBox box, String tool, String args) {
    return box.execute(new ToolCall("c1", tool, args));
  }

  @Test
  void readsListsAndWritesInsideTheWorkspace() throws IOException {
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of("src/**"));
    assertEquals(
        List.of("read_file", "list_dir", "search", "write_file", "apply_patch", "run_command"),
        box.specs().stream().map(ToolSpec::name).toList());
    assertEquals("alpha", call(box, "read_file", "{\"path\":\"src/a.txt\"}").output());
    assertEquals("README.md\nsrc/\n", call(box, "list_dir", "{\"path\":\"\"}").output());
    Message.ToolResult w = call(box, "write_file", Json.writeArgs("src/new/b.txt", "beta"));
    assertFalse(w.error(), w.output());
    assertEquals("beta", Files.readString(root.resolve("src/new/b.txt")));
    assertEquals(List.of("src/new/b.txt"), box.changedFiles());
    assertEquals(List.of("read_file src/a.txt true", "list_dir  true", "write_file src/new/b.txt true"), calls);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../outside/secret.txt", "src/../../outside/secret.txt", "/etc/passwd"})
  void refusesPathsThatLeaveTheWorkspace(String path) {
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of());
    Message.ToolResult r = call(box, "read_file", "{\"path\":\"" + path + "\"}");
    assertTrue(r.error());
    assertTrue(r.output().contains("outside the workspace") || r.output().contains("absolute paths are not allowed"), r.output());
    Message.ToolResult w = call(box, "write_file", Json.writeArgs(path, "pwned"));
    assertTrue(w.error(), w.output());
  }

  @Test
  void refusesSymbolicLinksThatLeadOutside() throws IOException {
    Files.createSymbolicLink(root.resolve("link-dir"), outside);
    Files.createSymbolicLink(root.resolve("link-file"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("src/a.txt"));
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of());
    for (String p : List.of("link-dir/secret.txt", "link-file")) {
      Message.ToolResult r = call(box, "read_file", "{\"path\":\"" + p + "\"}");
      assertTrue(r.error() && r.output().contains("symbolic link"), r.output());
    }
    Message.ToolResult w = call(box, "write_file", Json.writeArgs("link-dir/new.txt", "x"));
    assertTrue(w.error() && w.output().contains("symbolic link"), w.output());
    assertFalse(Files.exists(outside.resolve("new.txt")));
    assertEquals("alpha", call(box, "read_file", "{\"path\":\"inside-link\"}").output());
  }

  @Test
  void searchDoesNotFollowSymbolicLinksOutside() throws Exception {
    Files.createSymbolicLink(root.resolve("leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("leak-dir"), outside);
    ToolBox box = box(BuiltInRoles.get("explorer"), List.of());
    String args = "{\"pattern\":\"secret|alpha\",\"path\":\"\",\"max_results\":10}";
    assertEquals("src/a.txt:1: alpha\n", call(box, "search", args).output());
    if (TestRepos.gitAvailable()) {
      TestRepos.git(root, "init", "-q");
      assertEquals("src/a.txt:1: alpha\n", call(box, "search", args).output(), "the same through git's file list");
    }
  }

  @Test
  void nothingWritesIntoTheGitFolder() throws Exception {
    Files.createDirectories(root.resolve(".git/hooks"));
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of());
    for (String path : List.of(".git/hooks/pre-commit", ".git/config", "sub/.git/config")) {
      Message.ToolResult w = call(box, "write_file", Json.writeArgs(path, "#!/bin/sh\nenv > /tmp/leak\n"));
      assertTrue(w.error() && w.output().contains("inside a .git folder"), w.output());
    }
    String patch = "--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+env > /tmp/leak\n";
    Message.ToolResult p = call(box, "apply_patch", Json.M.createObjectNode().put("patch", patch).toString());
    assertTrue(p.error() && p.output().contains("inside a .git folder"), p.output());
    assertFalse(Files.exists(root.resolve(".git/hooks/pre-commit")));
    assertFalse(Files.exists(root.resolve(".git/hooks/post-checkout")));
  }

  @Test
  void writesStayInTheTaskScope() {
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of("src/a.txt"));
    Message.ToolResult w = call(box, "write_file", Json.writeArgs("README.md", "changed"));
    assertTrue(w.error());
    assertTrue(w.output().contains("outside this task's write scope (src/a.txt)"), w.output());
    assertFalse(call(box, "write_file", Json.writeArgs("src/a.txt", "changed")).error());
  }

  @Test
  void aRoleIsOfferedItsToolsInItsOrderOnceEachAndOnlyThoseThisSandboxAllows() {
    Role role =
        BuiltInRoles.get("reviewer").toBuilder()
            .tools(List.of("run_command", "read_file", "read_file", "write_file", "no_such_tool", "load_skill", "search"))
            .build();
    ToolBox box = box(role, List.of());
    // write_file: the reviewer's sandbox is read-only; load_skill: the role has no skills.
    assertEquals(List.of("run_command", "read_file", "search"), box.specs().stream().map(ToolSpec::name).toList());
  }

  @Test
  void readOnlyRolesGetNoWriteTool() throws IOException {
    ToolBox box = box(BuiltInRoles.get("reviewer"), List.of());
    assertEquals(List.of("read_file", "list_dir", "search"), box.specs().stream().map(ToolSpec::name).toList());
    Message.ToolResult w = call(box, "write_file", Json.writeArgs("README.md", "changed"));
    assertTrue(w.error());
    assertTrue(w.output().contains("not available to this role"), w.output());
    assertEquals("readme", Files.readString(root.resolve("README.md")));
  }

  @Test
  void badArgumentsAreToolErrors() {
    ToolBox box = box(BuiltInRoles.get("implementer"), List.of());
    assertTrue(call(box, "read_file", "not json").output().contains("not valid JSON"));
    assertTrue(call(box, "read_file", "[1]").output().contains("must be a JSON object"));
    assertTrue(call(box, "read_file", "{\"path\":3}").output().contains("'path' must be a string"));
    assertTrue(call(box, "read_file", "{\"path\":\"nope.txt\"}").output().contains("no such file"));
    assertTrue(call(box, "list_dir", "{\"path\":\"README.md\"}").output().contains("no such folder"));
    assertTrue(call(box, "write_file", "{\"path\":\"src\",\"content\":\"x\"}").output().contains("is a folder"));
  }

  @Test
  void largeReadsAreCutWithANote() throws IOException {
    TestRepos.write(root, "big.txt", "x".repeat(WorkspaceToolBox.MAX_READ_CHARS + 10));
    String out = call(box(BuiltInRoles.get("explorer"), List.of()), "read_file", "{\"path\":\"big.txt\"}").output();
    assertTrue(out.endsWith("[cut: showing the first " + WorkspaceToolBox.MAX_READ_CHARS + " of " + (WorkspaceToolBox.MAX_READ_CHARS + 10) + " characters; read a line range for more]"), out.substring(out.length() - 100));
  }
}
