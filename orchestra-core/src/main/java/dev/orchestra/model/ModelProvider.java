package dev.orchestra.model;

/**
 * The one thing Orchestra needs from a model: answer one request.
 *
 * <p>Implementations must be thread-safe: the orchestrator calls {@link #respond} from as many
 * threads at once as its thread budget allows. A call blocks until the answer is complete. When the
 * calling thread is interrupted, an implementation should stop waiting and throw a {@link
 * TransientModelException}.
 *
 * <p>Failures are reported by throwing one of the typed {@link ModelProviderException}s, so the
 * orchestrator can tell a rate limit (slow down, retry later) from a rejected request (never
 * retry). A provider that retries internally should still report what it saw through the {@link
 * ProviderSignals} it is given, so the orchestrator's thread budget can react to a 429 the provider
 * absorbed itself, and each retry through {@link ProviderSignals#retryScheduled}, so it appears
 * among the run's events. Such a provider has the last word on retrying: a failure it throws
 * after its own retry decided about it is {@linkplain ModelProviderException#isFinal() final},
 * and the orchestrator does not retry it again.
 */
public interface ModelProvider {

  /**
   * Sends one request and returns the complete answer.
   *
   * @param request the request
   * @param signals where to report rate limits and instability seen while answering; never null
   * @return the answer
   * @throws ModelProviderException when the request fails for good
   */
  ModelResponse respond(ModelRequest request, ProviderSignals signals);

  /** Returns a short name for logs and events, for example {@code openai}. */
  default String name() {
    return getClass().getSimpleName();
  }
}
