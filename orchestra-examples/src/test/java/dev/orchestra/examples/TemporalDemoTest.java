package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orchestra demo --temporal}: a test server and two worker JVMs, and a run across them. */
final class TemporalDemoTest {
  @TempDir Path dir;

  @Test
  void theTemporalDemoRunsGreenAcrossTwoWorkerJvmsSaysWhoRanWhatAndLeavesNoProcess() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path demo = dir.resolve("demo");
    int exit =
        Main.execute(
            new String[] {"demo", "--temporal", "--dir", demo.toString()}, new PrintStream(buf, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out + err.toString(StandardCharsets.UTF_8));
    assertTrue(out.contains("GREEN"), out);
    // The workers share only the remote: the run's branch there holds every greeting.
    Path remote = demo.resolve("greetings.git");
    String branch = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/orchestra/").strip();
    assertTrue(branch.startsWith("orchestra/") && !branch.contains("\n"), branch);
    assertTrue(out.contains("the run's work is on branch " + branch + " of " + remote), out);
    assertTrue(out.contains("git -C " + remote + " log --oneline " + branch), out);
    for (int i = 1; i <= TemporalDemo.TASKS; i++) {
      assertEquals("hello from T" + i + "\n", git(remote, "show", branch + ":greeting-" + i + ".txt"));
      assertTrue(out.contains("  T" + i + " ran on worker "), out);
      for (String clone : List.of("worker-1", "worker-2")) {
        assertFalse(Files.exists(demo.resolve(clone + "/greeting-" + i + ".txt")), "no clone's checkout was touched");
      }
    }
    assertTrue(Files.size(demo.resolve("worker-1/.orchestra/journal.jsonl")) > 0, "the desk's worker journals");
    // Every child JVM (the server, both workers) ended with the demo.
    List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    assertTrue(left.isEmpty(), left.toString());
  }

  static String git(Path in, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", in.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "git " + String.join(" ", args) + ": " + text);
    return text;
  }
}
