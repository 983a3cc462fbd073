package dev.orchestra.examples;

import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Recipe: an IDE-style listener that keeps a progress view's model up to date. Events arrive on
 * the orchestrator's threads, so the state is guarded and a UI thread reads a consistent {@link
 * Snapshot} whenever it repaints (an IDE would post the repaint to its UI thread; it must never
 * block the orchestrator's).
 */
public final class ProgressView implements OrchestraListener {
  /**
   * What the view shows.
   *
   * @param planned tasks in the plan
   * @param done tasks done
   * @param running the tasks running now
   * @param budget the current thread budget
   * @param lastGate the last gate's name and verdict
   * @param finished whether the run ended
   */
  public record Snapshot(int planned, int done, Set<String> running, int budget, String lastGate, boolean finished) {
    /** Returns the progress as a fraction from 0 to 1. */
    public double fraction() {
      return planned == 0 ? 0 : Math.min(1.0, done / (double) planned);
    }
  }

  private int planned;
  private int done;
  private final Set<String> running = new LinkedHashSet<>();
  private int budget = 12;
  private String lastGate = "";
  private boolean finished;

  @Override
  public synchronized void onEvent(OrchestraEvent event) {
    switch (event.kind()) {
      case PLAN_UPDATED -> planned = ((OrchestraEvent.PlanUpdated) event).taskCount();
      case TASK_STARTED -> {
        OrchestraEvent.TaskStarted t = (OrchestraEvent.TaskStarted) event;
        if (t.round() > 0) {
          running.add(t.taskId());
        }
      }
      case TASK_FINISHED -> {
        OrchestraEvent.TaskFinished t = (OrchestraEvent.TaskFinished) event;
        running.remove(t.taskId());
        if (t.round() > 0 && t.status() == TaskStatus.DONE) {
          done++;
        }
      }
      case BUDGET_CHANGED -> budget = ((OrchestraEvent.BudgetChanged) event).to();
      case GATE_FINISHED -> {
        OrchestraEvent.GateFinished g = (OrchestraEvent.GateFinished) event;
        lastGate = g.gate() + ": " + g.verdict().name().toLowerCase(java.util.Locale.ROOT);
      }
      case RUN_FINISHED -> finished = true;
      default -> { } // tool calls, model calls, approvals: not shown in this view
    }
  }

  /** Returns what the view shows now; safe to call from any thread. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(planned, done, Collections.unmodifiableSet(new LinkedHashSet<>(running)), budget, lastGate, finished);
  }
}
