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
 * as {@link CommandGate}s would, stopping at the first that fails.
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

  @Override
  public String toString() {
    return "Gate[ci, discovered]";
  }
}
