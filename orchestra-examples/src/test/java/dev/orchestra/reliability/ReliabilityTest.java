package dev.orchestra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateResult;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.gate.Verdict;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.openai.ApiKey;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.openai.RetryPolicy;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, hostile input, secrets and load, end to end. Each scenario prints one
 * {@code RELIABILITY} line with its figures; RELIABILITY.md collects them.
 */
final class ReliabilityTest {
  static final String FAKE_KEY = "sk-orchestra-FAKE-KEY-0000-SECRET-9999";
  static final String DONE = "{\"whatChanged\":[\"x\"],\"commandsRun\":[],\"result\":\"done\"}";

  @TempDir Path ws;

  static String plan(int n) {
    return dev.orchestra.testing.RoleAnswers.plan(dev.orchestra.testing.RoleAnswers.independentTasks(n));
  }

  /** Counts TaskStarted per task and keeps the budget's moves. */
  static final class Tally implements dev.orchestra.event.OrchestraListener {
    final Map<String, Integer> starts = new HashMap<>();
    final List<Integer> budget = new ArrayList<>();
    final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void onEvent(OrchestraEvent e) {
      lines.add(dev.orchestra.internal.json.EventJson.line(e));
      if (e instanceof OrchestraEvent.TaskStarted s) {
        starts.merge(s.taskId(), 1, Integer::sum);
      } else if (e instanceof OrchestraEvent.BudgetChanged b) {
        budget.add(b.to());
      }
    }
  }

  @Test
  void providerFaultsEveryTaskEndsOnceAndTheBudgetRecovers() throws Exception {
    int tasks = 110;
    int faulty = 50; // T1..T50 meet faults; the rest run calmly, so the budget can recover
    java.util.regex.Pattern taskOf = java.util.regex.Pattern.compile("\"orchestra_task\":\"T(\\d+)\"");
    Random random = new Random(42);
    AtomicInteger injected = new AtomicInteger();
    AtomicInteger implementerRequests = new AtomicInteger();
    Map<String, AtomicInteger> faults = Collections.synchronizedMap(new HashMap<>());
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      FakeReply ok = FakeReply.responsesStream(DONE, List.of(), 50, 10);
      server.dispatcher(
          req -> {
            if (req.body().contains("You own the plan")) {
              return FakeReply.responsesStream(plan(tasks), List.of(), 10, 10);
            }
            implementerRequests.incrementAndGet();
            java.util.regex.Matcher m = taskOf.matcher(req.body());
            if (m.find() && Integer.parseInt(m.group(1)) > faulty) {
              return ok.withDelay(Duration.ofMillis(60));
            }
            int roll;
            synchronized (random) {
              roll = random.nextInt(100);
            }
            String fault =
                roll < 15 ? "429 throttling" : roll < 20 ? "5xx" : roll < 25 ? "connection reset" : roll < 30 ? "stream cut mid-event"
                    : roll < 33 ? "idle stream" : roll < 36 ? "malformed JSON" : roll < 41 ? "slow server" : null;
            if (fault == null) {
              return ok;
            }
            injected.incrementAndGet();
            faults.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
            return switch (fault) {
              case "429 throttling" -> FakeReply.error(429, "requests", "rate_limit_exceeded", "Please try again in 20ms.").withHeader("retry-after-ms", "20");
              case "5xx" -> FakeReply.error(503, "server_error", null, "overloaded");
              case "connection reset" -> FakeReply.dropConnection();
              case "stream cut mid-event" -> ok.cutAfter(90);
              case "idle stream" -> ok.stallAfter(40, Duration.ofSeconds(2));
              // A whole event (ended by its blank line) whose data is broken JSON.
              case "malformed JSON" -> FakeReply.of(200, "text/event-stream", "event: response.created\ndata: {\"type\":\"response.created\",\"resp\n\n");
              default -> ok.withDelay(Duration.ofMillis(300));
            };
          });
      Tally tally = new Tally();
      RunResult result;
      try (StderrCapture logs = new StderrCapture();
          OpenAiProvider provider =
              OpenAiProvider.builder().baseUrl(server.baseUrl()).apiKey(ApiKey.of(FAKE_KEY))
                  .retryPolicy(new RetryPolicy(20, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(5)))
                  .streamIdleTimeout(Duration.ofMillis(300)).build();
          Orchestrator o =
              Orchestrator.builder().workspace(ws).modelProvider(provider).roles(BuiltInRoles.minimalTeam()).explorationProbes(List.of())
                  .budgetPolicy(BudgetPolicy.defaults().withStepDownSpacing(Duration.ofMillis(40)).withStableWindow(Duration.ofMillis(40)))
                  .addListener(tally).build()) {
        result = o.run("Survive the faults");
        assertEquals(List.of(), secretHits(tally, logs.text(), List.of(result.message(), provider.toString())), "the key leaked");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      long done = result.plan().tasks().stream().filter(t -> t.status() == TaskStatus.DONE).count();
      assertEquals(tasks, done, "no task lost");
      assertTrue(tally.starts.values().stream().allMatch(n -> n == 1), "no task ran twice: " + tally.starts);
      assertTrue(tally.budget.contains(8), "the budget stepped down: " + tally.budget);
      assertEquals(12, tally.budget.get(tally.budget.size() - 1), "the budget recovered: " + tally.budget);
      assertTrue(tally.lines.stream().noneMatch(l -> l.contains(FAKE_KEY)));
      System.out.println("RELIABILITY provider-faults: " + injected.get() + " faults injected " + new java.util.TreeMap<>(faults) + ", "
          + tasks + " tasks, 0 lost, 0 run twice, budget " + tally.budget + ", key hits 0 (events, journal, plan.md, logs, messages)");
    }
  }

  @Test
  void anExhaustedQuotaStopsTheRunAndResumeFinishesIt() throws Exception {
    int tasks = 20;
    AtomicInteger calls = new AtomicInteger();
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.dispatcher(
          req -> {
            if (req.body().contains("You own the plan")) {
              return FakeReply.responsesStream(plan(tasks), List.of(), 10, 10);
            }
            return calls.incrementAndGet() == 8
                ? FakeReply.error(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota")
                : FakeReply.responsesStream(DONE, List.of(), 5, 5);
          });
      Tally tally = new Tally();
      Orchestrator.Builder b;
      List<String> messages = new ArrayList<>();
      try (StderrCapture logs = new StderrCapture();
          OpenAiProvider provider = OpenAiProvider.builder().baseUrl(server.baseUrl()).apiKey(ApiKey.of(FAKE_KEY)).build()) {
        b = Orchestrator.builder().workspace(ws).modelProvider(provider).roles(BuiltInRoles.minimalTeam()).explorationProbes(List.of())
            .budgetPolicy(BudgetPolicy.fixed(2)).addListener(tally);
        try (Orchestrator o = b.build()) {
          RunResult r = o.run("Quota");
          assertEquals(StopReason.QUOTA_EXHAUSTED, r.stopReason());
          messages.add(r.message());
        }
        try (Orchestrator o = b.build()) {
          RunResult r = o.resume();
          assertEquals(StopReason.GREEN, r.stopReason(), r.message());
          messages.add(r.message());
        }
        assertEquals(List.of(), secretHits(tally, logs.text(), messages), "the key leaked");
      }
      assertTrue(tally.starts.entrySet().stream().filter(e -> e.getValue() > 1).allMatch(e -> e.getValue() == 2),
          "only a task interrupted by the quota ran again: " + tally.starts);
      System.out.println("RELIABILITY quota: the 8th model call answered insufficient_quota; the run stopped QUOTA_EXHAUSTED, resumed to GREEN, "
          + tasks + " tasks, 0 lost, key hits 0 (events, journal, plan.md, logs, messages)");
    }
  }

  @Test
  void secretsNeverLeakIntoLogsEventsJournalsPlansExceptionsOrChildren() throws Exception {
    PrintStream realErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    Tally tally = new Tally();
    List<String> exceptionMessages = new ArrayList<>();
    Path envDump = ws.resolve("env-dump.txt");
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      AtomicInteger n = new AtomicInteger();
      server.dispatcher(
          req -> {
            String auth = req.header("authorization").orElse("");
            if (req.body().contains("You own the plan")) {
              return FakeReply.responsesStream(plan(3), List.of(), 10, 10);
            }
            // A hostile or careless server echoes the credentials back in its errors.
            return switch (n.incrementAndGet()) {
              case 1 -> FakeReply.error(500, "server_error", null, "boom for " + auth);
              case 2 -> FakeReply.error(429, "requests", "rate_limit_exceeded", "slow down " + auth + ", try again in 10ms");
              default -> FakeReply.responsesStream(DONE, List.of(), 5, 5);
            };
          });
      Map<String, String> parentEnv = new HashMap<>(System.getenv());
      parentEnv.put("OPENAI_API_KEY", FAKE_KEY);
      parentEnv.put("GITHUB_TOKEN", FAKE_KEY);
      RunResult result;
      try (OpenAiProvider provider =
              OpenAiProvider.builder().baseUrl(server.baseUrl()).environment(Map.of("OPENAI_API_KEY", FAKE_KEY))
                  .retryPolicy(new RetryPolicy(5, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(2))).build();
          Orchestrator o =
              Orchestrator.builder().workspace(ws).modelProvider(provider).roles(BuiltInRoles.minimalTeam()).explorationProbes(List.of())
                  .parentEnvironment(parentEnv)
                  .addGate(Gate.shell("env > env-dump.txt").parentEnvironment(parentEnv).build())
                  .addListener(tally).build()) {
        result = o.run("Keep the key secret");
        // Errors that reach callers directly, with the key echoed by the server.
        server.dispatcher(req -> FakeReply.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: " + req.header("authorization").orElse("")));
        try {
          provider.respond(ModelRequest.builder().role("r").taskId("t").model("m").messages(List.of(Message.user("x"))).build(), ProviderSignals.NONE);
        } catch (ModelProviderException e) {
          exceptionMessages.add(String.valueOf(e.getMessage()));
          exceptionMessages.add(e.toString());
        }
        exceptionMessages.add(provider.toString());
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      exceptionMessages.add(result.message());
    } finally {
      System.setErr(realErr);
    }
    int hits = 0;
    List<String> where = new ArrayList<>();
    for (String[] place :
        List.of(
            new String[] {"logs", logs.toString(StandardCharsets.UTF_8)},
            new String[] {"events", String.join("\n", tally.lines)},
            new String[] {"journal", Files.readString(ws.resolve(".orchestra/journal.jsonl"))},
            new String[] {"plan.md", Files.readString(ws.resolve("plan.md"))},
            new String[] {"exceptions", String.join("\n", exceptionMessages)},
            new String[] {"child environment", Files.readString(envDump)})) {
      if (place[1].contains(FAKE_KEY)) {
        hits++;
        where.add(place[0]);
      }
    }
    assertTrue(Files.readString(envDump).contains("PATH="), "the child got an environment");
    assertEquals(0, hits, "the key leaked into: " + where);
    assertTrue(exceptionMessages.get(0).contains("[redacted]"), exceptionMessages.get(0));
    System.out.println("RELIABILITY secrets: 6 places scanned (logs, events, journal, plan.md, exceptions, child environment), 0 hits");
  }

  @Test
  void hostileTitlesAndFileNamesNeverReachTheGatesCommands() throws Exception {
    String hostilePlan =
        "{\"tasks\":[{\"id\":\"T1\",\"title\":\"$(touch pwned-title) `touch pwned-tick`; touch pwned-semi\",\"acceptance\":[\"x\"],"
            + "\"dependsOn\":[],\"writeScope\":[\"$(touch pwned-scope).txt\"],\"role\":\"implementer\"}],\"later\":[],\"risks\":[]}";
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(hostilePlan));
    model.on("implementer")
        .reply(Reply.toolCall("write_file", "{\"path\":\"$(touch pwned-scope).txt\",\"content\":\"; rm -rf ~\"}"))
        .otherwise(Reply.text(DONE));
    model.on("release_manager").otherwise(Reply.text("{}"));
    Files.writeString(ws.resolve("Makefile"), "test:\n\t@ls > listing.txt\n");
    RunResult r;
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addGate(Gate.ci()).build()) {
      r = o.run("Hostile names");
    }
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertTrue(Files.exists(ws.resolve("$(touch pwned-scope).txt")), "the odd name is just a name");
    try (Stream<Path> files = Files.list(ws)) {
      List<String> pwned = files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("pwned")).toList();
      assertTrue(pwned.isEmpty(), "commands were smuggled: " + pwned);
    }
    System.out.println("RELIABILITY smuggling: 4 shell payloads in a title, a scope and a file name; 0 executed");
  }

  @Test
  void aGateThatPrintsHundredsOfMegabytesKeepsMemoryBounded() {
    long before = usedHeapAfterGc();
    AtomicLong peak = new AtomicLong();
    Thread sampler = sampler(peak);
    long t0 = System.nanoTime();
    GateResult r =
        Gate.shell("head -c 300000000 /dev/zero | tr '\\0' 'x'; exit 1").maxOutputBytes(64 * 1024).build()
            .evaluate(new dev.orchestra.gate.Batch(1, "g", ws, List.of(), Map.of(), List.of()), new NoRoles(ws));
    sampler.interrupt();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(Verdict.FAIL, r.verdict());
    long growthMb = (peak.get() - before) / (1024 * 1024);
    assertTrue(growthMb < 200, "heap grew " + growthMb + " MB while 300 MB of output streamed through");
    System.out.printf(java.util.Locale.ROOT, "RELIABILITY gate-output: 300 MB printed in %.1f s, 64 KB kept, peak heap growth %d MB%n", seconds, Math.max(0, growthMb));
  }

  @Test
  void tenThousandTasksWithBoundedHeapAndNoLeakedThreads() throws Exception {
    int tasks = Integer.getInteger("orchestra.load.tasks", 10_000);
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapBefore = usedHeapAfterGc();
    AtomicLong peak = new AtomicLong();
    Thread sampler = sampler(peak);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(plan(tasks)));
    model.on("implementer").otherwise(Reply.text(DONE));
    model.on("release_manager").otherwise(Reply.text("{}"));
    long t0 = System.nanoTime();
    RunResult r;
    try (Orchestrator o = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).build()) {
      r = o.run("Load");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    sampler.join();
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    long heapAfter = usedHeapAfterGc();
    int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    for (int i = 0; i < 100 && threadsAfter > threadsBefore; i++) {
      Thread.sleep(50);
      threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    }
    assertTrue(threadsAfter <= threadsBefore, "threads before " + threadsBefore + ", after " + threadsAfter);
    long peakMb = peak.get() / (1024 * 1024);
    System.out.printf(java.util.Locale.ROOT,
        "RELIABILITY load: %d tasks in %.1f s, peak heap %d MB (before %d MB, after GC %d MB), threads %d before / %d after%n",
        tasks, seconds, peakMb, heapBefore / (1024 * 1024), heapAfter / (1024 * 1024), threadsBefore, threadsAfter);
    assertTrue(heapAfter - heapBefore < 64L * 1024 * 1024, "the run keeps nothing large once it is over");

    // The bound itself: the same plan in a child JVM whose heap is capped.
    Path capped = Files.createDirectories(ws.resolve("capped"));
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(javaBin, "-Xmx" + CAPPED_HEAP_MB + "m", "-cp", System.getProperty("java.class.path"), LoadRun.class.getName(),
                capped.toString(), String.valueOf(tasks))
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "the capped run finished");
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("STOP GREEN " + tasks), out);
    System.out.printf(java.util.Locale.ROOT, "RELIABILITY load-capped: %d tasks GREEN in a child JVM with -Xmx%dm%n", tasks, CAPPED_HEAP_MB);
  }

  /** The heap the 10,000-task plan is shown to fit in. */
  static final int CAPPED_HEAP_MB = 128;

  /** Where the fake key shows among the run's events, journal, plan.md, logs and messages. */
  List<String> secretHits(Tally tally, String logs, List<String> messages) throws java.io.IOException {
    List<String> hits = new ArrayList<>();
    Map<String, String> places = new java.util.LinkedHashMap<>();
    places.put("events", String.join("\n", tally.lines));
    places.put("journal", Files.readString(ws.resolve(".orchestra/journal.jsonl")));
    places.put("plan.md", Files.readString(ws.resolve("plan.md")));
    places.put("logs", logs);
    places.put("messages", String.join("\n", messages));
    places.forEach((place, text) -> {
      if (text.contains(FAKE_KEY)) {
        hits.add(place);
      }
    });
    return hits;
  }

  /** Standard error (where slf4j-simple logs) captured while open. */
  static final class StderrCapture implements AutoCloseable {
    private final PrintStream real = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    StderrCapture() {
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    }

    String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      System.setErr(real);
    }
  }

  static long usedHeapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static Thread sampler(AtomicLong peak) {
    Thread t =
        new Thread(
            () -> {
              Runtime rt = Runtime.getRuntime();
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** A gate context with no roles: the CI runner's diagnosis is skipped. */
  record NoRoles(Path workspace) implements dev.orchestra.gate.GateContext {
    @Override
    public java.util.Optional<dev.orchestra.role.Role> role(String name) {
      return java.util.Optional.empty();
    }

    @Override
    public dev.orchestra.agent.RoleReport runRole(dev.orchestra.role.Role role, String taskId, String title, String brief) {
      throw new IllegalStateException("no roles");
    }
  }
}
