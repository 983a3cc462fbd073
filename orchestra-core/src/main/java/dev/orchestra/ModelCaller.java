package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.retry.AttemptFailure;
import dev.orchestra.internal.retry.Retrier;
import dev.orchestra.internal.retry.RetryRule;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.TokenUsage;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Every model call of a run: through the provider, retried by the shared {@link Retrier} when the
 * provider left a failure retriable, each call reported as a {@code ModelCallFinished} event and
 * each retry as a {@code RetryScheduled}, rate limits and instability fed to the thread budget.
 * Thread-safe: agents call it at once.
 */
final class ModelCaller {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration BASE_BACKOFF = Duration.ofMillis(500);

  private final RunContext run;
  /**
   * Retries of calls the provider did not retry itself: the retry the OpenAI provider uses, with
   * this run's attempts and backoff. A provider's final failure is never retried again (see {@link
   * ModelProviderException#isFinal()}).
   */
  private final Retrier retrier;

  ModelCaller(RunContext run) {
    this.run = run;
    OrchestratorConfig config = run.config();
    this.retrier = new Retrier(retryRule(config), config.sleeper(), run::jitter);
  }

  /** The run's retry rule for model calls, and for an agent's own attempts: its attempts and backoff. */
  static RetryRule retryRule(OrchestratorConfig config) {
    return new RetryRule(config.maxModelAttempts() - 1, 0, BASE_BACKOFF, MAX_BACKOFF, RetryRule.NO_CEILING);
  }

  /**
   * Calls the model; blocks until it answered or failed for good.
   *
   * @param events the calling agent's events, where the call's events go
   * @throws RunCancelled when the run was cancelled
   * @throws ModelProviderException when the call failed and is not retried (any more)
   */
  ModelResponse call(ModelRequest request, AgentEvents events) {
    CallSignals signals = new CallSignals(request, events);
    try {
      return retrier.call(() -> attempt(request, signals), (failed, wait, attempt) -> signals.retrying("orchestrator", failed.failure(), wait, attempt));
    } catch (Retrier.GaveUp g) {
      throw g.last().failure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunCancelled();
    }
  }

  private ModelResponse attempt(ModelRequest request, CallSignals signals) throws AttemptFailure {
    if (run.cancelled()) {
      throw new RunCancelled();
    }
    long t0 = System.nanoTime();
    try {
      ModelResponse response = run.config().provider().respond(request, signals);
      OrchestraEvent done = finished(request, response.usage(), t0, "ok");
      if (response.toolCalls().isEmpty()) {
        signals.events.observeWithNext(done); // the turn's last call: see AgentEvents
      } else {
        signals.events.observeWhenFree(done);
      }
      signals.events.signal(BudgetPolicy.Signal.SUCCESS, "");
      return response;
    } catch (ModelProviderException e) {
      signals.events.observe(finished(request, TokenUsage.ZERO, t0, e.kind().name().toLowerCase(Locale.ROOT)));
      if (run.cancelled()) {
        throw new RunCancelled();
      }
      String cause = request.role() + " on " + request.taskId() + ": " + Text.oneLine(e.getMessage());
      switch (e.kind()) {
        case RATE_LIMITED -> signals.events.signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
        case TRANSIENT -> signals.events.signal(BudgetPolicy.Signal.UNSTABLE, cause);
        default -> { } // the rule gives up on it
      }
      throw AttemptFailure.of(e);
    }
  }

  private OrchestraEvent finished(ModelRequest request, TokenUsage used, long t0, String outcome) {
    return new OrchestraEvent.ModelCallFinished(
        run.runId(), run.now(), request.role(), request.taskId(), request.model(), used,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), outcome);
  }

  /**
   * One model call's signals: the thread budget hears of every rate limit and instability, and each
   * retry, the run's or the provider's own, becomes a {@link OrchestraEvent.RetryScheduled} naming
   * the call.
   */
  private final class CallSignals implements ProviderSignals {
    private final ModelRequest request;
    private final AgentEvents events;

    CallSignals(ModelRequest request, AgentEvents events) {
      this.request = request;
      this.events = events;
    }

    @Override
    public void rateLimited(String cause) {
      events.signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
    }

    @Override
    public void unstable(String cause) {
      events.signal(BudgetPolicy.Signal.UNSTABLE, cause);
    }

    @Override
    public void retryScheduled(ModelProviderException failure, Duration delay, int attempt) {
      retrying(run.config().provider().name(), failure, delay, attempt);
    }

    void retrying(String retriedBy, ModelProviderException failure, Duration delay, int attempt) {
      events.observe(
          new OrchestraEvent.RetryScheduled(
              run.runId(), run.now(), request.role(), request.taskId(), request.model(), failure.kind(), Text.oneLine(failure.getMessage()),
              delay.toMillis(), attempt, retriedBy));
    }
  }
}
