package dev.orchestra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ProviderSignals#NONE} takes every signal and does nothing with it. */
final class ProviderSignalsTest {
  @Test
  void noneDropsEverySignalAndSaysWhatItIs() {
    ProviderSignals none = ProviderSignals.NONE;
    none.rateLimited("429 from /v1/responses");
    none.unstable("503 from /v1/responses");
    none.retryScheduled(new TransientModelException("503"), Duration.ofMillis(10), 2);
    assertSame(DroppedSignals.class, none.getClass());
    assertEquals("ProviderSignals.NONE", none.toString());
  }
}
