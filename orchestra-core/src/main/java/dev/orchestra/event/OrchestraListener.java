package dev.orchestra.event;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives every {@link OrchestraEvent} of a run, in order.
 *
 * <p>Contract: listeners are called on the orchestrator's threads (the coordinating thread and
 * the agents' threads), so an implementation must be thread-safe and fast; do slow work (a UI
 * update, a network call) elsewhere. An exception a listener throws is logged and swallowed: it
 * never stops a run.
 */
@FunctionalInterface
public interface OrchestraListener {

  /** A listener that ignores every event. */
  OrchestraListener NONE = event -> {};

  /**
   * Called for each event.
   *
   * @param event the event
   */
  void onEvent(OrchestraEvent event);

  /**
   * Returns a listener that appends every event to a file as one JSON line, in the journal's
   * format ({@code "v"} and {@code "type"} first). Each line is written and flushed as it comes.
   * The listener is thread-safe; close the returned listener's file by calling {@link
   * JsonLinesListener#close()}.
   *
   * @param file the file; created if missing, appended to otherwise
   * @return the listener
   * @throws java.io.UncheckedIOException when the file cannot be opened
   */
  static JsonLinesListener jsonLines(java.nio.file.Path file) {
    return new JsonLinesListener(file);
  }

  /**
   * Returns a listener that calls each of the given listeners in order, isolating each from the
   * others' exceptions.
   *
   * @param listeners the listeners
   * @return the composite listener
   */
  static OrchestraListener composite(List<OrchestraListener> listeners) {
    List<OrchestraListener> copy = List.copyOf(listeners);
    Logger log = LoggerFactory.getLogger(OrchestraListener.class);
    return event -> {
      for (OrchestraListener l : copy) {
        try {
          l.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("listener {} threw on {}; ignored", l.getClass().getName(), event.kind(), e);
        }
      }
    };
  }
}
