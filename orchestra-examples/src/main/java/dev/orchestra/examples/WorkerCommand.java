package dev.orchestra.examples;

import dev.orchestra.Orchestrator;
import dev.orchestra.internal.workspace.GitRemote;
import dev.orchestra.temporal.OrchestraWorker;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orchestra worker --temporal HOST:PORT}: runs Orchestra's workflows and agents' tasks for
 * the team the repository's configuration describes (as {@code run} would build it), until the
 * process is stopped (Ctrl-C or SIGTERM), which closes the worker.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run Orchestra's Temporal workflows and tasks for this repository's team.")
final class WorkerCommand extends Main.RunCommand implements Callable<Integer> {
  @Option(names = "--temporal", required = true, paramLabel = "HOST:PORT", description = "The Temporal service's gRPC address.")
  String temporal;

  @Option(names = "--queue", paramLabel = "NAME", description = "The task queue to poll (default: " + OrchestraWorker.DEFAULT_TASK_QUEUE + ").")
  String queue = OrchestraWorker.DEFAULT_TASK_QUEUE;

  @Option(names = "--slots", paramLabel = "N", description = "How many agents' tasks this worker runs at once (default 6).")
  int slots = 6;

  @Option(names = "--no-desks", description = "Do not keep runs' desks (journal, plan.md, planner, gates) here: tasks only.")
  boolean noDesks;

  @Option(names = "--remote", paramLabel = "GIT_URL",
      description = "The git remote the workers share (a URL or a path): --repo is this worker's clone of it, cloned there first when the folder is"
          + " missing or empty. Without it, every worker's --repo must be the one folder the runs work in.")
  String remote;

  @Option(names = "--max-iterations", paramLabel = "N", description = "The most rounds of the runs this worker decides (default 10).")
  int maxIterations = 10;

  @Option(names = "--one-batch", description = "The runs whose desk this worker keeps stop after their first batch and its gates.")
  boolean oneBatch;

  @Override
  boolean resuming() {
    return false;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (slots < 1) {
      throw new Main.UsageError("--slots must be at least 1");
    }
    GitRemote shared = null;
    if (remote != null) {
      try {
        // A path is the remote as this shell sees it; git runs in the clone, elsewhere.
        shared = new GitRemote(Files.exists(Path.of(remote)) ? Path.of(remote).toAbsolutePath().normalize().toString() : remote);
      } catch (IllegalArgumentException e) { // InvalidPathException too
        throw new Main.UsageError("--remote: " + e.getMessage());
      }
      cloneIfEmpty(shared);
    }
    ProgressPrinter progress = new ProgressPrinter(Main.Context.out());
    dev.orchestra.event.JsonLinesListener events = common.eventsListener();
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // Ctrl-C or SIGTERM: the hook wakes the command, which closes the worker, and the JVM ends after.
    Thread hook =
        new Thread(
            () -> {
              stopped.countDown();
              try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "orchestra-worker-stop");
    try (Orchestrator team = orchestrator(progress, events).bounds(bounds(maxIterations)).oneBatch(oneBatch).build();
        OrchestraWorker worker = worker(team, shared)) {
      worker.start(WorkflowClient.newInstance(service));
      Runtime.getRuntime().addShutdownHook(hook);
      Main.Context.out().println(
          "worker polling task queue '" + queue + "' on " + temporal + " (" + slots + " slots" + (noDesks ? ", no desks" : ", keeps desks")
              + (shared != null ? ", clone of " + shared : "") + "); Ctrl-C stops it");
      stopped.await();
      return 0;
    } finally {
      service.shutdownNow();
      if (events != null) {
        events.close();
      }
      closed.countDown();
    }
  }

  private OrchestraWorker worker(Orchestrator team, GitRemote shared) {
    OrchestraWorker.Builder b = OrchestraWorker.builder(team).taskQueue(queue).slots(slots).keepsDesks(!noDesks);
    return (shared != null ? b.gitRemote(shared.url()) : b).build();
  }

  /**
   * Clones the remote into --repo when that folder is missing or empty; otherwise it must be a git
   * work tree already (a clone made earlier). Git's process is waited for, or killed after ten
   * minutes: it never outlives the command.
   */
  private void cloneIfEmpty(GitRemote shared) throws InterruptedException {
    Path folder = repo.toAbsolutePath().normalize();
    if (Files.exists(folder) && !Files.isDirectory(folder)) {
      throw new Main.UsageError("--repo " + folder + " is a file: give a folder to clone " + shared + " into, or a clone of it");
    }
    if (Files.isDirectory(folder) && !isEmpty(folder)) {
      // The top of a work tree: not a bare repository, not a folder inside another project.
      GitProcess.Outcome top = GitProcess.run(folder, List.of("rev-parse", "--is-inside-work-tree", "--show-toplevel"));
      List<String> lines = top.output().lines().map(String::strip).toList();
      if (top.exitCode() != 0 || lines.size() != 2 || !lines.get(0).equals("true") || !sameFolder(Path.of(lines.get(1)), folder)) {
        throw new Main.UsageError(
            "--repo " + folder + " is neither empty nor the top of a git clone: give a folder to clone " + shared + " into, or a clone of it");
      }
      return;
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new Main.UsageError("--repo " + folder + " cannot be made: " + e.getMessage());
    }
    GitProcess.Outcome cloned = GitProcess.run(folder, List.of("clone", "--quiet", "--", shared.url(), folder.toString()));
    if (cloned.exitCode() != 0) {
      throw new Main.UsageError("git could not clone " + shared + " into " + folder + ": " + cloned.output().replace(shared.url(), shared.toString()).strip());
    }
    Main.Context.out().println("cloned " + shared + " into " + folder);
  }

  private static boolean sameFolder(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isEmpty(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
