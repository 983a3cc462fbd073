package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import java.util.ArrayList;
import java.util.List;

/**
 * One agent's events on their way into the run, kept in the order the agent produced them.
 *
 * <p>A model call's end decides nothing but the run's token count. When another thread holds the
 * run's lock, it waits here instead of putting the agent to sleep behind that thread, and goes in
 * with the agent's next event: at the latest the task's end, which takes the lock anyway. With
 * twelve agents whose model answers at once on two cores, that wait was the largest part of the
 * orchestration's cost per task. The end of a call that answered without asking for a tool waits
 * for the agent's next event whether the lock is free or not: that answer ends the agent's turn, so
 * its next event follows with nothing to wait on but the agent's own work: for a plan task, its end
 * (after, in a worktree, the task's commit), which goes in with it under one hold of the lock and
 * one journal write; or the call that asks again for a well-formed answer. A token limit is
 * therefore checked at most one event of the agent late, and a crash in between loses that call's
 * tokens from the journal along with the task's end (the task then runs again).
 *
 * <p>Thread-safe: an agent may report from threads of its own. Every method may block for the
 * run's lock except {@link #observeWhenFree} and {@link #observeWithNext}, before the task's end.
 */
final class AgentEvents {
  private final RunContext run;
  /** Events not yet fed, oldest first. Guarded by this. */
  private final List<OrchestraEvent> waiting = new ArrayList<>();
  /**
   * Whether the task's end went in: nothing feeds the waiting events after it, so every later event
   * (a Codex reader's last report, say) goes in at once. Guarded by this.
   */
  private boolean ended;

  AgentEvents(RunContext run) {
    this.run = run;
  }

  /** Feeds an event now, after any that wait; blocks for the run's lock. */
  synchronized void observe(OrchestraEvent event) {
    if (waiting.isEmpty()) {
      run.observe(event);
      return;
    }
    waiting.add(event);
    run.observeAll(takeWaiting());
  }

  /**
   * Feeds an event that only adds to the run's counts (a model call's end): now when the run's lock
   * is free, otherwise with this agent's next event. Waits for the lock only after the task's end.
   */
  synchronized void observeWhenFree(OrchestraEvent event) {
    if (ended) {
      observe(event);
      return;
    }
    waiting.add(event);
    boolean fed;
    try {
      fed = run.tryObserveAll(List.copyOf(waiting));
    } catch (RuntimeException | Error e) {
      waiting.clear(); // fed, or part-way: never again
      throw e;
    }
    if (fed) {
      waiting.clear();
    }
  }

  /**
   * Keeps an event that only adds to the run's counts (the end of a model call that answered
   * without asking for a tool) until this agent's next event; feeds it at once after the task's
   * end. Never waits for the lock before the task's end.
   */
  synchronized void observeWithNext(OrchestraEvent event) {
    if (ended) {
      observe(event);
      return;
    }
    waiting.add(event);
  }

  /** Feeds what waits, if anything; blocks for the run's lock. For an agent's end: later events go in at once. */
  synchronized void flush() {
    ended = true;
    if (!waiting.isEmpty()) {
      run.observeAll(takeWaiting());
    }
  }

  /**
   * Feeds what waits and then the task's last event, under one hold of the run's lock.
   *
   * @return the agents' tasks the machine starts next, for the caller to start
   */
  synchronized List<Command.RunTask> feedWith(OrchestraEvent last) {
    ended = true;
    waiting.add(last);
    return run.feedAll(takeWaiting());
  }

  /** Tells the run's thread budget how a model call or an attempt of this task went. */
  void signal(BudgetPolicy.Signal signal, String cause) {
    run.signal(signal, cause);
  }

  /** Adds risks this task found to the run's plan, with why. */
  void noteRisks(String reason, List<String> risks) {
    run.noteRisks(reason, risks);
  }

  /** The waiting events, taken out before they are fed, so a failure part-way never feeds one twice. */
  private List<OrchestraEvent> takeWaiting() {
    List<OrchestraEvent> taken = List.copyOf(waiting);
    waiting.clear();
    return taken;
  }
}
