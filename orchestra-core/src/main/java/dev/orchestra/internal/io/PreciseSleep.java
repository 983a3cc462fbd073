package dev.orchestra.internal.io;

import dev.orchestra.Sleeper;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait behind {@link Sleeper#SYSTEM}: parks until shortly before the deadline, then yields
 * until it has passed. A plain park or sleep wakes late by the operating system's timer slack and
 * wake-up latency (0.1 to 0.2 ms a call on a small virtual machine), which adds up over thousands
 * of short waits such as a scripted model's latency. How much earlier to wake is learned from how
 * late parks have woken so far, so the yielding stays short on a machine with precise timers.
 */
public final class PreciseSleep {
  /** The least and the most the park stops short of the deadline. */
  private static final long MIN_MARGIN_NANOS = 50_000;
  private static final long MAX_MARGIN_NANOS = 300_000;

  /**
   * A moving average of how late a park wakes, shared by all threads of the JVM, because it is a
   * property of the machine, not of a run. Updates may race and lose one another; that only slows
   * the learning.
   */
  private static volatile long parkLatenessNanos = 100_000;

  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

  private PreciseSleep() {}

  public static void sleep(Duration duration) throws InterruptedException {
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    // At most about 73 years, so the deadline cannot overflow.
    long nanos = duration.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : duration.toNanos();
    long deadline = System.nanoTime() + nanos;
    long margin = Math.max(MIN_MARGIN_NANOS, Math.min(MAX_MARGIN_NANOS, 2 * parkLatenessNanos));
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > margin) {
      long park = remaining - margin;
      long before = System.nanoTime();
      LockSupport.parkNanos(park);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      long late = System.nanoTime() - before - park;
      if (late > 0) {
        long average = parkLatenessNanos;
        parkLatenessNanos = average + (Math.min(late, MAX_MARGIN_NANOS) - average) / 8;
      }
    }
    while (deadline - System.nanoTime() > 0) {
      Thread.yield();
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** The current estimate of how late a park wakes, for tests and benchmarks. */
  public static long parkLatenessNanos() {
    return parkLatenessNanos;
  }
}
