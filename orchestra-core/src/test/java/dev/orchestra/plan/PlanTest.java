package dev.orchestra.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class PlanTest {
  @TempDir Path dir;

  static Plan sample() {
    return PlanSamples.sample();
  }

  @Test
  void markdownRoundTripGivesTheSamePlan() {
    Plan plan = sample();
    String md = plan.toMarkdown();
    assertEquals(plan, Plan.fromMarkdown(md));
    assertEquals(md, Plan.fromMarkdown(md).toMarkdown());
  }

  @Test
  void releaseNotesRoundTripAndAreLeftOutWhenThereAreNone() {
    Plan plan = sample().toBuilder().releaseNotes(List.of("Greets you", "Rollback: revert it")).build();
    String md = plan.toMarkdown();
    assertTrue(md.endsWith("## Release notes\n\n- Greets you\n- Rollback: revert it\n"), md);
    assertEquals(plan, Plan.fromMarkdown(md));
    assertFalse(sample().toMarkdown().contains("Release notes"));
  }

  @Test
  void emptyPlanRoundTrips() {
    Plan plan = Plan.builder("Nothing yet").build();
    assertEquals(plan, Plan.fromMarkdown(plan.toMarkdown()));
  }

  @Test
  void readsAPlanWrittenByHand() {
    String md =
        """
        <!-- a comment
             over two lines -->
        # Plan: Ship it

        ## Risks
        - Deadline is tight

        ## Tasks
        ### A: First thing
        - acceptance: it works
        ### B: Second thing
        - STATUS: Done
        - depends on: none
        - write scope:
        \t- docs/**
        - role: reviewer
        ### C: Third
        - depends on: A, B
        - acceptance:
          - one
          - two

        ## later
        - Someday
        """;
    Plan plan = Plan.fromMarkdown(md);
    assertEquals("Ship it", plan.goal());
    assertEquals(List.of("A", "B", "C"), plan.tasks().stream().map(Task::id).toList());
    Task a = plan.task("A").orElseThrow();
    assertEquals(TaskStatus.TODO, a.status());
    assertEquals("implementer", a.role());
    assertEquals(List.of("it works"), a.acceptanceCriteria());
    Task b = plan.task("B").orElseThrow();
    assertEquals(TaskStatus.DONE, b.status());
    assertEquals(List.of("docs/**"), b.writeScope());
    assertEquals("reviewer", b.role());
    assertEquals(List.of("A", "B"), plan.task("C").orElseThrow().dependsOn());
    assertEquals(List.of("one", "two"), plan.task("C").orElseThrow().acceptanceCriteria());
    assertEquals(List.of("Someday"), plan.later());
    assertEquals(List.of("Deadline is tight"), plan.risks());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("", 1, "expected the title line"),
        Arguments.of("Plan\n", 1, "expected the title line '# Plan: <goal>'"),
        Arguments.of("# Plan: g\nsome text\n", 2, "expected a section heading"),
        Arguments.of("# Plan: g\n## Tasks\n### T1: a\n- colour: red\n", 4, "unknown task field 'colour'; expected one of status, role"),
        Arguments.of("# Plan: g\n## Tasks\n### T1: a\n- status: doing\n", 4, "unknown status 'doing'; expected one of todo, running, done, failed, blocked"),
        Arguments.of("# Plan: g\n## Tasks\n### T1: a\n### T1: b\n", 4, "task id T1 already used on line 3"),
        Arguments.of("# Plan: g\n## Tasks\n### T1: a\n- depends on: T9\n", 3, "depends on T9, which is not in the plan"),
        Arguments.of("# Plan: g\n## Tasks\n### T1 a\n", 3, "expected a task heading"),
        Arguments.of("# Plan: g\n## Tasks\n### T1: a\n  - stray\n", 4, "indented item outside a list field"),
        Arguments.of("# Plan: g\n## Tasks\n- orphan: x\n", 3, "expected a task heading"),
        Arguments.of("# Plan: g\n## Backlog\n", 2, "unknown section 'Backlog'"),
        Arguments.of("# Plan: g\n## Later\nplain text\n", 3, "expected a '- ' list item"),
        Arguments.of("# Plan: g\n## Later\n### T1: a\n", 3, "tasks ('### <id>: <title>') belong under '## Tasks'"),
        Arguments.of("# Plan: g\n## Tasks\n### T 1: a\n", 3, "task id must be letters"),
        Arguments.of("# Plan: g\n## Tasks\n### T1:\n", 3, "task T1 needs a title"),
        Arguments.of("# Plan: g\n## Tasks\n### A: a\n- depends on: B\n### B: b\n- depends on: A\n", 0, "cycle"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedInputNamesTheLineAndWhatWasExpected(String md, int line, String message) {
    PlanFormatException e = assertThrows(PlanFormatException.class, () -> Plan.fromMarkdown(md));
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().startsWith("plan.md:" + line + ": "), e.getMessage());
  }

  @Test
  void readNamesTheFileInErrors() throws IOException {
    Path file = dir.resolve("plan.md");
    Files.writeString(file, "# Plan: g\n## Tasks\n### T1: a\n- status: ??\n");
    PlanFormatException e = assertThrows(PlanFormatException.class, () -> Plan.read(file));
    assertEquals(file.toString(), e.source());
    assertTrue(e.getMessage().startsWith(file + ":4: "));
  }

  @Test
  void writeIsAtomicAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("nested/plan.md");
    Plan plan = sample();
    plan.write(file);
    Files.writeString(dir.resolve("nested/keep.txt"), "x");
    plan.withStatus("T1", TaskStatus.DONE).write(file);
    assertEquals(plan.withStatus("T1", TaskStatus.DONE), Plan.read(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of("keep.txt", "plan.md"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void rejectsInconsistentPlans() {
    Task a = Task.builder("A", "a").dependsOn("B").build();
    Task b = Task.builder("B", "b").dependsOn("A").build();
    IllegalArgumentException cycle =
        assertThrows(IllegalArgumentException.class, () -> Plan.builder("g").tasks(a, b).build());
    assertTrue(cycle.getMessage().contains("A -> B -> A") || cycle.getMessage().contains("B -> A -> B"), cycle.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Plan.builder("g").tasks(a).build());
    assertThrows(IllegalArgumentException.class, () -> Plan.builder("g").tasks(Task.builder("A", "x").build(), Task.builder("A", "y").build()).build());
    assertThrows(IllegalArgumentException.class, () -> Task.builder("A", "two\nlines").build());
    assertThrows(IllegalArgumentException.class, () -> Task.builder("A", "x").dependsOn("A").build());
  }

  @Test
  void aLongChainIsCheckedWithoutRecursion() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      Task.Builder t = Task.builder("T" + i, "step " + i);
      if (i > 0) {
        t.dependsOn("T" + (i - 1));
      }
      tasks.add(t.build());
    }
    Plan plan = Plan.builder("long").tasks(tasks).build();
    assertEquals(plan, Plan.fromMarkdown(plan.toMarkdown()));
  }

  @Test
  void withTaskAddsOrReplaces() {
    Plan plan = sample();
    Plan more = plan.withTask(Task.builder("T9", "New").build());
    assertEquals(6, more.tasks().size());
    Plan replaced = more.withTask(Task.builder("T9", "Renamed").build());
    assertEquals("Renamed", replaced.task("T9").orElseThrow().title());
    assertEquals(6, replaced.tasks().size());
    assertThrows(IllegalArgumentException.class, () -> plan.withStatus("nope", TaskStatus.DONE));
  }
}
