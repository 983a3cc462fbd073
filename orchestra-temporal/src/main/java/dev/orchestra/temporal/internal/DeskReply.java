package dev.orchestra.temporal.internal;

import java.util.List;

/**
 * A run desk's answer, as an activity's result.
 *
 * @param events the events to feed, in order, as journal lines
 * @param health how the model calls made at the desk went, as {@link Wire#health} writes them
 */
public record DeskReply(List<String> events, String health) {
  /** Copies the list. */
  public DeskReply {
    events = List.copyOf(events);
    java.util.Objects.requireNonNull(health, "health");
  }
}
