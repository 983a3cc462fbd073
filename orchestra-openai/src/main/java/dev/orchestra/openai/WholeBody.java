package dev.orchestra.openai;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Collects a whole response body, asking for everything at once (a non-streamed answer arrives
 * fast), and can be cancelled: the JDK's own string subscriber cannot, so a body that stalls would
 * keep its connection reading after the caller gave up on it.
 */
final class WholeBody implements Flow.Subscriber<List<ByteBuffer>> {
  /** The body was longer than the collector takes. */
  static final class TooLarge extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long maxBytes) {
      super("the body is longer than " + maxBytes + " bytes");
    }
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> done = new CompletableFuture<>();
  private final long maxBytes;
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  /**
   * A collector that takes at most {@code maxBytes}: over plain HTTP it runs on the client's
   * selector thread, so a server that sends without end must not hold that thread (and every
   * other request on the client) or fill the heap.
   */
  WholeBody(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Completes with the body's bytes, or exceptionally with the transport's failure. */
  CompletableFuture<byte[]> result() {
    return done;
  }

  /** Stops the body: the client is told to cancel; the result never completes normally. */
  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    synchronized (bytes) {
      if (done.isDone()) {
        return;
      }
      for (ByteBuffer b : item) {
        if (bytes.size() + (long) b.remaining() > maxBytes) {
          done.completeExceptionally(new TooLarge(maxBytes));
          cancel();
          return;
        }
        if (b.hasArray()) {
          bytes.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
          b.position(b.limit());
        } else {
          byte[] chunk = new byte[b.remaining()];
          b.get(chunk);
          bytes.write(chunk, 0, chunk.length);
        }
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    synchronized (bytes) {
      if (!done.isDone()) {
        done.complete(bytes.toByteArray());
      }
    }
  }
}
