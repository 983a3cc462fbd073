package dev.orchestra.issues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.plan.Task;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.model.ToolCall;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, section 5: the journal records what the tools did, never what they read or wrote. */
final class Issue11JournalTest {
  private static final String MARKER = "quokka-5e1f07-never-journaled";

  @TempDir Path ws;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
  final ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());
  final List<OrchestraEvent> events = new CopyOnWriteArrayList<>();

  private static String args(String... keysAndValues) {
    var node = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      node.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return node.toString();
  }

  private static ToolCall call(String tool, String json) {
    return new ToolCall("call-" + tool + "-" + json.hashCode(), tool, json);
  }

  @Test
  void toolOutputsAndFileContentsNeverReachTheJournalNorTheListeners() throws Exception {
    Files.writeString(ws.resolve("secret.txt"), "first line\nthe marker: " + MARKER + "\n");
    Task t1 = Task.builder("T1", "Copy the marker").writeScope("out/**").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(t1))));
    String addsMarker = "--- /dev/null\n+++ b/out/patched.txt\n@@ -0,0 +1 @@\n+" + MARKER + "\n";
    String doesNotApply = "--- a/out/copy.txt\n+++ b/out/copy.txt\n@@ -1 +1 @@\n-" + MARKER + " is not here\n+x\n";
    model.on("implementer", "T1")
        .reply(
            Reply.toolCalls(
                List.of(
                    call("read_file", "{\"path\":\"secret.txt\",\"start_line\":0,\"end_line\":0}"),
                    call("search", "{\"pattern\":\"quokka-[0-9a-f]+\",\"path\":\"\",\"max_results\":0}"),
                    call("run_command", "{\"command\":[\"cat\",\"secret.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
                    call("write_file", args("path", "out/copy.txt", "content", MARKER + "\n")),
                    call("apply_patch", args("patch", addsMarker)),
                    call("apply_patch", args("patch", doesNotApply)),
                    call("write_file", "{\"path\":\"out/bad.txt\",\"content\":" + MARKER + "}"))),
            Reply.text(RoleAnswers.implementation("copied")));
    RunResult r;
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .clock(clock)
            .sleeper(clock.sleeper())
            .explorationProbes(List.of())
            .addListener(events::add)
            .build()) {
      r = o.run("Copy the marker");
    }
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals(MARKER + "\n", Files.readString(ws.resolve("out/copy.txt")), "the tools did run");
    assertEquals(MARKER + "\n", Files.readString(ws.resolve("out/patched.txt")));

    String journal = Files.readString(ws.resolve(".orchestra/journal.jsonl"), StandardCharsets.UTF_8);
    assertFalse(journal.contains(MARKER), journal);
    for (OrchestraEvent e : events) {
      assertFalse(e.toString().contains(MARKER), e.toString());
      assertFalse(EventJson.line(e).contains(MARKER), EventJson.line(e));
    }

    // What ran is still there: the tool, its target, how it ended, and the size and digest of
    // what the model got, which match the file the model read.
    List<OrchestraEvent.ToolCalled> calls =
        events.stream().filter(OrchestraEvent.ToolCalled.class::isInstance).map(OrchestraEvent.ToolCalled.class::cast).toList();
    assertEquals(
        List.of(
            "read_file secret.txt true read the whole file",
            "search  true 1 match in 1 file",
            "run_command cat secret.txt true exit code 0",
            "write_file out/copy.txt true wrote 30 bytes, sha256 " + digest(MARKER + "\n"),
            "apply_patch out/patched.txt true patched 1 file with " + utf8(addsMarker).length + " bytes of patch, sha256 " + digest(addsMarker),
            "apply_patch out/copy.txt false the patch does not apply to out/copy.txt; no file was changed",
            "write_file  false arguments are not valid JSON at line 1, column 33"),
        calls.stream().map(c -> c.tool() + " " + c.target() + " " + c.ok() + " " + c.detail()).toList());
    String secret = Files.readString(ws.resolve("secret.txt"));
    assertEquals(utf8(secret).length, calls.get(0).outputBytes());
    assertEquals(digest(secret), calls.get(0).outputDigest());
    assertEquals(digest("exit code 0\n" + secret), calls.get(2).outputDigest());
    assertTrue(journal.contains("\"outputBytes\":" + utf8(secret).length + ",\"outputDigest\":\"" + digest(secret) + "\""), journal);
  }

  @Test
  void gitSeesNothingOfARunsStateFolder() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(gitAvailable(), "git is needed");
    Files.writeString(ws.resolve("README.md"), "# r\n");
    git("init", "-q");
    git("add", "README.md");
    git("-c", "user.name=Orchestra Test", "-c", "user.email=test@orchestra.invalid", "commit", "-q", "-m", "start");
    Task t1 = Task.builder("T1", "Write out/T1.txt").writeScope("out/T1.txt").build();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(t1))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", args("path", "out/T1.txt", "content", "one\n")), Reply.text(RoleAnswers.implementation("wrote")));
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).clock(clock).sleeper(clock.sleeper()).explorationProbes(List.of())
            .isolation(dev.orchestra.Isolation.shared()) // the task's work in the checkout itself, beside the state folder
            .build()) {
      assertEquals(StopReason.GREEN, o.run("Write T1").stopReason());
    }
    assertTrue(Files.size(ws.resolve(".orchestra/journal.jsonl")) > 0);
    String status = git("status", "--porcelain", "--untracked-files=all");
    assertTrue(status.contains("out/T1.txt"), "git does see the task's work: " + status);
    assertFalse(status.contains(".orchestra"), status);
  }

  private boolean gitAvailable() {
    try {
      return git("--version").startsWith("git version");
    } catch (Exception e) {
      return false;
    }
  }

  private String git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(ws.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String digest(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8(text))).substring(0, 12);
  }
}
