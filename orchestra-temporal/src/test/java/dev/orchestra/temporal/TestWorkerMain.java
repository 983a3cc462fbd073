package dev.orchestra.temporal;

import dev.orchestra.Orchestrator;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A worker JVM for tests: {@code TARGET QUEUE WORKSPACE KEEPS_DESKS SLOTS TASKS CALLS CALL_MILLIS BUDGET STICKY [CI_COMMAND
 * [GIT_REMOTE [HOLD_AT]]]} (an empty CI command: the checks the workspace calls for; with a git
 * remote, the workspace is a clone of it; with a task id to hold at, the desk this worker keeps
 * stops for good when it delivers that task's end, as a worker that hangs, and prints {@code holding
 * TASK}; with {@code edit:TASK}, when it delivers the plan update that adds TASK).
 * Prints {@code ready} once polling and {@code started TASK} as each task's agent starts; stops when
 * its standard input ends, so a test that dies takes it along.
 */
public final class TestWorkerMain {
  private TestWorkerMain() {}

  public static void main(String[] args) throws IOException {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    try (Orchestrator team =
            SyntheticTeam.build(
                Path.of(args[2]), Integer.parseInt(args[5]), Integer.parseInt(args[6]), Long.parseLong(args[7]), Integer.parseInt(args[8]),
                id -> {
                  System.out.println("started " + id);
                  System.out.flush();
                },
                args.length > 10 ? args[10] : "",
                args.length > 12 ? holdAt(args[12]) : e -> {});
        OrchestraWorker worker = worker(team, args)) {
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

  /**
   * A listener that never returns once it hears that {@code at} finished, or, for {@code
   * edit:TASK}, once it hears of a plan update that adds {@code TASK} (a person's edit merged).
   */
  private static OrchestraListener holdAt(String at) {
    return e -> {
      boolean held =
          at.startsWith("edit:")
              ? e instanceof OrchestraEvent.PlanUpdated u && u.addedTaskIds().contains(at.substring("edit:".length()))
              : e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals(at);
      if (held) {
        System.out.println("holding " + at);
        System.out.flush();
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException stillHolding) {
            // a worker that hangs does not stop for an interrupt either
          }
        }
      }
    };
  }

  private static OrchestraWorker worker(Orchestrator team, String[] args) {
    OrchestraWorker.Builder b =
        OrchestraWorker.builder(team).taskQueue(args[1]).keepsDesks(Boolean.parseBoolean(args[3])).slots(Integer.parseInt(args[4]))
            .stickyWorkflows(Boolean.parseBoolean(args[9]));
    return (args.length > 11 && !args[11].isEmpty() ? b.gitRemote(args[11]) : b).build();
  }
}
