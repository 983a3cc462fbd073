package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.engine.RunSpec;
import dev.orchestra.internal.exec.EngineHost;
import dev.orchestra.internal.exec.TaskExecutor;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run driven from outside the in-process engine, the shape of the loop orchestra-temporal's
 * workflow is to have: a {@link RunMachine} decides, every agent's task (the explorer's probe and
 * the plan's tasks) is carried out by the team's {@link TaskExecutor} and its events are fed back,
 * and the commands the seam does not carry out yet (planning, the plan check, the finish) are
 * answered by the driver itself. The run ends GREEN with the real files written. What it does not
 * show: tasks at once (they run one after another here), gates, worktrees, retry holds, and the
 * budget moved by the results' health (this team's calls all succeed; the test checks so).
 */
final class DetachedDriverTest {
  @TempDir Path dir;

  @Test
  void aMachineDrivenElsewhereRunsEveryAgentsTaskThroughTheExecutorAndEndsGreen() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "sh check.sh")));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote a.txt")));
    model.on("implementer", "T2")
        .reply(Reply.toolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"b\\n\"}"))
        .reply(Reply.text(RoleAnswers.implementation("wrote b.txt")));
    List<Task> plan =
        List.of(
            Task.builder("T1", "Write a.txt").writeScope("a.txt").role("implementer").build(),
            Task.builder("T2", "Write b.txt").writeScope("b.txt").dependsOn("T1").role("implementer").build());
    String runId = "detached-1";
    String goal = "Write a.txt and b.txt";
    List<OrchestraEvent> journal = new ArrayList<>();
    Map<String, RoleReport.Exploration> explorations = new HashMap<>();
    try (Orchestrator o = Orchestrator.builder().workspace(Files.createDirectories(dir.resolve("home"))).modelProvider(model).build()) {
      TaskExecutor executor = EngineHost.of(o).tasks(runId, ws, () -> false);
      RunMachine machine =
          new RunMachine(new RunSpec(List.of("where are the tests?"), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), Bounds.defaults(), false, false, 4));
      Deque<OrchestraEvent> toFeed = new ArrayDeque<>(List.of(new OrchestraEvent.RunStarted(runId, Instant.now(), goal, false)));
      OrchestraEvent.RunFinished end = null;
      while (end == null) {
        OrchestraEvent next = toFeed.poll();
        if (next == null) {
          throw new AssertionError("the run waits for nothing and has not finished: " + machine.state().describe());
        }
        RunMachine.Step step = machine.step(next);
        journal.add(next);
        journal.addAll(step.events());
        if (next instanceof OrchestraEvent.RunFinished f) {
          end = f;
        }
        for (Command c : step.commands()) {
          switch (c.kind()) {
            case RUN_TASK -> {
              Command.RunTask t = (Command.RunTask) c;
              TaskResult r = executor.run(t, machine.state().goal(), explorations);
              assertTrue(r.health().stream().allMatch(h -> h.kind() == TaskResult.Health.Kind.SUCCESS) && r.risks().isEmpty(), r.toString());
              if (t.round() == 0 && r.report().orElse(null) instanceof RoleReport.Exploration e) {
                explorations.put(t.task().id(), e);
              }
              toFeed.addAll(r.events());
            }
            case ASK_PLANNER -> {
              Task p = ((Command.AskPlanner) c).task();
              toFeed.add(new OrchestraEvent.TaskFinished(runId, Instant.now(), p.id(), p.role(), TaskStatus.DONE, "2 tasks planned", List.of(), 0));
              toFeed.add(new OrchestraEvent.PlanUpdated(runId, Instant.now(), "planned", 2, List.of("T1", "T2"), goal, plan, List.of(), List.of(), List.of(), false));
            }
            case CHECK_PLAN -> {
              Command.CheckPlan p = (Command.CheckPlan) c;
              toFeed.add(new OrchestraEvent.PlanChecked(runId, Instant.now(), p.round(), p.beforeBatch(), false));
            }
            case FINISH -> {
              Command.Finish f = (Command.Finish) c;
              toFeed.add(new OrchestraEvent.RunFinished(runId, Instant.now(), f.reason().name(), f.message(), machine.state().round(), machine.state().usage()));
            }
            case RUN_GATES -> { } // no gate in this team: the machine judged the batch itself
            default -> throw new AssertionError("a command this driver does not answer: " + c);
          }
        }
      }
      assertEquals(StopReason.GREEN.name(), end.stopReason(), end.message());
    }
    assertEquals("a\n", Files.readString(ws.resolve("a.txt")));
    assertEquals("b\n", Files.readString(ws.resolve("b.txt")));
    List<String> finished =
        journal.stream().filter(e -> e instanceof OrchestraEvent.TaskFinished f && f.status() == TaskStatus.DONE)
            .map(e -> ((OrchestraEvent.TaskFinished) e).taskId()).toList();
    assertEquals(List.of("explore-1", "plan", "T1", "T2"), finished, journal.toString());
    assertTrue(journal.stream().anyMatch(e -> e instanceof OrchestraEvent.ModelCallFinished m && m.taskId().equals("T2")), "the model calls are the run's events too");
    // The explorer's report reached the plan task's brief, as in one JVM.
    String t1Prompt = model.requests().stream().filter(r -> r.taskId().equals("T1")).findFirst().orElseThrow().messages().toString();
    assertTrue(t1Prompt.contains("sh check.sh"), t1Prompt);
  }
}
