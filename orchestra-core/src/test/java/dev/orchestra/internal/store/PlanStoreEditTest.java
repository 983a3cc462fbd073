package dev.orchestra.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits of the plan made elsewhere (sent to a run on Temporal), merged at the run's plan check. */
final class PlanStoreEditTest {
  @TempDir Path dir;

  private static Plan plan(Task... tasks) {
    return Plan.builder("goal").tasks(List.of(tasks)).build();
  }

  private static Task task(String id, TaskStatus status, String... dependsOn) {
    return Task.builder(id, "Do " + id).status(status).dependsOn(dependsOn).build();
  }

  @Test
  void anEditIsMergedAgainstThePlanItsAuthorSawSoTheRunsProgressStays() {
    PlanStore store = new PlanStore(dir.resolve("plan.md"), dir.resolve(".orchestra"));
    Plan seen = plan(task("T1", TaskStatus.RUNNING), task("T2", TaskStatus.TODO));
    Plan now = plan(task("T1", TaskStatus.DONE), task("T2", TaskStatus.RUNNING));
    store.offerEdit(seen, plan(task("T1", TaskStatus.RUNNING), task("T2", TaskStatus.TODO), task("T3", TaskStatus.TODO)));

    PlanStore.Edit edit = store.edit(now).orElseThrow();

    assertEquals(List.of("T3"), edit.added());
    assertEquals(TaskStatus.DONE, edit.merged().task("T1").orElseThrow().status(), "done meanwhile, and the edit did not touch T1");
    assertEquals(TaskStatus.RUNNING, edit.merged().task("T2").orElseThrow().status());
    assertEquals(Optional.empty(), store.edit(edit.merged()), "taken once");
  }

  @Test
  void anEditThatDoesNotFitIsLeftOutAndTheOthersAreMerged() {
    PlanStore store = new PlanStore(dir.resolve("plan.md"), dir.resolve(".orchestra"));
    Plan current = plan(task("T1", TaskStatus.TODO), task("T2", TaskStatus.TODO));
    // Two people edit the same plan: one adds T3 after T2, the other removes T2.
    store.offerEdit(current, plan(task("T1", TaskStatus.TODO), task("T2", TaskStatus.TODO), task("T3", TaskStatus.TODO, "T2")));
    store.offerEdit(current, plan(task("T1", TaskStatus.TODO)));

    PlanStore.Edit edit = store.edit(current).orElseThrow();

    assertEquals(List.of("T1", "T2", "T3"), edit.merged().tasks().stream().map(Task::id).toList(),
        "the second edit is left out: with it, T3 would wait for a task that is gone");
    assertEquals(List.of("T3"), edit.added());
    assertTrue(edit.removed().isEmpty(), edit.removed().toString());
  }

  @Test
  void anEditThatChangesNothingIsNoEdit() {
    PlanStore store = new PlanStore(dir.resolve("plan.md"), dir.resolve(".orchestra"));
    Plan current = plan(task("T1", TaskStatus.DONE));
    store.offerEdit(plan(task("T1", TaskStatus.TODO)), plan(task("T1", TaskStatus.TODO)));

    assertEquals(Optional.empty(), store.edit(current));
  }

  @Test
  void anEditOfPlanMdThatDoesNotFitTheRunsPlanIsRefusedAndLeftAsItIs() throws Exception {
    Path file = dir.resolve("plan.md");
    PlanStore store = new PlanStore(file, dir.resolve(".orchestra"));
    store.write(plan(task("T1", TaskStatus.DONE), task("T2", TaskStatus.TODO)));
    // The run adds F1 after T2 and has not written plan.md since; a person removes T2 from plan.md.
    Plan current = plan(task("T1", TaskStatus.DONE), task("T2", TaskStatus.TODO), task("F1", TaskStatus.TODO, "T2"));
    String edited = plan(task("T1", TaskStatus.DONE)).toMarkdown();
    Files.writeString(file, edited);

    PlanStore.EditDoesNotFit e = assertThrows(PlanStore.EditDoesNotFit.class, () -> store.edit(current));

    assertTrue(e.getMessage().startsWith(file + " was edited, but the edit does not fit the run's plan as it stands: "), e.getMessage());
    assertTrue(e.getMessage().contains("T2"), "names the task: " + e.getMessage());
    assertTrue(e.getMessage().endsWith("put back the task named, then resume)"), "says what to do: " + e.getMessage());
    store.write(current);
    assertEquals(edited, Files.readString(file), "the person's edit is not written over");
  }

  @Test
  void anEditOfPlanMdThatFitsOnlyWithoutASentEditIsTakenAndTheSentOneLeftOut() throws Exception {
    Path file = dir.resolve("plan.md");
    PlanStore store = new PlanStore(file, dir.resolve(".orchestra"));
    Plan current = plan(task("T1", TaskStatus.DONE), task("T2", TaskStatus.TODO));
    store.write(current);
    // Sent: T3 after T2. In plan.md: T2 removed. Together, T3 would wait for a task that is gone.
    store.offerEdit(current, plan(task("T1", TaskStatus.DONE), task("T2", TaskStatus.TODO), task("T3", TaskStatus.TODO, "T2")));
    Files.writeString(file, plan(task("T1", TaskStatus.DONE)).toMarkdown());

    PlanStore.Edit edit = store.edit(current).orElseThrow();

    assertEquals(List.of("T1"), edit.merged().tasks().stream().map(Task::id).toList());
    assertEquals(List.of("T2"), edit.removed());
    assertTrue(edit.added().isEmpty(), edit.added().toString());
  }
}
