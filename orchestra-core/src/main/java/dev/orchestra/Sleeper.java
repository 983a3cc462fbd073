package dev.orchestra;

import java.time.Duration;

/**
 * Waits: between retries of a rate-limited model call, for example. Injected so tests advance a
 * fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Sleeps for real, to the deadline: parks until about 100 microseconds before it, then yields
   * until it has passed, because a plain {@link Thread#sleep} overshoots by the operating system's
   * timer slack (about 0.1 ms a call here), which adds up over thousands of short waits.
   */
  Sleeper SYSTEM =
      d -> {
        long deadline = System.nanoTime() + d.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 150_000) {
          java.util.concurrent.locks.LockSupport.parkNanos(remaining - 100_000);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
        while (deadline - System.nanoTime() > 0) {
          Thread.yield();
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      };

  /**
   * Waits for a duration.
   *
   * @param duration how long
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
