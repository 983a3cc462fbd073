package dev.orchestra.examples;

import dev.orchestra.Orchestrator;
import dev.orchestra.temporal.OrchestraWorker;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
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
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(queue).slots(slots).keepsDesks(!noDesks).build()) {
      worker.start(WorkflowClient.newInstance(service));
      Runtime.getRuntime().addShutdownHook(hook);
      Main.Context.out().println(
          "worker polling task queue '" + queue + "' on " + temporal + " (" + slots + " slots" + (noDesks ? ", no desks" : ", keeps desks")
              + "); Ctrl-C stops it");
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
}
