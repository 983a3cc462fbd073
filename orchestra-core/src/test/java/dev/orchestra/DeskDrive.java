package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.exec.RunDesk;
import dev.orchestra.internal.exec.TaskResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Drives a whole run decided by a {@link RunMachine} away from the in-process engine, through the
 * seam orchestra-temporal's workflow uses: agents' tasks by {@code tasks}, every other command by
 * the run's {@link RunDesk}, whose answers are the only events fed to the machine.
 */
final class DeskDrive {
  private DeskDrive() {}

  /**
   * How the run went.
   *
   * @param end its finish
   * @param fed every event fed to the machine, in order
   * @param deskHealth how the model calls the desk made went
   */
  record Outcome(OrchestraEvent.RunFinished end, List<OrchestraEvent> fed, List<TaskResult.Health> deskHealth) {}

  /**
   * Runs from {@code start} to the finish.
   *
   * @throws AssertionError when the run waits for nothing and has not finished
   */
  static Outcome run(RunMachine machine, RunDesk desk, OrchestraEvent.RunStarted start, Function<Command.RunTask, TaskResult> tasks) {
    List<OrchestraEvent> fed = new ArrayList<>();
    List<TaskResult.Health> deskHealth = new ArrayList<>();
    // A stop the desk asked for while feeding given events: fed here through the desk, as the workflow does.
    Deque<OrchestraEvent.StopRequested> stops = new ArrayDeque<>();
    RunDesk.Answer started = desk.observe(List.of(start));
    Deque<OrchestraEvent> toFeed = new ArrayDeque<>(started.events());
    stops.addAll(started.stops());
    Deque<Command> todo = new ArrayDeque<>();
    OrchestraEvent.RunFinished end = null;
    while (end == null) {
      while (!toFeed.isEmpty()) {
        OrchestraEvent next = toFeed.poll();
        fed.add(next);
        todo.addAll(machine.step(next).commands());
        if (next instanceof OrchestraEvent.RunFinished f) {
          end = f;
        }
        if (toFeed.isEmpty() && !stops.isEmpty()) {
          OrchestraEvent.StopRequested stop = stops.poll();
          stops.clear();
          if (machine.state().stopReason().isEmpty()) {
            toFeed.addAll(desk.observe(List.of(stop)).events());
          }
        }
      }
      Command c = todo.poll();
      if (c == null) {
        if (end == null) {
          throw new AssertionError("the run waits for nothing and has not finished: " + machine.state().describe());
        }
        break;
      }
      if (c instanceof Command.RunTask t) {
        RunDesk.Answer a = desk.taskEnded(t, tasks.apply(t));
        toFeed.addAll(a.events());
        stops.addAll(a.stops());
      } else {
        RunDesk.Answer a = desk.carryOut(c);
        deskHealth.addAll(a.health());
        toFeed.addAll(a.events());
      }
    }
    return new Outcome(end, fed, deskHealth);
  }
}
