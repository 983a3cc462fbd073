package dev.orchestra.internal.exec;

import dev.orchestra.BudgetPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The steps of a {@link BudgetPolicy}: where the thread budget stands, and where a success or a
 * sign of trouble at a given time takes it. Pure functions of the policy, the state, the outcome and
 * the time, so the in-process engine (on its clock) and a Temporal workflow (on workflow time) step
 * the budget alike. See {@link BudgetPolicy} for the rules.
 */
public final class BudgetLadder {
  /**
   * How many stable windows the step back up to the limit at which trouble last stepped the budget
   * down waits; every other step up waits one.
   */
  public static final int CAUTION = 3;

  private BudgetLadder() {}

  /**
   * Where the budget stands.
   *
   * @param limit the current limit, between the floor and the top
   * @param lastChange when the budget last stepped down or up
   * @param lastTrouble when the provider last reported trouble, or the budget last stepped up
   * @param troubleLimit the limit at which trouble last stepped the budget down, until the budget
   *     is back at it; {@link Integer#MAX_VALUE} when none
   */
  public record State(int limit, Instant lastChange, Instant lastTrouble, int troubleLimit) {
    /** Validates the components. */
    public State {
      if (limit < 1) {
        throw new IllegalArgumentException("the limit must be at least 1, got " + limit);
      }
      Objects.requireNonNull(lastChange, "lastChange");
      Objects.requireNonNull(lastTrouble, "lastTrouble");
      if (troubleLimit <= limit && troubleLimit != Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the trouble limit must be above the limit " + limit + ", got " + troubleLimit);
      }
    }

    /**
     * A state with no remembered trouble limit.
     *
     * @param limit the current limit
     * @param lastChange when the budget last stepped down or up
     * @param lastTrouble when the provider last reported trouble, or the budget last stepped up
     */
    public State(int limit, Instant lastChange, Instant lastTrouble) {
      this(limit, lastChange, lastTrouble, Integer.MAX_VALUE);
    }
  }

  /**
   * Returns the starting state: the top of the ladder.
   *
   * @param policy the policy
   * @param now the current time
   * @return the state
   */
  public static State initial(BudgetPolicy policy, Instant now) {
    return new State(policy.top(), Instant.MIN, now);
  }

  /**
   * Returns the state after an outcome. Trouble steps down to the next rung of the ladder below the
   * current limit, unless the last change (down or up) was less than the policy's step-down spacing
   * ago or the floor is reached; success adds one to the limit, up to the top, once the stable
   * window has passed since the last trouble or step up ({@link #CAUTION} windows for the step onto
   * the limit at which trouble last stepped it down).
   *
   * @param policy the policy
   * @param state the current state
   * @param outcome what happened
   * @param now when
   * @return the next state, which may equal the current one
   */
  public static State next(BudgetPolicy policy, State state, TaskResult.Health.Kind outcome, Instant now) {
    return switch (outcome) {
      case RATE_LIMITED, UNSTABLE -> {
        boolean spaced = !now.isBefore(plus(state.lastChange(), policy.stepDownSpacing()));
        if (state.limit() > policy.floor() && spaced) {
          yield new State(rungBelow(policy, state.limit()), now, now, state.limit());
        }
        yield new State(state.limit(), state.lastChange(), now, state.troubleLimit());
      }
      case SUCCESS -> {
        boolean backToTrouble = stepsOntoTroubleLimit(state);
        if (state.limit() < policy.top() && !now.isBefore(plus(state.lastTrouble(), windowBeforeStepUp(policy, state)))) {
          // Stepping up restarts the window (the next step up needs another stable window) and
          // holds the new limit for the spacing, so it is tried before trouble can undo it.
          yield new State(state.limit() + 1, now, now, backToTrouble ? Integer.MAX_VALUE : state.troubleLimit());
        }
        yield state;
      }
    };
  }

  /**
   * How long the provider must be free of trouble before the budget steps up from a state: the
   * stable window, or {@link #CAUTION} of them when the step would reach the limit that caused the
   * last step down.
   *
   * @param policy the policy
   * @param state the state
   * @return the window
   */
  public static Duration windowBeforeStepUp(BudgetPolicy policy, State state) {
    return stepsOntoTroubleLimit(state) ? cautiousWindow(policy) : policy.stableWindow();
  }

  /**
   * Says why the limit changed, as a {@code BudgetChanged} event does.
   *
   * @param outcome the outcome that moved it
   * @param cause the outcome's one line (the call and its failure)
   * @param window the stable window the state before the change waited for, for a step up
   * @return one line
   */
  public static String why(TaskResult.Health.Kind outcome, String cause, Duration window) {
    return switch (outcome) {
      case RATE_LIMITED -> "rate limited: " + cause;
      case UNSTABLE -> "provider unstable: " + cause;
      case SUCCESS -> "stable for " + dev.orchestra.internal.io.Text.duration(window);
    };
  }

  private static boolean stepsOntoTroubleLimit(State state) {
    return state.limit() + 1 >= state.troubleLimit();
  }

  /** {@link #CAUTION} stable windows; a window too long to multiply is long enough already. */
  private static Duration cautiousWindow(BudgetPolicy policy) {
    try {
      return policy.stableWindow().multipliedBy(CAUTION);
    } catch (ArithmeticException e) {
      return policy.stableWindow();
    }
  }

  /** The highest rung strictly below a limit; the floor when none is. */
  private static int rungBelow(BudgetPolicy policy, int limit) {
    for (int rung : policy.ladder()) {
      if (rung < limit) {
        return rung;
      }
    }
    return policy.floor();
  }

  private static Instant plus(Instant t, Duration d) {
    if (t.equals(Instant.MIN)) {
      return Instant.MIN;
    }
    try {
      return t.plus(d);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return Instant.MAX; // a window longer than time itself: never over
    }
  }
}
