package dev.orchestra.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class EventJsonTest {

  @Test
  void instantsReadAsInstantToStringDoes() {
    List<Instant> cases =
        List.of(
            Instant.EPOCH,
            Instant.ofEpochSecond(0, 1),
            Instant.ofEpochSecond(1_764_486_000L, 0),
            Instant.ofEpochSecond(1_764_486_000L, 120_000_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_400_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_450_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_456_000),
            Instant.ofEpochSecond(1_764_486_000L, 120_456_789),
            Instant.ofEpochSecond(1_764_486_000L, 999_999_999),
            Instant.ofEpochSecond(1_764_486_001L, 5),
            Instant.parse("9999-12-31T23:59:59.5Z"),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("1969-12-31T23:59:59.25Z"),
            Instant.MIN,
            Instant.MAX);
    for (Instant i : cases) {
      assertEquals(i.toString(), EventJson.isoInstant(i));
      assertEquals(i.toString(), EventJson.isoInstant(i), "again, with its second remembered");
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 20_000; n++) {
      long second = random.nextLong(0, 4_102_444_800L); // 1970 to 2100
      int nano = switch (n % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(second, nano);
      assertEquals(i.toString(), EventJson.isoInstant(i));
    }
  }

  @Test
  void lineHasVersionTypeAndLowerCaseEnums() {
    Instant at = Instant.ofEpochSecond(1_764_486_000L, 7_000_000);
    String line =
        EventJson.line(
            new OrchestraEvent.TaskFinished("run-1", at, "T1", "implementer", TaskStatus.DONE, "ok", List.of("a.txt"), 1));
    assertTrue(
        line.startsWith("{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",\"type\":\"task_finished\","), line);
    assertTrue(line.contains("\"time\":\"" + at + "\""), line);
    assertTrue(line.contains("\"status\":\"done\""), line);
  }
}
