package dev.orchestra.internal.store;

import dev.orchestra.agent.RoleReport;
import java.util.ArrayList;
import java.util.List;

/** The release manager's plan as plan.md lines and as {@code .orchestra/release-notes.md}. */
public final class ReleaseNotes {
  private ReleaseNotes() {}

  /** The user-facing notes as they are, the other parts as prefixed lines. */
  public static List<String> lines(RoleReport.ReleasePlan p) {
    List<String> out = new ArrayList<>(p.userNotes());
    p.internalNotes().forEach(n -> out.add("Internal: " + n));
    p.rolloutSteps().forEach(n -> out.add("Rollout: " + n));
    p.rollbackPlan().forEach(n -> out.add("Rollback: " + n));
    p.preDeployChecklist().forEach(n -> out.add("Before deploying: " + n));
    return out;
  }

  /** A Markdown document with one section per part. */
  public static String markdown(String goal, String runId, RoleReport.ReleasePlan p) {
    StringBuilder b = new StringBuilder("# Release notes: ").append(goal).append("\n\nWritten by the release_manager role in run ")
        .append(runId).append(".\n");
    section(b, "For users", p.userNotes());
    section(b, "Internal", p.internalNotes());
    section(b, "Rollout", p.rolloutSteps());
    section(b, "Rollback", p.rollbackPlan());
    section(b, "Before deploying", p.preDeployChecklist());
    return b.toString();
  }

  private static void section(StringBuilder b, String title, List<String> items) {
    b.append("\n## ").append(title).append("\n\n");
    if (items.isEmpty()) {
      b.append("(none)\n");
    }
    items.forEach(i -> b.append("- ").append(i).append('\n'));
  }
}
