package dev.orchestra.benchmarks;

import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.temporal.internal.ChildJvm;
import dev.orchestra.temporal.LocalTemporalServer;
import dev.orchestra.temporal.SyntheticTeam;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.temporal.TestWorkerMain;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Orchestra on Temporal against the in-process engine, on the same synthetic team: {@code tasks}
 * independent tasks, each agent making {@code calls} model calls of {@code callMillis}. Prints, per
 * setting, the wall time, throughput, per-task overhead (slot time not spent waiting on the model,
 * per task), CPU used by every JVM involved, and for Temporal the history's size per task.
 *
 * <p>Arguments: {@code [tasks=200] [calls=10] [callMillis=20]}. Temporal runs use the loopback test
 * server in a JVM of its own and one or two worker JVMs of 6 slots (the first keeps the run's desk);
 * this JVM only starts the run and waits. Each setting's figures are of the run after {@code
 * -Dwarmups=N} (default 5) runs that warm the JVMs up: a worker's JIT compiles Temporal's, gRPC's
 * and our code for tens of seconds, and after one warm-up run the JVMs used about twice the CPU
 * they use after five. Where Linux's {@code /proc} tells how much CPU the JVMs' compiler threads
 * used, a Temporal setting's figures are of the first run after those in which the JIT (of the
 * server's and workers' compiler threads) took at most a tenth of the CPU the JVMs used (this one's
 * included; a compiler thread the JVM ends during a run takes its share with it, so the share is a
 * floor) ({@code -Dmeasured.max=N} runs at most, default 30; the
 * lines say NOT SETTLED when none did), since on two cores the JIT's CPU is taken from the
 * workers: the figures are then of JVMs that have settled, as a fleet's long-running workers have.
 * The setting through a git remote, whose time goes mostly to git's processes, measures the run
 * after one warm-up. For Temporal it also prints how many agents' activities ran at once on
 * average, and how long a slot waited from one task's end to the next task's start (both from the
 * history). {@code -Dhistories=DIR} writes each measured history there as JSON.
 */
final class TemporalBenchmark {
  private static final int SLOTS = 6;

  /** Runs before any that may be measured. */
  private static final int WARM_UPS = Integer.getInteger("warmups", 5);

  /** The most runs measured after the warm-ups, waiting for one in which the JIT has settled (see the class comment). */
  private static final int MAX_MEASURED = Integer.getInteger("measured.max", 30);

  /** The JIT's share of the JVMs' CPU in a run at or under which that run counts as settled, and is measured. */
  private static final double JIT_SETTLED = 0.10;

  private TemporalBenchmark() {}

  /**
   * @param agentSeconds from the first agent's start to the last agent's end (Temporal runs, from
   *     the history; 0 otherwise): the wall time less the run's start and end (planning, gates,
   *     finish), which take as long with any number of workers
   */
  record Figures(
      String setting, int tasks, double wallSeconds, int concurrency, double cpuSeconds, long historyBytes, int historyEvents, String cpuSplit,
      double agentSeconds, boolean settled) {}

  /** Tasks of the run through a git remote: each pushes, and the desk merges those waiting together ({@code -Dremote.tasks=N}, 0 for none). */
  private static final int REMOTE_TASKS = Integer.getInteger("remote.tasks", 50);

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    long callMillis = args.length > 2 ? Long.parseLong(args[2]) : 20;
    System.out.printf(
        Locale.ROOT, "Orchestra on Temporal benchmark (%d cores, Java %s): %d tasks, %d model calls of %d ms each%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), tasks, calls, callMillis);
    Path dir = Files.createTempDirectory("orchestra-temporal-bench");
    List<Figures> all = new ArrayList<>();
    all.add(inProcess(dir.resolve("in-process-6"), tasks, calls, callMillis, SLOTS));
    all.add(inProcess(dir.resolve("in-process-12"), tasks, calls, callMillis, 2 * SLOTS));
    all.add(onTemporal(dir.resolve("temporal-1"), tasks, calls, callMillis, 1, false));
    all.add(onTemporal(dir.resolve("temporal-2"), tasks, calls, callMillis, 2, false));
    if (REMOTE_TASKS > 0) {
      all.add(onTemporal(dir.resolve("temporal-remote"), REMOTE_TASKS, calls, callMillis, 2, true));
    }
    System.out.printf(Locale.ROOT, "%-34s %8s %10s %14s %9s %14s%n", "setting", "wall s", "tasks/s", "overhead/task", "CPU s", "history/task");
    for (Figures f : all) {
      double modelSeconds = f.tasks() * calls * callMillis / 1000.0;
      double overheadMs = (f.wallSeconds() * f.concurrency() - modelSeconds) * 1000.0 / f.tasks();
      String history =
          f.historyBytes() == 0 ? "-" : String.format(Locale.ROOT, "%,d B, %.1f ev", f.historyBytes() / f.tasks(), (double) f.historyEvents() / f.tasks());
      System.out.printf(
          Locale.ROOT, "%-34s %8.2f %10.1f %11.1f ms %9.2f %14s%n", f.setting(), f.wallSeconds(), f.tasks() / f.wallSeconds(), overheadMs, f.cpuSeconds(),
          history);
    }
    for (Figures f : all) {
      if (!f.cpuSplit().isEmpty()) {
        System.out.printf(Locale.ROOT, "%s: %s%n", f.setting(), f.cpuSplit());
      }
    }
    String unsettled = all.get(2).settled() && all.get(3).settled() ? "" : " (NOT SETTLED: the JIT was still compiling, see above)";
    System.out.printf(Locale.ROOT, "%nthroughput, two worker JVMs against one: %.2fx%s%n", all.get(2).wallSeconds() / all.get(3).wallSeconds(), unsettled);
    System.out.printf(
        Locale.ROOT, "throughput while agents ran (first agent's start to last one's end: %.2f s against %.2f s), two worker JVMs against one: %.2fx%s%n",
        all.get(3).agentSeconds(), all.get(2).agentSeconds(), all.get(2).agentSeconds() / all.get(3).agentSeconds(), unsettled);
    System.out.printf(Locale.ROOT, "Temporal's per-task overhead over the in-process engine's at %d slots: %+.1f ms%n", SLOTS,
        ((all.get(2).wallSeconds() - all.get(0).wallSeconds()) * SLOTS * 1000.0) / tasks);
  }

  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static Figures inProcess(Path ws, int tasks, int calls, long callMillis, int budget) throws Exception {
    Files.createDirectories(ws);
    try (Orchestrator team = SyntheticTeam.build(ws, tasks, calls, callMillis, budget, id -> {})) {
      for (int i = 0; i < WARM_UPS; i++) {
        check(team.run("Warm up " + i).stopReason().name(), "a warm-up run");
      }
      double cpu = ownCpuSeconds();
      long start = System.nanoTime();
      RunResult r = team.run("Write " + tasks + " files");
      double wall = (System.nanoTime() - start) / 1e9;
      check(r.stopReason().name(), r.message());
      return new Figures("in-process, budget " + budget, tasks, wall, budget, ownCpuSeconds() - cpu, 0, 0, "", 0, true);
    }
  }

  /**
   * A run on the loopback test server with {@code workers} worker JVMs; through a git remote (a
   * bare repository with one commit, and a clone for each worker), or in one shared folder.
   */
  private static Figures onTemporal(Path ws, int tasks, int calls, long callMillis, int workers, boolean remote) throws Exception {
    Files.createDirectories(ws);
    Path logs = Files.createDirectories(ws.resolveSibling(ws.getFileName() + "-logs"));
    Path bare = ws.resolve("remote.git");
    if (remote) {
      Path seed = Files.createDirectories(ws.resolve("seed"));
      Files.writeString(seed.resolve("README.md"), "# Benchmark\n");
      WorktreeBenchmark.git(seed, "init", "-q", "-b", "main");
      WorktreeBenchmark.git(seed, "add", "-A");
      WorktreeBenchmark.git(seed, "commit", "-q", "-m", "start");
      WorktreeBenchmark.git(ws, "clone", "-q", "--bare", seed.toString(), bare.toString());
    }
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, logs.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      List<ChildJvm> started = new ArrayList<>();
      try {
        for (int i = 0; i < workers; i++) {
          Path workspace = ws;
          if (remote) {
            workspace = ws.resolve("clone-" + i);
            WorktreeBenchmark.git(ws, "clone", "-q", bare.toString(), workspace.toString());
          }
          started.add(
              new ChildJvm(
                  TestWorkerMain.class, logs.resolve("worker-" + i + ".log"), target, "bench", workspace.toString(), String.valueOf(i == 0),
                  String.valueOf(SLOTS), String.valueOf(tasks), String.valueOf(calls), String.valueOf(callMillis), String.valueOf(2 * SLOTS),
                  "true", // sticky, as with a Temporal server: no worker dies here
                  "", remote ? bare.toString() : ""));
        }
        for (ChildJvm w : started) {
          w.await("ready", 60);
        }
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try {
          WorkflowClient client = WorkflowClient.newInstance(service);
          TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue("bench").build();
          // Without warm-up runs, compiling Temporal's, gRPC's and our code is most of the CPU a
          // worker uses (JFR: 16.7 s of JIT in an 18 s worker's life; still busy after one run).
          List<ChildJvm> jvms = new ArrayList<>(started);
          jvms.add(server);
          // The measured run is the first after the warm-ups in which the JIT took at most a tenth of
          // the JVMs' CPU (or the last allowed): through a remote, git's processes take most of the
          // time, and one warm-up does.
          int warmUps = remote ? 1 : WARM_UPS;
          int runs = 0;
          Measured m;
          do {
            m = measure(temporal, server, started, jvms, "Write " + tasks + " files, run " + (runs + 1));
            runs++;
          } while (runs <= warmUps || (!remote && m.jitShare() > JIT_SETTLED && runs < warmUps + MAX_MEASURED));
          String runId = m.runId();
          OrchestraEvent.RunFinished end = m.end();
          double wall = m.wall();
          double used = m.cpu();
          double[] before = m.before();
          double[] after = m.after();
          StringBuilder split = new StringBuilder("CPU s: this JVM (client) ").append(f(after[0] - before[0])).append(", server ").append(f(after[1] - before[1]));
          for (int i = 2; i < after.length; i++) {
            split.append(", worker ").append(i - 1).append(i == 2 ? " (desk) " : " ").append(f(after[i] - before[i]));
          }
          split.append(String.format(
              Locale.ROOT, "; run %d of these JVMs, the JIT using %s of it%s", runs,
              Double.isNaN(m.jitShare()) ? "an unknown share" : String.format(Locale.ROOT, "%s s (%.0f%%)", f(m.jit()), 100 * m.jitShare()),
              !remote && m.jitShare() > JIT_SETTLED ? ": NOT SETTLED, the JIT still compiling after " + runs + " runs" : ""));
          check(end.stopReason(), end.message());
          // Every workflow run of the run: a long one continues as new, and the history is their sum.
          long bytes = 0;
          int events = 0;
          SlotUse slots = new SlotUse();
          String workflowRun = "";
          do {
            String workflowId = TemporalOrchestrator.workflowId(runId);
            WorkflowExecutionHistory history = workflowRun.isEmpty() ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, workflowRun);
            bytes += history.getHistory().getSerializedSize();
            if (System.getProperty("histories") != null) {
              Files.writeString(Path.of(System.getProperty("histories"), workers + "-" + history.getEvents().size() + ".json"), history.toJson(true));
            }
            events += history.getEvents().size();
            slots.add(history);
            workflowRun = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
          } while (!workflowRun.isEmpty());
          return new Figures(
              "Temporal, " + workers + " worker JVM" + (workers > 1 ? "s" : "") + " x " + SLOTS + " slots" + (remote ? ", remote" : ""), tasks, wall,
              workers * SLOTS, used, bytes, events, split.append("; ").append(slots.describe()).toString(), slots.agentMillis() / 1000.0,
              remote || !(m.jitShare() > JIT_SETTLED));
        } finally {
          service.shutdownNow();
        }
      } finally {
        started.forEach(ChildJvm::close);
      }
    }
  }

  /**
   * How the agents' activities ({@code RunTask}) used the slots, from the history's timestamps
   * (milliseconds): the average number running at once, and the wait from one task's end to the
   * start of a task that took its place (each end paired, in time order, with the starts that came
   * after every slot had filled).
   */
  private static final class SlotUse {
    private final List<Long> starts = new ArrayList<>();
    private final List<Long> ends = new ArrayList<>();
    private long busyMillis;
    private long deskMillis;
    private int deskCallCount;

    void add(WorkflowExecutionHistory history) {
      // By event id, which each workflow run of a continued run numbers from 1 again.
      java.util.Set<Long> scheduled = new java.util.HashSet<>();
      java.util.Map<Long, Long> started = new java.util.HashMap<>();
      // Every other activity (the desk's calls), by scheduled event id: when it was scheduled.
      java.util.Map<Long, Long> deskCalls = new java.util.HashMap<>();
      for (io.temporal.api.history.v1.HistoryEvent e : history.getEvents()) {
        long at = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
        if (e.hasActivityTaskScheduledEventAttributes() && !e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("RunTask")) {
          deskCalls.put(e.getEventId(), at);
        } else if (e.hasActivityTaskCompletedEventAttributes() && deskCalls.containsKey(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
          deskMillis += at - deskCalls.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          deskCallCount++;
        } else if (e.hasActivityTaskScheduledEventAttributes()) {
          scheduled.add(e.getEventId());
        } else if (e.hasActivityTaskStartedEventAttributes() && scheduled.contains(e.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
          started.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), at);
          starts.add(at);
        } else if (e.hasActivityTaskCompletedEventAttributes() && started.containsKey(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
          busyMillis += at - started.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          ends.add(at);
        }
      }
    }

    /** From the first agent's start to the last agent's end, in ms; 0 when none ran. */
    long agentMillis() {
      return ends.isEmpty() ? 0 : ends.stream().mapToLong(Long::longValue).max().getAsLong() - starts.stream().mapToLong(Long::longValue).min().getAsLong();
    }

    String describe() {
      if (ends.isEmpty()) {
        return "no agents' activities";
      }
      List<Long> s = starts.stream().sorted().toList();
      List<Long> e = ends.stream().sorted().toList();
      long span = e.get(e.size() - 1) - s.get(0);
      // The starts before the first end took the slots; each later start took the slot an end freed.
      int filled = (int) s.stream().filter(t -> t < e.get(0)).count();
      double waits = 0;
      int paired = 0;
      for (int i = filled; i < s.size() && i - filled < e.size(); i++) {
        waits += s.get(i) - e.get(i - filled);
        paired++;
      }
      return String.format(
          Locale.ROOT, "agents running at once: %.2f on average; a slot waits %.1f ms from a task's end to the next start; %d desk calls, %.1f ms each",
          (double) busyMillis / Math.max(span, 1), paired == 0 ? 0 : waits / paired, deskCallCount, deskCallCount == 0 ? 0 : (double) deskMillis / deskCallCount);
    }
  }

  private static String f(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }

  private static double[] split(ChildJvm server, List<ChildJvm> workers) {
    double[] out = new double[2 + workers.size()];
    out[0] = ownCpuSeconds();
    out[1] = server.cpu().toNanos() / 1e9;
    for (int i = 0; i < workers.size(); i++) {
      out[2 + i] = workers.get(i).cpu().toNanos() / 1e9;
    }
    return out;
  }

  /**
   * One run of the synthetic team, from {@code start}: its id and end, wall and CPU seconds, and
   * the JIT's CPU in it, alone and as a share of the JVMs' (NaN where it cannot be read).
   */
  private record Measured(
      String runId, OrchestraEvent.RunFinished end, double wall, double cpu, double jit, double jitShare, double[] before, double[] after) {}

  private static Measured measure(TemporalOrchestrator temporal, ChildJvm server, List<ChildJvm> workers, List<ChildJvm> jvms, String goal)
      throws Exception {
    java.util.Map<String, Long> jitBefore = jitTicks(jvms);
    double cpu = cpu(server, workers);
    double[] before = split(server, workers);
    long begin = System.nanoTime();
    String runId = temporal.start(goal);
    OrchestraEvent.RunFinished end = temporal.await(runId);
    double wall = (System.nanoTime() - begin) / 1e9;
    double used = cpu(server, workers) - cpu;
    double[] after = split(server, workers);
    double jit = jitSeconds(jitBefore, jitTicks(jvms));
    check(end.stopReason(), end.message());
    return new Measured(runId, end, wall, used, jit, jit / Math.max(1e-9, used), before, after);
  }

  /**
   * The CPU clock ticks (10 ms each) each JIT compiler thread of these JVMs has used, by process
   * and thread id, from Linux's {@code /proc}; empty where it cannot be read or no thread is a
   * HotSpot compiler thread (another JIT's threads are named otherwise).
   */
  private static java.util.Map<String, Long> jitTicks(List<ChildJvm> jvms) {
    java.util.Map<String, Long> ticks = new java.util.HashMap<>();
    for (ChildJvm jvm : jvms) {
      List<Path> threads;
      try (java.util.stream.Stream<Path> listed = Files.list(Path.of("/proc", String.valueOf(jvm.pid()), "task"))) {
        threads = listed.toList();
      } catch (java.io.IOException | RuntimeException e) {
        return java.util.Map.of();
      }
      for (Path t : threads) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime: the 14th and 15th fields, counted from the pid
            ticks.put(jvm.pid() + "/" + t.getFileName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
          }
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended meanwhile, or its line is not what Linux writes: it counts for nothing
        }
      }
    }
    return ticks;
  }

  /**
   * CPU seconds the JIT's compiler threads used between two {@link #jitTicks} readings, thread by
   * thread (a thread the JVM ended meanwhile takes its share with it: a floor); NaN when either
   * reading is empty.
   */
  private static double jitSeconds(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
    if (before.isEmpty() || after.isEmpty()) {
      return Double.NaN;
    }
    long ticks = 0;
    for (java.util.Map.Entry<String, Long> e : after.entrySet()) {
      ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return ticks / 100.0;
  }

  private static double cpu(ChildJvm server, List<ChildJvm> workers) {
    double seconds = ownCpuSeconds() + server.cpu().toNanos() / 1e9;
    for (ChildJvm w : workers) {
      seconds += w.cpu().toNanos() / 1e9;
    }
    return seconds;
  }

  private static void check(String stopReason, String message) {
    if (!StopReason.GREEN.name().equals(stopReason)) {
      throw new IllegalStateException("the run did not end GREEN: " + stopReason + ": " + message);
    }
  }
}
