package dev.orchestra.internal.brief;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.gate.Gate;
import dev.orchestra.internal.ci.CiDiscovery;
import dev.orchestra.internal.io.Text;
import dev.orchestra.plan.Task;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What an agent is told besides its task: the goal, what the explorers found, what was tried. */
public final class Briefs {
  private static final int MAX_BRIEF_CHARS = 8_000;

  private Briefs() {}

  public static String cap(String s) {
    return s.length() <= MAX_BRIEF_CHARS ? s : s.substring(0, MAX_BRIEF_CHARS) + "\n[cut]";
  }

  /** The repository's own CI commands, found without a model, for the explorers and planner. */
  public static String ci(Path workspace) {
    try {
      return "Local commands that mirror CI (found by Orchestra in the repository):\n" + CiDiscovery.scan(workspace).describe();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** An explorer's brief. */
  public static String probe(String goal, String ci) {
    return "Goal: " + goal + "\n\n" + ci;
  }

  /** What the explorers found, in probe order. */
  public static String exploration(List<String> probes, Map<String, RoleReport.Exploration> reports) {
    StringBuilder brief = new StringBuilder();
    for (int i = 0; i < probes.size(); i++) {
      RoleReport.Exploration e = reports.get("explore-" + (i + 1));
      if (e == null) {
        continue;
      }
      brief.append("Explorer (").append(Text.oneLine(probes.get(i))).append("):\n");
      section(brief, "Paths and symbols", e.pathsAndSymbols());
      section(brief, "CI location", e.ciLocations());
      section(brief, "Local commands", e.localCommands());
      section(brief, "Next probes", e.nextProbes());
    }
    return cap(brief.toString());
  }

  private static void section(StringBuilder b, String title, List<String> items) {
    if (!items.isEmpty()) {
      b.append("  ").append(title).append(":\n");
      items.forEach(i -> b.append("  - ").append(i).append('\n'));
    }
  }

  /** The planner's brief. */
  public static String planner(String goal, String exploration, String ci, Collection<String> roles, List<Gate> gates) {
    StringBuilder brief = new StringBuilder("Goal: ").append(goal).append('\n');
    if (!exploration.isEmpty()) {
      brief.append("\nWhat the explorers found:\n").append(exploration);
    }
    brief.append('\n').append(ci);
    brief.append("\nRoles that can carry out tasks: ")
        .append(String.join(", ", new TreeSet<>(roles)))
        .append(".\nGates after each batch: ")
        .append(gates.isEmpty() ? "none" : String.join(", ", gates.stream().map(Gate::name).toList()))
        .append('.');
    return brief.toString();
  }

  /** A plan task's brief; for a finding's task, what earlier attempts tried. */
  public static String task(String goal, Task task, List<String> attempts, String exploration) {
    StringBuilder b = new StringBuilder("Goal: ").append(goal).append('\n');
    if (!task.notes().isEmpty()) {
      b.append("Notes: ").append(task.notes()).append('\n');
    }
    if (!attempts.isEmpty()) {
      b.append("\nThis is attempt ").append(attempts.size() + 1).append(" at this finding. What was tried before, and what the gate said after:\n");
      attempts.forEach(line -> b.append("- ").append(line).append('\n'));
      b.append("Try something different where an attempt did not work; the file a diagnosis names may not be the one to change.\n");
    }
    if (!exploration.isEmpty()) {
      b.append("\nWhat the explorers found:\n").append(exploration);
    }
    return cap(b.toString());
  }

  /**
   * For a task that resolves another task's conflict with the integrated work: its worktree holds
   * the integrated work with the other task's branch being merged in, conflicts marked.
   */
  public static String resolving(List<String> conflicts) {
    StringBuilder b =
        new StringBuilder(
            "\nThis worktree holds the integrated work with another task's work being merged into it, and git could not"
                + " combine them everywhere: the files below hold git's conflict markers (between <<<<<<< HEAD and ======= is"
                + " the integrated work, between ======= and >>>>>>> the other task's). Resolve every conflict so that both"
                + " sides' changes are kept and no marker line remains; what you leave is committed as the merge.\n");
    conflicts.forEach(c -> b.append(c).append('\n'));
    return cap(b.toString());
  }

  /**
   * For a task that resolves a conflict, once the merge is under way in its worktree: the files
   * git left conflicted, and those among them it could not mark (they need a deliberate choice).
   */
  public static String conflictedNow(List<String> conflicted, List<String> unmarked) {
    if (conflicted.isEmpty()) {
      return "\nGit merged the other task's work without a conflict this time: check the result and keep both sides' intent.\n";
    }
    StringBuilder b = new StringBuilder("\nConflicted now: ").append(String.join(", ", conflicted)).append('.');
    if (!unmarked.isEmpty()) {
      b.append(" Git could not put markers in ").append(String.join(", ", unmarked))
          .append(" (a binary file, or one side deleted or renamed it): write the content you decide on to each of them, or delete it,"
              + " even if you keep what is there now.");
    }
    return b.append('\n').toString();
  }

  /**
   * For a task whose earlier work conflicted with work integrated meanwhile: what conflicted, so
   * the next attempt keeps both. Empty when there was no conflict.
   */
  public static String conflicts(List<String> conflicts) {
    if (conflicts.isEmpty()) {
      return "";
    }
    StringBuilder b =
        new StringBuilder(
            "\nYour earlier work on this task could not be merged: it conflicted with work of other tasks that was integrated"
                + " first. This worktree holds the integrated work: do the task again on it, keeping the other tasks' changes."
                + " What conflicted (git's conflict markers: HEAD is the integrated work):\n");
    conflicts.forEach(c -> b.append(c).append('\n'));
    return cap(b.toString());
  }
}
