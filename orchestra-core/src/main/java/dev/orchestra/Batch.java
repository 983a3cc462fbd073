package dev.orchestra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A finished batch, as the gates see it.
 *
 * @param round the loop round, from 1
 * @param goal the run's goal
 * @param workspace the workspace root
 * @param tasks the tasks the batch ran, with their final status
 * @param reports the agents' reports by task id
 * @param changedFiles workspace-relative files the batch wrote, sorted
 */
public record Batch(
    int round,
    String goal,
    Path workspace,
    List<Task> tasks,
    Map<String, RoleReport> reports,
    List<String> changedFiles) {
  /** Validates and copies the components. */
  public Batch {
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(workspace, "workspace");
    tasks = List.copyOf(tasks);
    reports = Map.copyOf(reports);
    changedFiles = List.copyOf(changedFiles);
  }

  /** Returns a short description for a reviewing model: the tasks and the changed files. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("Goal: ").append(goal).append("\n\nTasks in this batch (round ").append(round).append("):\n");
    for (Task t : tasks) {
      b.append("- ").append(t.id()).append(" [").append(t.status().markdownValue()).append("] ")
          .append(t.title()).append('\n');
      RoleReport r = reports.get(t.id());
      if (r instanceof RoleReport.Implementation impl && !impl.result().isEmpty()) {
        b.append("  result: ").append(impl.result()).append('\n');
      }
    }
    b.append("\nChanged files:\n");
    if (changedFiles.isEmpty()) {
      b.append("(none)\n");
    }
    changedFiles.forEach(f -> b.append("- ").append(f).append('\n'));
    return b.toString();
  }
}
