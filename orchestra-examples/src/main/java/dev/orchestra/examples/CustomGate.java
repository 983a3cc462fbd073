package dev.orchestra.examples;

import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recipe: a custom gate. This one blocks a batch that leaves a {@code FIXME} in a changed file;
 * each one becomes a finding at file:line, and so a task for the next round.
 */
public final class CustomGate implements Gate {
  @Override
  public String name() {
    return "no-fixme";
  }

  @Override
  public Applicability applies(Batch batch) {
    return batch.changedFiles().isEmpty() ? Applicability.no("nothing changed") : Applicability.yes(batch.changedFiles().size() + " files changed");
  }

  @Override
  public GateResult evaluate(Batch batch, GateContext context) {
    List<Finding> findings = new ArrayList<>();
    for (String file : batch.changedFiles()) {
      Path p = batch.workspace().resolve(file);
      if (!Files.isRegularFile(p)) {
        continue;
      }
      try {
        List<String> lines = Files.readAllLines(p);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains("FIXME")) {
            findings.add(new Finding(name(), Severity.MEDIUM, file, i + 1, "a FIXME is left in the change", "Resolve the FIXME in " + file));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return findings.isEmpty()
        ? GateResult.pass(name(), "no FIXME in " + batch.changedFiles().size() + " changed files")
        : GateResult.of(name(), Verdict.BLOCK, findings, findings.size() + " FIXMEs");
  }
}
