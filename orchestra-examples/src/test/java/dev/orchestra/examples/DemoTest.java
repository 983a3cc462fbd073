package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline demo, end to end: its output, and the files it leaves. */
final class DemoTest {
  @TempDir Path dir;

  @Test
  void theDemoRunsGreenAndLeavesTheChangedProject() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int exit = Demo.run(dir.resolve("demo"), new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    Path demo = dir.resolve("demo");

    // The project's real test command passes on what the scripted implementers wrote.
    Process p = new ProcessBuilder("sh", "test.sh").directory(demo.toFile()).redirectErrorStream(true).start();
    String testOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), testOut);
    assertTrue(testOut.contains("all greetings pass"));

    Plan plan = Plan.read(demo.resolve("plan.md"));
    assertEquals(List.of("L1", "L2", "L3", "F1", "F2"), plan.tasks().stream().map(t -> t.id()).toList());
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE));
    assertTrue(Files.size(demo.resolve(".orchestra/journal.jsonl")) > 0);

    for (String expected :
        List.of(
            "budget 12 -> 10 (rate limited",
            "budget 10 -> 8 (rate limited",
            "budget 8 -> 9 (stable for 500 ms)",
            "budget 11 -> 12 (stable for 500 ms)",
            "gate ci        round 1 FAIL",
            "gate review    round 1 BLOCK",
            // Issue 11: the first fix of the CI finding does not work; it goes back to work.
            "gate ci        round 2 FAIL",
            "plan findings still open: another attempt: 5 tasks, back to work: F1",
            "gate ci        round 3 PASS",
            "Stopped: GREEN after 3 rounds",
            "Model calls and tokens per role:",
            "plan.md:  " + demo.resolve("plan.md"))) {
      assertTrue(out.contains(expected), "missing '" + expected + "' in:\n" + out);
    }
  }

  @Test
  void refusesAFolderThatIsNotEmpty() throws Exception {
    Files.writeString(dir.resolve("keep.txt"), "mine");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(2, Demo.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8)));
    assertEquals("mine", Files.readString(dir.resolve("keep.txt")));
  }
}
