package dev.orchestra;

import dev.orchestra.internal.exec.BudgetLadder;
import dev.orchestra.internal.exec.BudgetLadder.State;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides how many agents may run at once as the provider's health changes: step down a ladder
 * (by default 12 -> 10 -> 8) when the provider reports rate limiting or instability, and climb
 * back one agent at a time (8 -> 9 -> 10 -> 11 -> 12), one step per window with no trouble.
 *
 * <p>Down fast, up slowly, as congestion control does: a step down goes to the next rung below the
 * current limit at once, while each step up adds a single agent, so a provider whose real capacity
 * lies between two rungs (9, say, on the default ladder) is run at that capacity most of the time
 * rather than at the rung below it. The limit at which trouble last stepped the budget down is
 * remembered, and the one step back up onto it waits three stable windows instead of one, so a
 * capacity just below it is not overrun every window (9 when 10 was too many: 8 -> 9 after one
 * window, 9 -> 10 only after three). Each later step down replaces the remembered limit; trouble
 * at the floor or during a hold leaves it; it is forgotten once the budget is back at it. Every
 * change of limit holds for at least
 * {@link #stepDownSpacing}: after a step down, so that one burst of simultaneous failures counts
 * once; after a step up, so that the higher limit gets a fair trial and a single throttled request
 * right after it does not undo it at once.
 *
 * <p>A pure, immutable value. The orchestrator keeps the budget's state and asks the policy, on
 * each success or sign of trouble, for the next one; that step is a pure function of the state, the
 * signal and the time, package-private, so tests drive it directly without threads or sleeps.
 *
 * @param ladder the limits trouble steps down through, from the top (the starting budget) down,
 *     strictly decreasing, all positive
 * @param floor the lowest limit the policy steps down to; steps below it are dropped and the floor
 *     becomes the last step
 * @param stableWindow how long the provider must be free of trouble before the budget steps up
 * @param stepDownSpacing the least time a limit holds after any change before trouble steps it
 *     down; {@link Duration#ZERO} to step down on every signal
 */
public record BudgetPolicy(
    List<Integer> ladder, int floor, Duration stableWindow, Duration stepDownSpacing) {

  /** The default window without trouble before stepping up. */
  public static final Duration DEFAULT_STABLE_WINDOW = Duration.ofSeconds(30);

  /** The default least time a limit holds after a change before trouble steps it down. */
  public static final Duration DEFAULT_STEP_DOWN_SPACING = Duration.ofSeconds(2);

  /**
   * Validates the policy and applies the floor to the ladder.
   *
   * @throws IllegalArgumentException when the ladder is empty, not strictly decreasing, or has a
   *     non-positive step, or the floor is below 1, or a duration is negative
   */
  public BudgetPolicy {
    Objects.requireNonNull(ladder, "ladder");
    Objects.requireNonNull(stableWindow, "stableWindow");
    Objects.requireNonNull(stepDownSpacing, "stepDownSpacing");
    if (ladder.isEmpty()) {
      throw new IllegalArgumentException("the budget ladder needs at least one step");
    }
    for (int i = 0; i < ladder.size(); i++) {
      if (ladder.get(i) < 1) {
        throw new IllegalArgumentException("budget ladder steps must be at least 1, got " + ladder);
      }
      if (i > 0 && ladder.get(i) >= ladder.get(i - 1)) {
        throw new IllegalArgumentException("the budget ladder must strictly decrease, got " + ladder);
      }
    }
    if (floor < 1) {
      throw new IllegalArgumentException("the budget floor must be at least 1, got " + floor);
    }
    if (floor > ladder.get(0)) {
      throw new IllegalArgumentException(
          "the budget floor " + floor + " is above the top of the ladder " + ladder.get(0));
    }
    if (stableWindow.isNegative() || stepDownSpacing.isNegative()) {
      throw new IllegalArgumentException("budget durations must not be negative");
    }
    List<Integer> steps = new ArrayList<>();
    for (int step : ladder) {
      if (step > floor) {
        steps.add(step);
      }
    }
    steps.add(floor);
    ladder = List.copyOf(steps);
  }

  /**
   * Returns the default policy: down 12 -> 10 -> 8 on trouble, up one agent per 30 s stable window,
   * each change held 2 s.
   */
  public static BudgetPolicy defaults() {
    return startingAt(12);
  }

  /**
   * Returns the default ladder shape for a starting budget: the top, five sixths and two thirds of
   * it (12 gives 12 -> 10 -> 8; 6 gives 6 -> 5 -> 4), with the default timings.
   *
   * @param top the starting budget, at least 1
   * @return the policy
   */
  public static BudgetPolicy startingAt(int top) {
    if (top < 1) {
      throw new IllegalArgumentException("the thread budget must be at least 1, got " + top);
    }
    List<Integer> steps = new ArrayList<>();
    for (int step : new int[] {top, Math.round(top * 5 / 6f), Math.round(top * 2 / 3f)}) {
      if (step >= 1 && (steps.isEmpty() || step < steps.get(steps.size() - 1))) {
        steps.add(step);
      }
    }
    return new BudgetPolicy(
        steps, steps.get(steps.size() - 1), DEFAULT_STABLE_WINDOW, DEFAULT_STEP_DOWN_SPACING);
  }

  /**
   * Returns a policy that never changes the budget.
   *
   * @param limit the fixed budget
   * @return the policy
   */
  public static BudgetPolicy fixed(int limit) {
    return new BudgetPolicy(List.of(limit), limit, DEFAULT_STABLE_WINDOW, DEFAULT_STEP_DOWN_SPACING);
  }

  /**
   * Returns this policy with another stable window.
   *
   * @param window the window
   * @return the policy
   */
  public BudgetPolicy withStableWindow(Duration window) {
    return new BudgetPolicy(ladder, floor, window, stepDownSpacing);
  }

  /**
   * Returns this policy with another least time a change holds before trouble steps it down.
   *
   * @param spacing the spacing
   * @return the policy
   */
  public BudgetPolicy withStepDownSpacing(Duration spacing) {
    return new BudgetPolicy(ladder, floor, stableWindow, spacing);
  }

  /** Returns the starting budget: the top of the ladder. */
  public int top() {
    return ladder.get(0);
  }

  /** What the provider reported. */
  enum Signal {
    /** The provider throttled a request. */
    RATE_LIMITED,
    /** The provider failed in a way that suggests overload (5xx, timeout, dropped stream). */
    UNSTABLE,
    /** A request succeeded. */
    SUCCESS
  }

  /** The outcome a signal stands for, in the ladder's terms. */
  static dev.orchestra.internal.exec.TaskResult.Health.Kind outcome(Signal signal) {
    return switch (signal) {
      case SUCCESS -> dev.orchestra.internal.exec.TaskResult.Health.Kind.SUCCESS;
      case RATE_LIMITED -> dev.orchestra.internal.exec.TaskResult.Health.Kind.RATE_LIMITED;
      case UNSTABLE -> dev.orchestra.internal.exec.TaskResult.Health.Kind.UNSTABLE;
    };
  }

  /** Returns the starting state: the top of the ladder (see {@link BudgetLadder#initial}). */
  State initial(Instant now) {
    return BudgetLadder.initial(this, now);
  }

  /** Returns the limit a state stands for. */
  int limit(State state) {
    return state.limit();
  }

  /** Returns the state after a signal (see {@link BudgetLadder#next}). */
  State next(State state, Signal signal, Instant now) {
    return BudgetLadder.next(this, state, outcome(signal), now);
  }

  /** How long the provider must be free of trouble before the budget steps up from a state. */
  Duration windowBeforeStepUp(State state) {
    return BudgetLadder.windowBeforeStepUp(this, state);
  }
}
