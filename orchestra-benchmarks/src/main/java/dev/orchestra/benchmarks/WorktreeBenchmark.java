package dev.orchestra.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.Isolation;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.internal.workspace.GitIdentity;
import dev.orchestra.internal.workspace.TaskTree;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 13's figures for git-worktree isolation.
 *
 * <ol>
 *   <li>A batch of 48 tasks at budget 12, each ten model calls of 50 ms (nine tool calls and the
 *       report), where 14 of them (30%) also patch two lines of one shared 200-line file, each its
 *       own lines, three untouched lines from the next task's; every task writes a file of its own
 *       too. Run in worktrees and in the shared tree (where the 14 writers of the shared file have
 *       it in their write scopes, so the scheduler runs them one at a time). Per run: makespan,
 *       effective parallelism (the agents' busy time over the makespan), the conflict rate, and
 *       the CPU time of the JVM's child processes (git) per task.
 *   <li>The cost of a worktree: opening a run's integration worktree, making a task's worktree and
 *       removing it, on repositories of 1,000, 10,000 and 30,000 small files.
 * </ol>
 *
 * <p>Figures are printed, never asserted. A run that does not end green with every task's work in
 * its result is an error, reported with its journal's telling lines; the benchmark then ends with
 * exit status 1, after printing every figure. {@code worktrees batch} or {@code worktrees size}
 * runs one part.
 */
final class WorktreeBenchmark {
  private WorktreeBenchmark() {}

  private static final int TASKS = 48;
  private static final int BUDGET = 12;
  private static final int CALLS = 10;
  private static final Duration LATENCY = Duration.ofMillis(50);
  private static final int SHARED_LINES = 200;
  /** Every third task up to T42: 14 tasks, 30% of 48. */
  private static final int SHARED_WRITERS = 14;
  /**
   * Writer k of the shared file rewrites lines SPACING * k + 7 and + 8 (1-based): three untouched
   * lines between one writer's lines and the next's, the closest the issue keeps them.
   */
  private static final int SPACING = 5;
  private static final int RUNS_PER_MODE = 2;
  /** Runs that did not end green with all their work: reported at the end, and the exit status is 1. */
  private static final List<String> FAILED_RUNS = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    long ticks = clockTicks();
    System.out.printf(
        Locale.ROOT, "Orchestra worktree benchmark (%d cores, Java %s, %s)%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), git("--version").strip());
    String part = args.length == 0 ? "all" : args[0];
    if (part.equals("all") || part.equals("batch")) {
      // A small run of each kind first: the JIT and the file cache, not the figures.
      batch(Isolation.worktrees(), 12, Duration.ofMillis(5), ticks);
      batch(Isolation.shared(), 12, Duration.ofMillis(5), ticks);
      sharedFileBatch(ticks);
    }
    if (part.equals("all") || part.equals("size")) {
      worktreeCost(ticks);
    }
    if (!FAILED_RUNS.isEmpty()) {
      System.out.println();
      System.out.println("FAILED: " + FAILED_RUNS.size() + " run(s) did not end green with every task's work in the result:");
      FAILED_RUNS.forEach(f -> System.out.println("  " + f));
      System.exit(1);
    }
  }

  // ------------------------------------------------------------------ 1. the batch

  static boolean sharesFile(int i) {
    return i % 3 == 0 && i <= 3 * SHARED_WRITERS;
  }

  /** The shared file's writers, numbered 0..13 in plan order. */
  static int slot(int i) {
    return i / 3 - 1;
  }

  static String sharedLine(int line) {
    return String.format(Locale.ROOT, "line %03d: as committed", line);
  }

  static String sharedFile() {
    StringBuilder b = new StringBuilder();
    for (int l = 1; l <= SHARED_LINES; l++) {
      b.append(sharedLine(l)).append('\n');
    }
    return b.toString();
  }

  static String editedLine(int line, String taskId) {
    return String.format(Locale.ROOT, "line %03d: rewritten by %s", line, taskId);
  }

  /**
   * A unified diff of the two lines task {@code i} owns, with three lines of context either side,
   * written against the shared file as the agent last read it (what a model does: the context lines
   * may be neighbours' edits already integrated), or as committed when it did not read it.
   */
  static String patch(int i, ModelRequest req) {
    String[] read = null;
    for (Message m : req.messages()) {
      if (m.kind() == Message.Kind.TOOL_RESULT && ((Message.ToolResult) m).output().startsWith("line 001")) {
        read = ((Message.ToolResult) m).output().split("\n", -1);
      }
    }
    String[] lines = read != null ? read : sharedFile().split("\n", -1);
    String id = "T" + i;
    int first = SPACING * slot(i) + 7;
    StringBuilder p = new StringBuilder("--- a/shared.txt\n+++ b/shared.txt\n");
    p.append("@@ -").append(first - 3).append(",8 +").append(first - 3).append(",8 @@\n");
    for (int l = first - 3; l < first; l++) {
      p.append(' ').append(lines[l - 1]).append('\n');
    }
    p.append('-').append(lines[first - 1]).append('\n');
    p.append('-').append(lines[first]).append('\n');
    p.append('+').append(editedLine(first, id)).append('\n');
    p.append('+').append(editedLine(first + 1, id)).append('\n');
    for (int l = first + 2; l < first + 5; l++) {
      p.append(' ').append(lines[l - 1]).append('\n');
    }
    return p.toString();
  }

  static String ownFile(int i) {
    return "out/T" + i + ".txt";
  }

  static String ownContent(int i) {
    return "the work of T" + i + "\n";
  }

  static String args(String... keysAndValues) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (int k = 0; k < keysAndValues.length; k += 2) {
      o.put(keysAndValues[k], keysAndValues[k + 1]);
    }
    return o.toString();
  }

  /**
   * What an implementer says next on a task, by how many turns it has had (the request's assistant
   * messages): a stateless script, so a task sent back to work after a conflict plays it again on
   * the integrated state. Reads (the shared file on turns 1, 3 and 5), its own file written on the
   * eighth call, the shared file patched on the ninth, the report on the tenth.
   */
  static ModelResponse implementerTurn(ModelRequest req, int calls) {
    int i = Integer.parseInt(req.taskId().substring(1));
    int turn = turn(req);
    String id = "T" + i;
    if (turn >= calls - 1) {
      return ModelResponse.text(RoleAnswers.implementation("wrote " + ownFile(i) + (sharesFile(i) ? " and patched shared.txt" : "")), usage());
    }
    ToolCall call;
    int fromEnd = calls - 1 - turn; // 1 = the last tool call
    if (fromEnd == 2) {
      call = new ToolCall(id + "-" + turn, "write_file", args("path", ownFile(i), "content", ownContent(i)));
    } else if (fromEnd == 1) {
      call =
          sharesFile(i)
              ? new ToolCall(id + "-" + turn, "apply_patch", args("patch", patch(i, req)))
              : new ToolCall(id + "-" + turn, "read_file", args("path", ownFile(i)));
    } else if (turn == 0) {
      call = new ToolCall(id + "-" + turn, "list_dir", args("path", ""));
    } else if (turn % 2 == 1) {
      call = new ToolCall(id + "-" + turn, "read_file", args("path", "shared.txt"));
    } else {
      call = new ToolCall(id + "-" + turn, "read_file", args("path", "README.md"));
    }
    return new ModelResponse("", List.of(call), usage());
  }

  static TokenUsage usage() {
    return new TokenUsage(1_000, 50, 0, 0);
  }

  static int turn(ModelRequest req) {
    int n = 0;
    for (Message m : req.messages()) {
      if (m.kind() == Message.Kind.ASSISTANT) {
        n++;
      }
    }
    return n;
  }

  /** One run's figures. */
  record BatchRun(
      String mode,
      double makespanMs,
      double tailMs,
      double busyMs,
      double modelMs,
      int starts,
      int integrations,
      int conflicts,
      double childCpuMsPerTask,
      double jvmCpuMsPerTask,
      int failedToolCalls,
      double createMs,
      double workMs,
      double removeMs,
      double mergeMs,
      List<String> problems) {
    double parallelism() {
      return busyMs / makespanMs;
    }
  }

  static BatchRun batch(Isolation isolation, int tasks, Duration latency, long ticks) throws Exception {
    Path ws = Files.createTempDirectory("orchestra-bench-wt");
    try {
      Files.writeString(ws.resolve("README.md"), "# Benchmark repository\n\nEvery task writes out/T<n>.txt.\n");
      Files.writeString(ws.resolve("shared.txt"), sharedFile());
      git(ws, "init", "-q", "-b", "main");
      git(ws, "add", "-A");
      git(ws, "commit", "-q", "-m", "start");

      List<Task> plan = new ArrayList<>();
      for (int i = 1; i <= tasks; i++) {
        Task.Builder t = Task.builder("T" + i, "Task " + i).acceptanceCriteria("done");
        if (sharesFile(i)) {
          t.writeScope(ownFile(i), "shared.txt");
        } else {
          t.writeScope(ownFile(i));
        }
        plan.add(t.build());
      }
      ScriptedModelProvider scripted = new ScriptedModelProvider();
      scripted.on("orchestrator").reply(Reply.text(RoleAnswers.plan(plan)));
      scripted.on("release_manager").otherwise(Reply.text(RoleAnswers.release(List.of("benchmark"), List.of("revert"))));
      scripted.on("implementer").otherwise(Reply.answer(req -> implementerTurn(req, CALLS)).after(latency));
      AtomicLong modelNanos = new AtomicLong();
      ModelProvider timed =
          (req, sig) -> {
            long t0 = System.nanoTime();
            try {
              return scripted.respond(req, sig);
            } finally {
              if (req.role().equals("implementer")) {
                modelNanos.addAndGet(System.nanoTime() - t0);
              }
            }
          };
      ConcurrentLinkedQueue<OrchestraEvent> events = new ConcurrentLinkedQueue<>();
      long[] cpuBefore = procStat();
      RunResult r;
      try (Orchestrator o =
          Orchestrator.builder()
              .workspace(ws)
              .modelProvider(timed)
              .explorationProbes(List.of())
              .budgetPolicy(BudgetPolicy.fixed(BUDGET))
              .isolation(isolation)
              .addListener(events::add)
              .build()) {
        r = o.run("benchmark: " + tasks + " tasks");
      }
      long[] cpuAfter = procStat();
      String mode = isolation instanceof Isolation.Worktrees ? "worktrees" : "shared";
      List<String> problems = check(r, ws, isolation, tasks);
      return measure(mode, events, tasks, modelNanos.get(), cpuBefore, cpuAfter, ticks, problems);
    } finally {
      CoreBenchmark.deleteTree(ws);
    }
  }

  static BatchRun measure(
      String mode,
      ConcurrentLinkedQueue<OrchestraEvent> events,
      int tasks,
      long modelNanos,
      long[] before,
      long[] after,
      long ticks,
      List<String> problems) {
    Map<String, Instant> started = new HashMap<>();
    Map<String, Instant> created = new HashMap<>();
    Map<String, Instant> committed = new HashMap<>();
    Map<String, Instant> finished = new HashMap<>();
    List<Double> create = new ArrayList<>();
    List<Double> work = new ArrayList<>();
    List<Double> remove = new ArrayList<>();
    List<Double> merge = new ArrayList<>();
    Instant first = null;
    Instant lastFinished = null;
    Instant lastIntegration = null;
    long busy = 0;
    int starts = 0;
    int integrated = 0;
    int conflicts = 0;
    int failedTools = 0;
    for (OrchestraEvent e : events) {
      if (e instanceof OrchestraEvent.TaskStarted s && isPlanTask(s.taskId())) {
        started.put(s.taskId(), s.time());
        starts++;
        first = first == null || s.time().isBefore(first) ? s.time() : first;
      } else if (e instanceof OrchestraEvent.WorktreeCreated w && started.containsKey(w.taskId())) {
        created.put(w.taskId(), w.time());
        create.add(millis(started.get(w.taskId()), w.time()));
      } else if (e instanceof OrchestraEvent.TaskCommitted c && created.containsKey(c.taskId())) {
        committed.put(c.taskId(), c.time());
        work.add(millis(created.remove(c.taskId()), c.time()));
      } else if (e instanceof OrchestraEvent.TaskFinished f && isPlanTask(f.taskId())) {
        Instant s = started.remove(f.taskId());
        if (s != null) {
          busy += Duration.between(s, f.time()).toNanos();
        }
        Instant c = committed.remove(f.taskId());
        if (c != null) {
          remove.add(millis(c, f.time()));
        }
        finished.put(f.taskId(), f.time());
        lastFinished = lastFinished == null || f.time().isAfter(lastFinished) ? f.time() : lastFinished;
      } else if (e instanceof OrchestraEvent.TaskIntegrated || e instanceof OrchestraEvent.IntegrationConflicted) {
        String id = e instanceof OrchestraEvent.TaskIntegrated t ? t.taskId() : ((OrchestraEvent.IntegrationConflicted) e).taskId();
        if (e instanceof OrchestraEvent.TaskIntegrated) {
          integrated++;
        } else {
          conflicts++;
        }
        // A merge's own time, where the task ended before the merge ahead of it: the merges were
        // backed up, so this one began as the last one ended.
        Instant ended = finished.get(id);
        if (lastIntegration != null && ended != null && !ended.isAfter(lastIntegration)) {
          merge.add(millis(lastIntegration, e.time()));
        }
        lastIntegration = e.time();
      } else if (e instanceof OrchestraEvent.ToolCalled t && !t.ok()) {
        failedTools++;
      }
    }
    Instant end = lastIntegration != null && lastIntegration.isAfter(lastFinished) ? lastIntegration : lastFinished;
    double makespan = Duration.between(first, end).toNanos() / 1e6;
    double tail = Duration.between(lastFinished, end).toNanos() / 1e6;
    double child = before == null ? Double.NaN : ((after[2] + after[3]) - (before[2] + before[3])) * 1000.0 / ticks / tasks;
    double jvm = before == null ? Double.NaN : ((after[0] + after[1]) - (before[0] + before[1])) * 1000.0 / ticks / tasks;
    return new BatchRun(
        mode, makespan, tail, busy / 1e6, modelNanos / 1e6, starts, integrated + conflicts, conflicts, child, jvm, failedTools, median(create),
        median(work), median(remove), median(merge), problems);
  }

  static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  static double median(List<Double> values) {
    return values.isEmpty() ? Double.NaN : median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static boolean isPlanTask(String id) {
    return id.matches("T\\d+");
  }

  /**
   * Whether the run ended green with every task's work in its result; what went wrong otherwise,
   * printed with the journal's telling lines (and the journal kept in a temporary file).
   */
  static List<String> check(RunResult r, Path ws, Isolation isolation, int tasks) throws Exception {
    List<String> wrong = new ArrayList<>();
    if (r.stopReason() != StopReason.GREEN) {
      wrong.add("the run ended " + r.stopReason() + ": " + r.message());
    }
    String shared;
    List<String> own = new ArrayList<>();
    if (isolation instanceof Isolation.Worktrees) {
      String branch = "orchestra/" + r.runId();
      shared = gitOrEmpty(ws, "show", branch + ":shared.txt");
      for (int i = 1; i <= tasks; i++) {
        own.add(gitOrEmpty(ws, "show", branch + ":" + ownFile(i)));
      }
    } else {
      shared = Files.readString(ws.resolve("shared.txt"));
      for (int i = 1; i <= tasks; i++) {
        Path p = ws.resolve(ownFile(i));
        own.add(Files.exists(p) ? Files.readString(p) : "");
      }
    }
    List<String> concerned = new ArrayList<>();
    for (int i = 1; i <= tasks; i++) {
      if (!own.get(i - 1).equals(ownContent(i))) {
        wrong.add(ownFile(i) + " is missing from the result");
        concerned.add("T" + i);
      }
      if (sharesFile(i)) {
        int line = SPACING * slot(i) + 7;
        if (!shared.contains(editedLine(line, "T" + i) + "\n" + editedLine(line + 1, "T" + i) + "\n")) {
          wrong.add("shared.txt lacks T" + i + "'s lines " + line + "-" + (line + 1));
          concerned.add("T" + i);
        }
      }
    }
    if (!wrong.isEmpty()) {
      String what = (isolation instanceof Isolation.Worktrees ? "worktrees" : "shared") + " run of " + tasks + " tasks";
      FAILED_RUNS.add(what + " " + r.runId() + ": " + String.join("; ", wrong));
      System.out.println("   ERROR in a " + what + ": " + String.join("; ", wrong));
      Path journal = ws.resolve(".orchestra/journal.jsonl");
      if (Files.exists(journal)) {
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
          boolean failed = line.contains("\"status\":\"failed\"") && concerned.stream().anyMatch(id -> line.contains("\"taskId\":\"" + id + "\""));
          if (failed || line.contains("\"integration_conflicted\"") || line.contains("\"run_finished\"")) {
            System.out.println("   journal: " + (line.length() > 700 ? line.substring(0, 700) + "..." : line));
          }
        }
      }
    }
    return wrong;
  }

  static void sharedFileBatch(long ticks) throws Exception {
    double idealMs = Math.ceil(TASKS / (double) BUDGET) * CALLS * LATENCY.toMillis();
    System.out.printf(
        Locale.ROOT,
        "1. %d tasks at budget %d, %d model calls of %d ms per task (9 tool calls and the report); %d of them (every third)%n"
            + "   also patch 2 lines of one %d-line file (%d untouched lines between one's and the next's, 3 lines of context,%n"
            + "   against the file as last read); every task writes a file of its own.%n"
            + "   In the shared tree those %d have the file in their write scopes, so they run one at a time.%n"
            + "   Ideal makespan %.2f s (%d tasks x %d ms / %d). Makespan: first task start to last task end or merge,%n"
            + "   whichever is later (merge tail = the part after the last task end). Parallelism = sum of the tasks'%n"
            + "   start-to-end times / makespan; model = the same with the model's 50 ms waits only. CPU per task:%n"
            + "   the JVM's own, and its children's (git), from /proc/self/stat. Medians in worktrees: from the task's start%n"
            + "   to its worktree, to its commit, to its end; a merge's time is counted only where merges were backed up.%n",
        TASKS, BUDGET, CALLS, LATENCY.toMillis(), SHARED_WRITERS, SHARED_LINES, SPACING - 2, SHARED_WRITERS, idealMs / 1000,
        TASKS, CALLS * LATENCY.toMillis(), BUDGET);
    System.out.println(
        "   mode       makespan  merge tail  busy    parallelism  model  starts  conflicts    git CPU/task  JVM CPU/task");
    List<BatchRun> runs = new ArrayList<>();
    for (int k = 0; k < RUNS_PER_MODE; k++) {
      for (Isolation iso : List.of(Isolation.worktrees(), Isolation.shared())) {
        BatchRun b = batch(iso, TASKS, LATENCY, ticks);
        runs.add(b);
        System.out.printf(
            Locale.ROOT,
            "   %-9s  %6.2f s  %7.0f ms  %5.1f s  %6.2f       %5.2f  %6d  %-11s  %7.1f ms    %7.1f ms%s%n",
            b.mode(), b.makespanMs() / 1000, b.tailMs(), b.busyMs() / 1000, b.parallelism(), b.modelMs() / b.makespanMs(),
            b.starts(), b.mode().equals("shared") ? "n/a" : b.conflicts() + "/" + b.integrations(), b.childCpuMsPerTask(),
            b.jvmCpuMsPerTask(),
            (b.failedToolCalls() == 0 ? "" : "  (" + b.failedToolCalls() + " tool calls failed)")
                + (b.problems().isEmpty() ? "" : "  RUN FAILED (above)"));
        if (b.mode().equals("worktrees")) {
          System.out.printf(
              Locale.ROOT,
              "              medians: worktree made in %.0f ms, agent + commit %.0f ms (model %d ms), worktree removed in %.0f ms,"
                  + " merge %.0f ms%n",
              b.createMs(), b.workMs(), CALLS * LATENCY.toMillis(), b.removeMs(), b.mergeMs());
        }
      }
    }
    Map<String, List<BatchRun>> byMode = new LinkedHashMap<>();
    runs.forEach(b -> byMode.computeIfAbsent(b.mode(), m -> new ArrayList<>()).add(b));
    for (Map.Entry<String, List<BatchRun>> e : byMode.entrySet()) {
      List<BatchRun> list = e.getValue();
      int conflicts = list.stream().mapToInt(BatchRun::conflicts).sum();
      int integrations = list.stream().mapToInt(BatchRun::integrations).sum();
      System.out.printf(
          Locale.ROOT,
          "   %-9s  median: makespan %.2f s, parallelism %.2f%s, git CPU %.1f ms per task%s%n",
          e.getKey(), median(list.stream().mapToDouble(BatchRun::makespanMs).toArray()) / 1000,
          median(list.stream().mapToDouble(BatchRun::parallelism).toArray()),
          e.getKey().equals("worktrees") ? String.format(Locale.ROOT, " (target >= %.1f = 0.8 x %d)", 0.8 * BUDGET, BUDGET) : "",
          median(list.stream().mapToDouble(BatchRun::childCpuMsPerTask).toArray()),
          e.getKey().equals("worktrees")
              ? String.format(Locale.ROOT, "; conflicts %d of %d merges (%.1f%%)", conflicts, integrations, 100.0 * conflicts / Math.max(1, integrations))
              : "");
    }
    System.out.println();
  }

  // ------------------------------------------------------------------ 2. a worktree's cost

  static void worktreeCost(long ticks) throws Exception {
    System.out.println("2. A task's worktree by repository size (files of ~150 bytes, 100 to a folder, three folders deep):");
    System.out.println("   GitWorktrees.open (the run's integration worktree, once a run), then createTaskTree + removeTree");
    System.out.println("   repeated (medians; one warm-up before the first size); git CPU = the git processes' user + system time");
    System.out.println(
        "    files  open      reps  create task tree  remove task tree  create+remove (min-max)  per 1,000 files  git CPU create+remove");
    CommandEnvironment env = CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), System.getenv());
    int[][] sizes = {{1_000, 7}, {10_000, 5}, {30_000, 3}};
    for (int[] size : sizes) {
      int files = size[0];
      int reps = size[1];
      Path repo = Files.createTempDirectory("orchestra-bench-wt-size");
      try {
        makeRepo(repo, files);
        long t0 = System.nanoTime();
        GitWorktrees w = GitWorktrees.open(repo, "size-" + files, env, GitIdentity.ORCHESTRA, false);
        double open = (System.nanoTime() - t0) / 1e6;
        double[] create = new double[reps];
        double[] remove = new double[reps];
        double[] both = new double[reps];
        double[] cpu = new double[reps];
        try {
          // One warm-up, for the first size only (the JIT, and git's own files in the cache); the
          // larger repositories were just written, so their files are as warm as they get.
          for (int k = files == sizes[0][0] ? -1 : 0; k < reps; k++) {
            long[] c0 = procStat();
            long t1 = System.nanoTime();
            TaskTree tree = w.createTaskTree("T" + (k + 2), true);
            long t2 = System.nanoTime();
            w.removeTree(tree);
            long t3 = System.nanoTime();
            long[] c1 = procStat();
            w.deleteBranch(tree.branch());
            if (k >= 0) {
              create[k] = (t2 - t1) / 1e6;
              remove[k] = (t3 - t2) / 1e6;
              both[k] = create[k] + remove[k];
              cpu[k] = c0 == null ? Double.NaN : ((c1[2] + c1[3]) - (c0[2] + c0[3])) * 1000.0 / ticks;
            }
          }
        } finally {
          w.close();
        }
        System.out.printf(
            Locale.ROOT, "   %,6d  %,6.0f ms  %d  %12.0f ms     %12.0f ms     %8.0f ms (%.0f-%.0f)%s  %10.0f ms        %9.0f ms%n",
            files, open, reps, median(create), median(remove), median(both), Arrays.stream(both).min().orElse(0),
            Arrays.stream(both).max().orElse(0), " ".repeat(Math.max(0, 12 - minMaxWidth(both))), median(both) / (files / 1000.0),
            median(cpu));
      } finally {
        CoreBenchmark.deleteTree(repo);
      }
    }
  }

  /** The width of " (min-max)" as printed, to keep the columns after it aligned. */
  static int minMaxWidth(double[] values) {
    return String.format(Locale.ROOT, "(%.0f-%.0f)", Arrays.stream(values).min().orElse(0), Arrays.stream(values).max().orElse(0)).length();
  }

  static void makeRepo(Path repo, int files) throws Exception {
    String body = "// a small file of the benchmark's repository\n".repeat(3);
    for (int i = 0; i < files; i++) {
      Path dir = repo.resolve(String.format(Locale.ROOT, "src/m%02d/p%02d", i / 1000, (i / 100) % 10));
      if (i % 100 == 0) {
        Files.createDirectories(dir);
      }
      Files.writeString(dir.resolve("F" + i + ".java"), "// file " + i + "\n" + body);
    }
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "start");
  }

  // ------------------------------------------------------------------ helpers

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /**
   * The JVM's CPU time and that of its children it waited for (git, every one), in clock ticks:
   * utime, stime, cutime, cstime from /proc/self/stat; null off Linux.
   */
  static long[] procStat() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  static String gitOrEmpty(Path dir, String... args) throws Exception {
    try {
      return git(dir, args);
    } catch (IllegalStateException e) {
      return "";
    }
  }

  static String git(String... args) throws Exception {
    return git(null, args);
  }

  /** Runs git for the benchmark's own set-up, with an identity of its own; throws when it fails. */
  static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    if (dir != null) {
      cmd.addAll(List.of("-C", dir.toString()));
    }
    cmd.addAll(List.of("-c", "user.name=Benchmark", "-c", "user.email=benchmark@localhost", "-c", "commit.gpgsign=false"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException("git " + String.join(" ", args) + " ran over 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
