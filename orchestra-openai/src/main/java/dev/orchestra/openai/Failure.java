package dev.orchestra.openai;

import dev.orchestra.internal.retry.AttemptFailure;
import dev.orchestra.model.ModelProviderException;
import java.time.Duration;

/**
 * One failed attempt of this provider, before the retry decides: the typed failure it maps to,
 * whether it may be retried, the wait the server asked for, and whether it happened inside a
 * stream that had already started (those count against the stream retries, as Codex's {@code
 * stream_max_retries}).
 */
final class Failure extends AttemptFailure {
  private static final long serialVersionUID = 1L;

  Failure(ModelProviderException mapped, boolean retriable, Duration serverWait) {
    this(mapped, retriable, serverWait, false);
  }

  private Failure(ModelProviderException mapped, boolean retriable, Duration serverWait, boolean inStream) {
    super(mapped, retriable, serverWait, inStream);
  }

  ModelProviderException mapped() {
    return failure();
  }

  /** Returns this failure marked as one inside a started stream. */
  Failure asInStream() {
    return inStream() ? this : new Failure(mapped(), retriable(), serverWait().orElse(null), true);
  }

  /** Returns this failure, never to be retried. */
  Failure notRetriable() {
    return retriable() ? new Failure(mapped(), false, serverWait().orElse(null), inStream()) : this;
  }
}
