package dev.orchestra;

import java.time.Clock;
import java.util.Objects;

/**
 * A live limit on how many agents run at once, moved by a {@link BudgetPolicy} as the provider
 * reports trouble and success. Lowering the limit stops new starts only; running agents finish.
 *
 * <p>Thread-safe. Changes are reported to the listener given at construction: recorded under the
 * budget's lock, so they stay in order, then acted on outside it.
 */
final class ThreadBudget {
  /** Told of every change. */
  interface ChangeListener {
    /**
     * Called under the budget's lock, so changes are reported in the order they happen: must
     * only record the change (queue an event), never wait or take another lock.
     */
    void budgetChanged(int from, int to, String cause);

    /** Called after a change, outside the lock: where to act on it. */
    void afterChange();
  }

  private final BudgetPolicy policy;
  private final Clock clock;
  private final ChangeListener listener;
  private BudgetPolicy.State state;

  ThreadBudget(BudgetPolicy policy, Clock clock, ChangeListener listener) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
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
        String why =
            switch (signal) {
              case RATE_LIMITED -> "rate limited: " + cause;
              case UNSTABLE -> "provider unstable: " + cause;
              case SUCCESS -> "stable for " + human(window);
            };
        listener.budgetChanged(from, to, why);
      }
    }
    if (changed) {
      listener.afterChange();
    }
  }

  static String human(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
