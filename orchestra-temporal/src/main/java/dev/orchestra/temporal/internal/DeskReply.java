package dev.orchestra.temporal.internal;

import java.util.List;

/**
 * A run desk's answer, as an activity's result.
 *
 * @param events the events to feed, in order, as journal lines
 * @param health how the model calls made at the desk went, as {@link Wire#health} writes them
 * @param stops the stop the run asked for itself while the desk fed events the workflow gave (see
 *     {@code RunDesk.Answer#stops}), as a journal line, not fed: the workflow feeds it where its
 *     machine stands; empty in answers recorded before desks kept such stops (read as null)
 */
public record DeskReply(List<String> events, String health, List<String> stops) {
  /** Copies the lists. */
  public DeskReply {
    events = List.copyOf(events);
    java.util.Objects.requireNonNull(health, "health");
    stops = stops == null ? List.of() : List.copyOf(stops);
  }

  /** An answer that gives no stop to feed. */
  public DeskReply(List<String> events, String health) {
    this(events, health, List.of());
  }
}
