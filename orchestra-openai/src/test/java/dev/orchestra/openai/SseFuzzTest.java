package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated server-sent event streams and JSON bodies: the reader and assemblers answer with a
 * response or a typed failure, never anything else, and never hang.
 */
final class SseFuzzTest {
  static final long SEED = Long.getLong("orchestra.fuzz.seed", 20261124L);
  static final int ITERATIONS = Integer.getInteger("orchestra.fuzz.iterations", 1_500);

  @org.junit.jupiter.api.AfterAll
  static void report() {
    System.out.println("RELIABILITY fuzz-sse: " + ITERATIONS + " rounds of mutated SSE streams, and mutated HTTP bodies, seed " + SEED + "; a response or a typed failure each");
  }

  static String mutate(String s, Random r) {
    StringBuilder b = new StringBuilder(s);
    String alphabet = "\n\r :{}[]\",0123456789abcdefghijklmnopqrstuvwxyz._\u00e9";
    for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
      int at = b.length() == 0 ? 0 : r.nextInt(b.length());
      switch (r.nextInt(4)) {
        case 0 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
        case 1 -> b.delete(at, Math.min(b.length(), at + 1 + r.nextInt(30)));
        case 2 -> {
          if (b.length() > 0) {
            b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
          }
        }
        default -> b.insert(at, b.substring(at, Math.min(b.length(), at + 1 + r.nextInt(60))));
      }
    }
    return b.toString();
  }

  @Test
  void mutatedStreamsGiveAResponseOrATypedFailure() {
    List<String[]> calls = List.<String[]>of(new String[] {"c1", "write_file", "{\"path\":\"a\",\"content\":\"b\"}"});
    String responses = FakeReply.responsesStream("hello there", calls, 10, 5).bodyText();
    String chat = FakeReply.chatStream("hello there", calls, 10, 5).bodyText();
    String responsesRefusal = FakeReply.responsesRefusalStream("I can't help with that.", 10, 5).bodyText();
    String chatRefusal = FakeReply.chatRefusalStream("I can't help with that.", 10, 5).bodyText();
    Random r = new Random(SEED);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < ITERATIONS; i++) {
            boolean useChat = i % 2 == 1;
            boolean refusal = i % 4 >= 2;
            String input = mutate(useChat ? (refusal ? chatRefusal : chat) : (refusal ? responsesRefusal : responses), r);
            try {
              SseReader reader = new SseReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
              SseReader.Event e;
              if (useChat) {
                ChatWire.Assembler a = new ChatWire.Assembler("fuzz", null, null);
                while ((e = reader.next()) != null && !a.accept(e)) {
                  // read on
                }
                a.result();
              } else {
                ResponsesWire.Assembler a = new ResponsesWire.Assembler("fuzz", null, null);
                while ((e = reader.next()) != null && !a.accept(e)) {
                  // read on
                }
                a.result();
              }
            } catch (Failure expected) {
              // a typed failure: fine
            } catch (Exception other) {
              fail("iteration " + i + " (seed " + SEED + ") threw " + other + " for:\n" + input, other);
            }
          }
        });
  }

  @Test
  void mutatedBodiesOverHttpGiveAResponseOrATypedFailure() throws Exception {
    String json = FakeReply.responsesJson("hello", List.of(), 3, 1).bodyText();
    String stream = FakeReply.responsesStream("hello", List.of(), 3, 1).bodyText();
    Random r = new Random(SEED + 1);
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording()) {
      server.dispatcher(
          req -> {
            synchronized (r) {
              int status = r.nextInt(10) == 0 ? List.of(400, 401, 429, 500, 503).get(r.nextInt(5)) : 200;
              boolean sse = req.header("accept").orElse("").contains("event-stream");
              String body = mutate(sse ? stream : json, r);
              return FakeReply.of(status, sse ? "text/event-stream" : "application/json", body);
            }
          });
      assertTimeoutPreemptively(
          Duration.ofSeconds(90),
          () -> {
            for (boolean streaming : new boolean[] {true, false}) {
              try (OpenAiProvider p =
                  OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().stream(streaming).retryPolicy(RetryPolicy.none())
                      .streamIdleTimeout(Duration.ofSeconds(2)).build()) {
                for (int i = 0; i < 200; i++) {
                  try {
                    p.respond(Requests.simple("gpt-5.4"), ProviderSignals.NONE);
                  } catch (ModelProviderException expected) {
                    // typed: fine
                  }
                }
              }
            }
          });
    }
  }
}
