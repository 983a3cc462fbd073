package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class WholeBodyTest {

  @Test
  void collectsHeapAndDirectBuffersInOrder() throws Exception {
    WholeBody body = new WholeBody(1_000);
    try (SubmissionPublisher<List<ByteBuffer>> publisher = new SubmissionPublisher<>(Runnable::run, 16)) {
      publisher.subscribe(body);
      ByteBuffer direct = ByteBuffer.allocateDirect(3);
      direct.put("def".getBytes(StandardCharsets.UTF_8)).flip();
      ByteBuffer sliced = ByteBuffer.wrap("xxghiyy".getBytes(StandardCharsets.UTF_8), 2, 3).slice();
      publisher.submit(List.of(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)), direct));
      publisher.submit(List.of(sliced));
    }
    assertArrayEquals("abcdefghi".getBytes(StandardCharsets.UTF_8), body.result().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aBodyLongerThanTheLimitFailsAndIsCancelled() throws Exception {
    WholeBody body = new WholeBody(10);
    SubmissionPublisher<List<ByteBuffer>> publisher = new SubmissionPublisher<>(Runnable::run, 16);
    publisher.subscribe(body);
    publisher.submit(List.of(ByteBuffer.wrap(new byte[8])));
    assertEquals(1, publisher.getNumberOfSubscribers());
    publisher.submit(List.of(ByteBuffer.wrap(new byte[8])));
    ExecutionException e = assertThrows(ExecutionException.class, () -> body.result().get(5, TimeUnit.SECONDS));
    assertInstanceOf(WholeBody.TooLarge.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("10 bytes"), e.getCause().getMessage());
    assertEquals(0, publisher.getNumberOfSubscribers(), "the subscription was cancelled");
    publisher.close(); // a late completion changes nothing
    assertTrue(body.result().isCompletedExceptionally());
  }
}
