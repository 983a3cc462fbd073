package dev.orchestra.internal.engine;

import dev.orchestra.gate.Finding;
import dev.orchestra.gate.GateResult;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a run knows of each finding across rounds: the task that works on it, which attempt that
 * task is on, whether the orchestrator role has re-planned it, and whether its gate has passed
 * since the task was done. From that it decides, after each round's gates, what every reported
 * finding needs: a new task, another attempt, a new plan, or the end of the run.
 *
 * <p>A finding is <em>open</em> until its gate passes after its task is done. An open finding
 * that is reported again goes back to work, up to the attempt limit; at the limit the
 * orchestrator role is asked once for a new plan; a finding still reported after that is
 * exhausted. A finding reported again after it was verified has regressed.
 *
 * <p>The state a resume needs is kept in the task's notes as a tag, {@code [finding <fingerprint>
 * attempt <n>]} (plus {@code replanned} and {@code verified}), so plan.md alone restores it; the
 * attempt history comes back from replaying the journal. Every plan update rebuilds the entries
 * from the tags ({@link #restore}): hold a finding's fingerprint across one, never its {@link
 * Entry}.
 *
 * <p>Part of a {@link RunMachine}'s state: only the machine changes it, while it takes an event,
 * and one thread at a time feeds the machine (the engine holds its lock around each step). Agents
 * never read it: a task's brief gets the attempt lines copied into its {@link Command.RunTask}. Not
 * thread-safe.
 */
public final class FindingLedger {
  private static final Pattern TAG =
      Pattern.compile("\\[finding ([0-9a-f]{16})(?: attempt ([0-9]{1,4}))?( replanned)?( verified)?\\]");
  /** The start of a finding task's notes: "{@code <gate> finding (<severity>) at <file>[:<line>]: }". */
  private static final Pattern NOTES_HEAD = Pattern.compile("^(\\S+) finding \\(\\w+\\)(?: at (.+?)(?::[0-9]+)?)?: ");

  /** One finding's record. */
  public static final class Entry {
    final String fingerprint;
    final String gate;
    /** The file the finding was first reported at, or empty. */
    final String file;
    String taskId;
    int attempt;
    boolean replanned;
    boolean verified;
    /** One line per finished attempt: what the agent reported, and what the gate said after. */
    final List<String> tried = new ArrayList<>();

    Entry(String fingerprint, String gate, String file, String taskId, int attempt, boolean replanned) {
      this.fingerprint = fingerprint;
      this.gate = gate;
      this.file = file;
      this.taskId = taskId;
      this.attempt = attempt;
      this.replanned = replanned;
    }

    /** The tag for the task's notes. */
    String tag() {
      return "[finding " + fingerprint + " attempt " + attempt + (replanned ? " replanned" : "") + (verified ? " verified" : "") + "]";
    }
  }

  /** What a reported (or passed) finding needs. */
  public enum Kind {
    /** Reported for the first time: plan a task for it. */
    NEW,
    /** Its task was done (or failed) and the gate still reports it: another attempt. */
    REOPEN,
    /** At its attempt limit: ask the orchestrator role for a new plan. */
    REPLAN,
    /** Still reported after its attempts and a new plan: the run stops. */
    EXHAUSTED,
    /** Its gate had passed after the fix, and now reports it again. */
    REGRESSED,
    /** A role refused to check the change: recorded, but no work for an implementer. */
    REFUSED,
    /** Its task had failed, and its gate now passes: the task's criterion is met. */
    CLOSED
  }

  /**
   * One decision.
   *
   * @param kind what the finding needs
   * @param finding the finding as reported this round (for {@link Kind#CLOSED}, which no gate
   *     reports, a stand-in naming its gate and fingerprint)
   * @param result the gate result that reported it (or passed it)
   * @param fingerprint the fingerprint the ledger keeps the finding's record under, or empty for
   *     {@link Kind#NEW} and {@link Kind#REFUSED}. A decision names its record rather than holding
   *     it: every plan update rebuilds the records ({@link #restore}), so whoever acts on a decision
   *     after one looks the record up with {@link #entry(String)} then.
   */
  public record Decision(Kind kind, Finding finding, GateResult result, String fingerprint) {
    public Decision {
      Objects.requireNonNull(kind);
      Objects.requireNonNull(result);
      Objects.requireNonNull(fingerprint);
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  /** Other fingerprints known to be the same finding (a model gate's rewording), to the entry's. */
  private final Map<String, String> aliases = new HashMap<>();

  /** Returns the entry of a finding, or null. */
  public Entry entry(String fingerprint) {
    Entry e = entries.get(fingerprint);
    return e != null ? e : entries.get(aliases.getOrDefault(fingerprint, ""));
  }

  /**
   * Returns the finding tasks whose notes tag is behind their finding (an attempt verified by its
   * gate since, say), with the tag brought up to date, so plan.md alone restores the ledger.
   */
  public List<Task> retagged(LivePlan plan) {
    List<Task> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!plan.contains(e.taskId)) {
        continue;
      }
      Task t = plan.task(e.taskId);
      Matcher m = TAG.matcher(t.notes());
      if (m.find() && !m.group().equals(e.tag())) {
        out.add(t.withNotes(t.notes().substring(0, m.start()) + e.tag() + t.notes().substring(m.end())));
      }
    }
    return out;
  }

  /** Returns the entries as text, in a fixed order, for comparing two ledgers. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(entries).forEach((fp, e) -> b.append(e.tag()).append(" task ").append(e.taskId).append(" gate ").append(e.gate)
        .append(" file ").append(e.file).append(" tried ").append(e.tried).append("; "));
    return b.toString();
  }

  /** Returns the entry whose task is the given one, or null. */
  public Entry entryForTask(String taskId) {
    for (Entry e : entries.values()) {
      if (e.taskId.equals(taskId)) {
        return e;
      }
    }
    return null;
  }

  /**
   * Rebuilds the ledger from the tags in a plan's task notes (after a resume or a hand edit).
   * Entries of tasks no longer in the plan are dropped; what the notes cannot say (verified, the
   * history of attempts) is kept for tasks that are still there.
   */
  public void restore(List<Task> tasks) {
    Map<String, Entry> old = new HashMap<>(entries);
    entries.clear();
    for (Task t : tasks) {
      Matcher m = TAG.matcher(t.notes());
      if (!m.find()) {
        continue;
      }
      String fp = m.group(1);
      int attempt = m.group(2) == null ? 1 : Math.max(1, Integer.parseInt(m.group(2)));
      Entry was = old.get(fp);
      Matcher head = NOTES_HEAD.matcher(t.notes());
      boolean hasHead = head.find();
      String gate = was != null ? was.gate : hasHead ? head.group(1) : "";
      String file = was != null ? was.file : hasHead && head.group(2) != null ? head.group(2) : "";
      Entry e = new Entry(fp, gate, file, t.id(), attempt, m.group(3) != null);
      e.verified = m.group(4) != null;
      if (was != null) {
        // A re-plan hands the finding to a new task: what was tried goes with it.
        e.tried.addAll(was.tried);
        if (was.taskId.equals(t.id())) {
          e.verified = e.verified || was.verified;
        }
      }
      entries.put(fp, e);
    }
    aliases.values().removeIf(primary -> !entries.containsKey(primary));
  }

  /** Returns the fingerprint a finding task's notes tag names, or empty. */
  public static java.util.Optional<String> fingerprintOf(String notes) {
    Matcher m = TAG.matcher(notes);
    return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  /**
   * Returns new notes for a task, with the finding tag of its old notes kept: the ledger is rebuilt
   * from the tags at every plan update, so a finding task whose notes lost theirs (when it failed,
   * say) would lose its finding.
   *
   * @param old the task's notes as they were
   * @param notes its new notes
   * @return {@code notes}, followed by the old tag when they have none
   */
  static String keepingTag(String old, String notes) {
    Matcher m = TAG.matcher(old);
    if (!m.find() || TAG.matcher(notes).find()) {
      return notes;
    }
    return notes.isEmpty() ? m.group() : notes + " " + m.group();
  }

  /** Removes a tag from notes, for rewriting them. */
  public static String withoutTag(String notes) {
    return TAG.matcher(notes).replaceAll("").strip();
  }

  /**
   * Decides, after a round's gates, what each finding needs. Marks findings whose gate passed
   * after their task was done as verified. Does not change the plan: the caller carries out the
   * decisions.
   *
   * @param results the gate results of the round, in gate order
   * @param plan the plan as it stands after the round's batch
   * @param attemptLimit the most attempts a finding's task gets before the orchestrator re-plans
   * @return the decisions, in the order the findings were reported; {@link Kind#CLOSED} first
   */
  public List<Decision> review(List<GateResult> results, LivePlan plan, int attemptLimit) {
    List<Decision> out = new ArrayList<>();
    Map<String, GateResult> byGate = new HashMap<>();
    results.forEach(r -> byGate.put(r.gate(), r));
    for (Entry e : entries.values()) {
      GateResult r = byGate.get(e.gate);
      if (r == null || r.verdict() != Verdict.PASS || !plan.contains(e.taskId)) {
        continue;
      }
      TaskStatus s = plan.task(e.taskId).status();
      if (s == TaskStatus.DONE) {
        e.verified = true;
      } else if (s == TaskStatus.FAILED) {
        e.verified = true;
        out.add(new Decision(Kind.CLOSED, placeholder(e), r, e.fingerprint));
      }
    }
    Set<String> seen = new HashSet<>();
    Set<Entry> matched = new HashSet<>();
    for (GateResult r : results) {
      for (Finding f : r.findings()) {
        String fp = f.fingerprint();
        if (!seen.add(fp)) {
          continue;
        }
        if (f.isRefusal()) {
          out.add(new Decision(Kind.REFUSED, f, r, ""));
          continue;
        }
        Entry e = entry(fp);
        if (e == null) {
          e = reworded(f, plan, matched);
          if (e != null) {
            aliases.put(fp, e.fingerprint);
          }
        }
        if (e == null || !plan.contains(e.taskId)) {
          if (e != null) {
            entries.remove(e.fingerprint);
          }
          out.add(new Decision(Kind.NEW, f, r, ""));
          continue;
        }
        if (!matched.add(e)) {
          continue; // two reports of one finding in one round: one decision
        }
        TaskStatus s = plan.task(e.taskId).status();
        if (s != TaskStatus.DONE && s != TaskStatus.FAILED) {
          continue; // its task is still to run (or waits on a failed dependency): nothing new
        }
        Kind k;
        if (s == TaskStatus.DONE && e.verified) {
          k = Kind.REGRESSED;
        } else if (e.attempt < attemptLimit) {
          k = Kind.REOPEN;
        } else if (!e.replanned) {
          k = Kind.REPLAN;
        } else {
          k = Kind.EXHAUSTED;
        }
        out.add(new Decision(k, f, r, e.fingerprint));
      }
    }
    return out;
  }

  /**
   * A model gate words the same problem differently each round: a finding it reports at a file
   * where one of its findings is still open (its task done or failed, its gate not passed since) is
   * taken for that finding. Findings without a file are known by their wording only.
   */
  private Entry reworded(Finding f, LivePlan plan, Set<Entry> matched) {
    if (f.file().isEmpty() || !f.key().isEmpty()) {
      return null;
    }
    for (Entry e : entries.values()) {
      if (e.gate.equals(f.gate()) && e.file.equals(f.file()) && !e.verified && !matched.contains(e) && plan.contains(e.taskId)) {
        TaskStatus s = plan.task(e.taskId).status();
        if (s == TaskStatus.DONE || s == TaskStatus.FAILED) {
          return e;
        }
      }
    }
    return null;
  }

  private static Finding placeholder(Entry e) {
    return new Finding(e.gate.isEmpty() ? "gate" : e.gate, Severity.MEDIUM, "", 0, "finding " + e.fingerprint, "");
  }
}
