package dev.orchestra.model;

/**
 * A channel from a {@link ModelProvider} back to the orchestrator: what the provider observed
 * about the service's health while answering, including failures it retried by itself.
 *
 * <p>Implementations supplied by the orchestrator are thread-safe and return quickly.
 */
public interface ProviderSignals {

  /** Signals that are dropped: for calls made outside an orchestrator. */
  ProviderSignals NONE =
      new ProviderSignals() {
        @Override
        public void rateLimited(String cause) {}

        @Override
        public void unstable(String cause) {}
      };

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
}
