package dev.orchestra.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Orchestrator;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.temporal.internal.RunWorkflow;
import dev.orchestra.temporal.internal.RunWorkflowImpl;
import dev.orchestra.temporal.internal.Wire;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals of a run on Temporal answered by a person through the run: an agent's request waits in
 * the workflow, the starting side lists and answers it, and the agent goes on as the answer says.
 */
final class TemporalApprovalTest extends InMemoryTemporalTest {
  private static final String QUEUE = "orchestra-approvals";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anAgentsApprovalRequestWaitsInTheRunUntilAPersonAnswersIt(boolean approve) throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = touching();
    Role cautious = cautious();
    AtomicInteger askedOnWorker = new AtomicInteger();
    ApprovalHandler workersOwn = request -> {
      askedOnWorker.incrementAndGet();
      return ApprovalHandler.Decision.deny("worker", "the worker's own handler was asked");
    };
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(cautious).approvalHandler(workersOwn)
                .approvalTimeout(Duration.ofSeconds(60)).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.approvalsThroughRun(true));
      String runId = temporal.start("Touch made.txt");

      List<PendingApproval> waiting = SyntheticTeam.approvalsWaiting(temporal, runId);
      assertEquals(1, waiting.size(), "the agent's request waits in the run");
      ApprovalHandler.Request request = waiting.get(0).request();
      assertEquals(List.of(runId, "T1", "implementer", "run_command", "touch made.txt"),
          List.of(request.runId(), request.taskId(), request.role(), request.action(), request.detail()));
      temporal.answerApproval(runId, "no-such-request", ApprovalHandler.Decision.approve("someone else")); // left out, logged
      temporal.answerApproval(
          runId, waiting.get(0).id(), approve ? ApprovalHandler.Decision.approve("a person") : ApprovalHandler.Decision.deny("a person", "not today"));
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertEquals(approve, Files.exists(ws.resolve("made.txt")), "the command ran only when approved");
      OrchestraEvent.ApprovalDecided decided =
          InMemoryTemporalTest.journal(ws).stream().filter(e -> e instanceof OrchestraEvent.ApprovalDecided).map(e -> (OrchestraEvent.ApprovalDecided) e)
              .findFirst().orElseThrow();
      assertEquals(approve, decided.approved());
      assertEquals("a person", decided.decidedBy());
      assertEquals(0, askedOnWorker.get(), "the worker's own handler was not asked");
      assertTrue(temporal.approvals(runId).isEmpty(), "nothing waits any more");
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      WorkflowReplayer.replayWorkflowExecution(history, RunWorkflowImpl.class);
      if (approve) {
        HistoryFixturesTest.record("approval-run", history);
      }
    }
  }

  @Test
  void aRunningTasksRequestStaysListedWhileAnotherTasksEndGoesThroughTheDesk() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model =
        planning(
            Task.builder("T1", "Touch a file").writeScope("made.txt").role("implementer").build(),
            Task.builder("T2", "Look around").writeScope("other.txt").role("implementer").build());
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"made.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(RoleAnswers.implementation("touched")));
    model.on("implementer", "T2").reply(Reply.text(RoleAnswers.implementation("nothing to change")));
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(cautious())
                .approvalTimeout(Duration.ofSeconds(60)).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.approvalsThroughRun(true));
      String runId = temporal.start("Touch made.txt");

      List<PendingApproval> waiting = SyntheticTeam.approvalsWaiting(temporal, runId);
      // Until the workflow has fed the desk's answer to T2's end (it keeps the waiting requests
      // just before), not merely until the desk journalled it.
      RunWorkflow workflow = env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, TemporalOrchestrator.workflowId(runId));
      java.util.function.BooleanSupplier t2Fed =
          () -> workflow.events(0).stream().map(Wire::event).anyMatch(e -> e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T2"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && !t2Fed.getAsBoolean()) {
        Thread.sleep(20);
      }
      assertTrue(t2Fed.getAsBoolean(), "T2's end went through the desk while T1 waited");
      assertEquals(waiting, temporal.approvals(runId), "T1 still waits: its request is still listed");
      temporal.answerApproval(runId, waiting.get(0).id(), ApprovalHandler.Decision.approve("a person"));
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(Files.exists(ws.resolve("made.txt")), "the answer reached T1");
    }
  }

  @Test
  void aRequestNobodyAnswersInTimeIsDeniedAndNoLongerListed() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = touching();
    Role cautious = cautious();
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(cautious)
                .approvalTimeout(Duration.ofSeconds(2)).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.approvalsThroughRun(true));
      String runId = temporal.start("Touch made.txt");
      List<PendingApproval> waiting = SyntheticTeam.approvalsWaiting(temporal, runId);
      assertEquals(1, waiting.size(), "the agent's request waits in the run");

      OrchestraEvent.RunFinished end = temporal.await(runId); // nobody answers
      String late = waiting.get(0).id();
      assertThrows(
          io.temporal.client.WorkflowNotFoundException.class, () -> temporal.answerApproval(runId, late, ApprovalHandler.Decision.approve("too late")),
          "the run is over");

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(temporal.approvals(runId).isEmpty(), "a request nobody waits for is not listed");
      OrchestraEvent.ApprovalDecided decided =
          InMemoryTemporalTest.journal(ws).stream().filter(e -> e instanceof OrchestraEvent.ApprovalDecided).map(e -> (OrchestraEvent.ApprovalDecided) e)
              .findFirst().orElseThrow();
      assertEquals(List.of(false, "timeout"), List.of(decided.approved(), decided.decidedBy()));
      assertTrue(!Files.exists(ws.resolve("made.txt")), "the command did not run");
    }
  }

  @Test
  void withoutApprovalsThroughTheRunTheWorkersOwnHandlerAnswersAsInOneJvm() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = touching();
    Role cautious = cautious();
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(cautious)
                .approvalHandler(request -> ApprovalHandler.Decision.approve("the worker")).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker);
      OrchestraEvent.RunFinished end = temporal.run("Touch made.txt");

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(Files.exists(ws.resolve("made.txt")));
      assertTrue(
          InMemoryTemporalTest.journal(ws).stream().anyMatch(e -> e instanceof OrchestraEvent.ApprovalDecided d && d.approved() && d.decidedBy().equals("the worker")),
          "the worker's handler decided");
    }
  }

  @Test
  void thePlannersRequestAtTheDeskWaitsInTheRunTooAndThePersonsAnswerDecides() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    // The planner, read-only and untrusted and given a terminal, runs a command first: it needs approval.
    model.on("orchestrator")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"planned.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build()))));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"), Reply.text(RoleAnswers.implementation("wrote a.txt")));
    Role planner = SyntheticTeam.askingToRunCommands("orchestrator");
    AtomicInteger askedOnWorker = new AtomicInteger();
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(planner)
                .approvalHandler(request -> {
                  askedOnWorker.incrementAndGet();
                  return ApprovalHandler.Decision.deny("worker", "the worker's own handler was asked");
                })
                .approvalTimeout(Duration.ofSeconds(60)).build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.approvalsThroughRun(true));
      String runId = temporal.start("Write a.txt");

      List<PendingApproval> waiting = SyntheticTeam.approvalsWaiting(temporal, runId);
      assertEquals(1, waiting.size(), "the planner's request waits in the run");
      // What a gate's agent on a desk worker that died would have left: a request nobody withdraws.
      env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, TemporalOrchestrator.workflowId(runId))
          .approvalAsked("gate-ci-lost", Wire.approvalRequest(new ApprovalHandler.Request(runId, "gate-ci-1", "ci_runner", "run_command", "make", "untrusted")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (temporal.approvals(runId).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, temporal.approvals(runId).size(), "both wait while the planner's desk call runs");
      ApprovalHandler.Request request = waiting.get(0).request();
      assertEquals(List.of("orchestrator", "run_command", "touch planned.txt"), List.of(request.role(), request.action(), request.detail()));
      temporal.answerApproval(runId, waiting.get(0).id(), ApprovalHandler.Decision.approve("a person"));
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertEquals(List.of(), temporal.approvals(runId), "the left request went once the desk's call ended");
      assertTrue(Files.exists(ws.resolve("planned.txt")), "the planner's command ran once approved");
      assertEquals(0, askedOnWorker.get(), "the desk worker's own handler was not asked");
      WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId)), RunWorkflowImpl.class);
    }
  }

  /**
   * A run continued as new goes on routing its desk's agents' requests through the run: the release
   * manager, which runs at the finish after the workflow continued as new (at every round boundary
   * here), asks through the newest workflow run, and a person's answer there decides.
   */
  @Test
  void aDeskAgentsRequestAfterTheRunContinuedAsNewWaitsInTheNewestWorkflowRun() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = planning(Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build());
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"), Reply.text(RoleAnswers.implementation("wrote a.txt")));
    model.on("release_manager")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"released.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text("{}"));
    Role releaser = SyntheticTeam.askingToRunCommands("release_manager");
    AtomicInteger askedOnWorker = new AtomicInteger();
    try (Orchestrator team =
            Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).role(releaser)
                .approvalHandler(request -> {
                  askedOnWorker.incrementAndGet();
                  return ApprovalHandler.Decision.deny("worker", "the worker's own handler was asked");
                })
                .approvalTimeout(Duration.ofSeconds(60))
                .build();
        OrchestraWorker worker = OrchestraWorker.builder(team).taskQueue(QUEUE).build()) {
      TemporalOrchestrator temporal = serve(worker, b -> b.approvalsThroughRun(true).continueAsNewAfter(1));
      String runId = temporal.start("Write a.txt");
      // Queried only once the release manager called the model, at the finish: the in-memory test
      // server, queried while a workflow run continues as new, sometimes loses the end of that
      // run's history.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (model.requests("release_manager").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, model.requests("release_manager").size(), "the release manager asked the model");
      List<PendingApproval> waiting = SyntheticTeam.approvalsWaiting(temporal, runId);
      assertEquals(1, waiting.size(), "the release manager's request waits in the run");
      ApprovalHandler.Request request = waiting.get(0).request();
      assertEquals(List.of("release_manager", "run_command", "touch released.txt"), List.of(request.role(), request.action(), request.detail()));
      temporal.answerApproval(runId, waiting.get(0).id(), ApprovalHandler.Decision.approve("a person"));
      OrchestraEvent.RunFinished end = temporal.await(runId);

      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
      assertTrue(Files.exists(ws.resolve("released.txt")), "the release manager's command ran once approved");
      assertEquals(0, askedOnWorker.get(), "the desk worker's own handler was not asked");
      WorkflowExecutionHistory latest = env.getWorkflowClient().fetchHistory(TemporalOrchestrator.workflowId(runId));
      assertTrue(
          !latest.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId().isEmpty(),
          "the request went to a workflow run continued from another");
      assertTrue(
          latest.getEvents().stream().anyMatch(e -> e.hasWorkflowExecutionSignaledEventAttributes()
              && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("approvalAsked")),
          "and was signalled to it");
      WorkflowReplayer.replayWorkflowExecution(latest, RunWorkflowImpl.class);
    }
  }

  /** A model whose orchestrator plans one task, whose agent runs {@code touch made.txt} and answers. */
  private static ScriptedModelProvider touching() {
    ScriptedModelProvider model = planning(Task.builder("T1", "Touch a file").writeScope("made.txt").role("implementer").build());
    model.on("implementer", "T1")
        .reply(
            Reply.toolCall("run_command", "{\"command\":[\"touch\",\"made.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}"),
            Reply.text(RoleAnswers.implementation("tried")));
    return model;
  }

  /** The implementer, read-only and untrusted: running a command needs approval. */
  private static Role cautious() {
    return BuiltInRoles.get("implementer").toBuilder().sandboxMode(SandboxMode.READ_ONLY).approvalPolicy(ApprovalPolicy.fromConfigValue("untrusted").orElseThrow()).build();
  }
}
