package dev.orchestra.model;

import java.time.Duration;

/**
 * A channel from a {@link ModelProvider} back to the orchestrator: what the provider observed
 * about the service's health while answering, including failures it retried by itself.
 *
 * <p>Implementations supplied by the orchestrator are thread-safe and return quickly. The
 * orchestrator gives each model call signals of its own, so what a provider reports is tied to the
 * call (role, task, model) it was reported for.
 */
public interface ProviderSignals {

  /** Signals that are dropped: for calls made outside an orchestrator. */
  ProviderSignals NONE = new DroppedSignals();

  /**
   * Reports that the service throttled a request (for example an HTTP 429).
   *
   * @param cause a short description for events, for example {@code "429 from /v1/responses"};
   *     never a secret
   */
  void rateLimited(String cause);

  /**
   * Reports that the service failed in a way that suggests overload or instability (a 5xx, a
   * timeout, a dropped stream).
   *
   * @param cause a short description for events; never a secret
   */
  void unstable(String cause);

  /**
   * Reports that the provider will try a failed request again by itself, after a wait: called once
   * per retry, before the wait. The orchestrator records it as a {@code
   * RetryScheduled} event, as it does for the retries it makes itself. Also report the failure
   * through {@link #rateLimited} or {@link #unstable}, which drive the thread budget. Does nothing
   * by default.
   *
   * @param failure the failure being retried; its message never contains a secret
   * @param delay how long before the next attempt
   * @param attempt the number of the attempt the wait leads to: 2 for the first retry
   */
  default void retryScheduled(ModelProviderException failure, Duration delay, int attempt) {}
}
