package dev.orchestra.temporal.internal;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * What a run's workflow asks of workers. Events travel as journal lines, commands and results as
 * {@link Wire}'s JSON text. Public because Temporal's stubs need it; not Orchestra's API.
 */
@ActivityInterface
public interface RunActivities {

  /** Returns the spec the workers' team decides by, as {@link Wire#spec} writes it. */
  String spec();

  /** Feeds the run's desk events the workflow observed; returns the events to feed, in order. */
  List<String> observe(String runId, List<String> events);

  /** Runs one agent's task; returns what it did, as {@link Wire#result} writes it. */
  String runTask(TaskCall call);

  /** Feeds the run's desk what a task did; returns the events to feed, in order. */
  List<String> taskEnded(String runId, String command, String result);

  /** Carries out a command on the run's desk; returns the events to feed, in order. */
  List<String> carryOut(String runId, String command);
}
