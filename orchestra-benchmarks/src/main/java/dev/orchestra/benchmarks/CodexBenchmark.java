package dev.orchestra.benchmarks;

import dev.orchestra.Isolation;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.agent.Agent;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.codex.CodexAgent;
import dev.orchestra.openai.testing.CodexScript;
import dev.orchestra.openai.testing.CodexScript.Step;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 14's benchmark: Orchestra running 24 tasks as real Codex processes at budget 12, against
 * the same 24 {@code codex exec} invocations started 12 at a time by a bare driver (the {@code xargs
 * -P 12} of this benchmark), on the same scripted server, in one run; then the start cost and peak
 * memory of one Codex process, and the same tasks with Orchestra's in-process tool loop. The bare
 * driver replays the command lines Orchestra's run used (recorded by a two-line shell wrapper that
 * then becomes codex: one exec more per task), so both start Codex with the same prompt, brief,
 * instructions and flags.
 *
 * <p>Each task is two shell commands through Codex's own {@code exec_command} and an answer. The
 * Codex CLI is the one the build installs ({@code ~/.cache/orchestra/codex-0.169.0}) or {@code
 * -Dorchestra.codex.executable}. Every run is checked: Orchestra must end GREEN and every bare
 * invocation must exit 0 with each task's file written, or the benchmark exits 1.
 */
final class CodexBenchmark {
  private static final int TASKS = 24;
  private static final int BUDGET = 12;
  private static final String KEY = "ORCHESTRA_BENCH_CODEX_KEY";

  private CodexBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    Path codex = Path.of(System.getProperty("orchestra.codex.executable",
        Path.of(System.getProperty("user.home"), ".cache", "orchestra", "codex-0.169.0", "node_modules", ".bin", "codex").toString()));
    if (!Files.isExecutable(codex)) {
      System.err.println("codex benchmark: no Codex CLI at " + codex + "; install it with: npm install -g @openai/codex@0.169.0,"
          + " or run `mvn verify` once (it installs it there)");
      System.exit(1);
    }
    Path work = Files.createTempDirectory("orchestra-codex-bench-");
    System.out.println("codex benchmark: " + TASKS + " tasks at budget " + BUDGET + ", two commands and an answer each; "
        + Runtime.getRuntime().availableProcessors() + " cores; Codex " + codex);
    for (int r = 1; r <= rounds; r++) {
      // Orchestra first, through a wrapper that writes down each codex command line; the bare
      // driver then starts exactly those invocations (the same prompts, briefs and flags).
      Path recorded = Files.createDirectories(work.resolve("argv-" + r));
      double orchestra = orchestra(codex, work.resolve("orchestra-" + r), false, recorded);
      double bare = bare(codex, work.resolve("bare-" + r), invocations(recorded));
      double worktrees = orchestra(codex, work.resolve("worktrees-" + r), true, null);
      System.out.printf("CODEX round %d: bare driver %.2f s | Orchestra, shared folder %.2f s (overhead %+.1f%%) | Orchestra, worktrees %.2f s (%+.1f%%)%n",
          r, bare, orchestra, 100 * (orchestra - bare) / bare, worktrees, 100 * (worktrees - bare) / bare);
    }
    startCost(codex, work.resolve("single"));
    double inProcess = inProcess(work.resolve("in-process"));
    System.out.printf("CODEX in-process tool loop, same %d tasks (scripted model, real commands): %.2f s%n", TASKS, inProcess);
  }

  /** One task's script: two commands, then the report. */
  private static void script(CodexScript script, String id) {
    script.task(id, Step.command("echo " + id + " > " + id + ".txt"), Step.command("test -s " + id + ".txt"),
        Step.answer(RoleAnswers.implementation("wrote " + id + ".txt")));
  }

  private static Path codexHome(Path dir, FakeOpenAiServer server) throws IOException {
    Path home = Files.createDirectories(dir.resolve("codex-home"));
    Files.writeString(home.resolve("config.toml"), CodexScript.codexConfig(server.baseUrl(), KEY));
    return home;
  }

  /**
   * The codex command lines a run recorded through {@link #recordingWrapper}, one per task, each
   * without the program (it starts with {@code exec}).
   */
  private static List<List<String>> invocations(Path recorded) throws IOException {
    List<List<String>> out = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(recorded)) {
      for (Path f : files.sorted().toList()) {
        String all = Files.readString(f);
        List<String> args = new ArrayList<>(Arrays.asList(all.split("\0", -1)));
        args.remove(args.size() - 1); // after the last NUL
        if (!args.isEmpty() && args.get(0).equals("exec")) {
          out.add(args);
        }
      }
    }
    if (out.size() != TASKS) {
      throw new IllegalStateException("recorded " + out.size() + " codex exec command lines, expected " + TASKS);
    }
    return out;
  }

  /** A launcher that writes its arguments (NUL-separated) to a file of its own in {@code into}, then becomes codex. */
  private static Path recordingWrapper(Path codex, Path dir, Path into) throws IOException {
    Path wrapper = dir.resolve("codex-recording");
    Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\0' \"$@\" > '" + into + "/'$$.argv\nexec '" + codex + "' \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    return wrapper;
  }

  /**
   * The bare driver: the invocations Orchestra made (its argv, prompt and brief included), 12
   * processes at a time, nothing else; only the workspace and the schema file are this run's own.
   */
  private static double bare(Path codex, Path dir, List<List<String>> invocations) throws Exception {
    CodexScript script = new CodexScript();
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording().dispatcher(script)) {
      Path home = codexHome(dir, server);
      Path ws = Files.createDirectories(dir.resolve("ws"));
      Path schema = dir.resolve("schema.json");
      Files.writeString(schema, dev.orchestra.agent.ReportFormat.schema("implementer").orElseThrow());
      ExecutorService pool = Executors.newFixedThreadPool(BUDGET);
      for (int i = 1; i <= TASKS; i++) {
        script(script, "B" + i);
      }
      long t0 = System.nanoTime();
      List<Future<Integer>> runs = new ArrayList<>();
      for (List<String> recorded : invocations) {
        List<String> argv = new ArrayList<>();
        argv.add(codex.toString());
        for (int a = 0; a < recorded.size(); a++) {
          argv.add(recorded.get(a));
          if ((recorded.get(a).equals("-C") || recorded.get(a).equals("--output-schema")) && a + 1 < recorded.size()) {
            argv.add(recorded.get(a).equals("-C") ? ws.toString() : schema.toString());
            a++;
          }
        }
        runs.add(pool.submit(() -> {
          ProcessBuilder pb = new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
          pb.environment().put("CODEX_HOME", home.toString());
          pb.environment().put(KEY, "bench-not-a-key");
          Process p = pb.start();
          return p.waitFor();
        }));
      }
      for (Future<Integer> f : runs) {
        if (f.get() != 0) {
          System.err.println("codex benchmark: a bare codex exec failed");
          System.exit(1);
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      for (int i = 1; i <= TASKS; i++) {
        if (!Files.exists(ws.resolve("B" + i + ".txt"))) {
          System.err.println("codex benchmark: B" + i + ".txt was not written by the bare run");
          System.exit(1);
        }
      }
      return s;
    }
  }

  private static List<Task> tasks() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= TASKS; i++) {
      tasks.add(Task.builder("B" + i, "Write B" + i + ".txt").writeScope("B" + i + ".txt").role("implementer").build());
    }
    return tasks;
  }

  private static ScriptedModelProvider planner() {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(tasks())));
    return model;
  }

  /** Orchestra: the same tasks planned, each run by the Codex agent, in a plain folder or in worktrees. */
  private static double orchestra(Path codex, Path dir, boolean worktrees, Path record) throws Exception {
    CodexScript script = new CodexScript();
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording().dispatcher(script)) {
      Path home = codexHome(dir, server);
      Path ws = Files.createDirectories(dir.resolve("ws"));
      if (worktrees) {
        git(ws, "init", "-q");
        Files.writeString(ws.resolve("README.md"), "bench\n");
        git(ws, "add", "-A");
        git(ws, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "start");
      }
      for (int i = 1; i <= TASKS; i++) {
        script(script, "B" + i);
      }
      Path executable = record == null ? codex : recordingWrapper(codex, Files.createDirectories(dir), record);
      CodexAgent agent =
          CodexAgent.builder().executable(executable).codexHome(home).environment(KEY, "bench-not-a-key").build();
      Orchestrator.Builder b =
          Orchestrator.builder()
              .workspace(ws)
              .modelProvider(planner())
              .agent(Agent.byRole(Map.of("implementer", agent), Agent.toolLoop()))
              .role(BuiltInRoles.get("implementer").toBuilder().approvalPolicy(ApprovalPolicy.NEVER).build())
              .explorationProbes(List.of())
              .isolation(worktrees ? Isolation.Worktrees.builder().build() : Isolation.shared());
      long t0 = System.nanoTime();
      RunResult result;
      try (Orchestrator o = b.build()) {
        result = o.run("Write the files");
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (result.stopReason() != StopReason.GREEN) {
        System.err.println("codex benchmark: Orchestra's run ended " + result.stopReason() + ": " + result.message());
        System.exit(1);
      }
      return s;
    }
  }

  /** One Codex process answering at once, five times: its wall time and the peak memory of its processes. */
  private static void startCost(Path codex, Path dir) throws Exception {
    CodexScript script = new CodexScript().otherwise(id -> java.util.Optional.of(Step.answer(RoleAnswers.implementation("nothing to do"))));
    try (FakeOpenAiServer server = FakeOpenAiServer.start().withoutRecording().dispatcher(script)) {
      Path home = codexHome(dir, server);
      Path ws = Files.createDirectories(dir.resolve("ws"));
      double[] times = new double[5];
      long peakKb = 0;
      for (int i = 0; i < times.length; i++) {
        ProcessBuilder pb = new ProcessBuilder(codex.toString(), "exec", "--json", "--skip-git-repo-check", "-C", ws.toString(), "--", "Task S" + i + ": nothing")
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CODEX_HOME", home.toString());
        pb.environment().put(KEY, "bench-not-a-key");
        long t0 = System.nanoTime();
        Process p = pb.start();
        Map<Long, Long> peaks = new ConcurrentHashMap<>();
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(h -> peaks.merge(h.pid(), hwmKb(h.pid()), Math::max));
          peaks.merge(p.pid(), hwmKb(p.pid()), Math::max);
        }
        times[i] = (System.nanoTime() - t0) / 1e9;
        peakKb = Math.max(peakKb, peaks.values().stream().mapToLong(Long::longValue).sum());
      }
      Arrays.sort(times);
      System.out.printf("CODEX one process answering at once: median %.2f s (min %.2f, max %.2f) over 5; peak memory %d MB (its processes' VmHWM summed)%n",
          times[2], times[0], times[4], peakKb / 1024);
    }
  }

  private static long hwmKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between the listing and the read
    }
    return 0;
  }

  /** The same tasks with Orchestra's own tool loop: scripted model in process, real commands. */
  private static double inProcess(Path dir) throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planner();
    for (int i = 1; i <= TASKS; i++) {
      String id = "B" + i;
      model.on("implementer", id)
          .reply(
              Reply.toolCall("run_command", "{\"command\":[\"sh\",\"-c\",\"echo " + id + " > " + id + ".txt\"]}"),
              Reply.toolCall("run_command", "{\"command\":[\"test\",\"-s\",\"" + id + ".txt\"]}"),
              Reply.text(RoleAnswers.implementation("wrote " + id + ".txt")));
    }
    long t0 = System.nanoTime();
    RunResult result;
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).isolation(Isolation.shared()).build()) {
      result = o.run("Write the files");
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (result.stopReason() != StopReason.GREEN) {
      System.err.println("codex benchmark: the in-process run ended " + result.stopReason() + ": " + result.message());
      System.exit(1);
    }
    return s;
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed");
    }
  }
}
