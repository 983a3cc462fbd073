package dev.orchestra.examples;

import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.model.TokenUsage;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints one line per task and gate as it starts and ends, each budget change with its cause,
 * each retry of a model call, and keeps model calls and tokens per role for the closing table. Thread-safe.
 */
final class ProgressPrinter implements OrchestraListener {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final Map<String, long[]> perRole = new TreeMap<>(); // calls, input, output, cached
  private int planned;
  private int finished;

  ProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void onEvent(OrchestraEvent event) {
    switch (event.kind()) {
      case RUN_STARTED -> line("run " + event.runId() + (((OrchestraEvent.RunStarted) event).resumed() ? " resumed" : " started")
          + ": " + ((OrchestraEvent.RunStarted) event).goal());
      case PLAN_UPDATED -> {
        OrchestraEvent.PlanUpdated p = (OrchestraEvent.PlanUpdated) event;
        planned = p.taskCount();
        String which = p.reason().contains("another attempt") ? ", back to work: " : ", new: ";
        line("plan " + p.reason() + ": " + p.taskCount() + " tasks" + (p.addedTaskIds().isEmpty() ? "" : which + String.join(", ", p.addedTaskIds())));
      }
      case TASK_STARTED -> {
        OrchestraEvent.TaskStarted t = (OrchestraEvent.TaskStarted) event;
        line(String.format(Locale.ROOT, "%-10s %-16s started  %s", t.taskId(), t.role(), t.title()));
      }
      case TASK_FINISHED -> {
        OrchestraEvent.TaskFinished t = (OrchestraEvent.TaskFinished) event;
        boolean counts = t.round() > 0 && t.status() == TaskStatus.DONE;
        if (counts) {
          finished++;
        }
        line(String.format(Locale.ROOT, "%-10s %-16s %-8s %s%s", t.taskId(), t.role(), t.status().markdownValue(), t.summary(),
            counts ? "  [" + finished + "/" + Math.max(planned, finished) + " tasks]" : ""));
      }
      case GATE_STARTED -> {
        OrchestraEvent.GateStarted g = (OrchestraEvent.GateStarted) event;
        line(String.format(Locale.ROOT, "gate %-9s round %d started (%s)", g.gate(), g.round(), g.reason()));
      }
      case GATE_SKIPPED -> {
        OrchestraEvent.GateSkipped g = (OrchestraEvent.GateSkipped) event;
        line(String.format(Locale.ROOT, "gate %-9s round %d skipped: %s", g.gate(), g.round(), g.reason()));
      }
      case GATE_FINISHED -> {
        OrchestraEvent.GateFinished g = (OrchestraEvent.GateFinished) event;
        line(String.format(Locale.ROOT, "gate %-9s round %d %s: %s", g.gate(), g.round(), g.verdict().name(), g.summary()));
        g.findings().forEach(f -> line("    finding " + (f.location().isEmpty() ? "" : f.location() + ": ") + f.message()));
      }
      case BUDGET_CHANGED -> {
        OrchestraEvent.BudgetChanged b = (OrchestraEvent.BudgetChanged) event;
        line("budget " + b.from() + " -> " + b.to() + " (" + b.cause() + ")");
      }
      case MODEL_CALL_FINISHED -> {
        OrchestraEvent.ModelCallFinished m = (OrchestraEvent.ModelCallFinished) event;
        long[] row = perRole.computeIfAbsent(m.role(), r -> new long[4]);
        TokenUsage u = m.usage();
        row[0]++;
        row[1] += u.inputTokens();
        row[2] += u.outputTokens();
        row[3] += u.cachedInputTokens();
      }
      case RETRY_SCHEDULED -> {
        OrchestraEvent.RetryScheduled r = (OrchestraEvent.RetryScheduled) event;
        line(String.format(Locale.ROOT, "%-10s %-16s retry    attempt %d in %d ms by %s (%s)", r.taskId(), r.role(), r.attempt(),
            r.delayMillis(), r.retriedBy(), r.cause()));
      }
      case RUN_FINISHED -> {
        OrchestraEvent.RunFinished r = (OrchestraEvent.RunFinished) event;
        line("run finished: " + r.stopReason() + " (" + r.message() + ")");
      }
      case TASK_INTEGRATED -> {
        OrchestraEvent.TaskIntegrated t = (OrchestraEvent.TaskIntegrated) event;
        line(String.format(Locale.ROOT, "%-10s %-16s merged into the run's branch (%s)", t.taskId(), "integration", shortCommit(t.commit())));
      }
      case INTEGRATION_CONFLICTED -> {
        OrchestraEvent.IntegrationConflicted c = (OrchestraEvent.IntegrationConflicted) event;
        line(String.format(Locale.ROOT, "%-10s %-16s conflict in %s: back to work on the integrated state", c.taskId(), "integration",
            String.join(", ", c.files())));
      }
      case TOOL_CALLED -> {
        OrchestraEvent.ToolCalled t = (OrchestraEvent.ToolCalled) event;
        if (!t.ok()) {
          line(String.format(Locale.ROOT, "%-10s %-16s tool %s refused: %s", t.taskId(), t.role(), t.tool(), t.detail()));
        }
      }
    }
  }

  private static String shortCommit(String commit) {
    return commit.length() > 10 ? commit.substring(0, 10) : commit;
  }

  private void line(String text) {
    out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9, text);
  }

  /** Prints the model calls and tokens per role. */
  synchronized void printUsageTable() {
    out.printf(Locale.ROOT, "%-18s %6s %10s %10s %10s%n", "role", "calls", "input", "output", "cached");
    long[] total = new long[4];
    perRole.forEach(
        (role, r) -> {
          out.printf(Locale.ROOT, "%-18s %6d %10d %10d %10d%n", role, r[0], r[1], r[2], r[3]);
          for (int i = 0; i < 4; i++) {
            total[i] += r[i];
          }
        });
    out.printf(Locale.ROOT, "%-18s %6d %10d %10d %10d%n", "total", total[0], total[1], total[2], total[3]);
  }
}
