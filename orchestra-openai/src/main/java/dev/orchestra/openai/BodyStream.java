package dev.orchestra.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} that a stream needs and the JDK's own does not give:
 * a read that waits longer than the idle timeout fails with {@link Idle}, and an interrupt of the
 * reading thread ends a blocked read with an {@link InterruptedIOException} and the interrupt
 * flag set (the JDK's {@code BodyHandlers.ofInputStream()} swallows the interrupt and keeps
 * waiting). Subscribe it to {@code BodyHandlers.ofPublisher()}'s body.
 *
 * <p>One reader thread; the HTTP client's threads deliver. Asks for one batch of buffers at a time.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
  /** No byte came within the idle timeout. */
  static final class Idle extends IOException {
    private static final long serialVersionUID = 1L;

    Idle(Duration timeout) {
      super("no data for " + timeout);
    }
  }

  private static final Object END = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Duration idleTimeout;
  private final long idleNanos; // saturated: a timeout of centuries must not overflow
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> batch;
  private ByteBuffer current;
  private boolean ended;
  private volatile boolean closed;

  BodyStream(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
    long nanos;
    try {
      nanos = idleTimeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    this.idleNanos = nanos;
  }

  // ------------------------------------------------------------------ the client's side

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  // ------------------------------------------------------------------ the reader's side

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  /** Makes {@link #current} a buffer with bytes left; false at the end of the body. */
  private boolean advance() throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (batch != null && batch.hasNext()) {
        current = batch.next();
        continue;
      }
      if (ended) {
        return false;
      }
      if (closed) {
        throw new IOException("the body stream is closed");
      }
      Object next;
      try {
        next = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the body");
      }
      if (next == null) {
        throw new Idle(idleTimeout);
      }
      if (next == END) {
        ended = true;
        return false;
      }
      if (next instanceof Throwable t) {
        ended = true;
        throw t instanceof IOException io ? io : new IOException(t.getClass().getSimpleName() + ": " + t.getMessage(), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> buffers = (List<ByteBuffer>) next;
      batch = buffers.iterator();
      current = null;
      subscription.request(1);
    }
    return true;
  }

  /** Stops the body: the client is told to cancel, whatever is still coming is dropped. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Flow.Subscription s = subscription;
      if (s != null && !ended) {
        s.cancel();
      }
      queue.clear();
    }
  }
}
