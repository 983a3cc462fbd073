package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.brief.Briefs;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Task;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One agent's task, from its command to its end: the brief, the agent's work, the stop it may lead
 * to, and the {@code TaskFinished} that ends it, fed last. The same for a task the in-process
 * engine runs and for one run away from it ({@link DetachedRun}).
 */
final class TaskWork {
  private TaskWork() {}

  /**
   * Runs the task; never throws for what its agent does.
   *
   * @param run the run it belongs to, where its events go
   * @param agents the run's agents
   * @param c the command
   * @param goal the run's goal as the machine has it now
   * @param explorations the explorers' reports so far, for a plan task's brief
   * @param keep told the task's report (when it gave one) before its end is fed, which may end the batch
   * @return the agents' tasks the run starts next, for this thread to take on
   */
  static List<Command.RunTask> run(
      RunContext run, AgentRunner agents, Command.RunTask c, String goal, Map<String, RoleReport.Exploration> explorations,
      BiConsumer<Task, RoleReport> keep) {
    Task task = c.task();
    boolean probe = c.round() == 0;
    String planBrief =
        probe
            ? ""
            : Briefs.task(goal, task, c.attempts(), Briefs.exploration(run.config().probes(), explorations))
                + (c.resolves().isEmpty() ? Briefs.conflicts(c.conflicts()) : Briefs.resolving(c.conflicts()));
    AgentEvents events = new AgentEvents(run);
    AgentRunner.Outcome outcome;
    try {
      outcome = agents.runTask(task, c.round(), c.retriesTaken(), folder -> probe ? Briefs.probe(goal, Briefs.ci(folder)) : planBrief, !probe, c.resolves(), c.resolvesTip(), events);
    } catch (RuntimeException | Error e) {
      flushKeeping(events, e);
      throw e;
    }
    OrchestraEvent.TaskFinished end;
    try {
      boolean cancelled = run.cancelled(); // read once: a cancel in between would put the stop before the task's events
      if (outcome.stop() != null || cancelled) {
        events.flush(); // the task's own events come before the stop it led to
      }
      if (outcome.stop() != null) {
        run.requestStop(outcome.stop(), outcome.stopMessage());
      } else if (cancelled) {
        // The stop before the task's end, or the machine would start the interrupted task again.
        run.requestStop(StopReason.CANCELLED, "cancelled in round " + c.round() + "; resume() continues");
      }
      if (outcome.report() != null) {
        keep.accept(task, outcome.report());
      }
      end =
          new OrchestraEvent.TaskFinished(
              run.runId(), run.now(), task.id(), task.role(), outcome.status(), Text.oneLine(outcome.summary()), outcome.changedFiles(),
              c.round());
    } catch (RuntimeException | Error e) {
      flushKeeping(events, e); // the agent's last model call waits in its events: it must go in, with its tokens
      throw e;
    }
    return events.feedWith(end);
  }

  /** Feeds what the agent's events hold after {@code failure}; a failure of that is added to it, not put in its place. */
  private static void flushKeeping(AgentEvents events, Throwable failure) {
    try {
      events.flush();
    } catch (RuntimeException | Error f) {
      failure.addSuppressed(f);
    }
  }
}
