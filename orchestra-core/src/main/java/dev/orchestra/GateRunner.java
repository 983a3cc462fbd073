package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Gate;
import dev.orchestra.gate.GateContext;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.GitWorkspace;
import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.plan.Task;
import dev.orchestra.role.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a round's gates one after another, on the coordinating thread, and reports each as a
 * {@code GateSkipped} or {@code GateStarted} then {@code GateFinished}. What a gate's roles change
 * while it runs (a QA author's new tests) is reported with it: files written through the tools,
 * and files git tracks that changed; untracked files a command made (build outputs nobody ignored)
 * are not counted, or every round would find new ones.
 */
final class GateRunner {
  private static final Logger log = LoggerFactory.getLogger(GateRunner.class);

  private final RunEngine run;
  /** The diff of what the gates' roles changed in the last round: the next round's gates show it. */
  private String carriedDiff = "";

  GateRunner(RunEngine run) {
    this.run = run;
  }

  /** The orchestrator's services for gates: thread-safe, as GateContext promises. */
  private final class RunGateContext implements GateContext {
    final SortedSet<String> changed = Collections.synchronizedSortedSet(new TreeSet<>());
    final StringBuffer diff = new StringBuffer();

    @Override
    public Path workspace() {
      return run.tree();
    }

    @Override
    public Optional<Role> role(String name) {
      return Optional.ofNullable(run.config().roles().get(name));
    }

    @Override
    public RoleReport runRole(Role role, String taskId, String title, String brief) {
      Task t = Task.builder(taskId, Text.oneLine(title)).role(role.name()).build();
      String withGoal = brief.startsWith("Goal: ") ? brief : "Goal: " + run.goal() + "\n\n" + brief;
      GitWorkspace git = run.git();
      GitWorkspace.Snapshot before = role.sandboxMode().allowsWrites() && git != null ? git.snapshot(List.of()) : null;
      AgentRunner.AgentRun r = run.agents().run(role, t, withGoal, List.of(), null, run.tree());
      List<String> counted = new ArrayList<>(r.changedFiles());
      if (before != null) {
        // Git says what really changed: a tool rewrite with the same content is no change.
        GitWorkspace.Changes c = git.changesSince(before, List.of());
        counted = new ArrayList<>(c.files());
        counted.removeIf(f -> c.untracked().contains(f) && !r.changedFiles().contains(f));
        if (!counted.isEmpty()) {
          diff.append(c.diff());
        }
      }
      changed.addAll(counted);
      return r.report();
    }

    @Override
    public Map<String, String> commandEnvironment() {
      return run.commandEnvironment().variables();
    }
  }

  /** The diff of the files the previous round's gate roles changed, for this round's batch. */
  String carriedDiff() {
    return carriedDiff;
  }

  /**
   * Runs the gates on a batch. Stops early, reporting nothing more, when the run is asked to stop.
   *
   * @return whether every gate was run (or skipped)
   */
  boolean run(Batch batch) {
    OrchestratorConfig config = run.config();
    StringBuffer roundDiff = new StringBuffer();
    noteUnreviewedSensitiveChange(batch);
    for (Gate gate : config.gates()) {
      if (run.stopping()) {
        return false;
      }
      Gate.Applicability applies = gate.applies(batch);
      if (!applies.applies()) {
        run.observe(new OrchestraEvent.GateSkipped(run.runId(), run.now(), gate.name(), batch.round(), applies.reason()));
        continue;
      }
      run.observe(new OrchestraEvent.GateStarted(run.runId(), run.now(), gate.name(), batch.round(), applies.reason()));
      RunGateContext context = new RunGateContext();
      GateResult result;
      try {
        result = gate.evaluate(batch, context);
        if (!result.gate().equals(gate.name())) {
          result = new GateResult(gate.name(), result.verdict(), result.findings(), result.summary(), result.later(), result.risks());
        }
      } catch (QuotaExhaustedException | AuthenticationException e) {
        run.requestStop(
            e instanceof QuotaExhaustedException ? StopReason.QUOTA_EXHAUSTED : StopReason.AUTHENTICATION_FAILED, AgentRunner.stopMessage(e));
        return false;
      } catch (RunCancelled e) {
        return false;
      } catch (RuntimeException e) {
        if (run.stopping()) {
          return false;
        }
        log.warn("gate {} failed to evaluate round {}", gate.name(), batch.round(), e);
        result = GateResult.of(gate.name(), Verdict.FAIL, List.of(), "the gate could not decide: " + Text.oneLine(String.valueOf(e.getMessage())));
      }
      List<String> changed;
      synchronized (context.changed) {
        changed = List.copyOf(context.changed);
      }
      roundDiff.append(context.diff);
      run.observe(
          new OrchestraEvent.GateFinished(
              run.runId(), run.now(), gate.name(), batch.round(), result.verdict(), result.findings(), result.summary(), changed,
              result.later(), result.risks()));
    }
    carriedDiff = roundDiff.toString();
    return true;
  }

  /** A sensitive change that no security gate looks at is named in Risks, never passed over. */
  private void noteUnreviewedSensitiveChange(Batch batch) {
    if (run.config().gates().stream().anyMatch(g -> g.name().equals("security"))) {
      return;
    }
    Gate.Applicability sensitive = Gate.security().applies(batch);
    if (sensitive.applies()) {
      run.noteRisks(
          "not security-reviewed",
          List.of(
              "not security-reviewed: " + sensitive.reason()
                  + " (add the security_reviewer role and Gate.security() to review such changes)"));
    }
  }
}
