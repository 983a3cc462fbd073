package dev.orchestra.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.ResponseCreateParams;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.Orchestrator;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.openai.RetryPolicy;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The OpenAI provider's figures, against the fake server on loopback: (1) a 429 storm through the
 * orchestrator at several thread budgets; (2) client overhead side by side with OpenAI's own Java
 * SDK, and the streaming path's throughput.
 */
final class OpenAiBenchmark {
  private OpenAiBenchmark() {}

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "all" : args[0];
    System.out.printf(Locale.ROOT, "Orchestra OpenAI benchmark (%d cores, Java %s)%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (which.equals("all") || which.equals("storm")) {
      storm();
    }
    if (which.equals("all") || which.equals("client")) {
      client();
      streaming();
    }
  }

  // ---------------------------------------------------------------- 1. storm

  record StormResult(String label, double goodput, double share429, int requests, int throttled, String ladder) {}

  static void storm() throws Exception {
    int tasks = 500;
    int capacity = 9;
    Duration latency = Duration.ofMillis(20);
    System.out.println("1. Concurrency under a storm: 500 tasks, hidden capacity 9 concurrent requests, 20 ms latency;");
    System.out.println("   above capacity the server answers 429 with retry-after-ms: 20. Goodput = tasks / batch time.");
    // The batch lasts about a second, so the adaptive rows compress the policy's clock: each change
    // of limit holds 0.1 s (the default is 2 s) and the stable window is a few holds long. With a
    // 5 s window the run ends before the first step up: it shows the descent alone.
    BudgetPolicy compressed = BudgetPolicy.defaults().withStepDownSpacing(Duration.ofMillis(100));
    List<Object[]> configs = new ArrayList<>();
    configs.add(new Object[] {"fixed 12", BudgetPolicy.fixed(12)});
    configs.add(new Object[] {"fixed 8", BudgetPolicy.fixed(8)});
    configs.add(new Object[] {"adaptive 12->10->8, 0.3 s", compressed.withStableWindow(Duration.ofMillis(300))});
    configs.add(new Object[] {"adaptive 12->10->8, 0.5 s", compressed.withStableWindow(Duration.ofMillis(500))});
    configs.add(new Object[] {"adaptive 12->10->8, 5 s", compressed.withStableWindow(Duration.ofSeconds(5))});
    configs.add(new Object[] {"adaptive 12->11->10->9->8",
        new BudgetPolicy(List.of(12, 11, 10, 9, 8), 8, Duration.ofMillis(300), Duration.ofMillis(100))});
    configs.add(new Object[] {"fixed 9 (oracle)", BudgetPolicy.fixed(9)});
    run(tasks, capacity, latency, BudgetPolicy.fixed(9), "warm-up"); // JIT warm-up, not reported
    // Three rounds, each running every configuration once, so a slow minute of a shared machine
    // hits all of them alike; each row shows its median run, and the range of its ratio to the
    // oracle's median.
    int rounds = Integer.getInteger("storm.rounds", 3);
    List<List<StormResult>> runs = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      runs.add(new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < configs.size(); i++) {
        Object[] c = configs.get(i);
        runs.get(i).add(run(tasks, capacity, latency, (BudgetPolicy) c[1], (String) c[0]));
      }
    }
    List<StormResult> medians = new ArrayList<>();
    for (List<StormResult> r : runs) {
      List<StormResult> sorted = new ArrayList<>(r);
      sorted.sort(java.util.Comparator.comparingDouble(StormResult::goodput));
      medians.add(sorted.get(sorted.size() / 2));
    }
    double oracle = medians.get(medians.size() - 1).goodput();
    System.out.printf(Locale.ROOT, "   median of %d rounds; \"range\" is the lowest and highest run against the oracle's median%n", rounds);
    System.out.printf(Locale.ROOT, "   %-26s %10s %9s %13s %9s %9s  %s%n",
        "budget", "tasks/s", "vs oracle", "range", "requests", "429 share", "budget changes (median run)");
    for (int i = 0; i < medians.size(); i++) {
      StormResult m = medians.get(i);
      double low = runs.get(i).stream().mapToDouble(StormResult::goodput).min().orElse(0) / oracle;
      double high = runs.get(i).stream().mapToDouble(StormResult::goodput).max().orElse(0) / oracle;
      double share = runs.get(i).stream().mapToDouble(StormResult::share429).max().orElse(0);
      System.out.printf(Locale.ROOT, "   %-26s %10.1f %9.3f %6.3f-%.3f %9d %8.1f%%  %s%n",
          m.label(), m.goodput(), m.goodput() / oracle, low, high, m.requests(), share * 100, m.ladder());
    }
    System.out.println("   (429 share: the highest of the rounds)");
    System.out.println();
  }

  static StormResult run(int tasks, int capacity, Duration latency, BudgetPolicy policy, String label) throws Exception {
    Path ws = Files.createTempDirectory("orchestra-storm");
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording()) {
      server.capacity(capacity, Duration.ofMillis(20));
      String plan = plan(tasks);
      String done = "{\"whatChanged\":[\"x\"],\"commandsRun\":[],\"result\":\"done\"}";
      server.dispatcher(
          req -> {
            if (req.body().contains("You own the plan")) {
              return FakeReply.responsesJson(plan, List.of(), 10, 10);
            }
            return FakeReply.responsesJson(done, List.of(), 100, 10).withDelay(latency);
          });
      AtomicLong first = new AtomicLong(Long.MAX_VALUE);
      AtomicLong last = new AtomicLong();
      List<String> ladder = new ArrayList<>();
      OpenAiProvider provider =
          OpenAiProvider.builder()
              .baseUrl(server.baseUrl())
              .noApiKey()
              .stream(false)
              .retryPolicy(new RetryPolicy(100, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5)))
              .build();
      RunResult result;
      try (provider;
          Orchestrator o =
              Orchestrator.builder()
                  .workspace(ws)
                  .modelProvider(provider)
                  .roles(BuiltInRoles.minimalTeam())
                  .explorationProbes(List.of())
                  .budgetPolicy(policy)
                  .planWriteInterval(Duration.ofMillis(500))
                  .addListener(
                      e -> {
                        if (e instanceof OrchestraEvent.TaskStarted s && s.round() == 1) {
                          first.accumulateAndGet(System.nanoTime(), Math::min);
                        } else if (e instanceof OrchestraEvent.TaskFinished f && f.round() == 1 && f.taskId().startsWith("T")) { // plan tasks, not the release
                          last.accumulateAndGet(System.nanoTime(), Math::max);
                        } else if (e instanceof OrchestraEvent.BudgetChanged b) {
                          synchronized (ladder) {
                            ladder.add(b.from() + "->" + b.to());
                          }
                        }
                      })
                  .build()) {
        result = o.run("storm");
      }
      if (result.stopReason() != StopReason.GREEN) {
        throw new IllegalStateException(label + " did not finish: " + result);
      }
      double seconds = (last.get() - first.get()) / 1e9;
      int requests = server.requestCount() - 1; // the planner's request is not part of the batch
      return new StormResult(label, tasks / seconds, server.throttledCount() / (double) requests, requests, server.throttledCount(),
          ladder.isEmpty() ? "-" : String.join(" ", ladder));
    } finally {
      CoreBenchmark.deleteTree(ws);
    }
  }

  static String plan(int n) {
    return CoreBenchmark.planJson(n);
  }

  // ---------------------------------------------------------------- 2. client overhead

  static void client() throws Exception {
    System.out.println("2. Client overhead: requests per second at concurrency 12, fake server without latency,");
    System.out.println("   same non-streaming Responses request and answer for both clients; CPU is the process's");
    System.out.println("   (client, server and GC) per request, the lowest of the runs.");
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording()) {
      FakeReply answer = FakeReply.responsesJson("Hello! How can I help?", List.of(), 12, 7);
      server.dispatcher(req -> answer);
      OpenAiProvider ours =
          OpenAiProvider.builder().baseUrl(server.baseUrl()).apiKey(dev.orchestra.openai.ApiKey.of("sk-bench")).stream(false).build();
      // What an HTTPS server gets by default: the client's work on a pool (the JDK's own is a cached
      // pool too), not on its selector thread as over plain HTTP.
      ExecutorService clientPool = Executors.newCachedThreadPool();
      OpenAiProvider oursPooled =
          OpenAiProvider.builder().baseUrl(server.baseUrl()).apiKey(dev.orchestra.openai.ApiKey.of("sk-bench")).stream(false)
              .executor(clientPool).build();
      ModelRequest request =
          ModelRequest.builder().role("bench").taskId("b").model("gpt-4o").reasoningEffort(ReasoningEffort.LOW)
              .instructions("Be brief.").messages(List.of(Message.user("Say hi"))).build();
      OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl().toString()).apiKey("sk-bench").maxRetries(0).build();
      ResponseCreateParams params =
          ResponseCreateParams.builder().model("gpt-4o").instructions("Be brief.").input("Say hi").build();
      Supplier<Runnable> oursCall = () -> () -> ours.respond(request, ProviderSignals.NONE);
      Supplier<Runnable> pooledCall = () -> () -> oursPooled.respond(request, ProviderSignals.NONE);
      Supplier<Runnable> sdkCall = () -> () -> sdk.responses().create(params);
      // Warm up all, alternating, then measure each five times and keep the best. The process's
      // CPU time per request (client, fake server and GC together: the server's share is the same
      // for all) is a steadier figure than requests/s on a shared machine.
      for (int i = 0; i < 3; i++) {
        throughput(oursCall.get(), 12, 5_000);
        throughput(pooledCall.get(), 12, 5_000);
        throughput(sdkCall.get(), 12, 5_000);
      }
      Run bestOurs = null;
      Run bestPooled = null;
      Run bestSdk = null;
      for (int i = 0; i < 5; i++) {
        bestOurs = Run.better(bestOurs, throughput(oursCall.get(), 12, 6_000));
        bestPooled = Run.better(bestPooled, throughput(pooledCall.get(), 12, 6_000));
        bestSdk = Run.better(bestSdk, throughput(sdkCall.get(), 12, 6_000));
      }
      System.out.printf(Locale.ROOT, "   %-25s %8s %14s%n", "", "req/s", "CPU us/req");
      System.out.printf(Locale.ROOT, "   %-25s %8.0f %14.1f%n", "orchestra-openai", bestOurs.perSecond(), bestOurs.cpuMicros());
      System.out.printf(Locale.ROOT, "   %-25s %8.0f %14.1f   (the HTTPS default: the client's work on a pool)%n", "  with a client pool",
          bestPooled.perSecond(), bestPooled.cpuMicros());
      System.out.printf(Locale.ROOT, "   %-25s %8.0f %14.1f   (ours / SDK: %.2f requests/s, %.2f CPU per request)%n", "openai-java 4.8.0",
          bestSdk.perSecond(), bestSdk.cpuMicros(), bestOurs.perSecond() / bestSdk.perSecond(), bestOurs.cpuMicros() / bestSdk.cpuMicros());
      ours.close();
      oursPooled.close();
      clientPool.shutdown();
      sdk.close();
    }
    System.out.println();
  }

  /** One measured run: requests per second, and the process's CPU time per request in microseconds. */
  record Run(double perSecond, double cpuMicros) {
    /** The faster run; the lowest CPU per request is kept apart, as the two need not coincide. */
    static Run better(Run best, Run r) {
      return best == null ? r : new Run(Math.max(best.perSecond(), r.perSecond()), Math.min(best.cpuMicros(), r.cpuMicros()));
    }
  }

  static Run throughput(Runnable call, int threads, int total) throws InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger left = new AtomicInteger(total);
    CountDownLatch done = new CountDownLatch(threads);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      pool.execute(
          () -> {
            while (left.getAndDecrement() > 0) {
              call.run();
            }
            done.countDown();
          });
    }
    done.await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cpu = os.getProcessCpuTime() - cpu0;
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    return new Run(total / seconds, cpu / 1e3 / total);
  }

  static void streaming() throws Exception {
    System.out.println("3. Streaming: one Responses stream of ~40 MB of text deltas, through HTTP, the SSE reader");
    System.out.println("   and the assembler, on loopback.");
    StringBuilder text = new StringBuilder();
    String sentence = "The quick brown fox jumps over the lazy dog; naïve café — 日本語. ";
    while (text.length() < 3_000_000) {
      text.append(sentence);
    }
    FakeReply reply = FakeReply.responsesStream(text.toString(), List.of(), 1, 1);
    long bytes = reply.bodyText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording()) {
      server.dispatcher(req -> reply);
      try (OpenAiProvider p = OpenAiProvider.builder().baseUrl(server.baseUrl()).noApiKey().build()) {
        ModelRequest request =
            ModelRequest.builder().role("bench").taskId("s").model("gpt-4o").messages(List.of(Message.user("go"))).build();
        double best = 0;
        for (int i = 0; i < 5; i++) {
          long t0 = System.nanoTime();
          String got = p.respond(request, ProviderSignals.NONE).text();
          double s = (System.nanoTime() - t0) / 1e9;
          if (got.length() != text.length()) {
            throw new IllegalStateException("stream assembled wrongly");
          }
          if (i > 0) {
            best = Math.max(best, bytes / 1e6 / s);
          }
        }
        System.out.printf(Locale.ROOT, "   %.1f MB of SSE (%,d events) in the best run: %.0f MB/s%n", bytes / 1e6,
            reply.bodyText().split("\n\n").length, best);
      }
    }
    System.out.println();
  }
}
