package dev.orchestra.temporal;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's own Java test server ({@code io.temporal:temporal-test-server}) as a gRPC server on
 * the loopback address, in real time (no time skipping): enough for workers and runs in other JVMs
 * of this machine to try Orchestra on Temporal without installing anything. In memory only; not for
 * production. The caller adds {@code temporal-test-server} to its class path (it is an optional
 * dependency of this module).
 *
 * <p>As a program ({@link #main}): listens on the port given (7233 by default, 0 for any free one),
 * prints {@code listening on 127.0.0.1:PORT} on a line of its own, and exits when its standard input
 * ends, so a parent that dies takes it along.
 */
public final class LocalTemporalServer implements AutoCloseable {
  /** The line a server started by {@link #main} prints first, before its port. */
  public static final String LISTENING = "listening on 127.0.0.1:";

  private final TestServicesStarter services;
  private final Server server;

  private LocalTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /**
   * Starts a server on the loopback address.
   *
   * @param port the port, or 0 for any free one
   * @return the server, started
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static LocalTemporalServer start(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0); // real time: no skipping
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), InsecureServerCredentials.create());
    HealthStatusManager health = new HealthStatusManager();
    builder.addService(health.getHealthService());
    for (BindableService s : services.getServices()) {
      builder.addService(s);
      // Temporal's clients ask for their service's health by its gRPC name before the first call.
      health.setStatus(s.bindService().getServiceDescriptor().getName(), HealthCheckResponse.ServingStatus.SERVING);
    }
    try {
      return new LocalTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  /** Returns the port it listens on. */
  public int port() {
    return server.getPort();
  }

  /** Returns {@code 127.0.0.1:PORT}, the target for Temporal's clients. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  /** Stops the server; what it held is gone. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }

  /**
   * Runs a server until standard input ends.
   *
   * @param args the port, optionally (7233 by default; 0 for any free one)
   * @throws IOException when standard input cannot be read
   */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7233;
    try (LocalTemporalServer server = start(port)) {
      System.out.println(LISTENING + server.port());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() != -1) {
        // Nothing is read from it: its end is the signal to stop.
      }
    }
    // A thread gRPC or the server left behind must not keep this process alive after its parent.
    System.exit(0);
  }
}
