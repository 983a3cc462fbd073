package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.internal.engine.Command;
import dev.orchestra.plan.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands cross Temporal as {@link Wire#command} text, and come back the same. */
final class WireCommandTest {
  @Test
  void aResolvingTasksCommandKeepsTheCommitItMergesAndOneWrittenBeforeThatHasNone() {
    Task task = Task.builder("T2-resolve", "Resolve").role("implementer").writeScope("shared.txt").build();
    Command.RunTask run = new Command.RunTask(task, 1, List.of(), List.of("conflicts in shared.txt"), "orchestra-task/r/T2", 0, "c0ffee");
    assertEquals(run, Wire.command(Wire.command(run)));

    String before = Wire.command(run).replace(",\"resolvesTip\":\"c0ffee\"", "");
    assertEquals(new Command.RunTask(task, 1, List.of(), List.of("conflicts in shared.txt"), "orchestra-task/r/T2", 0), Wire.command(before));
  }

  @Test
  void aMergeOfSeveralBranchesComesBackWithItsMergesInOrder() {
    Command.IntegrateAll all =
        new Command.IntegrateAll(
            List.of(new Command.Integrate("T2", "orchestra-task/r/T2", "c2", 1), new Command.Integrate("T1", "orchestra-task/r/T1", "", 1)));
    String text = Wire.command(all);
    assertEquals(all, Wire.command(text));
    assertEquals("INTEGRATE_ALL", text.substring(text.indexOf(":\"") + 2, text.indexOf("\",")), text);
  }
}
