package dev.orchestra.internal.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Sleeper;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

final class PreciseSleepTest {

  @Test
  void neverWakesBeforeTheDeadline() throws InterruptedException {
    for (long micros : new long[] {0, 30, 200, 1_000, 5_000}) {
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        Sleeper.SYSTEM.sleep(Duration.ofNanos(micros * 1_000));
        long took = System.nanoTime() - t0;
        assertTrue(took >= micros * 1_000, "woke after " + took + " ns of " + micros + " us");
      }
    }
    long lateness = PreciseSleep.parkLatenessNanos();
    assertTrue(lateness >= 0 && lateness <= 300_000, "learned lateness " + lateness);
  }

  @Test
  void negativeAndHugeDurationsAreHandled() throws InterruptedException {
    Sleeper.SYSTEM.sleep(Duration.ofMillis(-5)); // returns at once
    Sleeper.SYSTEM.sleep(Duration.ofSeconds(Long.MIN_VALUE));
    Sleeper.SYSTEM.sleep(Duration.ZERO);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> Sleeper.SYSTEM.sleep(Duration.ofSeconds(Long.MAX_VALUE)));
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void anInterruptEndsTheWaitAndClearsTheFlag() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean flagLeft = new AtomicBoolean(true);
    Thread t =
        new Thread(
            () -> {
              sleeping.countDown();
              try {
                Sleeper.SYSTEM.sleep(Duration.ofMinutes(10));
              } catch (InterruptedException e) {
                interrupted.set(true);
                flagLeft.set(Thread.currentThread().isInterrupted());
              }
            });
    t.start();
    sleeping.await();
    t.interrupt();
    t.join(10_000);
    assertFalse(t.isAlive());
    assertTrue(interrupted.get());
    assertFalse(flagLeft.get());
  }
}
