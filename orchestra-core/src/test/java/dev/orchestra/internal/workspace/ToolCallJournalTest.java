package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.TestRepos;
import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.Skill;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the journal keeps of tool calls (the ToolCalled event's tool, target, ok, detail, size and
 * digest, and every approval question) and what the model is offered, for one fixed script of
 * calls in every sandbox mode under every approval policy, compared byte for byte with {@code
 * tool-calls.golden}. A change here changes journals: make it on purpose, then copy {@code
 * target/tool-calls.actual} over the golden file.
 */
final class ToolCallJournalTest {
  @TempDir Path tmp;

  /** Tool, then arguments; {@code <extra>} and {@code <tmp>} stand for the writable root and the temporary folder. */
  private static final List<String[]> SCRIPT =
      List.of(
          new String[] {"frobnicate", "{}"},
          new String[] {"read_file", "not json"},
          new String[] {"read_file", "[1]"},
          new String[] {"read_file", "{\"path\":3}"},
          new String[] {"read_file", "{\"path\":\"notes.txt\"}"},
          new String[] {"read_file", "{\"path\":\"notes.txt\",\"start_line\":2,\"end_line\":0}"},
          new String[] {"read_file", "{\"path\":\"notes.txt\",\"start_line\":7,\"end_line\":9}"},
          new String[] {"read_file", "{\"path\":\"notes.txt\",\"start_line\":-1}"},
          new String[] {"read_file", "{\"path\":\"missing.txt\"}"},
          new String[] {"read_file", "{\"path\":\"logo.png\"}"},
          new String[] {"read_file", "{\"path\":\"big.txt\"}"},
          new String[] {"read_file", "{\"path\":\"../outside.txt\"}"},
          new String[] {"read_file", "{\"path\":\"<tmp>/outside.txt\"}"},
          new String[] {"read_file", "{\"path\":\"/nonexistent-orchestra/secret.txt\"}"},
          new String[] {"list_dir", "{\"path\":\"\"}"},
          new String[] {"list_dir", "{\"path\":\"src\"}"},
          new String[] {"list_dir", "{\"path\":\"notes.txt\"}"},
          new String[] {"list_dir", "{\"path\":\".orchestra\"}"},
          new String[] {"list_dir", "{\"path\":\"..\"}"},
          new String[] {"search", "{\"pattern\":\"TODO\",\"path\":\"\",\"max_results\":0}"},
          new String[] {"search", "{\"pattern\":\"line\",\"path\":\"\",\"max_results\":1}"},
          new String[] {"search", "{\"pattern\":\"nothing-like-this\",\"path\":\"src\",\"max_results\":0}"},
          new String[] {"search", "{\"pattern\":\"(\",\"path\":\"\",\"max_results\":0}"},
          new String[] {"search", "{\"path\":\"src\"}"},
          new String[] {"search", "{\"pattern\":\"x\",\"path\":\".orchestra\",\"max_results\":0}"},
          new String[] {"write_file", "{\"path\":\"a.txt\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"a.txt\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"deny-me.txt\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"a.txt\",\"content\":\"\\ud800\"}"},
          new String[] {"write_file", "{\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"README.md\",\"content\":\"changed\"}"},
          new String[] {"write_file", "{\"path\":\".git/config\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"src\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"../escape.txt\",\"content\":\"x\"}"},
          new String[] {"write_file", "{\"path\":\"<extra>/w.txt\",\"content\":\"in a writable root\"}"},
          new String[] {"write_file", "{\"path\":\"<tmp>/far.txt\",\"content\":\"far\"}"},
          new String[] {"apply_patch", "{\"patch\":\"--- a/notes.txt\\n+++ b/notes.txt\\n@@ -2 +2 @@\\n-line 2\\n+LINE TWO\\n--- /dev/null\\n+++ b/new.txt\\n@@ -0,0 +1 @@\\n+fresh\\n\"}"},
          new String[] {"apply_patch", "{\"patch\":\"--- a/notes.txt\\n+++ b/notes.txt\\n@@ -1 +1 @@\\n-nope\\n+x\\n\"}"},
          new String[] {"apply_patch", "{\"patch\":\"garbage\"}"},
          new String[] {"apply_patch", "{\"patch\":\"--- a/README.md\\n+++ b/README.md\\n@@ -1 +1 @@\\n-readme\\n+x\\n\"}"},
          new String[] {"apply_patch", "{\"patch\":\"--- a/../escape.txt\\n+++ b/../escape.txt\\n@@ -0,0 +1 @@\\n+x\\n\"}"},
          new String[] {"run_command", "{\"command\":[\"cat\",\"notes.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"ls\"],\"shell\":\"\",\"cwd\":\"src\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"touch\",\"made.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"touch\",\"deny-me\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[],\"shell\":\"echo hi > shell.txt; exit 4\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"sort\",\"-o\",\"x.txt\",\"notes.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"ls\"],\"shell\":\"ls\",\"cwd\":\"\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":[\"ls\"],\"shell\":\"\",\"cwd\":\"..\",\"timeout_seconds\":0}"},
          new String[] {"run_command", "{\"command\":\"ls\"}"},
          new String[] {"run_command", "{\"command\":[\"ls\"],\"shell\":7}"},
          new String[] {"run_command", "{\"command\":[\"ls\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":\"soon\"}"},
          new String[] {"load_skill", "{\"name\":\"java-style\"}"},
          new String[] {"load_skill", "{\"name\":\"nope\"}"});

  @Test
  void everyCallIsJournalledAsBefore() throws IOException {
    StringBuilder out = new StringBuilder();
    Skill skill = writeSkill();
    Role implementer = BuiltInRoles.get("implementer");
    out.append("# specs\n");
    for (ToolSpec s : box(setUp("specs"), implementer, List.of(skill), out).specs()) {
      out.append(s.name()).append(" | ").append(s.description()).append(" | ").append(s.parametersSchema()).append('\n');
    }
    for (SandboxMode mode : SandboxMode.values()) {
      for (ApprovalPolicy policy : ApprovalPolicy.values()) {
        Path dir = setUp(mode.configValue() + "-" + policy.configValue());
        Role role = implementer.toBuilder().sandboxMode(mode).approvalPolicy(policy).build();
        WorkspaceToolBox box = box(dir, role, List.of(skill), out);
        out.append("\n# ").append(mode.configValue()).append(" / ").append(policy.configValue()).append(": ")
            .append(box.specs().stream().map(ToolSpec::name).toList()).append('\n');
        for (String[] call : SCRIPT) {
          String args = call[1].replace("<extra>", dir.resolve("extra").toString()).replace("<tmp>", dir.toString());
          Message.ToolResult r = box.execute(new ToolCall("c", call[0], args));
          String shown = normalize(r.output(), dir);
          if (!shown.equals(r.output())) {
            // The size and digest depend on where the test runs: keep the text they stand for instead.
            int end = out.lastIndexOf(" | ");
            out.replace(end, out.length(), " | " + shown + "\n");
          }
        }
        out.append("  changed: ").append(box.changedFiles()).append('\n');
      }
    }
    String actual = out.toString().replace(tmp.toString(), "<tmp>");
    Files.writeString(Path.of("target", "tool-calls.actual"), actual);
    assertEquals(golden(), actual, "compare target/tool-calls.actual with src/test/resources/.../tool-calls.golden");
  }

  private Path setUp(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path root = Files.createDirectories(dir.resolve("ws"));
    Files.createDirectories(dir.resolve("extra"));
    Files.writeString(dir.resolve("outside.txt"), "outside\n");
    TestRepos.write(root, "src/Main.java", "class Main {\n  // TODO: greet\n  void run() {}\n}\n");
    TestRepos.write(root, "notes.txt", "line 1\nline 2\nline 3\n");
    TestRepos.write(root, "README.md", "readme\n");
    TestRepos.write(root, "big.txt", "y".repeat(WorkspaceToolBox.MAX_READ_CHARS + 10));
    TestRepos.write(root, ".orchestra/journal.jsonl", "{}\n");
    TestRepos.write(root, ".git/HEAD", "ref: refs/heads/main\n");
    Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'});
    return dir;
  }

  private Skill writeSkill() throws IOException {
    TestRepos.write(tmp, "skills/java-style/SKILL.md", "---\nname: java-style\ndescription: How we write Java\n---\nUse records.\n");
    return Skill.read(tmp.resolve("skills/java-style/SKILL.md"));
  }

  private static WorkspaceToolBox box(Path dir, Role role, List<Skill> skills, StringBuilder out) {
    Path root = dir.resolve("ws");
    WorkspaceToolBox.Settings settings =
        new WorkspaceToolBox.Settings(
            CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), Map.of("PATH", System.getenv("PATH"), "HOME", "/home/x")), Duration.ofSeconds(20),
            WorkspaceToolBox.MAX_OUTPUT_CHARS, List.of(dir.resolve("extra")), false, skills,
            (action, detail, reason) -> {
              out.append("  ? ").append(action).append(" | ").append(normalize(detail, dir)).append(" | ").append(reason).append('\n');
              return detail.contains("deny-me")
                  ? ApprovalHandler.Decision.deny("tester", "no")
                  : ApprovalHandler.Decision.approve("tester");
            });
    return new WorkspaceToolBox(
        root, WorkspaceToolBox.realPath(root), role, List.of("a.txt", "deny-me.txt", "notes.txt", "new.txt", "src/**"),
        (tool, target, ok, audit) ->
            out.append(tool).append(" [").append(normalize(target, dir)).append("] ").append(ok).append(" | ")
                .append(normalize(audit.detail(), dir)).append(" | ").append(audit.outputBytes()).append(' ')
                .append(audit.outputDigest()).append('\n'),
        settings);
  }

  /** The text with the run's folders named by placeholders, so that the record does not depend on where the test ran. */
  private static String normalize(String text, Path dir) {
    String s = text;
    try {
      s = s.replace(dir.toRealPath().toString(), "<dir>");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return s.replace(dir.toString(), "<dir>");
  }

  private static String golden() throws IOException {
    try (InputStream in = ToolCallJournalTest.class.getResourceAsStream("tool-calls.golden")) {
      return in == null ? "(no golden file)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
