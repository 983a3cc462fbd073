package dev.orchestra.testing;

import dev.orchestra.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told: give it to an orchestrator with {@link #sleeper()} so that
 * retries, budget windows and time bounds happen in fake time, without real sleeps.
 *
 * <p>Thread-safe.
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /**
   * Creates a clock that stands at a given instant, in UTC.
   *
   * @param start the time it shows until advanced
   */
  public ManualClock(Instant start) {
    this(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Moves the clock forward.
   *
   * @param duration how far; not negative
   */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back: " + duration);
    }
    now.updateAndGet(t -> t.plus(duration));
  }

  /** Returns a sleeper that advances this clock instead of sleeping. */
  public Sleeper sleeper() {
    return this::advance;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(now, zone);
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
