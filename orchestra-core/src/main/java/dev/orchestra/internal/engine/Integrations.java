package dev.orchestra.internal.engine;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Integrating finished tasks' work, as the {@link RunMachine} decides it when tasks work in
 * worktrees of their own: one merge command at a time (of one task, or of several where the spec
 * says so), in plan order, a merged task's dependents released,
 * a conflicting task redone on the integrated state or resolved by a new task, and work that will
 * not be merged failed in the plan.
 */
final class Integrations {
  private final RunSpec spec;
  private final RunState state;
  private final RunMachine machine;

  Integrations(RunSpec spec, RunState state, RunMachine machine) {
    this.spec = spec;
    this.state = state;
    this.machine = machine;
  }

  /**
   * Asks for the next merges once none is under way: one at a time, or up to the spec's {@link
   * RunSpec#mergesAtOnce} in one command, in plan order among the finished tasks waiting (those the
   * plan no longer holds last, in the order they finished).
   */
  void integrateNext() {
    if (!state.integrating.isEmpty() || state.toIntegrate.isEmpty()) {
      return;
    }
    List<String> next = new ArrayList<>();
    if (state.plan != null) {
      for (Task t : state.plan.tasks()) {
        if (next.size() < spec.mergesAtOnce() && state.toIntegrate.contains(t.id())) {
          next.add(t.id());
        }
      }
    }
    for (String id : state.toIntegrate) {
      if (next.size() < spec.mergesAtOnce() && !next.contains(id)) {
        next.add(id);
      }
    }
    state.integrating.addAll(next);
    List<Command.Integrate> merges = new ArrayList<>();
    for (String id : next) {
      RunState.Committed work = state.committed.getOrDefault(id, new RunState.Committed("", ""));
      merges.add(new Command.Integrate(id, work.branch(), work.commit(), state.round));
    }
    machine.command(spec.mergesAtOnce() == 1 ? merges.get(0) : new Command.IntegrateAll(merges));
  }

  /** A task's work is in the integration branch: its dependents may start. */
  void integrated(String taskId) {
    RunState.Resolving resolved = state.resolving.remove(taskId);
    if (resolved != null) {
      state.conflicts.remove(resolved.root()); // resolved: a later attempt of it starts with a clean slate
    }
    state.committed.remove(taskId);
    state.committedFiles.remove(taskId);
    state.toIntegrate.remove(taskId);
    state.conflicts.remove(taskId); // a later attempt (a finding's) starts with a clean slate
    state.integrating.remove(taskId);
    if (state.scheduling != null) {
      state.scheduling.finished(taskId, TaskStatus.DONE);
    }
  }

  /**
   * A task's work conflicted with integrated work: it goes back to work on the integrated state,
   * with the conflict in its brief, or fails once it conflicted as often as a finding may be tried.
   */
  void conflicted(OrchestraEvent.IntegrationConflicted c) {
    String id = c.taskId();
    if (c.files().isEmpty()) {
      // Not a conflict: git could not merge at all. The work stays on its branch, done and waiting;
      // no more merges until the run resumes (the engine stops it, saying why): the rest of the
      // command's merges are not carried out either.
      state.integrating.clear();
      state.integrationBlocked = true;
      return;
    }
    RunState.Committed committed = state.committed.remove(id);
    String tip = committed != null && committed.branch().equals(c.branch()) ? committed.commit() : "";
    state.committedFiles.remove(id);
    state.toIntegrate.remove(id);
    state.integrating.remove(id);
    RunState.Resolving earlier = state.resolving.remove(id);
    List<String> carried = new ArrayList<>(earlier != null ? earlier.carried() : List.of());
    carried.add(id);
    String root = carried.get(0);
    String conflict = "conflicts in " + String.join(", ", c.files()) + ":\n" + c.detail();
    List<String> seen = state.conflicts.computeIfAbsent(root, k -> new ArrayList<>());
    seen.add(conflict);
    if (state.plan == null || !state.plan.contains(id)) {
      return;
    }
    Task task = state.plan.task(id);
    String files = String.join(", ", c.files());
    boolean again = seen.size() < Math.max(1, spec.bounds().maxFindingAttempts());
    if (c.resolveByNewTask()) {
      resolveByNewTask(task, carried, c.branch(), tip, conflict, files, again);
      return;
    }
    if (task.status() == TaskStatus.DONE) {
      state.doneInRound--;
    }
    if (again) {
      state.finishedInRound.remove(id);
      state.plan.update(task.withStatus(TaskStatus.TODO).withNotes(FindingLedger.keepingTag(task.notes(), "conflicted with integrated work in " + files + "; redone on it")));
    } else {
      state.plan.update(
          task.withStatus(TaskStatus.FAILED)
              .withNotes(FindingLedger.keepingTag(task.notes(), "failed: its work conflicted " + seen.size() + " times with integrated work in " + files)));
    }
    if (state.scheduling != null) {
      state.scheduling.finished(id, again ? TaskStatus.TODO : TaskStatus.FAILED);
    }
  }

  /**
   * A conflict, resolved by a new task: it works on the integrated state with the conflicted
   * branch merged in, and the conflicted task stays done, its dependents now waiting for the new
   * task too (the plan changes with a {@code PlanUpdated} the machine decides next; see {@link
   * #planIntegrationChanges}). Past the attempts, the conflicted work fails (and the task it began with).
   */
  private void resolveByNewTask(Task task, List<String> carried, String branch, String tip, String conflict, String files, boolean again) {
    String root = carried.get(0);
    if (!again) {
      failUnmerged(
          new RunState.Resolving(task, carried, branch, tip, conflict),
          "its work conflicted " + state.conflicts.get(root).size() + " times with integrated work in " + files);
      state.scheduling = null;
      return;
    }
    int n = state.conflicts.get(root).size();
    String id = root + "-resolve" + (n > 1 ? "-" + n : "");
    for (int k = n + 1; state.plan.contains(id) || state.resolving.containsKey(id); k++) {
      id = root + "-resolve-" + k; // a task of that name already: the next free one
    }
    List<String> criteria = new ArrayList<>(state.plan.contains(root) ? state.plan.task(root).acceptanceCriteria() : task.acceptanceCriteria());
    criteria.add("No conflict markers remain, and both " + root + "'s changes and the integrated work are kept");
    Task resolver =
        Task.builder(id, "Resolve the conflict of " + root + "'s work with the integrated work in " + files)
            .role(task.role())
            .writeScope(task.writeScope())
            .acceptanceCriteria(criteria)
            .build();
    state.resolving.put(id, new RunState.Resolving(resolver, carried, branch, tip, conflict));
    state.resolversToPlan.add(id);
  }

  /**
   * Says in the plan what conflicts resolved by new tasks changed, each kind in one {@code
   * PlanUpdated}: the resolving tasks decided on (each new task, the conflicted task's note, and
   * its dependents, which now wait for the new task too); and the tasks whose work will not be
   * integrated, failed.
   */
  void planIntegrationChanges() {
    if (state.plan == null) {
      return;
    }
    if (!state.unmergedToFail.isEmpty()) {
      List<Task> failed = new ArrayList<>();
      state.unmergedToFail.forEach((id, note) -> {
        if (state.plan.contains(id)) {
          Task t = state.plan.task(id);
          failed.add(t.withStatus(TaskStatus.FAILED).withNotes(FindingLedger.keepingTag(t.notes(), note)));
        }
      });
      state.unmergedToFail.clear();
      machine.planUpdated(RunMachine.NOT_INTEGRATED + String.join(", ", failed.stream().map(Task::id).toList()), List.of(), failed, List.of());
      state.scheduling = null; // their dependents are blocked now
    }
    if (state.resolversToPlan.isEmpty()) {
      return;
    }
    Map<String, Task> changed = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (String id : state.resolversToPlan) {
      RunState.Resolving r = state.resolving.get(id);
      ids.add(id);
      changed.put(id, r.task());
      if (state.plan.contains(r.conflicted())) {
        Task c = changed.getOrDefault(r.conflicted(), state.plan.task(r.conflicted()));
        changed.put(c.id(), c.withNotes(FindingLedger.keepingTag(c.notes(), "conflicted with integrated work; " + id + " resolves it")));
      }
      for (Task d : state.plan.tasks()) {
        Task current = changed.getOrDefault(d.id(), d);
        if (current.dependsOn().contains(r.conflicted()) && !current.dependsOn().contains(id)) {
          List<String> deps = new ArrayList<>(current.dependsOn());
          deps.add(id);
          changed.put(d.id(), current.toBuilder().dependsOn(deps).build());
        }
      }
    }
    machine.planUpdated(RunMachine.RESOLVING + String.join(", ", ids), ids, new ArrayList<>(changed.values()), List.of());
    state.scheduling = null; // new tasks, and new dependencies
  }

  /**
   * Work that was to be merged by a resolving task will not be: every task whose work it carried
   * (the task the conflicts began with, and each resolving task before it) fails.
   */
  void failUnmerged(RunState.Resolving r, String why) {
    for (String id : r.carried()) {
      if (state.plan != null && state.plan.contains(id) && state.plan.task(id).status() == TaskStatus.DONE && !state.unmergedToFail.containsKey(id)) {
        // The plan says so with a PlanUpdated the machine decides next (see planIntegrationChanges).
        state.unmergedToFail.put(id, "failed: its work was not integrated: " + why);
        state.doneInRound--;
        state.finishedInRound.add(id);
      }
    }
  }
}
