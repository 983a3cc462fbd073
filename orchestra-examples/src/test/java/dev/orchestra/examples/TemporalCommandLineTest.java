package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's Temporal options: what run --temporal refuses, and worker's help. */
final class TemporalCommandLineTest {

  private record Outcome(int exit, String out, String err) {}

  private static Outcome execute(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void runOnTemporalRefusesEveryTeamOptionItWouldOtherwiseIgnore() {
    // Refused before any connection: the address is never dialled.
    Outcome o = execute("run", "--temporal", "127.0.0.1:1", "--goal", "g", "--max-tokens", "5", "--repo", "/tmp", "--one-batch");
    assertEquals(2, o.exit(), o.out() + o.err());
    assertTrue(o.err().contains("--max-tokens") && o.err().contains("--repo") && o.err().contains("--one-batch"), o.err());
    assertTrue(o.err().contains("orchestra worker"), o.err());
  }

  @Test
  void workerHasTheOptionsItsHelpPromises() {
    Outcome o = execute("worker", "--help");
    assertEquals(0, o.exit(), o.err());
    for (String option : new String[] {"--temporal", "--queue", "--slots", "--no-desks", "--one-batch", "--max-iterations", "--repo"}) {
      assertTrue(o.out().contains(option), option + " in:\n" + o.out());
    }
  }
}
