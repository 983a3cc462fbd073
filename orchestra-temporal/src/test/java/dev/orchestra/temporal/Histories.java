package dev.orchestra.temporal;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.ArrayList;
import java.util.List;

/** What tests read in a run's workflow histories. */
public final class Histories {
  private Histories() {}

  /** How many activities of {@code type} (as Temporal names it: {@code ReopenDesk}) a history scheduled. */
  public static long scheduled(WorkflowExecutionHistory history, String type) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(type))
        .count();
  }

  /** Every workflow run of a run's chain (each continued as new from the one before), newest first. */
  public static List<WorkflowExecutionHistory> chain(WorkflowClient client, String runId) {
    List<WorkflowExecutionHistory> chain = new ArrayList<>();
    chain.add(client.fetchHistory(TemporalOrchestrator.workflowId(runId)));
    while (true) {
      HistoryEvent started = chain.get(chain.size() - 1).getEvents().get(0);
      String previous = started.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
      if (previous.isEmpty()) {
        return chain;
      }
      chain.add(client.fetchHistory(TemporalOrchestrator.workflowId(runId), previous));
    }
  }
}
