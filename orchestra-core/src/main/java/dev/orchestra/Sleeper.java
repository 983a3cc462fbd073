package dev.orchestra;

import java.time.Duration;

/**
 * Waits: between retries of a rate-limited model call, for example. Injected so tests advance a
 * fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps with {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

  /**
   * Waits for a duration.
   *
   * @param duration how long
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
