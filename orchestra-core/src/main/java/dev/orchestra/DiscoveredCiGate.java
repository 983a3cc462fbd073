package dev.orchestra;

import dev.orchestra.ci.CiCommand;
import dev.orchestra.ci.CiCommands;
import dev.orchestra.ci.CiDiscovery;
import dev.orchestra.ci.CommandKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CI gate with no command given: it finds the repository's own checks with {@link
 * CiDiscovery} each time it runs, and runs the test, type-check and lint commands in that order
 * as {@link CommandGate}s would, stopping at the first that fails. A command whose working directory
 * is not a folder inside the workspace (a {@code ..} path, an absolute path, a link that leads out)
 * is not run: it fails the gate with a finding that names where it was found. Commands get the
 * orchestrator's environment policy, through {@link GateContext#commandEnvironment()}.
 */
final class DiscoveredCiGate implements Gate {
  private final Duration timeout;

  DiscoveredCiGate(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "ci";
  }

  @Override
  public GateResult evaluate(Batch batch, GateContext context) {
    CiCommands found = CiDiscovery.scan(batch.workspace());
    List<CiCommand> checks = new ArrayList<>();
    for (CommandKind kind : List.of(CommandKind.TEST, CommandKind.TYPECHECK, CommandKind.LINT)) {
      checks.addAll(found.ofKind(kind));
    }
    if (checks.isEmpty()) {
      return GateResult.pass("ci", "no local commands mirroring CI were found; nothing ran");
    }
    List<String> passed = new ArrayList<>();
    for (CiCommand c : checks) {
      String outside = CommandGate.outsideWorkspace(batch.workspace(), c.workingDirectory());
      if (outside != null) {
        // A workflow may name any folder; running there would run the check outside the
        // workspace (or, for '..' and absolute paths, not build at all). Report it instead.
        return GateResult.of("ci", Verdict.FAIL, List.of(unrunnable(c, outside)), c.display() + " was not run: its " + outside + " (found in " + c.source() + ")");
      }
      CommandGate gate =
          CommandGate.builder(c.command()).name("ci").workingDirectory(c.workingDirectory()).timeout(timeout).build();
      GateResult r = gate.evaluate(batch, context);
      if (!r.verdict().passed()) {
        return new GateResult("ci", r.verdict(), r.findings(), r.summary() + " (found in " + c.source() + ")", r.later());
      }
      passed.add(c.display());
    }
    return GateResult.pass("ci", "passed: " + String.join("; ", passed));
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
        "ci", Severity.HIGH, file, line, "'" + c.display() + "' was not run: its " + outside,
        "Make the working directory of '" + c.display() + "' in " + c.source() + " a folder inside the repository");
  }

  @Override
  public String toString() {
    return "Gate[ci, discovered]";
  }
}
