package dev.orchestra.role;

import java.util.List;
import java.util.Optional;

/**
 * The eight roles of Orchestra's team, with the reasoning effort, output sections and safe
 * sandbox each one needs. Efforts follow one rule: roles that decide think hardest, roles that
 * execute think least, roles that create sit between.
 *
 * <p>All roles ask for the orchestrator's default model; set one with {@link Role#toBuilder()}.
 */
public final class BuiltInRoles {
  /** Owns the plan: splits the goal into atomic tasks with acceptance criteria. */
  public static final String ORCHESTRATOR = "orchestrator";
  /** Read-only scout. */
  public static final String EXPLORER = "explorer";
  /** Makes one scoped change. */
  public static final String IMPLEMENTER = "implementer";
  /** Mirrors CI locally and explains failures. */
  public static final String CI_RUNNER = "ci_runner";
  /** PR-grade review with a ship or block verdict. */
  public static final String REVIEWER = "reviewer";
  /** Adds and strengthens tests for changed behaviour. */
  public static final String QA_TEST_AUTHOR = "qa_test_author";
  /** Reviews sensitive changes for security mistakes. */
  public static final String SECURITY_REVIEWER = "security_reviewer";
  /** Prepares release notes, rollout and rollback. */
  public static final String RELEASE_MANAGER = "release_manager";

  /** Tool that reads a file in the workspace. */
  public static final String TOOL_READ_FILE = "read_file";
  /** Tool that lists a folder in the workspace. */
  public static final String TOOL_LIST_DIR = "list_dir";
  /** Tool that writes a file in the workspace. */
  public static final String TOOL_WRITE_FILE = "write_file";
  /** Tool that searches file contents with a regular expression. */
  public static final String TOOL_SEARCH = "search";
  /** Tool that applies a unified diff, all or nothing. */
  public static final String TOOL_APPLY_PATCH = "apply_patch";
  /** Tool that runs a command in the workspace. */
  public static final String TOOL_RUN_COMMAND = "run_command";
  /** Tool that loads the full text of one of the role's skills. */
  public static final String TOOL_LOAD_SKILL = "load_skill";

  // Each role carries only what its job needs: the reviewer reads code; the explorer also
  // searches; the CI runner needs a terminal; writers can patch and run their checks.
  private static final List<String> READ_TOOLS = List.of(TOOL_READ_FILE, TOOL_LIST_DIR, TOOL_SEARCH, TOOL_LOAD_SKILL);
  private static final List<String> EXPLORE_TOOLS =
      List.of(TOOL_READ_FILE, TOOL_LIST_DIR, TOOL_SEARCH, TOOL_RUN_COMMAND, TOOL_LOAD_SKILL);
  private static final List<String> CI_TOOLS =
      List.of(TOOL_READ_FILE, TOOL_LIST_DIR, TOOL_SEARCH, TOOL_RUN_COMMAND, TOOL_LOAD_SKILL);
  private static final List<String> WRITE_TOOLS =
      List.of(
          TOOL_READ_FILE, TOOL_LIST_DIR, TOOL_SEARCH, TOOL_WRITE_FILE, TOOL_APPLY_PATCH, TOOL_RUN_COMMAND,
          TOOL_LOAD_SKILL);

  private static final Role ORCHESTRATOR_ROLE =
      Role.builder(ORCHESTRATOR)
          .description("Owns plan.md: splits the goal into atomic tasks with acceptance criteria.")
          .reasoningEffort(ReasoningEffort.XHIGH)
          .sandboxMode(SandboxMode.READ_ONLY)
          .tools(READ_TOOLS)
          .outputSections(List.of("Done", "Next", "Risks"))
          .instructions(
              "You own the plan. Break the goal into small tasks that one engineer could finish and"
                  + " verify alone. Give every task a short title, acceptance criteria that can be"
                  + " checked, the files or globs it may write, and the tasks it must wait for. Keep"
                  + " tasks that touch the same files apart. Anything outside the goal goes to Later,"
                  + " not into the plan. Name the risks you see.")
          .build();

  private static final Role EXPLORER_ROLE =
      Role.builder(EXPLORER)
          .description("Read-only scout: paths, key symbols, where CI lives and how to run it locally.")
          .reasoningEffort(ReasoningEffort.LOW)
          .sandboxMode(SandboxMode.READ_ONLY)
          .tools(EXPLORE_TOOLS)
          .outputSections(List.of("Paths and symbols", "CI location", "Local commands", "Next probes"))
          .instructions(
              "You scout and never change anything. Report the files and symbols that matter for the"
                  + " question, where the project's CI is defined, the local commands that reproduce"
                  + " it, and what someone should look at next. Be brief and precise: paths, not prose.")
          .build();

  private static final Role IMPLEMENTER_ROLE =
      Role.builder(IMPLEMENTER)
          .description("Makes one scoped change with the smallest diff that meets the criteria.")
          .reasoningEffort(ReasoningEffort.MEDIUM)
          .sandboxMode(SandboxMode.WORKSPACE_WRITE)
          .approvalPolicy(ApprovalPolicy.ON_REQUEST)
          .tools(WRITE_TOOLS)
          .outputSections(List.of("What changed", "Commands run", "Result"))
          .instructions(
              "You own exactly one task. Change only the files in its write scope, make the smallest"
                  + " change that meets every acceptance criterion, check it, and stop. Report what you"
                  + " changed, what you ran and the result.")
          .build();

  private static final Role CI_RUNNER_ROLE =
      Role.builder(CI_RUNNER)
          .description("Mirrors CI locally and explains a failure: root cause and smallest next fix.")
          .reasoningEffort(ReasoningEffort.LOW)
          .sandboxMode(SandboxMode.WORKSPACE_WRITE)
          .tools(CI_TOOLS)
          .outputSections(
              List.of("Commands run", "Pass/fail", "Most likely root cause", "Smallest next fix"))
          .instructions(
              "You read the output of the project's checks. Say which command failed, the most likely"
                  + " root cause with the file and line that show it, and the smallest change that would"
                  + " make it pass. Do not guess beyond the evidence.")
          .build();

  private static final Role REVIEWER_ROLE =
      Role.builder(REVIEWER)
          .description("PR-grade review for correctness and regressions; verdict ship or block.")
          .reasoningEffort(ReasoningEffort.XHIGH)
          .sandboxMode(SandboxMode.READ_ONLY)
          .tools(READ_TOOLS)
          .outputSections(
              List.of(
                  "Must-fix issues", "Regression risks and edge cases", "Missing or weak tests", "Verdict"))
          .instructions(
              "Review the change as a careful senior engineer would before merging. List what must be"
                  + " fixed, each at file:line with the reason; the regressions and edge cases it"
                  + " risks; the tests that are missing or weak. Block only for must-fix problems;"
                  + " otherwise ship.")
          .build();

  private static final Role QA_ROLE =
      Role.builder(QA_TEST_AUTHOR)
          .description("Adds or strengthens tests for the changed behaviour and verifies fixes.")
          .reasoningEffort(ReasoningEffort.HIGH)
          .sandboxMode(SandboxMode.WORKSPACE_WRITE)
          .tools(WRITE_TOOLS)
          .outputSections(List.of("Tests changed", "Commands run", "Confidence and remaining risks"))
          .instructions(
              "Make sure the changed behaviour is tested. Add or tighten tests, give the smallest steps"
                  + " that reproduce a problem, and show the commands and the output you expect. Say how"
                  + " confident you are and what is still untested.")
          .build();

  private static final Role SECURITY_ROLE =
      Role.builder(SECURITY_REVIEWER)
          .description("Reviews sensitive changes: secrets, injection, auth, unsafe fetches, logging.")
          .reasoningEffort(ReasoningEffort.HIGH)
          .sandboxMode(SandboxMode.READ_ONLY)
          .tools(READ_TOOLS)
          .outputSections(List.of("Findings with severity and evidence", "Fixes", "Verification steps"))
          .instructions(
              "Look for leaked secrets, injection, mistakes in authentication or authorisation, fetches"
                  + " an attacker could redirect, and sensitive data in logs. For each finding give its"
                  + " severity, the evidence at file:line, the fix and how to verify it.")
          .build();

  private static final Role RELEASE_ROLE =
      Role.builder(RELEASE_MANAGER)
          .description("Writes release notes, rollout steps, a rollback plan and a pre-deploy checklist.")
          .reasoningEffort(ReasoningEffort.MEDIUM)
          .sandboxMode(SandboxMode.READ_ONLY)
          .tools(READ_TOOLS)
          .outputSections(
              List.of("Release notes", "Rollout steps", "Rollback plan", "Pre-deploy checklist"))
          .instructions(
              "Prepare the change for release. Write notes for users and for the team, the steps to roll"
                  + " it out, how to roll it back, and a checklist of what must be in place first:"
                  + " migrations, environment variables, flags and monitoring.")
          .build();

  private static final List<Role> ALL =
      List.of(
          ORCHESTRATOR_ROLE,
          EXPLORER_ROLE,
          IMPLEMENTER_ROLE,
          CI_RUNNER_ROLE,
          REVIEWER_ROLE,
          QA_ROLE,
          SECURITY_ROLE,
          RELEASE_ROLE);

  private BuiltInRoles() {}

  /** Returns all eight built-in roles, in SPEC order. */
  public static List<Role> all() {
    return ALL;
  }

  /** Returns the minimal team: orchestrator, implementer, ci_runner and reviewer. */
  public static List<Role> minimalTeam() {
    return List.of(ORCHESTRATOR_ROLE, IMPLEMENTER_ROLE, CI_RUNNER_ROLE, REVIEWER_ROLE);
  }

  /**
   * Returns a built-in role by name.
   *
   * @param name the role name, for example {@code reviewer}
   * @return the role, or empty when no built-in role has that name
   */
  public static Optional<Role> byName(String name) {
    return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * Returns a built-in role by name.
   *
   * @param name the role name
   * @return the role
   * @throws IllegalArgumentException naming the known roles when there is no such role
   */
  public static Role get(String name) {
    return byName(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no built-in role '" + name + "'; known roles: " + names()));
  }

  static String names() {
    return String.join(", ", ALL.stream().map(Role::name).toList());
  }
}
