package dev.orchestra.openai;

import dev.orchestra.model.ModelProviderException;
import java.time.Duration;
import java.util.Optional;

/**
 * One failed attempt, before retries decide: the typed failure it maps to, whether it may be
 * retried, and the wait the server asked for.
 */
final class Failure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ModelProviderException mapped;
  private final boolean retriable;
  private final Duration serverWait; // null: none given

  Failure(ModelProviderException mapped, boolean retriable, Duration serverWait) {
    super(mapped.getMessage(), null, false, false);
    this.mapped = mapped;
    this.retriable = retriable;
    this.serverWait = serverWait;
  }

  ModelProviderException mapped() {
    return mapped;
  }

  boolean retriable() {
    return retriable;
  }

  Optional<Duration> serverWait() {
    return Optional.ofNullable(serverWait);
  }

  Failure notRetriable() {
    return new Failure(mapped, false, serverWait);
  }
}
