package dev.orchestra.gate;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A quality gate: looks at a finished batch and decides pass, fail or block, with findings that
 * become the next round's tasks.
 *
 * <p>Gates run one after another, in the order they were added to the orchestrator (the usual
 * order is ci, review, qa, security). Implementations need not be thread-safe: one gate runs at a
 * time.
 *
 * <p>Built-in gates: {@link #command(List)} runs a real process; {@link #ci()} runs the
 * repository's own CI checks, and {@link #ci(List)} the checks you name; {@link #review()}, {@link #qa()}
 * and {@link #security()} ask the reviewer, QA test author and security reviewer roles.
 */
public interface Gate {

  /** Returns the gate's name, for example {@code ci}; unique within an orchestrator. */
  String name();

  /**
   * Returns the roles this gate asks for judgment ({@link GateContext#runRole}); the orchestrator's
   * builder refuses a team without them. The default needs none; the built-in review, QA and
   * security gates need their roles.
   *
   * @return role names
   */
  default java.util.Set<String> requiredRoles() {
    return java.util.Set.of();
  }

  /**
   * Says whether the gate applies to a batch, and why. The default applies always.
   *
   * @param batch the batch
   * @return the decision with its reason, recorded in the gate's event
   */
  default Applicability applies(Batch batch) {
    return Applicability.yes("runs after every batch");
  }

  /**
   * Evaluates a batch. Blocks until decided.
   *
   * @param batch the batch
   * @param context the orchestrator's services
   * @return the verdict and findings
   */
  GateResult evaluate(Batch batch, GateContext context);

  /**
   * Whether a gate runs on a batch.
   *
   * @param applies true to run
   * @param reason why, one line
   */
  record Applicability(boolean applies, String reason) {
    /** Validates the reason. */
    public Applicability {
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns a decision to run.
     *
     * @param reason why
     * @return the decision
     */
    public static Applicability yes(String reason) {
      return new Applicability(true, reason);
    }

    /**
     * Returns a decision to skip.
     *
     * @param reason why
     * @return the decision
     */
    public static Applicability no(String reason) {
      return new Applicability(false, reason);
    }
  }

  /**
   * Returns a builder for a gate named {@code ci} that runs a command (no shell) in the workspace.
   *
   * @param command the program and its arguments
   * @return the builder
   */
  static CommandGate.Builder command(List<String> command) {
    return CommandGate.builder(command);
  }

  /**
   * Returns a builder for a gate named {@code ci} that runs a command (no shell).
   *
   * @param command the program and its arguments
   * @return the builder
   */
  static CommandGate.Builder command(String... command) {
    return CommandGate.builder(List.of(command));
  }

  /**
   * Returns a builder for a gate named {@code ci} that runs a shell line through {@code sh -c}.
   * Use only for commands you wrote: the shell interprets the line.
   *
   * @param line the shell line
   * @return the builder
   */
  static CommandGate.Builder shell(String line) {
    return CommandGate.builder(List.of("sh", "-c", line));
  }

  /**
   * Returns a gate named {@code ci} that finds the repository's own checks (the {@code run:} steps
   * of GitHub Actions workflows, then the conventions of Maven, Gradle, npm, pytest, cargo, go,
   * make and others; see {@link dev.orchestra.internal.ci.CiDiscovery}) and runs them all, builds included,
   * in the order found, each with a 10-minute timeout, stopping at the first that fails.
   *
   * <p>It passes only when it ran at least one check. When it finds nothing it can run, its verdict
   * is {@link Verdict#NOTHING_CHECKED}, not a pass: the summary says what was looked at and skipped,
   * and how to name the checks instead ({@code orchestra run --check "CMD"}, {@code checks =
   * ["CMD"]} under {@code [orchestra]} in {@code .codex/config.toml}, or {@link #ci(List)}). Its
   * summaries also name the workflow steps it skipped (installs, deploys, uploads, steps it does
   * not recognise as checks) with their reasons.
   *
   * @return the gate
   */
  static Gate ci() {
    return new DiscoveredCiGate(Duration.ofMinutes(10));
  }

  /**
   * Returns a gate named {@code ci} that runs the given checks instead of discovering the
   * repository's own: each is a shell line run with {@code sh -c} in the workspace root, in the
   * order given, stopping at the first that fails. No workflow or build file is read. Each check
   * gets what {@link #ci()}'s commands get: a 10-minute timeout, the output cap, the orchestrator's
   * environment policy and, on failure, the {@code ci_runner} role's diagnosis. Use only for
   * commands you wrote: the shell interprets each line.
   *
   * @param checks the shell lines to run, for example {@code List.of("mvn -B verify", "npm run
   *     lint")}; at least one, none blank
   * @return the gate
   * @throws IllegalArgumentException when {@code checks} is empty or one of them is blank
   * @throws NullPointerException when {@code checks} is null
   */
  static Gate ci(List<String> checks) {
    return new DiscoveredCiGate(Duration.ofMinutes(10), DiscoveredCiGate.checkNamed(checks));
  }

  /** Returns the review gate, named {@code review}: the reviewer role's ship or block verdict. */
  static Gate review() {
    return ModelGate.REVIEW;
  }

  /** Returns the QA gate, named {@code qa}: the QA test author's check of the changed behaviour. */
  static Gate qa() {
    return ModelGate.QA;
  }

  /**
   * Returns the security gate, named {@code security}: the security reviewer's review, run only
   * when a batch's changes look sensitive (authentication, secrets and credentials, external
   * fetches and URLs, file access, permissions, user data), judged from changed paths and content.
   */
  static Gate security() {
    return ModelGate.SECURITY;
  }
}
