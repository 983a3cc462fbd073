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
 * this JVM only starts the run and waits. Each setting's figures are of its second run: the first
 * warms the JVMs up.
 */
final class TemporalBenchmark {
  private static final int SLOTS = 6;

  private TemporalBenchmark() {}

  record Figures(String setting, double wallSeconds, int concurrency, double cpuSeconds, long historyBytes, int historyEvents, String cpuSplit) {}

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
    all.add(onTemporal(dir.resolve("temporal-1"), tasks, calls, callMillis, 1));
    all.add(onTemporal(dir.resolve("temporal-2"), tasks, calls, callMillis, 2));
    double modelSeconds = tasks * calls * callMillis / 1000.0;
    System.out.printf(Locale.ROOT, "%-34s %8s %10s %14s %9s %14s%n", "setting", "wall s", "tasks/s", "overhead/task", "CPU s", "history/task");
    for (Figures f : all) {
      double overheadMs = (f.wallSeconds() * f.concurrency() - modelSeconds) * 1000.0 / tasks;
      String history = f.historyBytes() == 0 ? "-" : String.format(Locale.ROOT, "%,d B, %.1f ev", f.historyBytes() / tasks, (double) f.historyEvents() / tasks);
      System.out.printf(
          Locale.ROOT, "%-34s %8.2f %10.1f %11.1f ms %9.2f %14s%n", f.setting(), f.wallSeconds(), tasks / f.wallSeconds(), overheadMs, f.cpuSeconds(), history);
    }
    for (Figures f : all) {
      if (!f.cpuSplit().isEmpty()) {
        System.out.printf(Locale.ROOT, "%s: %s%n", f.setting(), f.cpuSplit());
      }
    }
    System.out.printf(Locale.ROOT, "%nthroughput, two worker JVMs against one: %.2fx%n", all.get(2).wallSeconds() / all.get(3).wallSeconds());
    System.out.printf(Locale.ROOT, "Temporal's per-task overhead over the in-process engine's at %d slots: %+.1f ms%n", SLOTS,
        ((all.get(2).wallSeconds() - all.get(0).wallSeconds()) * SLOTS * 1000.0) / tasks);
  }

  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static Figures inProcess(Path ws, int tasks, int calls, long callMillis, int budget) throws Exception {
    Files.createDirectories(ws);
    try (Orchestrator team = SyntheticTeam.build(ws, tasks, calls, callMillis, budget, id -> {})) {
      check(team.run("Warm up").stopReason().name(), "the warm-up run");
      double cpu = ownCpuSeconds();
      long start = System.nanoTime();
      RunResult r = team.run("Write " + tasks + " files");
      double wall = (System.nanoTime() - start) / 1e9;
      check(r.stopReason().name(), r.message());
      return new Figures("in-process, budget " + budget, wall, budget, ownCpuSeconds() - cpu, 0, 0, "");
    }
  }

  private static Figures onTemporal(Path ws, int tasks, int calls, long callMillis, int workers) throws Exception {
    Files.createDirectories(ws);
    Path logs = Files.createDirectories(ws.resolveSibling(ws.getFileName() + "-logs"));
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, logs.resolve("server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 60).substring(LocalTemporalServer.LISTENING.length());
      List<ChildJvm> started = new ArrayList<>();
      try {
        for (int i = 0; i < workers; i++) {
          started.add(
              new ChildJvm(
                  TestWorkerMain.class, logs.resolve("worker-" + i + ".log"), target, "bench", ws.toString(), String.valueOf(i == 0),
                  String.valueOf(SLOTS), String.valueOf(tasks), String.valueOf(calls), String.valueOf(callMillis), String.valueOf(2 * SLOTS),
                  "true")); // sticky, as with a Temporal server: no worker dies here
        }
        for (ChildJvm w : started) {
          w.await("ready", 60);
        }
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try {
          WorkflowClient client = WorkflowClient.newInstance(service);
          TemporalOrchestrator temporal = TemporalOrchestrator.builder(client).taskQueue("bench").build();
          // A first run warms every JVM up: without it, compiling Temporal's, gRPC's and our code
          // is most of the CPU a worker uses (JFR: 16.7 s of JIT in an 18 s worker's life).
          OrchestraEvent.RunFinished warm = temporal.await(temporal.start("Warm up"));
          check(warm.stopReason(), warm.message());
          double cpu = cpu(server, started);
          double[] before = split(server, started);
          long begin = System.nanoTime();
          String runId = temporal.start("Write " + tasks + " files");
          OrchestraEvent.RunFinished end = temporal.await(runId);
          double wall = (System.nanoTime() - begin) / 1e9;
          double used = cpu(server, started) - cpu;
          double[] after = split(server, started);
          StringBuilder split = new StringBuilder("CPU s: this JVM (client) ").append(f(after[0] - before[0])).append(", server ").append(f(after[1] - before[1]));
          for (int i = 2; i < after.length; i++) {
            split.append(", worker ").append(i - 1).append(i == 2 ? " (desk) " : " ").append(f(after[i] - before[i]));
          }
          check(end.stopReason(), end.message());
          // Every workflow run of the run: a long one continues as new, and the history is their sum.
          long bytes = 0;
          int events = 0;
          String workflowRun = "";
          do {
            String workflowId = TemporalOrchestrator.workflowId(runId);
            WorkflowExecutionHistory history = workflowRun.isEmpty() ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, workflowRun);
            bytes += history.getHistory().getSerializedSize();
            events += history.getEvents().size();
            workflowRun = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
          } while (!workflowRun.isEmpty());
          return new Figures(
              "Temporal, " + workers + " worker JVM" + (workers > 1 ? "s" : "") + " x " + SLOTS + " slots", wall, workers * SLOTS, used, bytes,
              events, split.toString());
        } finally {
          service.shutdownNow();
        }
      } finally {
        started.forEach(ChildJvm::close);
      }
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
