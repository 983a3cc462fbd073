package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.Sleeper;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A base URL nothing answers on: before the server has ever answered, a failure to connect is a
 * configuration error that fails at once, naming the host and port, and neither the provider nor
 * the orchestrator retries it; once the server has answered, a refused connection is a restarting
 * server and is retried as before.
 */
final class OpenAiProviderConnectTest {
  static final String KEY = "sk-test-ORCHESTRA-0123456789abcdef";

  @TempDir Path ws;
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  final List<String> signals = Collections.synchronizedList(new ArrayList<>());
  final ProviderSignals recording =
      new ProviderSignals() {
        @Override
        public void rateLimited(String cause) {
          signals.add("rate_limited: " + cause);
        }

        @Override
        public void unstable(String cause) {
          signals.add("unstable: " + cause);
        }
      };

  /** Sleeps for real, as the provider would, and records every wait: each one is a retry. */
  final Sleeper countingSleeper =
      d -> {
        waits.add(d);
        Sleeper.SYSTEM.sleep(d);
      };

  /** A loopback port that nothing listens on: bound, noted, and closed again. */
  static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * With the default retry policy (4 retries, backing off 0.5, 1, 2 and 4 s with jitter down to
   * 0.75, so at least 5.6 s), a refused connection to a provider that never connected is tried
   * once and fails as rejected, naming host and port and leaving out the key and user-info.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBaseUrlNothingListensOnFailsAtOnceNamingHostAndPort(boolean withUserInfo) throws Exception {
    int port = deadPort();
    String shown = "http://127.0.0.1:" + port + "/v1";
    URI base = URI.create(withUserInfo ? "http://someone:" + KEY + "@127.0.0.1:" + port + "/v1" : shown);
    try (OpenAiProvider p = OpenAiProvider.builder().baseUrl(base).apiKey(ApiKey.of(KEY)).sleeper(countingSleeper).build()) {
      long t0 = System.nanoTime();
      RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertEquals(
          "cannot connect to 127.0.0.1:" + port + " (" + shown + "): connection refused; is base_url right and the server running?",
          e.getMessage());
      assertFalse(e.getMessage().contains(KEY));
      assertFalse(e.getMessage().contains("someone"));
      assertFalse(e.isRetriable(), "the orchestrator must not retry it either");
      assertEquals(List.of(), waits, "tried once, no retry");
      assertEquals(List.of(), signals, "a wrong base URL is no instability of the server");
      // Far below the retry schedule's 5.6 s; not a timing assertion beyond that.
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }
  }

  /** An unknown host is a configuration error too; with no port in the URL, the scheme's is named. */
  @Test
  void anUnknownHostFailsAtOnceNamingHostAndDefaultPort() throws Exception {
    URI base = URI.create("http://no-such-host.invalid/v1");
    try (OpenAiProvider p = OpenAiProvider.builder().baseUrl(base).noApiKey().sleeper(countingSleeper).build()) {
      RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(
          "cannot connect to no-such-host.invalid:80 (http://no-such-host.invalid/v1): unknown host; is base_url right and the server running?",
          e.getMessage());
      assertEquals(List.of(), waits);
    }
  }

  /**
   * A listening socket whose accept queue is full answers no new connection (Linux drops the
   * SYN): a connect timeout, which before any answer is a configuration error as well.
   */
  @Test
  void aConnectTimeoutFailsAtOnceNamingHostAndPort() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = full.getLocalPort();
      List<Socket> queued = new ArrayList<>();
      try {
        boolean silent = false;
        for (int i = 0; i < 8 && !silent; i++) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            queued.add(s);
          } catch (SocketTimeoutException e) {
            s.close();
            silent = true;
          }
        }
        Assumptions.assumeTrue(silent, "this system does not leave a connect to a full accept queue unanswered");
        try (OpenAiProvider p =
            OpenAiProvider.builder().baseUrl(URI.create("http://127.0.0.1:" + port + "/v1")).noApiKey().sleeper(countingSleeper)
                .connectTimeout(Duration.ofMillis(300)).build()) {
          RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
          assertEquals(
              "cannot connect to 127.0.0.1:" + port + " (http://127.0.0.1:" + port + "/v1): no connection within 300 ms;"
                  + " is base_url right and the server running?",
              e.getMessage());
          assertEquals(List.of(), waits, "tried once, no retry");
        }
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  /**
   * A provider whose server answered once and then went away (a restart): the refused connection
   * is transient and retried as the policy allows, and the last failure still names host and port.
   */
  @Test
  void aProviderThatWasAnsweredOnceStillRetriesARefusedConnection() throws Exception {
    FakeOpenAiServer server = FakeOpenAiServer.start();
    int port = server.baseUrl().getPort();
    server.enqueue(FakeReply.responsesJson("first", List.of(), 1, 1));
    try (server;
        OpenAiProvider p =
            OpenAiProvider.builder()
                .baseUrl(server.baseUrl())
                .noApiKey()
                .stream(false)
                .sleeper(countingSleeper)
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5)))
                .build()) {
      assertEquals("first", p.respond(Requests.simple("gpt-5.4"), recording).text());
      server.close();
      TransientModelException e = assertThrows(TransientModelException.class, () -> p.respond(Requests.simple("gpt-5.4"), recording));
      assertEquals(2, waits.size(), "1 attempt + 2 retries: " + waits);
      assertEquals(2, signals.size(), "each retry reported as instability: " + signals);
      assertTrue(e.retriesSpent());
      assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + port + " (http://127.0.0.1:" + port + "/v1): "), e.getMessage());
      assertTrue(e.getMessage().endsWith("(after 3 attempts)"), e.getMessage());
    }
  }

  /**
   * Through the orchestrator, with the provider's own retries off (so the orchestrator's retries
   * would be the ones to apply): one model call, no retry, and the run stops saying where it
   * could not connect.
   */
  @Test
  void theOrchestratorDoesNotRetryItEither() throws Exception {
    int port = deadPort();
    List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    List<Duration> orchestratorWaits = Collections.synchronizedList(new ArrayList<>());
    RunResult result;
    try (OpenAiProvider provider =
            OpenAiProvider.builder().baseUrl(URI.create("http://127.0.0.1:" + port + "/v1")).noApiKey().retryPolicy(RetryPolicy.none()).build();
        Orchestrator orchestra =
            Orchestrator.builder()
                .workspace(ws)
                .modelProvider(provider)
                .explorationProbes(List.of())
                .roles(dev.orchestra.role.BuiltInRoles.minimalTeam())
                .sleeper(orchestratorWaits::add)
                .addListener(
                    e -> {
                      if (e instanceof OrchestraEvent.ModelCallFinished m) {
                        outcomes.add(m.outcome());
                      }
                    })
                .build()) {
      result = orchestra.run("Anything at all");
    }
    assertEquals(List.of(), orchestratorWaits, "the orchestrator waited to retry");
    assertEquals(List.of(ModelProviderException.Kind.REJECTED.name().toLowerCase(java.util.Locale.ROOT)), outcomes);
    assertEquals(StopReason.FAILED, result.stopReason(), result.message());
    assertTrue(result.message().contains("cannot connect to 127.0.0.1:" + port), result.message());
  }
}
