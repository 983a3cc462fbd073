package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.engine.RunState;
import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.store.PlanStore;
import dev.orchestra.internal.store.ReleaseNotes;
import dev.orchestra.internal.workspace.GitWorktrees;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The end of a run: a last look for a person's edit of plan.md, the summary (Done, Next, Risks),
 * the release notes of a green run, the last write of plan.md, and the {@code RunFinished} event.
 * On the coordinating thread, once no agent runs.
 */
final class RunFinisher {
  private final RunEngine run;
  private volatile RoleReport.ReleasePlan release;

  RunFinisher(RunEngine run) {
    this.run = run;
  }

  void releasePlan(RoleReport.ReleasePlan plan) {
    this.release = plan;
  }

  /** The event for a person's edit, merged: the plan as a whole. */
  static OrchestraEvent edited(RunEngine run, PlanStore.Edit e) {
    Plan p = e.merged();
    return new OrchestraEvent.PlanUpdated(
        run.runId(), run.now(), "edited by hand", p.tasks().size(), e.added(), p.goal(), p.tasks(), e.removed(), p.later(), p.risks(), true);
  }

  RunResult finish(StopReason reason, String message) {
    Thread.interrupted(); // a cancel may have interrupted us; the writes below must not be.
    String msg = Text.oneLine(message);
    Optional<Plan> live = planned();
    if (live.isPresent() && reason != StopReason.PLAN_INVALID) {
      try {
        Optional<PlanStore.Edit> edit = run.planStore().edit(live.get());
        if (edit.isPresent()) {
          run.feed(edited(run, edit.get()));
        }
      } catch (PlanFormatException e) {
        msg = msg + "; plan.md was edited during the run and cannot be read, so it was left as it is: " + e.getMessage();
      } catch (PlanStore.EditDoesNotFit e) {
        msg = msg + "; " + e.getMessage() + "; it was left as it is";
      } catch (RuntimeException e) {
        msg = msg + "; plan.md could not be read: " + e.getMessage();
      }
    }
    RunState state;
    Plan finalPlan;
    List<GateResult> gateResults;
    int rounds;
    TokenUsage usage;
    Set<String> notIntegrated;
    run.lock().lock();
    try {
      state = run.machine().state();
      gateResults = state.lastGateResults();
      rounds = Math.max(state.round(), 0);
      usage = state.usage();
      notIntegrated = new java.util.HashSet<>(state.notIntegrated());
      finalPlan = state.plan().orElseGet(() -> Plan.builder(Text.oneLine(state.goal())).build());
    } finally {
      run.lock().unlock();
    }
    RoleReport.ReleasePlan notes = reason.isGreen() ? release : null;
    Landing landing = run.worktrees().map(w -> land(w, reason)).orElse(Landing.NOTHING);
    if (!landing.line().isEmpty()) {
      msg = msg + "; " + landing.line();
    }
    if (live.isPresent()) {
      finalPlan = summarise(finalPlan, reason, msg, gateResults, notes, landing.toMerge() ? landing.line() : "", notIntegrated);
      try {
        run.planStore().write(finalPlan);
      } catch (RuntimeException e) {
        msg = msg + "; plan.md could not be written: " + e.getMessage();
      }
    }
    run.feed(new OrchestraEvent.RunFinished(run.runId(), run.now(), reason.name(), msg, rounds, usage));
    run.outbox().drainAll();
    return new RunResult(run.runId(), reason, msg, finalPlan, rounds, usage, gateResults, notes);
  }

  /**
   * Where the run's work landed, one line for the summary (empty when nothing is left to merge),
   * and the run's worktrees removed; its integration branch stays. A green run fast-forwards the
   * user's branch when asked to and it is clean.
   */
  private Landing land(GitWorktrees w, StopReason reason) {
    String branch = w.integrationBranch();
    String merge =
        w.remote().map(r -> "the run's work is on branch " + branch + " of " + r).orElse("the run's work is on branch " + branch + ": merge it with git merge " + branch);
    try {
      if (w.remote().isPresent()) {
        // No checkout of this clone is the user's: the result is the remote's branch, which must hold it.
        return new Landing(
            w.pushedIntegration()
                .map(why -> "the run's work is on branch " + branch + " in " + run.config().workspace() + " but could not be pushed to "
                    + w.remote().get() + ": " + Text.oneLine(why))
                .orElse(merge),
            true);
      }
      if (w.checkoutHasIntegration()) {
        return Landing.NOTHING;
      }
      if (reason.isGreen() && run.config().isolation() instanceof Isolation.Worktrees o && o.fastForwardWhenGreen()) {
        String ff = w.fastForward(run.config().ownPaths());
        return w.checkoutHasIntegration() ? new Landing(ff, false) : new Landing(ff + "; " + merge, true);
      }
      return new Landing(merge, true);
    } catch (RuntimeException e) {
      return new Landing(merge + " (" + Text.oneLine(String.valueOf(e.getMessage())) + ")", true);
    } finally {
      w.close(!(run.config().isolation() instanceof Isolation.Worktrees o && o.keepBranches()));
    }
  }

  /** Where a run's work landed: one line for the summary, and whether a person still has to merge it. */
  private record Landing(String line, boolean toMerge) {
    static final Landing NOTHING = new Landing("", false);
  }

  /** The run's plan as it stands, copied under the run's lock; empty before it was planned. */
  private Optional<Plan> planned() {
    run.lock().lock();
    try {
      return run.machine().state().plan();
    } finally {
      run.lock().unlock();
    }
  }

  /** The plan with its summary, the run's risks, and a green run's release notes (saved beside it). */
  private Plan summarise(
      Plan plan, StopReason reason, String msg, List<GateResult> gateResults, RoleReport.ReleasePlan notes, String landing, Set<String> notIntegrated) {
    List<String> done = new ArrayList<>();
    List<String> next = new ArrayList<>();
    if (!landing.isEmpty()) {
      next.add(landing);
    }
    for (Task t : plan.tasks()) {
      String line = t.id() + ": " + t.title();
      if (t.status() == TaskStatus.DONE && notIntegrated.contains(t.id())) {
        // Done, but its work is only on its branch (the run stopped before its merge or its
        // conflict's resolution): not yet part of the result.
        next.add(line + " (done; its work is not integrated yet" + (t.notes().isEmpty() ? "" : "; " + t.notes()) + ")");
      } else if (t.status() == TaskStatus.DONE) {
        done.add(line);
      } else if (t.status() != TaskStatus.SUPERSEDED) {
        next.add(line + " (" + t.status().markdownValue() + (t.notes().isEmpty() ? "" : "; " + t.notes()) + ")");
      }
    }
    Set<String> risks = new LinkedHashSet<>(plan.risks());
    if (!reason.isGreen()) {
      risks.add("run stopped (" + reason.name().toLowerCase(Locale.ROOT) + "): " + msg);
    }
    for (GateResult r : gateResults) {
      if (r.verdict() == Verdict.NOTHING_CHECKED) {
        risks.add(r.gate() + " gate checked nothing: " + Text.oneLine(r.summary()));
      } else if (!r.verdict().passed()) {
        risks.add(r.gate() + " gate did not pass: " + Text.oneLine(r.summary()));
      }
    }
    if (reason.isGreen() && run.config().gates().isEmpty()) {
      risks.add("no gate is configured, so no check ran on this work");
    }
    Plan.Builder b = plan.toBuilder().summary(done, next, new ArrayList<>(risks));
    if (notes != null) {
      b.releaseNotes(ReleaseNotes.lines(notes));
      Path file = run.config().stateFolder().resolve("release-notes.md");
      try {
        AtomicFiles.writeString(file, ReleaseNotes.markdown(plan.goal(), run.runId(), notes));
      } catch (RuntimeException e) {
        risks.add("the release notes could not be saved to " + file + ": " + Text.oneLine(String.valueOf(e.getMessage())));
        b.summary(done, next, new ArrayList<>(risks));
      }
    }
    return b.build();
  }
}
