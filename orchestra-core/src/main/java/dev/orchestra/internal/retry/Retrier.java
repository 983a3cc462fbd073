package dev.orchestra.internal.retry;

import dev.orchestra.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Runs a call's attempts as its {@link RetryRule} decides, waiting between them on the injected
 * {@link Sleeper}: the only retry loop for model calls. One instance serves every call of its
 * owner (an orchestrator, a provider) and holds no state between calls; thread-safe when the
 * jitter source is.
 */
public final class Retrier {
  private final RetryRule rule;
  private final Sleeper sleeper;
  private final DoubleSupplier jitter;

  /**
   * Creates the retrier.
   *
   * @param rule what is retried and how long to wait
   * @param sleeper how to wait; tests give one that advances a manual clock
   * @param jitter samples in [0, 1) for the backoff's jitter, called once per failed attempt
   */
  public Retrier(RetryRule rule, Sleeper sleeper, DoubleSupplier jitter) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  /** Returns the rule. */
  public RetryRule rule() {
    return rule;
  }

  /**
   * One attempt of a call.
   *
   * @param <T> the answer
   */
  @FunctionalInterface
  public interface Attempt<T> {
    /**
     * Makes the attempt.
     *
     * @return the answer
     * @throws AttemptFailure when it failed in a way the rule decides about; unchecked exceptions
     *     end the call as they are
     */
    T run() throws AttemptFailure;
  }

  /** Told of each retry before its wait. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called on the calling thread once a retry is decided, before waiting for it.
     *
     * @param failure the failure being retried
     * @param wait how long before the next attempt
     * @param nextAttempt the number of the attempt the wait leads to: 2 for the first retry
     */
    void retrying(AttemptFailure failure, Duration wait, int nextAttempt);
  }

  /**
   * Makes attempts until one answers or the rule gives up.
   *
   * @param <T> the answer
   * @param attempt one attempt
   * @param listener told of each retry
   * @return the answer
   * @throws GaveUp when the rule gave up; it carries the last failure
   * @throws InterruptedException when the thread was interrupted before or during a wait (the
   *     flag is then clear, as usual)
   */
  public <T> T call(Attempt<T> attempt, Listener listener) throws GaveUp, InterruptedException {
    RetryRule.Taken taken = RetryRule.Taken.NONE;
    for (int number = 1; ; number++) {
      try {
        return attempt.run();
      } catch (AttemptFailure failed) {
        RetryDecision decision = rule.decide(taken, failed, jitter.getAsDouble());
        if (decision instanceof RetryDecision.GiveUp giveUp) {
          throw new GaveUp(failed, number, giveUp);
        }
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted before a retry");
        }
        RetryDecision.Retry retry = (RetryDecision.Retry) decision;
        listener.retrying(failed, retry.delay(), number + 1);
        sleeper.sleep(retry.delay());
        taken = retry.taken();
      }
    }
  }

  /** The rule gave up on a call: its last failure, how many attempts were made, and why. */
  public static final class GaveUp extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient AttemptFailure last;
    private final int attempts;
    private final transient RetryDecision.GiveUp decision;

    GaveUp(AttemptFailure last, int attempts, RetryDecision.GiveUp decision) {
      super(last.getMessage(), null, false, false);
      this.last = last;
      this.attempts = attempts;
      this.decision = decision;
    }

    /** Returns the last attempt's failure. */
    public AttemptFailure last() {
      return last;
    }

    /** Returns how many attempts were made, the last one included. */
    public int attempts() {
      return attempts;
    }

    /** Returns why the rule gave up. */
    public RetryDecision.Reason reason() {
      return decision.reason();
    }

    /** Returns whether nobody else should retry the failure (see {@link RetryDecision.GiveUp#isFinal()}). */
    public boolean isFinal() {
      return decision.isFinal();
    }
  }
}
