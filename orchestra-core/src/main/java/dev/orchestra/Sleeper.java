package dev.orchestra;

import dev.orchestra.internal.io.PreciseSleep;
import java.time.Duration;

/**
 * Waits: between retries of a rate-limited model call, for example. Injected so tests advance a
 * fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Sleeps for real, to the deadline: parks until shortly before it, then yields until it has
   * passed, because a plain {@link Thread#sleep} overshoots by the operating system's timer slack
   * and wake-up latency (0.1 to 0.2 ms a call on a small virtual machine), which adds up over
   * thousands of short waits. How much earlier to wake (0.05 to 0.3 ms) is learned from the waits
   * so far, in the whole JVM: it measures the machine, not a run. Yielding costs at most that much
   * CPU per wait. Throws {@link InterruptedException}, clearing the flag, when the thread is
   * interrupted; returns at once for a zero or negative duration.
   */
  Sleeper SYSTEM = PreciseSleep::sleep;

  /**
   * Waits for a duration.
   *
   * @param duration how long
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
