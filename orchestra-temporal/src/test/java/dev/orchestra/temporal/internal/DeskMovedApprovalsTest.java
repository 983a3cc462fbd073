package dev.orchestra.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.Role;
import dev.orchestra.temporal.PendingApproval;
import dev.orchestra.temporal.TemporalOrchestrator;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With approvals through the run, a desk opened again after its worker was lost sends its agents'
 * requests through the run too: the planner's call is lost once (it hangs without heartbeats),
 * the desk is opened again, and the planner there asks through the run; a person's answer decides,
 * and the worker's own handler is never asked.
 */
final class DeskMovedApprovalsTest {
  private static final String QUEUE = "orchestra-moved-approvals";

  @TempDir Path dir;

  @Test
  void aDeskOpenedAgainSendsItsAgentsRequestsThroughTheRun() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    // The planner, read-only and untrusted and given a terminal, runs a command first: it needs approval.
    model.on("orchestrator")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"planned.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"), Reply.text(RoleAnswers.implementation("wrote a.txt")));
    Role planner = dev.orchestra.temporal.SyntheticTeam.askingToRunCommands("orchestrator");
    AtomicInteger askedOnWorker = new AtomicInteger();
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    CountDownLatch done = new CountDownLatch(1);
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(planner)
                .approvalHandler(request -> {
                  askedOnWorker.incrementAndGet();
                  return ApprovalHandler.Decision.deny("worker", "the worker's own handler was asked");
                })
                .approvalTimeout(Duration.ofSeconds(60)).build();
        RunActivitiesImpl real = new RunActivitiesImpl(EngineHost.of(team), Duration.ofMillis(200), QUEUE + "-own", Optional.empty())) {
      AtomicInteger planningCalls = new AtomicInteger();
      RunActivities losingOnce = new ActivitiesBetween(real) {
        @Override
        public DeskReply carryOut(String runId, String command) {
          if (Wire.command(command).kind() == Command.Kind.ASK_PLANNER && planningCalls.incrementAndGet() == 1) {
            throw ActivitiesBetween.hang(done); // as a worker that hangs: no heartbeat, no answer
          }
          return real.carryOut(runId, command);
        }
      };
      real.signalThrough(env.getWorkflowClient());
      ActivitiesBetween.serve(env, QUEUE, losingOnce);
      WorkflowClient client = env.getWorkflowClient();
      TemporalOrchestrator temporal =
          TemporalOrchestrator.builder(client).taskQueue(QUEUE).heartbeatTimeout(Duration.ofSeconds(1)).approvalsThroughRun(true).build();
      String runId = temporal.start("Write a.txt");

      List<PendingApproval> waiting = dev.orchestra.temporal.SyntheticTeam.approvalsWaiting(temporal, runId);
      assertEquals(1, waiting.size(), "the planner's request on the desk opened again waits in the run");
      assertEquals(2, planningCalls.get(), "asked by the planner's second call, on the desk opened again");
      temporal.answerApproval(runId, waiting.get(0).id(), ApprovalHandler.Decision.approve("a person"));
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(Files.exists(ws.resolve("planned.txt")), "the planner's command ran once approved");
      assertEquals(0, askedOnWorker.get(), "the worker's own handler was not asked");
      WorkflowExecutionHistory history = client.fetchHistory(TemporalOrchestrator.workflowId(runId));
      java.util.function.ToLongFunction<String> scheduled = activity -> history.getEvents().stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(activity)).count();
      assertEquals(1, scheduled.applyAsLong("ReopenDesk"), "opened again once");
      assertEquals(2, scheduled.applyAsLong("RouteApprovals"), "requests routed through the run by both desks");
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
    } finally {
      done.countDown();
      env.close();
    }
  }
}
