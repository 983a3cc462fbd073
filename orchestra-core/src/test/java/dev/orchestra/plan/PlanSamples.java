package dev.orchestra.plan;

import java.util.List;

/** A plan with every kind of task and section, for tests of plan.md in any package. */
public final class PlanSamples {
  private PlanSamples() {}

  /** Returns the sample plan. */
  public static Plan sample() {
    return Plan.builder("Add a greeting: with a colon")
        .tasks(
            Task.builder("T1", "Write the greeting module")
                .acceptanceCriteria("greet() returns \"hello\"", "unit test covers it")
                .writeScope("src/greet/**", "README.md")
                .build(),
            Task.builder("T2", "Wire it: into the CLI")
                .dependsOn("T1")
                .status(TaskStatus.RUNNING)
                .role("implementer")
                .writeScope("src/cli/Main.java")
                .notes("ci finding (high) at a.java:3: x [finding 0123456789abcdef]")
                .build(),
            Task.builder("explore.1", "Look around").role("explorer").status(TaskStatus.DONE).build(),
            Task.builder("T-4_x", "Failed one").status(TaskStatus.FAILED).build(),
            Task.builder("T5", "Blocked one").dependsOn("T-4_x", "T1").status(TaskStatus.BLOCKED).build())
        .later(List.of("Support other languages", "- odd item # with marks"))
        .summary(List.of("T1: done"), List.of("T2: wire"), List.of("No tests for the CLI"))
        .build();
  }

}
