package dev.orchestra.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Bounds;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With conflicts resolved by a new task: the conflicted task stays done, a resolving task is
 * planned and started with the conflicted branch to merge, and whoever depended on the conflicted
 * task waits for the resolution too; if the resolution fails, so does the conflicted task.
 */
final class ConflictResolvingTaskTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String RUN = "r";
  private final RunMachine machine =
      new RunMachine(new RunSpec(List.of(), Set.of(BuiltInRoles.IMPLEMENTER), List.of(), new Bounds(10, 0, Duration.ZERO, 30, 3), false, false, 4, true));
  private final List<Command> commands = new ArrayList<>();
  private final List<OrchestraEvent> decided = new ArrayList<>();

  private void feed(OrchestraEvent e) {
    RunMachine.Step step = machine.step(e);
    commands.addAll(step.commands());
    decided.addAll(step.events());
  }

  private List<String> started() {
    return commands.stream().filter(Command.RunTask.class::isInstance).map(c -> ((Command.RunTask) c).task().id()).toList();
  }

  private void finishCommitted(String id) {
    feed(new OrchestraEvent.TaskCommitted(RUN, T, id, "orchestra-task/r/" + id, "c-" + id, List.of(id + ".txt"), 1));
    feed(new OrchestraEvent.TaskFinished(RUN, T, id, BuiltInRoles.IMPLEMENTER, TaskStatus.DONE, "done", List.of(id + ".txt"), 1));
  }

  private TaskStatus status(String id) {
    return machine.state().plan().orElseThrow().task(id).orElseThrow().status();
  }

  /** T1 and T2 run and finish; T1 is merged, T2 conflicts. T3 depends on T2. */
  private void t2Conflicts() {
    feed(new OrchestraEvent.RunStarted(RUN, T, "g", false));
    feed(new OrchestraEvent.TaskFinished(RUN, T, "plan", BuiltInRoles.ORCHESTRATOR, TaskStatus.DONE, "3 tasks", List.of(), 0));
    List<Task> tasks =
        List.of(
            Task.builder("T1", "one").role(BuiltInRoles.IMPLEMENTER).writeScope("shared.txt").build(),
            Task.builder("T2", "two").role(BuiltInRoles.IMPLEMENTER).writeScope("shared.txt").acceptanceCriteria("two is said").build(),
            Task.builder("T3", "three").role(BuiltInRoles.IMPLEMENTER).writeScope("t3.txt").dependsOn("T2").build());
    feed(new OrchestraEvent.PlanUpdated(RUN, T, "planned", 3, List.of("T1", "T2", "T3"), "g", tasks, List.of(), List.of(), List.of(), false));
    feed(new OrchestraEvent.PlanChecked(RUN, T, 1, true, false));
    assertEquals(Set.of("T1", "T2"), Set.copyOf(started()));
    finishCommitted("T1");
    finishCommitted("T2");
    feed(new OrchestraEvent.TaskIntegrated(RUN, T, "T1", "orchestra-task/r/T1", "m1", 1));
    commands.clear();
    feed(new OrchestraEvent.IntegrationConflicted(RUN, T, "T2", "orchestra-task/r/T2", List.of("shared.txt"), "<<<<<<< HEAD\none\n=======\ntwo\n>>>>>>> T2", true, 1));
  }

  @Test
  void aConflictPlansAResolvingTaskThatMergesTheBranchAndHoldsTheDependents() {
    t2Conflicts();
    OrchestraEvent.PlanUpdated added =
        decided.stream().filter(OrchestraEvent.PlanUpdated.class::isInstance).map(OrchestraEvent.PlanUpdated.class::cast)
            .filter(p -> p.addedTaskIds().contains("T2-resolve")).findFirst().orElseThrow(() -> new AssertionError("no resolving task: " + decided));
    Task resolver = added.tasks().stream().filter(t -> t.id().equals("T2-resolve")).findFirst().orElseThrow();
    assertEquals(List.of("shared.txt"), resolver.writeScope());
    assertTrue(resolver.acceptanceCriteria().contains("two is said") && resolver.acceptanceCriteria().size() == 2, resolver.acceptanceCriteria().toString());
    assertEquals(TaskStatus.DONE, status("T2"), "the conflicted task stays done: its work is merged by the new one");
    assertEquals(List.of("T2", "T2-resolve"), machine.state().plan().orElseThrow().task("T3").orElseThrow().dependsOn());

    Command.RunTask run = commands.stream().filter(Command.RunTask.class::isInstance).map(Command.RunTask.class::cast).findFirst().orElseThrow();
    assertEquals("T2-resolve", run.task().id());
    assertEquals("orchestra-task/r/T2", run.resolves());
    assertEquals("c-T2", run.resolvesTip(), "the commit T2 reported: a clone fetching the branch merges only that");
    assertTrue(run.conflicts().get(0).contains("<<<<<<< HEAD"), run.conflicts().toString());
    assertEquals(List.of("T2-resolve"), started(), "T3 waits for the resolution");

    commands.clear();
    finishCommitted("T2-resolve");
    feed(new OrchestraEvent.TaskIntegrated(RUN, T, "T2-resolve", "orchestra-task/r/T2-resolve", "m2", 1));
    assertEquals(List.of("T3"), started(), "resolved and integrated: T3 starts");
    assertEquals(TaskStatus.DONE, status("T2"));
  }

  @Test
  void aResolutionThatFailsFailsTheConflictedTaskAndBlocksItsDependents() {
    t2Conflicts();
    commands.clear();
    feed(new OrchestraEvent.TaskFinished(RUN, T, "T2-resolve", BuiltInRoles.IMPLEMENTER, TaskStatus.FAILED, "conflict markers remain in shared.txt", List.of(), 1));
    assertEquals(TaskStatus.FAILED, status("T2-resolve"));
    assertEquals(TaskStatus.FAILED, status("T2"), "its work never reached the integration branch");
    assertTrue(machine.state().plan().orElseThrow().task("T2").orElseThrow().notes().contains("not integrated"));
    assertEquals(TaskStatus.BLOCKED, status("T3"));
    assertEquals(List.of(), started());
  }

  @Test
  void aResolutionThatConflictsInTurnIsFollowedByAnotherUntilTheAttemptsRunOut() {
    t2Conflicts(); // conflict 1 of 3
    finishCommitted("T2-resolve");
    commands.clear();
    feed(new OrchestraEvent.IntegrationConflicted(RUN, T, "T2-resolve", "orchestra-task/r/T2-resolve", List.of("shared.txt"), "<<<<<<< HEAD", true, 1));
    Command.RunTask second = commands.stream().filter(Command.RunTask.class::isInstance).map(Command.RunTask.class::cast).findFirst().orElseThrow();
    assertEquals("T2-resolve-2", second.task().id());
    assertEquals("orchestra-task/r/T2-resolve", second.resolves(), "the next resolution merges the last one's branch");
    assertEquals("c-T2-resolve", second.resolvesTip());
    assertEquals(List.of("T2", "T2-resolve", "T2-resolve-2"), machine.state().plan().orElseThrow().task("T3").orElseThrow().dependsOn());
    finishCommitted("T2-resolve-2");
    commands.clear();
    feed(new OrchestraEvent.IntegrationConflicted(RUN, T, "T2-resolve-2", "orchestra-task/r/T2-resolve-2", List.of("shared.txt"), "<<<<<<< HEAD", true, 1));
    assertEquals(TaskStatus.FAILED, status("T2-resolve-2"), "three conflicts: the attempts are spent");
    assertEquals(TaskStatus.FAILED, status("T2-resolve"), "its work, carried on, never landed either");
    assertEquals(TaskStatus.FAILED, status("T2"));
    assertEquals(TaskStatus.BLOCKED, status("T3"));
  }

  @Test
  void whileItsResolutionIsPendingTheConflictedTaskCountsAsNotIntegratedAndAfterwardsItsConflictsAreForgotten() {
    t2Conflicts();
    assertTrue(machine.state().notIntegrated().contains("T2"), machine.state().notIntegrated().toString());
    finishCommitted("T2-resolve");
    feed(new OrchestraEvent.TaskIntegrated(RUN, T, "T2-resolve", "orchestra-task/r/T2-resolve", "m2", 1));
    assertEquals(List.of(), machine.state().notIntegrated());
    assertTrue(machine.state().conflicts.isEmpty(), "resolved: a later attempt at T2 starts afresh: " + machine.state().conflicts);
  }

  @Test
  void aResolvingTaskAPersonTakesOutOfPlanMdFailsTheWorkItCarried() {
    t2Conflicts();
    commands.clear();
    feed(new OrchestraEvent.TaskFinished(RUN, T, "T2-resolve", BuiltInRoles.IMPLEMENTER, TaskStatus.TODO, "interrupted", List.of(), 1));
    Plan now = machine.state().plan().orElseThrow();
    List<Task> edited =
        now.tasks().stream().filter(t -> !t.id().equals("T2-resolve"))
            .map(t -> t.id().equals("T3") ? t.toBuilder().dependsOn("T2").build() : t).toList();
    feed(new OrchestraEvent.PlanUpdated(RUN, T, RunMachine.EDITED, edited.size(), List.of(), "g", edited, List.of("T2-resolve"), List.of(), List.of(), true));
    assertEquals(TaskStatus.FAILED, status("T2"), "T2's work can no longer land: it is not left done");
    assertTrue(machine.state().notIntegrated().isEmpty());
  }
}
