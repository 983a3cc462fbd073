package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.PlanView;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.engine.RunState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop around one run's {@link RunMachine} in this JVM. Every event is fed to the machine under
 * one lock, in order; what a step decides is queued in the run's outbox behind the event (journal,
 * plan.md, listeners) and delivered outside the lock. Agents' tasks a step decides go back to the
 * caller, for the pool; every other command goes to the coordinating thread (the one that called
 * {@code run} or {@code resume}), which carries it out in {@link #coordinate}. Thread-safe.
 */
final class MachineLoop {
  /** What a {@link DeskRun}'s engine hands over instead of acting on it. */
  interface DeskTap {
    /** An event was fed, in this order. */
    void fed(OrchestraEvent event);

    /** A model call or attempt went this way: the deciding engine keeps the thread budget. */
    void signalled(BudgetPolicy.Signal signal, String cause);

    /** Who answers the run's agents' approval requests: the deciding engine may route them elsewhere. */
    dev.orchestra.role.ApprovalHandler approvals();

    /**
     * The run asks itself to stop (it cannot write the journal or plan.md) while the desk feeds
     * events the deciding engine gave it.
     *
     * @return whether the desk keeps the stop for the deciding engine to feed, instead of it being
     *     fed here now: among events given to it, the desk cannot place one of its own where the
     *     deciding engine, which may have fed more meanwhile, would place it too
     */
    boolean keepsStop(OrchestraEvent.StopRequested stop);
  }

  private static final Logger log = LoggerFactory.getLogger(MachineLoop.class);
  private final RunEngine run;
  private final RunMachine machine;
  /** See {@link DeskTap}: null unless the engine only keeps a run's desk. */
  private final DeskTap deskTap;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Command> coordinatorWork = new ArrayDeque<>(); // guarded by lock
  private boolean planWaiting; // guarded by lock
  private final Thread coordinator = Thread.currentThread();
  private volatile boolean stopping;
  /** The machine's goal after its last step (a plan edited by hand may change it). */
  private volatile String goal;

  MachineLoop(RunEngine run, RunMachine machine, DeskTap deskTap) {
    this.run = run;
    this.machine = machine;
    this.deskTap = deskTap;
    this.goal = machine.state().goal(); // a resumed run's, replayed
    this.stopping = machine.state().stopReason().isPresent(); // a desk opened again after the run's stop
  }

  ReentrantLock lock() {
    return lock;
  }

  /** The goal as of the machine's last step; read without the lock, since every agent's brief needs it. */
  String goal() {
    return goal;
  }

  /** Whether the machine decided to stop: no new work starts. */
  boolean stopping() {
    return stopping;
  }

  Thread coordinatorThread() {
    return coordinator;
  }

  // ------------------------------------------------------------------ feeding the machine

  /**
   * Feeds events as {@link #feedAll} does if the lock is free at once; never waits for it.
   *
   * @return false, with nothing fed, when another thread holds the lock
   */
  boolean tryObserveAll(List<OrchestraEvent> events) {
    if (!lock.tryLock()) {
      return false;
    }
    List<Command.RunTask> tasks;
    try {
      tasks = stepAll(events);
    } finally {
      lock.unlock();
    }
    deliver();
    run.submit(tasks);
    return true;
  }

  /** Feeds an event; returns the agents' tasks to start, which the caller starts. */
  List<Command.RunTask> feed(OrchestraEvent event) {
    List<Command.RunTask> tasks;
    lock.lock();
    try {
      tasks = take(event, machine.step(event));
    } finally {
      lock.unlock();
    }
    deliver();
    return tasks;
  }

  /**
   * Feeds a stop, unless the machine stopped already, and leaves its delivery to the next thread
   * that delivers: for a thread that must not write the run's files (one that interrupts a desk's
   * command). Only for a desk, whose commands are carried out elsewhere.
   */
  void stopUndelivered(OrchestraEvent.StopRequested stop) {
    if (deskTap == null) {
      throw new IllegalStateException("only a desk's stop is fed without delivering it");
    }
    lock.lock();
    try {
      if (machine.state().stopReason().isEmpty()) {
        take(stop, machine.step(stop));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Feeds events in order, under one hold of the lock; returns the agents' tasks to start. */
  List<Command.RunTask> feedAll(List<OrchestraEvent> events) {
    List<Command.RunTask> tasks;
    lock.lock();
    try {
      tasks = stepAll(events);
    } finally {
      lock.unlock();
    }
    deliver();
    return tasks;
  }

  /** Steps the machine through events in order; holds the lock. Returns the agents' tasks decided. */
  private List<Command.RunTask> stepAll(List<OrchestraEvent> events) {
    List<Command.RunTask> tasks = new ArrayList<>();
    for (OrchestraEvent e : events) {
      tasks.addAll(take(e, machine.step(e)));
    }
    return tasks;
  }

  /** Delivers what the steps queued; a failure is logged, since the machine's tasks must start all the same. */
  private void deliver() {
    try {
      drain();
    } catch (RuntimeException | Error e) {
      // The machine decided: its tasks must start, or they stay running for ever.
      log.error("run {}: delivering events failed", run.runId(), e);
    }
  }

  /**
   * Queues plan.md's write, the event and the step's decided events, and routes its commands. Holds
   * the lock. The plan is written before the events that changed it are delivered: a listener told
   * of a plan update reads it in plan.md. (Should the run die between the two, the journal lacks
   * those events and a resume decides them again.)
   */
  private List<Command.RunTask> take(OrchestraEvent event, RunMachine.Step step) {
    if (deskTap != null) {
      deskTap.fed(event);
    }
    RunState s = machine.state();
    // Written only when they change: every agent reads them, and a write would take the cache line
    // from all of them after every step.
    boolean stop = s.stopReason().isPresent();
    if (stopping != stop) {
      stopping = stop;
    }
    if (goal != s.goal()) { // by reference: a changed goal is another string; an equal copy costs one write
      goal = s.goal();
    }
    PlanView plan = s.planView();
    // An agent's report is journalled before plan.md shows it, or a crash in between would leave a
    // task done in plan.md that the journal says never finished. A plan change from outside (the
    // planner, a re-plan, a person) is in plan.md before anyone hears of it.
    boolean planFirst = event instanceof OrchestraEvent.PlanUpdated;
    if (!planFirst) {
      run.outbox().post(event);
    }
    if (plan != null && run.planStore().due(plan.version(), s.phase() == RunState.Phase.BATCH, run.config().planWriteInterval())) {
      run.outbox().postPlan(plan.copy());
    }
    if (planFirst) {
      run.outbox().post(event);
    }
    step.events().forEach(run.outbox()::post);
    if (deskTap != null) {
      return List.of(); // the deciding engine, whose machine decided the same, carries its commands out
    }
    List<Command.RunTask> tasks = new ArrayList<>();
    for (Command c : step.commands()) {
      if (c.kind() == Command.Kind.RUN_TASK) {
        tasks.add((Command.RunTask) c);
      } else {
        coordinatorWork.add(c);
        wake.signalAll();
      }
    }
    return tasks;
  }

  /**
   * Waits out a held task's retry on a thread of its own, on the run's sleeper and clock (a test's
   * manual time moves both), then reports its end as an event: the machine never changes a hold
   * on its own, so a replay of the journal releases the task where the run did.
   */
  private void awaitRetry(Command.AwaitRetry hold) {
    if (run.stopping()) {
      return; // the run ends: nothing held is to start
    }
    run.workers().waitApart("orchestra-" + run.runId() + "-retry-" + hold.taskId(), () -> {
      Duration left = Duration.between(run.now(), hold.until());
      if (!left.isNegative() && !left.isZero()) {
        try {
          run.config().sleeper().sleep(left);
        } catch (RuntimeException | Error e) {
          // A sleeper that fails must not hold the task for ever: it is released early instead.
          log.warn("run {}: waiting out {}'s retry failed; it may start at once", run.runId(), hold.taskId(), e);
        }
      }
      // Stopped just as the wait ended, or cancelled meanwhile: a start now would be interrupted by no one.
      if (!Thread.currentThread().isInterrupted() && !run.cancelled()) {
        run.observe(new OrchestraEvent.RetryDue(run.runId(), run.now(), hold.taskId()));
      }
    });
  }

  private void drain() {
    if (Thread.currentThread() == coordinator || deskTap != null) {
      run.outbox().drainAll();
    } else {
      run.outbox().drain();
    }
  }

  /** An agent's thread left a plan write in the outbox: the coordinating thread writes it. */
  void planLeftForCoordinator() {
    lock.lock();
    try {
      planWaiting = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ the coordinating thread

  /** Runs the coordinating loop until the run finished; returns how it ended. */
  RunResult coordinate(OrchestraEvent start) {
    List<Command.RunTask> first = feed(start);
    if (run.cancelled()) {
      // Cancelled while the run was being set up: a resumed run's replayed stop was cleared by its start.
      run.requestStop(StopReason.CANCELLED, "cancelled before the run started; resume() continues");
    }
    run.submit(first);
    while (true) {
      Command c = null;
      lock.lock();
      try {
        while (coordinatorWork.isEmpty() && !planWaiting) {
          try {
            wake.await();
          } catch (InterruptedException e) {
            // A cancel: the machine asks for the finish once the agents are back.
            continue;
          }
        }
        planWaiting = false;
        c = coordinatorWork.poll();
      } finally {
        lock.unlock();
      }
      run.outbox().drainAll();
      if (c == null) {
        continue;
      }
      if (c.kind() == Command.Kind.FINISH) {
        run.workers().stopWaits(); // a held task's wait: the run ends without it
        run.workers().awaitAll(); // agents interrupted by a cancel must not write after the run
        RunResult result = run.commands().finish((Command.Finish) c);
        run.journal().close();
        return result;
      }
      try {
        if (c.kind() == Command.Kind.AWAIT_RETRY) {
          awaitRetry((Command.AwaitRetry) c); // here, outside the lock: starting its thread may fail
        } else {
          run.submit(run.commands().run(c));
        }
      } catch (RuntimeException | Error e) {
        log.error("run {} failed", run.runId(), e);
        run.requestStop(StopReason.FAILED, "unexpected error: " + e);
        run.submit(run.commands().abandoned(c, "unexpected error: " + e));
      }
    }
  }
}
