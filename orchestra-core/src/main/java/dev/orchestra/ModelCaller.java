package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.TokenUsage;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Every model call of a run: through the provider, with the run's retries for failures the
 * provider left retriable, each call reported as a {@code ModelCallFinished} event, and rate
 * limits and instability fed to the thread budget. Thread-safe: agents call it at once.
 */
final class ModelCaller {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration BASE_BACKOFF = Duration.ofMillis(500);

  private final RunEngine run;
  private final ProviderSignals signals;

  ModelCaller(RunEngine run) {
    this.run = run;
    this.signals =
        new ProviderSignals() {
          @Override
          public void rateLimited(String cause) {
            run.budget().signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
          }

          @Override
          public void unstable(String cause) {
            run.budget().signal(BudgetPolicy.Signal.UNSTABLE, cause);
          }
        };
  }

  /**
   * Calls the model; blocks until it answered or failed for good.
   *
   * @throws RunCancelled when the run was cancelled
   * @throws ModelProviderException when the call failed and is not retried (any more)
   */
  ModelResponse call(ModelRequest request) {
    OrchestratorConfig config = run.config();
    for (int attempt = 1; ; attempt++) {
      if (run.cancelled()) {
        throw new RunCancelled();
      }
      long t0 = System.nanoTime();
      try {
        ModelResponse response = config.provider().respond(request, signals);
        run.observe(finished(request, response.usage(), t0, "ok"));
        run.budget().signal(BudgetPolicy.Signal.SUCCESS, "");
        return response;
      } catch (ModelProviderException e) {
        run.observe(finished(request, TokenUsage.ZERO, t0, e.kind().name().toLowerCase(Locale.ROOT)));
        if (run.cancelled()) {
          throw new RunCancelled();
        }
        String cause = request.role() + " on " + request.taskId() + ": " + Text.oneLine(e.getMessage());
        switch (e.kind()) {
          case RATE_LIMITED -> run.budget().signal(BudgetPolicy.Signal.RATE_LIMITED, cause);
          case TRANSIENT -> run.budget().signal(BudgetPolicy.Signal.UNSTABLE, cause);
          default -> throw e;
        }
        if (!e.isRetriable() || attempt >= config.maxModelAttempts()) {
          throw e; // a provider that retried on its own has the last word on its retries
        }
        try {
          config.sleeper().sleep(backoff(attempt, e));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new RunCancelled();
        }
      }
    }
  }

  private Duration backoff(int attempt, ModelProviderException e) {
    Optional<Duration> hint = e instanceof RateLimitedException r ? r.retryAfter() : Optional.empty();
    if (hint.isPresent()) {
      // Honour the server's wait; a little jitter keeps parallel agents from returning together.
      long extra = (long) (hint.get().toMillis() * 0.1 * run.jitter());
      return hint.get().plusMillis(extra);
    }
    long ceiling = Math.min(MAX_BACKOFF.toMillis(), BASE_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
    return Duration.ofMillis((long) (ceiling * (0.5 + 0.5 * run.jitter())));
  }

  private OrchestraEvent finished(ModelRequest request, TokenUsage used, long t0, String outcome) {
    return new OrchestraEvent.ModelCallFinished(
        run.runId(), run.now(), request.role(), request.taskId(), request.model(), used,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), outcome);
  }
}
