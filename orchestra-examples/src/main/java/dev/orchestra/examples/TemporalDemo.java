package dev.orchestra.examples;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Task;
import dev.orchestra.temporal.LocalTemporalServer;
import dev.orchestra.temporal.OrchestraWorker;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.temporal.internal.ChildJvm;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code orchestra demo --temporal}: Temporal's own test server in a child JVM on a loopback port,
 * two worker JVMs that share only a git remote (a bare repository; each works in a clone of its
 * own, the first keeps the run's desk), and a run of a scripted team started from this JVM; prints
 * which worker ran which task, and where the run's branch is. Offline, no API key,
 * nothing to install; every child JVM ends with the demo.
 */
final class TemporalDemo {
  static final String QUEUE = "orchestra-demo";
  static final int TASKS = 6;

  private TemporalDemo() {}

  /** Runs the demo in {@code dir} (created if missing); returns the exit code. */
  static int run(Path dir, PrintStream out) throws IOException, InterruptedException {
    dir = dir.toAbsolutePath().normalize(); // git runs in other folders than this JVM's
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path remote = bareRemote(dir);
    List<Path> clones = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      Path clone = dir.resolve("worker-" + i);
      git(dir, "clone", "--quiet", "--", remote.toString(), clone.toString());
      clones.add(clone);
    }
    out.println("Orchestra on Temporal, offline: a Temporal test server and two workers, each a JVM of its own with a clone of " + remote
        + ", the git remote they share (and nothing else).");
    try (ChildJvm server = new ChildJvm(LocalTemporalServer.class, logs.resolve("temporal-server.log"), "0")) {
      String target = "127.0.0.1:" + server.await(LocalTemporalServer.LISTENING, 120).substring(LocalTemporalServer.LISTENING.length());
      out.println("Temporal test server on " + target + " (pid " + server.pid() + ")");
      List<ChildJvm> workers = new ArrayList<>();
      try {
        for (int i = 1; i <= 2; i++) {
          workers.add(
              new ChildJvm(
                  TemporalDemo.class, logs.resolve("worker-" + i + ".log"), target, clones.get(i - 1).toString(), String.valueOf(i == 1),
                  remote.toString()));
        }
        for (int i = 0; i < workers.size(); i++) {
          workers.get(i).await("ready", 120);
          out.println("worker " + (i + 1) + " ready (pid " + workers.get(i).pid() + (i == 0 ? ", keeps the run's desk" : "") + ")");
        }
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        OrchestraEvent.RunFinished end;
        String runId;
        try {
          TemporalOrchestrator temporal = TemporalOrchestrator.builder(WorkflowClient.newInstance(service)).taskQueue(QUEUE).build();
          runId = temporal.start("Write " + TASKS + " greetings");
          out.println("run " + runId + " started: workflow " + TemporalOrchestrator.workflowId(runId));
          end = temporal.await(runId);
        } finally {
          service.shutdownNow();
        }
        Map<String, String> ranOn = new TreeMap<>();
        for (int i = 0; i < workers.size(); i++) {
          for (String line : workers.get(i).drain()) {
            if (line.startsWith("started ")) {
              ranOn.merge(line.substring("started ".length()), "worker " + (i + 1), (a, b) -> a + ", then " + b);
            }
          }
        }
        ranOn.forEach((task, worker) -> out.println("  " + task + " ran on " + worker));
        out.printf(Locale.ROOT, "%s: %s%n", end.stopReason(), end.message());
        out.println("The run's branch on the remote: git -C " + remote + " log --oneline orchestra/" + runId);
        out.println(
            "The journal and plan.md are in " + clones.get(0).resolve(".orchestra") + " and " + clones.get(0).resolve("plan.md") + " (worker 1 kept the"
                + " run's desk); logs in " + logs);
        return StopReason.GREEN.name().equals(end.stopReason()) ? 0 : 1;
      } finally {
        workers.forEach(ChildJvm::close);
      }
    }
  }

  /** A bare repository with one commit (a README): the remote the workers clone and push to. */
  private static Path bareRemote(Path dir) throws IOException, InterruptedException {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Files.writeString(seed.resolve("README.md"), "# Greetings\n\nWritten by Orchestra's demo on Temporal.\n");
    git(seed, "init", "--quiet", "-b", "main");
    git(seed, "add", "README.md");
    git(seed, "-c", "user.name=Orchestra demo", "-c", "user.email=demo@orchestra.invalid", "commit", "--quiet", "-m", "Start the greetings");
    Path remote = dir.resolve("greetings.git");
    git(dir, "clone", "--quiet", "--bare", "--", seed.toString(), remote.toString());
    return remote;
  }

  private static void git(Path in, String... args) throws InterruptedException {
    GitProcess.Outcome r = GitProcess.run(in, List.of(args));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + r.output().strip());
    }
  }

  /** The demo's team: a planner of {@value #TASKS} tasks, an implementer per greeting, a check. */
  static Orchestrator team(Path ws, java.util.function.Consumer<String> started) {
    List<Task> plan = new ArrayList<>();
    for (int i = 1; i <= TASKS; i++) {
      plan.add(Task.builder("T" + i, "Write greeting-" + i + ".txt").writeScope("greeting-" + i + ".txt").role("implementer").build());
    }
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").otherwise(Reply.text(RoleAnswers.plan(plan)));
    model.on("implementer")
        .otherwise(
            Reply.answer(
                req -> {
                  boolean wrote = req.messages().stream().anyMatch(m -> m instanceof Message.ToolResult);
                  if (!wrote) {
                    started.accept(req.taskId());
                  }
                  pause(); // a model takes a while: long enough for both workers to get tasks
                  String file = "greeting-" + req.taskId().substring(1) + ".txt";
                  if (!wrote) {
                    String args = "{\"path\":\"" + file + "\",\"content\":\"hello from " + req.taskId() + "\\n\"}";
                    return new ModelResponse("", List.of(new ToolCall("w1", "write_file", args)), TokenUsage.ZERO);
                  }
                  return ModelResponse.text(RoleAnswers.implementation("wrote " + file), TokenUsage.ZERO);
                }));
    return Orchestrator.builder()
        .workspace(ws)
        .modelProvider(model)
        .explorationProbes(List.of())
        .addGate(Gate.command("sh", "-c", "test \"$(ls greeting-*.txt | wc -l)\" -eq " + TASKS).build())
        .build();
  }

  private static void pause() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /**
   * A demo worker: {@code TARGET CLONE KEEPS_DESKS REMOTE}. Prints {@code ready}, then {@code started
   * TASK} as each agent starts; stops when its standard input ends.
   */
  public static void main(String[] args) throws IOException {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    try (Orchestrator team =
            team(
                Path.of(args[1]),
                id -> {
                  System.out.println("started " + id);
                  System.out.flush();
                });
        // Not sticky: Temporal's test server never moves a workflow off a worker that died.
        OrchestraWorker worker =
            OrchestraWorker.builder(team)
                .taskQueue(QUEUE)
                .slots(2)
                .keepsDesks(Boolean.parseBoolean(args[2]))
                .gitRemote(args[3])
                .stickyWorkflows(false)
                .build()) {
      worker.start(WorkflowClient.newInstance(service));
      System.out.println("ready");
      System.out.flush();
      InputStream in = System.in;
      while (in.read() != -1) {
        // its end is the signal to stop
      }
    } finally {
      service.shutdownNow();
    }
    // A thread a library left behind must not keep this process alive after its parent is gone.
    System.exit(0);
  }
}
