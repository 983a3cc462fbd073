package dev.orchestra.temporal.internal;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.TaskStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's workflow: a {@link RunMachine} fed only what the run's desk answers, in that order, so
 * the desk's copy of the machine and this one agree. Agents' tasks run as activities at once (the
 * machine keeps them within the thread budget and write scopes); every other command goes to the
 * desk, one at a time, and while the desk works no task's end is fed, so the order the desk saw is
 * the order fed here. A held task's wait is a workflow timer. Deterministic: workflow time only, no
 * I/O, and the machine is deterministic.
 *
 * <p>Public because Temporal instantiates it; not Orchestra's API.
 */
public final class RunWorkflowImpl implements RunWorkflow {
  /** The desk's calls are not retried: a call that journalled and then failed would journal twice. */
  private final RunActivities desk =
      Workflow.newActivityStub(
          RunActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build());

  /** An agent's task heartbeats; a lost worker's task runs again elsewhere. */
  private final RunActivities tasks =
      Workflow.newActivityStub(
          RunActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).setInitialInterval(Duration.ofSeconds(1)).build())
              .build());

  private RunMachine machine;
  private String runId = "";
  private final Deque<Command> deskWork = new ArrayDeque<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, String> explorations = new LinkedHashMap<>();
  private String finished;

  /** A task's activity or a held task's timer under way. */
  private record Pending(Command command, Promise<String> promise) {}

  @Override
  public String run(RunRequest request) {
    runId = request.runId();
    machine = new RunMachine(Wire.spec(desk.spec()));
    feed(desk.observe(runId, List.of(Wire.event(new OrchestraEvent.RunStarted(runId, now(), request.goal(), false)))));
    while (finished == null) {
      Command next = deskWork.poll();
      if (next != null) {
        feed(desk.carryOut(runId, Wire.command(next)));
        continue;
      }
      if (pending.isEmpty()) {
        throw new IllegalStateException("run " + runId + " waits for nothing and has not finished: " + machine.state().describe());
      }
      Workflow.await(() -> pending.stream().anyMatch(p -> p.promise().isCompleted()));
      // In the order they started, every one that ended: the same order on every replay. Taken out
      // first, since each end's answer may start more.
      List<Pending> ended = pending.stream().filter(p -> p.promise().isCompleted()).toList();
      pending.removeAll(ended);
      ended.forEach(this::ended);
    }
    return finished;
  }

  @Override
  public String status() {
    return machine == null ? "starting" : machine.state().describe();
  }

  private void ended(Pending p) {
    if (p.command() instanceof Command.AwaitRetry hold) {
      feed(desk.observe(runId, List.of(Wire.event(new OrchestraEvent.RetryDue(runId, now(), hold.taskId())))));
      return;
    }
    Command.RunTask task = (Command.RunTask) p.command();
    String result;
    try {
      result = p.promise().get();
    } catch (ActivityFailure e) {
      // Out of attempts: the task ends failed, and the machine decides what follows.
      String why = "its activity failed: " + Text.oneLine(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      feed(
          desk.observe(
              runId,
              List.of(
                  Wire.event(
                      new OrchestraEvent.TaskFinished(
                          runId, now(), task.task().id(), task.task().role(), TaskStatus.FAILED, why, List.of(), task.round())))));
      return;
    }
    if (task.round() == 0) {
      Wire.exploration(result).ifPresent(x -> explorations.put(task.task().id(), x));
    }
    feed(desk.taskEnded(runId, Wire.command(task), result));
  }

  /** Feeds the desk's answer to the machine and starts what it decides. */
  private void feed(List<String> lines) {
    for (String line : lines) {
      OrchestraEvent event = Wire.event(line);
      RunMachine.Step step = machine.step(event);
      if (event instanceof OrchestraEvent.RunFinished) {
        finished = line;
      }
      for (Command c : step.commands()) {
        switch (c.kind()) {
          case RUN_TASK -> {
            TaskCall call = new TaskCall(runId, Wire.command(c), machine.state().goal(), explorations);
            pending.add(new Pending(c, Async.function(tasks::runTask, call)));
          }
          case AWAIT_RETRY -> {
            Duration left = Duration.between(now(), ((Command.AwaitRetry) c).until());
            Promise<Void> timer = Workflow.newTimer(left.isNegative() ? Duration.ZERO : left);
            pending.add(new Pending(c, timer.thenApply(v -> "")));
          }
          default -> deskWork.add(c);
        }
      }
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
