package dev.orchestra.gate;

import dev.orchestra.internal.ci.CiCommand;
import dev.orchestra.internal.ci.CiCommands;
import dev.orchestra.internal.ci.CiDiscovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The CI gate, named {@code ci}, in one of two modes.
 *
 * <p>With no checks named ({@link Gate#ci()}), it finds the repository's own checks with {@link
 * CiDiscovery} each time it runs and runs them all, builds included, in the order found (workflow
 * steps in file and step order, then conventions by folder), as {@link CommandGate}s would,
 * stopping at the first that fails. It passes only when it ran at least one: when there is nothing
 * it can run, the verdict is {@link Verdict#NOTHING_CHECKED} and the summary says what was looked
 * at, what was skipped and how to name the checks. A command whose working directory is not a
 * folder inside the workspace (a {@code ..} path, an absolute path, a link that leads out) is not
 * run: it fails the gate with a finding that names where it was found. Every summary names how
 * many workflow steps were skipped, and the first few with their reasons.
 *
 * <p>With checks named ({@link Gate#ci(List)}), it runs those shell lines in the workspace root,
 * in order, stopping at the first that fails, and reads no workflow.
 *
 * <p>Commands get the orchestrator's environment policy, through {@link
 * GateContext#commandEnvironment()}, and a failure goes to the {@code ci_runner} role for a
 * diagnosis, as for any {@link CommandGate}.
 */
final class DiscoveredCiGate implements Gate {
  /** How many skipped steps a summary shows with their reasons. */
  private static final int SKIPPED_SHOWN = 3;
  static final String HOW_TO_NAME_CHECKS =
      "Name the checks to run: orchestra run --check \"CMD\" (repeatable), checks = [\"CMD\"] under an [orchestra] table in"
          + " .codex/config.toml, or Gate.ci(List.of(\"CMD\")) when embedding.";
  private final Duration timeout;
  private final List<String> named;

  DiscoveredCiGate(Duration timeout) {
    this(timeout, List.of());
  }

  /**
   * @param timeout each command's timeout
   * @param named shell lines to run instead of discovering; empty to discover
   */
  DiscoveredCiGate(Duration timeout, List<String> named) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.named = List.copyOf(named);
  }

  /** Checks a list of named checks, with messages that say which one is wrong. */
  static List<String> checkNamed(List<String> checks) {
    Objects.requireNonNull(checks, "checks");
    if (checks.isEmpty()) {
      throw new IllegalArgumentException(
          "Gate.ci(checks) needs at least one check, for example Gate.ci(List.of(\"mvn -B verify\")); "
              + "to find the repository's own checks, use Gate.ci()");
    }
    for (int i = 0; i < checks.size(); i++) {
      String c = checks.get(i);
      if (c == null || c.isBlank()) {
        throw new IllegalArgumentException(
            "check " + (i + 1) + " of " + checks.size() + " given to Gate.ci(checks) is " + (c == null ? "null" : "blank"));
      }
    }
    return List.copyOf(checks);
  }

  @Override
  public String name() {
    return "ci";
  }

  @Override
  public GateResult evaluate(Batch batch, GateContext context) {
    return named.isEmpty() ? discovered(batch, context) : named(batch, context);
  }

  private GateResult named(Batch batch, GateContext context) {
    List<String> passed = new ArrayList<>();
    for (int i = 0; i < named.size(); i++) {
      String line = named.get(i);
      GateResult r =
          CommandGate.builder(List.of("sh", "-c", line)).name("ci").display(line).timeout(timeout).build().evaluate(batch, context);
      if (!r.verdict().passed()) {
        return new GateResult("ci", r.verdict(), r.findings(), r.summary() + " (named check " + (i + 1) + " of " + named.size() + ")", r.later());
      }
      passed.add(line);
    }
    return GateResult.pass("ci", "passed: " + String.join("; ", passed));
  }

  private GateResult discovered(Batch batch, GateContext context) {
    CiCommands found = CiDiscovery.scan(batch.workspace());
    if (found.commands().isEmpty()) {
      return GateResult.of("ci", Verdict.NOTHING_CHECKED, List.of(), nothingChecked(found));
    }
    String skipped = skippedNote(found);
    List<String> passed = new ArrayList<>();
    for (CiCommand c : found.commands()) {
      String outside = CommandGate.outsideWorkspace(batch.workspace(), c.workingDirectory());
      if (outside != null) {
        // A workflow may name any folder; running there would run the check outside the
        // workspace (or, for '..' and absolute paths, not build at all). Report it instead.
        return GateResult.of(
            "ci", Verdict.FAIL, List.of(unrunnable(c, outside)), c.label() + " was not run: its " + outside + " (found in " + c.source() + ")" + skipped);
      }
      CommandGate gate =
          CommandGate.builder(c.command()).name("ci").display(c.label()).workingDirectory(c.workingDirectory()).timeout(timeout).build();
      GateResult r = gate.evaluate(batch, context);
      if (!r.verdict().passed()) {
        return new GateResult("ci", r.verdict(), r.findings(), r.summary() + " (found in " + c.source() + ")" + skipped, r.later());
      }
      passed.add(c.label());
    }
    return GateResult.pass("ci", "passed: " + String.join("; ", passed) + skipped);
  }

  /** What was looked at, what was skipped and why, what could not be read, and how to name checks. */
  private static String nothingChecked(CiCommands found) {
    StringBuilder b = new StringBuilder("nothing was checked: no command that mirrors CI was found to run. ");
    if (found.examined().isEmpty()) {
      b.append("Looked for GitHub Actions workflows (.github/workflows/*.yml) and build files (pom.xml, build.gradle, package.json,"
          + " pyproject.toml, Cargo.toml, go.mod, Makefile, …) and found none.");
    } else {
      b.append("Looked at ").append(String.join(", ", found.examined())).append('.');
    }
    if (!found.skipped().isEmpty()) {
      b.append(" Skipped ").append(skippedList(found)).append('.');
    }
    if (!found.problems().isEmpty()) {
      b.append(" Could not read ");
      b.append(String.join("; ", found.problems().stream().map(CiCommands.Problem::toString).toList())).append('.');
    }
    return b.append(' ').append(HOW_TO_NAME_CHECKS).toString();
  }

  /** " (skipped 2 steps: …)" for a summary, or an empty string when nothing was skipped. */
  private static String skippedNote(CiCommands found) {
    return found.skipped().isEmpty() ? "" : " (skipped " + skippedList(found) + ")";
  }

  /** "2 steps: a (why); b (why)", the first few with their reasons and how many more. */
  private static String skippedList(CiCommands found) {
    List<CiCommands.Skipped> all = found.skipped();
    StringBuilder b = new StringBuilder().append(all.size()).append(all.size() == 1 ? " step: " : " steps: ");
    List<String> shown = all.stream().limit(SKIPPED_SHOWN).map(CiCommands.Skipped::toString).toList();
    b.append(String.join("; ", shown));
    if (all.size() > SKIPPED_SHOWN) {
      b.append("; and ").append(all.size() - SKIPPED_SHOWN).append(" more");
    }
    return b.toString();
  }

  /** A finding that points at the file (and line) that named the working directory. */
  private static Finding unrunnable(CiCommand c, String outside) {
    String file = c.source();
    int line = 0;
    int colon = file.lastIndexOf(':');
    if (colon > 0 && file.substring(colon + 1).matches("[0-9]+")) {
      line = Integer.parseInt(file.substring(colon + 1));
      file = file.substring(0, colon);
    }
    int hash = file.indexOf('#');
    if (hash > 0) {
      file = file.substring(0, hash); // package.json#scripts.test
    }
    return new Finding(
        "ci", Severity.HIGH, file, line, "'" + c.label() + "' was not run: its " + outside,
        "Make the working directory of '" + c.label() + "' in " + c.source() + " a folder inside the repository");
  }

  @Override
  public String toString() {
    return named.isEmpty() ? "Gate[ci, discovered]" : "Gate[ci, named: " + String.join("; ", named) + "]";
  }
}
