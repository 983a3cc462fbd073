package dev.orchestra.openai;

import dev.orchestra.model.ModelProviderException;
import java.time.Duration;
import java.util.Optional;

/**
 * One failed attempt, before retries decide: the typed failure it maps to, whether it may be
 * retried, the wait the server asked for, and whether it happened inside a stream that had
 * already started (those count against the stream retries, as Codex's {@code stream_max_retries}).
 */
final class Failure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ModelProviderException mapped;
  private final boolean retriable;
  private final Duration serverWait; // null: none given
  private final boolean inStream;

  Failure(ModelProviderException mapped, boolean retriable, Duration serverWait) {
    this(mapped, retriable, serverWait, false);
  }

  private Failure(ModelProviderException mapped, boolean retriable, Duration serverWait, boolean inStream) {
    super(mapped.getMessage(), null, false, false);
    this.mapped = mapped;
    this.retriable = retriable;
    this.serverWait = serverWait;
    this.inStream = inStream;
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

  /** Whether the failure came after a stream's 2xx headers: a dropped, idle or failed stream. */
  boolean inStream() {
    return inStream;
  }

  /** Returns this failure marked as one inside a started stream. */
  Failure asInStream() {
    return inStream ? this : new Failure(mapped, retriable, serverWait, true);
  }

  /** Returns this failure, never to be retried. */
  Failure notRetriable() {
    return retriable ? new Failure(mapped, false, serverWait, inStream) : this;
  }
}
