package dev.orchestra.plan;

import dev.orchestra.role.BuiltInRoles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads and writes the plan.md format documented on {@link Plan}. */
final class PlanMarkdown {
  private static final String TITLE_PREFIX = "# Plan:";
  private static final List<String> SECTIONS = List.of("Tasks", "Later", "Done", "Next", "Risks", "Release notes");
  private static final String FIELDS = "status, role, depends on, write scope, acceptance, notes";

  private PlanMarkdown() {}

  static String write(Plan plan) {
    StringBuilder out = new StringBuilder(256 + plan.tasks().size() * 160);
    out.append(TITLE_PREFIX).append(' ').append(plan.goal()).append("\n\n");
    out.append("<!-- Written by Orchestra; edit freely. Format: see dev.orchestra.plan.Plan. -->\n\n");
    out.append("## Tasks\n");
    for (Task t : plan.tasks()) {
      out.append("\n### ").append(t.id()).append(": ").append(t.title()).append('\n');
      out.append("- status: ").append(t.status().markdownValue()).append('\n');
      out.append("- role: ").append(t.role()).append('\n');
      if (!t.dependsOn().isEmpty()) {
        out.append("- depends on: ").append(String.join(", ", t.dependsOn())).append('\n');
      }
      list(out, "write scope", t.writeScope());
      list(out, "acceptance", t.acceptanceCriteria());
      if (!t.notes().isEmpty()) {
        out.append("- notes: ").append(t.notes()).append('\n');
      }
    }
    section(out, "Later", plan.later());
    section(out, "Done", plan.done());
    section(out, "Next", plan.next());
    section(out, "Risks", plan.risks());
    if (!plan.releaseNotes().isEmpty()) {
      section(out, "Release notes", plan.releaseNotes());
    }
    return out.toString();
  }

  private static void list(StringBuilder out, String field, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    out.append("- ").append(field).append(":\n");
    for (String item : items) {
      out.append("  - ").append(item).append('\n');
    }
  }

  private static void section(StringBuilder out, String name, List<String> items) {
    out.append("\n## ").append(name).append('\n');
    if (!items.isEmpty()) {
      out.append('\n');
      for (String item : items) {
        out.append("- ").append(item).append('\n');
      }
    }
  }

  /** A task being read: its fields as found, and the line of its heading for errors. */
  private static final class TaskDraft {
    final int line;
    final String id;
    final String title;
    TaskStatus status = TaskStatus.TODO;
    String role = BuiltInRoles.IMPLEMENTER;
    List<String> dependsOn = List.of();
    final List<String> writeScope = new ArrayList<>();
    final List<String> acceptance = new ArrayList<>();
    String notes = "";

    TaskDraft(int line, String id, String title) {
      this.line = line;
      this.id = id;
      this.title = title;
    }
  }

  static Plan parse(String text, String source) {
    String[] lines = text.split("\r?\n", -1);
    String goal = null;
    String section = null;
    TaskDraft task = null;
    List<String> openList = null; // the list field that indented items go to
    List<TaskDraft> drafts = new ArrayList<>();
    Map<String, List<String>> items = new HashMap<>();
    for (String s : SECTIONS) {
      items.put(s, new ArrayList<>());
    }
    boolean inComment = false;

    for (int i = 0; i < lines.length; i++) {
      int n = i + 1;
      String raw = lines[i];
      String line = raw.strip();
      if (inComment) {
        inComment = !line.contains("-->");
        continue;
      }
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("<!--")) {
        inComment = !line.contains("-->");
        continue;
      }
      if (goal == null) {
        if (!line.startsWith(TITLE_PREFIX)) {
          throw new PlanFormatException(
              source, n, "expected the title line '# Plan: <goal>', got '" + abbreviate(line) + "'");
        }
        goal = line.substring(TITLE_PREFIX.length()).strip();
        continue;
      }
      if (line.startsWith("## ") || line.equals("##")) {
        String name = line.substring(2).strip();
        String canonical = canonicalSection(name);
        if (canonical == null) {
          throw new PlanFormatException(
              source, n, "unknown section '" + name + "'; expected one of " + String.join(", ", SECTIONS));
        }
        section = canonical;
        task = null;
        openList = null;
        continue;
      }
      if (line.startsWith("#")) {
        if (!"Tasks".equals(section) || !line.startsWith("### ")) {
          throw new PlanFormatException(
              source,
              n,
              "unexpected heading '"
                  + abbreviate(line)
                  + "'; tasks ('### <id>: <title>') belong under '## Tasks'");
        }
        String head = line.substring(4).strip();
        int colon = head.indexOf(':');
        if (colon <= 0) {
          throw new PlanFormatException(
              source, n, "expected a task heading '### <id>: <title>', got '" + abbreviate(line) + "'");
        }
        task = new TaskDraft(n, head.substring(0, colon).strip(), head.substring(colon + 1).strip());
        drafts.add(task);
        openList = null;
        continue;
      }
      if (section == null) {
        throw new PlanFormatException(
            source, n, "expected a section heading such as '## Tasks', got '" + abbreviate(line) + "'");
      }
      boolean indented = raw.startsWith("  ") || raw.startsWith("\t");
      if (!line.startsWith("- ") && !line.equals("-")) {
        throw new PlanFormatException(
            source, n, "expected a '- ' list item, got '" + abbreviate(line) + "'");
      }
      String body = line.substring(1).strip();
      if (!"Tasks".equals(section)) {
        if (body.isEmpty()) {
          throw new PlanFormatException(source, n, "empty list item in '## " + section + "'");
        }
        items.get(section).add(body);
        continue;
      }
      if (task == null) {
        throw new PlanFormatException(
            source, n, "expected a task heading '### <id>: <title>' before '" + abbreviate(line) + "'");
      }
      if (indented) {
        if (openList == null) {
          throw new PlanFormatException(
              source, n, "indented item outside a list field (write scope or acceptance)");
        }
        if (body.isEmpty()) {
          throw new PlanFormatException(source, n, "empty list item");
        }
        openList.add(body);
        continue;
      }
      openList = field(task, body, source, n);
    }
    if (goal == null) {
      throw new PlanFormatException(source, 1, "expected the title line '# Plan: <goal>', got an empty file");
    }
    List<Task> tasks = new ArrayList<>(drafts.size());
    Map<String, Integer> lineOf = new HashMap<>();
    for (TaskDraft d : drafts) {
      try {
        tasks.add(
            new Task(d.id, d.title, d.acceptance, d.status, d.dependsOn, d.writeScope, d.role, d.notes));
      } catch (IllegalArgumentException e) {
        throw new PlanFormatException(source, d.line, e.getMessage());
      }
      if (lineOf.putIfAbsent(d.id, d.line) != null) {
        throw new PlanFormatException(
            source, d.line, "task id " + d.id + " already used on line " + lineOf.get(d.id));
      }
    }
    for (TaskDraft d : drafts) {
      for (String dep : d.dependsOn) {
        if (!lineOf.containsKey(dep)) {
          throw new PlanFormatException(
              source, d.line, "task " + d.id + " depends on " + dep + ", which is not in the plan");
        }
      }
    }
    try {
      return new PlanDocument(
          goal, tasks, items.get("Later"), items.get("Done"), items.get("Next"), items.get("Risks"), items.get("Release notes"));
    } catch (IllegalArgumentException e) {
      throw new PlanFormatException(source, 0, e.getMessage());
    }
  }

  /** Applies one {@code - name: value} line; returns the list that indented items go to. */
  private static List<String> field(TaskDraft task, String body, String source, int n) {
    int colon = body.indexOf(':');
    if (colon <= 0) {
      throw new PlanFormatException(
          source, n, "expected a task field '- <name>: <value>' (" + FIELDS + "), got '- " + abbreviate(body) + "'");
    }
    String name = body.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = body.substring(colon + 1).strip();
    switch (name) {
      case "status" -> {
        task.status =
            TaskStatus.fromMarkdownValue(value)
                .orElseThrow(
                    () ->
                        new PlanFormatException(
                            source,
                            n,
                            "unknown status '" + value + "'; expected one of " + TaskStatus.allowedValues()));
        return null;
      }
      case "role" -> {
        if (value.isEmpty()) {
          throw new PlanFormatException(source, n, "the role field needs a role name");
        }
        task.role = value;
        return null;
      }
      case "depends on" -> {
        List<String> deps = new ArrayList<>();
        if (!value.isEmpty() && !value.equalsIgnoreCase("none")) {
          for (String d : value.split(",")) {
            if (!d.isBlank()) {
              deps.add(d.strip());
            }
          }
        }
        task.dependsOn = deps;
        return null;
      }
      case "write scope" -> {
        if (!value.isEmpty()) {
          task.writeScope.add(value);
        }
        return task.writeScope;
      }
      case "acceptance" -> {
        if (!value.isEmpty()) {
          task.acceptance.add(value);
        }
        return task.acceptance;
      }
      case "notes" -> {
        task.notes = value;
        return null;
      }
      default -> throw new PlanFormatException(
          source, n, "unknown task field '" + name + "'; expected one of " + FIELDS);
    }
  }

  private static String canonicalSection(String name) {
    for (String s : SECTIONS) {
      if (s.equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }

  private static String abbreviate(String line) {
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }
}
