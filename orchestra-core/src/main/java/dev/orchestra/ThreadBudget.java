package dev.orchestra;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A live limit on how many agents run at once, moved by a {@link BudgetPolicy} as the provider
 * reports trouble and success. Lowering the limit stops new starts only; running agents finish.
 *
 * <p>Thread-safe. Changes are queued under the budget's lock, so they keep the order they happened
 * in, and handed to the consumer given at construction outside it, one deliverer at a time, so the
 * consumer sees them in that order and may take other locks (never while calling {@link #signal}).
 */
final class ThreadBudget {
  /** A change of the limit, and why. */
  record Change(int from, int to, String cause) {}

  private final BudgetPolicy policy;
  private final Clock clock;
  private final Consumer<Change> onChange;
  private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
  private final ReentrantLock delivering = new ReentrantLock();
  private dev.orchestra.internal.exec.BudgetLadder.State state;

  ThreadBudget(BudgetPolicy policy, Clock clock, Consumer<Change> onChange) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.state = policy.initial(clock.instant());
  }
  synchronized int limit() {
    return policy.limit(state);
  }

  void signal(BudgetPolicy.Signal signal, String cause) {
    boolean changed;
    synchronized (this) {
      int from = policy.limit(state);
      java.time.Duration window = policy.windowBeforeStepUp(state);
      state = policy.next(state, signal, clock.instant());
      int to = policy.limit(state);
      changed = from != to;
      if (changed) {
        String why = dev.orchestra.internal.exec.BudgetLadder.why(BudgetPolicy.outcome(signal), cause, window);
        changes.add(new Change(from, to, why));
      }
    }
    if (changed) {
      // One deliverer at a time, so changes reach the consumer in the order they were queued.
      delivering.lock();
      try {
        Change c;
        while ((c = changes.poll()) != null) {
          onChange.accept(c);
        }
      } finally {
        delivering.unlock();
      }
    }
  }
}
