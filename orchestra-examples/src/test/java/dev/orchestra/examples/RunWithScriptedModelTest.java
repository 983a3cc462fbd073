package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example runs green and does what it says. */
final class RunWithScriptedModelTest {
  @TempDir Path ws;

  @Test
  void theReadmeExampleRunsGreen() throws Exception {
    RunResult result = RunWithScriptedModel.run(ws);
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals("1.0\n", Files.readString(ws.resolve("VERSION")));
  }
}
