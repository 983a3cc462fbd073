package dev.orchestra.internal.store;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.internal.engine.LivePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What must happen in the order the run decided it, but need not hold the run's lock: journal
 * lines, listener calls and plan.md writes. Whoever finds the outbox free drains it; events queued
 * next to each other share one journal write, and their lines are on disk before any listener
 * hears of them. A plan write is left for the coordinating thread (see {@link #drainAll}): an
 * agent's thread never renders or writes plan.md, which takes a millisecond or more for a large
 * plan and would delay that agent's next model call. Thread-safe.
 */
public final class EventOutbox {
  /** What the outbox holds. */
  sealed interface Item permits EventItem, PlanWrite {}

  /** An event for the journal and the listeners. */
  record EventItem(OrchestraEvent event) implements Item {
    EventItem {
      Objects.requireNonNull(event);
    }
  }

  /** A copy of the plan to write to plan.md, after every event queued before it. */
  record PlanWrite(LivePlan.Copy plan) implements Item {
    PlanWrite {
      Objects.requireNonNull(plan);
    }
  }

  /** Events written in one journal write at most. */
  private static final int MAX_EVENTS_PER_WRITE = 64;

  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Journal journal;
  private final OrchestraListener listeners;
  private final Consumer<LivePlan.Copy> planWriter;
  private final Consumer<RuntimeException> journalFailed;
  private final Runnable planWaiting;

  /**
   * @param journal the run's journal
   * @param listeners every listener, as one
   * @param planWriter writes a plan copy to plan.md; runs in the outbox, in order
   * @param journalFailed told when the journal cannot be written (the run must stop)
   * @param planWaiting told when an agent's thread left a plan write for the coordinating thread
   */
  public EventOutbox(
      Journal journal, OrchestraListener listeners, Consumer<LivePlan.Copy> planWriter, Consumer<RuntimeException> journalFailed,
      Runnable planWaiting) {
    this.journal = journal;
    this.listeners = listeners;
    this.planWriter = planWriter;
    this.journalFailed = journalFailed;
    this.planWaiting = planWaiting;
  }

  /** Queues an event without delivering it; the caller drains later, outside its locks. */
  public void post(OrchestraEvent event) {
    queue.add(new EventItem(event));
  }

  /** Queues a plan write, after every event queued so far. */
  public void postPlan(LivePlan.Copy plan) {
    queue.add(new PlanWrite(plan));
  }

  /**
   * Delivers what is queued, up to a plan write, if no other thread is delivering; never waits for
   * that thread. For agents' threads.
   */
  public void drain() {
    while (!queue.isEmpty() && !(queue.peek() instanceof PlanWrite) && lock.tryLock()) {
      try {
        deliverQueued(false);
      } finally {
        lock.unlock();
      }
    }
    if (queue.peek() instanceof PlanWrite) {
      planWaiting.run();
    }
  }

  /** Delivers everything queued, plan writes too, waiting for a delivery in progress. For the coordinating thread. */
  public void drainAll() {
    lock.lock();
    try {
      deliverQueued(true);
    } finally {
      lock.unlock();
    }
    // What others queued meanwhile: they found the outbox taken and left it to this thread.
    while (!queue.isEmpty() && lock.tryLock()) {
      try {
        deliverQueued(true);
      } finally {
        lock.unlock();
      }
    }
  }

  private void deliverQueued(boolean writePlans) {
    List<OrchestraEvent> events = new ArrayList<>();
    Item item;
    while ((item = queue.peek()) != null) {
      if (item instanceof PlanWrite p) {
        if (!writePlans) {
          break; // left for the coordinating thread, with everything after it
        }
        queue.poll();
        deliver(events);
        planWriter.accept(p.plan());
        continue;
      }
      queue.poll();
      events.add(((EventItem) item).event());
      if (events.size() >= MAX_EVENTS_PER_WRITE) {
        deliver(events);
      }
    }
    deliver(events);
  }

  private void deliver(List<OrchestraEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    try {
      journal.append(events);
    } catch (RuntimeException e) {
      journalFailed.accept(e);
    }
    for (OrchestraEvent event : events) {
      listeners.onEvent(event);
    }
    events.clear();
  }
}
