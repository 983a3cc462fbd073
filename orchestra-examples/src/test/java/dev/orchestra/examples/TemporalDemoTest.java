package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    for (int i = 1; i <= TemporalDemo.TASKS; i++) {
      assertEquals("hello from T" + i + "\n", Files.readString(demo.resolve("project/greeting-" + i + ".txt")));
      assertTrue(out.contains("  T" + i + " ran on worker "), out);
    }
    assertTrue(Files.size(demo.resolve("project/.orchestra/journal.jsonl")) > 0);
    // Every child JVM (the server, both workers) ended with the demo.
    List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    assertTrue(left.isEmpty(), left.toString());
  }
}
