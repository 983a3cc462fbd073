package dev.orchestra.internal.retry;

import java.time.Duration;
import java.util.Objects;

/** What {@link RetryRule#decide} says of a failed attempt: try again after a delay, or give up. */
public sealed interface RetryDecision {

  /**
   * Try again after {@code delay}.
   *
   * @param delay how long to wait first
   * @param taken the retries taken once this one is
   */
  record Retry(Duration delay, RetryRule.Taken taken) implements RetryDecision {
    /** Validates the components. */
    public Retry {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(taken, "taken");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got " + delay);
      }
    }
  }

  /**
   * Give up: the last failure stands.
   *
   * @param reason why
   * @param isFinal whether the decision is final, so that nobody else should retry the failure
   *     (see {@link dev.orchestra.model.ModelProviderException#isFinal()}): true unless the only
   *     reason was a budget of zero retries for this kind of failure, which leaves a caller's own
   *     retries to apply
   */
  record GiveUp(Reason reason, boolean isFinal) implements RetryDecision {
    /** Validates the components. */
    public GiveUp {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a retry gives up. */
  enum Reason {
    /** The failure is not one that another try can mend, or the server said not to retry. */
    NOT_RETRIABLE,
    /** The server asked for a longer wait than the rule honours. */
    WAIT_TOO_LONG,
    /** The retries allowed for this kind of failure are used up. */
    OUT_OF_RETRIES
  }
}
