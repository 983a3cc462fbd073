package dev.orchestra.gate;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.plan.Task;
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
 * @param changedFiles workspace-relative files the batch changed, sorted: from git when the
 *     workspace is a git work tree (so a command's writes count too), else from the tools' record
 * @param diff the batch's changes as a unified diff, when the workspace is a git work tree; empty
 *     otherwise
 */
public record Batch(
    int round,
    String goal,
    Path workspace,
    List<Task> tasks,
    Map<String, RoleReport> reports,
    List<String> changedFiles,
    String diff) {
  private static final int MAX_DIFF_IN_DESCRIPTION = 20_000;

  /** Validates and copies the components. */
  public Batch {
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(workspace, "workspace");
    tasks = List.copyOf(tasks);
    reports = Map.copyOf(reports);
    changedFiles = List.copyOf(changedFiles);
    Objects.requireNonNull(diff, "diff");
  }

  /**
   * Creates a batch without a diff.
   *
   * @param round the loop round
   * @param goal the goal
   * @param workspace the workspace root
   * @param tasks the tasks
   * @param reports the reports by task id
   * @param changedFiles the changed files
   */
  public Batch(
      int round, String goal, Path workspace, List<Task> tasks, Map<String, RoleReport> reports, List<String> changedFiles) {
    this(round, goal, workspace, tasks, reports, changedFiles, "");
  }

  /** Returns a description for a reviewing model: the tasks, the changed files and the diff. */
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
    if (!diff.isEmpty()) {
      b.append("\nDiff:\n");
      b.append(diff.length() <= MAX_DIFF_IN_DESCRIPTION ? diff : diff.substring(0, MAX_DIFF_IN_DESCRIPTION) + "\n[diff cut; read the files for the rest]\n");
    }
    return b.toString();
  }
}
