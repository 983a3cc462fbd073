package dev.orchestra.internal.engine;

import dev.orchestra.Bounds;
import dev.orchestra.StopReason;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.gate.Verdict;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.role.BuiltInRoles;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Drives a {@link RunMachine} the way an engine would, but every answer (which agent finishes next
 * and how, what the gates say, a person's edit of plan.md, a budget change, a cancel, a crash
 * followed by a replay of the journal) is chosen by a seeded {@link Random}. Every interleaving it
 * produces is one a real engine could: agents finish in any order, between the events of a command
 * the coordinating thread carries out.
 *
 * <p>After every step it checks the machine's invariants and throws {@link AssertionError} naming
 * the broken one; the same seed always gives the same run, so a failure replays alone. The checks
 * stand apart from the machine's code where they can: the budget and write-scope invariants use
 * the driver's own agents at work and budget and its own reading of scopes; what a task or a stop
 * may do is judged from the journal ({@link JournalRecord}); a replay reads the journal's JSON
 * lines, of which a crash may lose the last few.
 */
final class SimulatedEngine {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> SCOPES = List.of("src/a/**", "src/a/X.java", "src/b/Y.java", "docs/**", "README.md", "src/**");
  private static final List<String> FINDINGS = List.of("null check missing", "test fails", "secret logged", "docs out of date");
  private static final int MAX_STEPS = 20_000;
  /**
   * The files the write-scope invariant tries: two writers run together only if no file here is in
   * both their scopes. Every scope the driver gives a task covers one of them, and so does every
   * overlap of two of those scopes.
   */
  private static final List<String> FILES = List.of(
      "README.md", "anywhere.txt", "docs/f.txt", "docs/guide/g.md", "src/f.txt", "src/a/X.java", "src/a/f.txt", "src/a/deep/Z.java",
      "src/b/Y.java", "src/b/f.txt", "src/test/NewTest.java");
  private static final Map<String, PathMatcher> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

  private final Random random;
  private final double replayCheckRate;
  final RunSpec spec;
  private final String runId;
  private final String goal = "simulated goal";
  private RunMachine machine;
  /**
   * Everything journalled, in order: each observed event followed by what the machine decided on
   * it, each as a real journal holds it (written as a JSON line and read back).
   */
  final List<OrchestraEvent> journal = new ArrayList<>();
  /** For each journal entry, whether the machine decided it (rather than the engine observing it). */
  private final List<Boolean> decided = new ArrayList<>();

  /** The agents at work: the tasks the machine started and the driver has not answered yet. */
  private final List<Command.RunTask> agents = new ArrayList<>();
  /** How many agents the engine lets run at once: its budget's top, lowered and raised by its BudgetChanged events. */
  private int engineBudget;
  private final Deque<Command> coordinator = new ArrayDeque<>();
  /** The rest of the answer to the coordinator's current command, fed one event at a time. */
  private final Deque<OrchestraEvent> answering = new ArrayDeque<>();
  /** The tasks whose merges were asked for and not yet answered. */
  private final Set<String> mergesAsked = new HashSet<>();
  /** Merges git could not do at all in a command of several (the run stops, the rest wait). */
  int mergeFailures;
  private Instant now = T0;
  int crashes;
  /** Crashes that lost the journal's last events. */
  int truncations;
  int steps;
  int maxRunning;
  /** Agents that reported their task to do again (interrupted by a stop). */
  int interrupted;
  /** Gates that failed without a finding. */
  int undecided;
  /** Decides the agents' own failed attempts, apart from {@link #random}; null when there are none. */
  private final Random retries;
  /** Agents whose own attempt failed on a rate limit, their tasks back in the queue to wait out the retry. */
  int retriedLater;
  /** RetryDue events fed: a held task's wait ended. */
  int released;
  /** The waits the machine asked for ({@code AwaitRetry}) and the engine has not ended yet. */
  private final List<Command.AwaitRetry> waits = new ArrayList<>();
  /** Tasks held back by a retry's wait, by the driver's own account: none may start before its RetryDue. */
  private final Set<String> awaiting = new HashSet<>();
  /** Merges and conflicts the driver answered. */
  int merges;
  int conflicts;
  /** Agents that resolved another task's conflict (the conflict-resolving runs). */
  int resolvingAgents;
  /** Whether the driver's conflicts are resolved by a new task (the engine's setting, in the event). */
  final boolean resolveConflicts;

  /** The invariants' own record of the run, kept from the journal, not from the machine's state. */
  private JournalRecord record;
  /**
   * The draws of isolated runs (worktrees: commits, merges, conflicts), apart from {@link #random},
   * so that a shared-tree seed runs as it did before isolation existed.
   */
  private final Random isolation;
  private int handTasks;

  SimulatedEngine(long seed, double replayCheckRate) {
    this(seed, replayCheckRate, false);
  }

  /**
   * @param retries whether agents' own attempts fail on rate limits, their tasks going back to the
   *     queue to wait out the retry there (off, the journals of a seed stay what they were)
   */
  SimulatedEngine(long seed, double replayCheckRate, boolean retries) {
    this.random = new Random(seed);
    this.isolation = new Random(seed * 7919 + 17);
    this.retries = retries ? new Random(seed * 6151 + 29) : null;
    this.replayCheckRate = replayCheckRate;
    this.runId = "sim-" + seed;
    List<String> probes = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      probes.add("look at part " + i);
    }
    List<String> gates = new ArrayList<>();
    for (String g : List.of("ci", "review", "qa")) {
      if (random.nextInt(3) > 0) {
        gates.add(g);
      }
    }
    Duration wall = random.nextInt(4) == 0 ? Duration.ofSeconds(10 + random.nextInt(80)) : Duration.ZERO;
    long tokens = random.nextInt(4) == 0 ? 1_000 + random.nextInt(8_000) : 0;
    Bounds bounds = new Bounds(1 + random.nextInt(6), tokens, wall, 30, 1 + random.nextInt(3));
    boolean isolated = isolation.nextInt(3) == 0;
    // Half the isolated runs resolve conflicts with a new task; drawn apart, so the others run as before.
    this.resolveConflicts = isolated && new Random(seed * 31 + 7).nextBoolean();
    // Half the isolated runs merge several branches in one command; drawn apart too.
    Random batching = new Random(seed * 53 + 11);
    int mergesAtOnce = isolated && batching.nextBoolean() ? 2 + batching.nextInt(4) : 1;
    this.spec =
        new RunSpec(
            probes, Set.of(BuiltInRoles.IMPLEMENTER), gates, bounds, random.nextInt(8) == 0, random.nextBoolean(), 1 + random.nextInt(4),
            isolated, mergesAtOnce);
    this.record = new JournalRecord(bounds.maxFindingAttempts());
    this.machine = new RunMachine(spec);
    this.engineBudget = spec.initialBudget();
  }

  /** Runs to the end; returns the event that ended the run. */
  OrchestraEvent.RunFinished run() {
    feed(new OrchestraEvent.RunStarted(runId, now, goal, false));
    while (record.finished == null) {
      if (++steps > MAX_STEPS) {
        throw new AssertionError("no end after " + MAX_STEPS + " steps; phase " + machine.state().phase());
      }
      int roll = random.nextInt(1000);
      if (roll < 8) {
        crash();
      } else if (roll < 50) {
        // The engine's budget moves between one agent and its top, the spec's initial budget.
        int to = 1 + random.nextInt(spec.initialBudget());
        int from = engineBudget;
        if (to != from) {
          engineBudget = to;
          feed(new OrchestraEvent.BudgetChanged(runId, tick(), from, to, to < from ? "rate limited" : "stable"));
        }
      } else if (roll < 53 && record.stop == null) {
        feed(new OrchestraEvent.StopRequested(runId, tick(), StopReason.CANCELLED, "cancelled"));
      } else if (roll < 120) {
        feed(new OrchestraEvent.ModelCallFinished(runId, tick(), "implementer", "", "m", new TokenUsage(100 + random.nextInt(900), 50, 0, 0), 5, "ok"));
      } else if (retries != null && !waits.isEmpty() && retries.nextInt(4) == 0) {
        endWait();
      } else if (!agents.isEmpty() && (answering.isEmpty() && coordinator.isEmpty() || random.nextBoolean())) {
        finishAgent(agents.remove(random.nextInt(agents.size())));
      } else if (!answering.isEmpty() || !coordinator.isEmpty()) {
        if (answering.isEmpty()) {
          answer(coordinator.poll());
        }
        if (!answering.isEmpty()) {
          feed(answering.poll());
        }
      } else if (!waits.isEmpty()) {
        endWait();
      } else {
        throw new AssertionError("stuck: nothing runs, nothing to answer, and the run has not finished; phase " + machine.state().phase()
            + ", running " + machine.state().running());
      }
    }
    if (machine.state().stopReason().isEmpty()) {
      throw new AssertionError("the run finished without a stop reason");
    }
    machine.state().plan().ifPresent(p -> p.tasks().stream().filter(t -> t.status() == TaskStatus.RUNNING).findAny().ifPresent(t -> {
      throw new AssertionError("the run finished with task " + t.id() + " still marked running");
    }));
    record.checkStop(spec, machine.state().plan().orElse(null));
    checkReplay(journal.size());
    return record.finished;
  }

  RunMachine machine() {
    return machine;
  }

  // ------------------------------------------------------------------ feeding and checking

  private Instant tick() {
    now = now.plusMillis(random.nextInt(3_000));
    return now;
  }

  /**
   * A merge is asked for only when none is under way, for distinct tasks waiting with committed
   * work, no more at once than the spec allows, and as one Integrate exactly when it allows one.
   */
  private void checkMerges(Command c) {
    List<Command.Integrate> merges =
        c instanceof Command.IntegrateAll all ? all.merges() : c instanceof Command.Integrate i ? List.of(i) : List.of();
    if (merges.isEmpty()) {
      return;
    }
    if (!mergesAsked.isEmpty()) {
      throw new AssertionError("merges " + merges + " asked for while " + mergesAsked + " were under way");
    }
    if ((c instanceof Command.IntegrateAll) != (spec.mergesAtOnce() > 1) || merges.size() > spec.mergesAtOnce()) {
      throw new AssertionError(c + " asked for, though the spec merges " + spec.mergesAtOnce() + " at once");
    }
    for (Command.Integrate i : merges) {
      if (!mergesAsked.add(i.taskId()) || !machine.state().toIntegrate.contains(i.taskId())) {
        throw new AssertionError("a merge of " + i.taskId() + " asked for twice in one command, or without its work waiting: " + c);
      }
    }
  }

  private void feed(OrchestraEvent event) {
    RunMachine.Step step = machine.step(event);
    journal(event, false);
    for (OrchestraEvent d : step.events()) {
      journal(d, true);
    }
    if (event instanceof OrchestraEvent.RetryDue d) {
      awaiting.remove(d.taskId());
    }
    if (event instanceof OrchestraEvent.TaskIntegrated i) {
      mergesAsked.remove(i.taskId());
    } else if (event instanceof OrchestraEvent.IntegrationConflicted i) {
      mergesAsked.remove(i.taskId());
      if (i.files().isEmpty()) {
        mergesAsked.clear(); // git could not merge it: the command's later merges are not carried out
      }
    }
    List<Command.RunTask> started = new ArrayList<>();
    for (Command c : step.commands()) {
      if (c instanceof Command.RunTask t) {
        started.add(t);
      } else if (c instanceof Command.AwaitRetry w) {
        waits.add(w);
        awaiting.add(w.taskId());
      } else {
        if (c instanceof Command.RunGates g) {
          checkNoneHeld(g);
        }
        checkMerges(c);
        coordinator.add(c);
      }
    }
    for (Command.RunTask t : started) {
      if (awaiting.contains(t.task().id())) {
        throw new AssertionError("task " + t.task().id() + " started before its RetryDue");
      }
      checkScopes(t);
      agents.add(t);
    }
    // Lowering the budget stops new starts only: agents at work finish.
    if (!started.isEmpty() && agents.size() > engineBudget) {
      throw new AssertionError(agents.size() + " agents at work, over the engine's budget of " + engineBudget + ": "
          + agents.stream().map(a -> a.task().id()).toList());
    }
    maxRunning = Math.max(maxRunning, agents.size());
    if (random.nextDouble() < replayCheckRate) {
      checkReplay(journal.size());
    }
  }

  /**
   * A writer starting beside the agents at work (the driver's own list, not the machine's): no file
   * may be in its write scope and in another writer's, judged by {@link #mayWrite}, not by the
   * machine's overlap test.
   */
  private void checkScopes(Command.RunTask starting) {
    Task a = starting.task();
    if (spec.isolated() || !spec.writerRoles().contains(a.role())) { // in worktrees, integration keeps writers apart
      return;
    }
    for (Command.RunTask other : agents) {
      Task b = other.task();
      if (!spec.writerRoles().contains(b.role())) {
        continue;
      }
      for (String file : FILES) {
        if (mayWrite(a, file) && mayWrite(b, file)) {
          throw new AssertionError("writers " + a.id() + " " + a.writeScope() + " and " + b.id() + " " + b.writeScope()
              + " run together, and both may write " + file);
        }
      }
    }
  }

  /**
   * The invariant's own reading of a write scope: a task without one may write anywhere; an entry
   * with a glob character is a glob (java.nio's), any other names a file or a folder.
   */
  static boolean mayWrite(Task t, String file) {
    if (t.writeScope().isEmpty()) {
      return true;
    }
    for (String entry : t.writeScope()) {
      boolean glob = entry.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
      if (glob ? GLOBS.computeIfAbsent(entry, e -> FileSystems.getDefault().getPathMatcher("glob:" + e)).matches(Path.of(file))
          : file.equals(entry) || file.startsWith(entry + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Journals an event as the outbox does, as one JSON line: what a replay reads is that line's event. */
  private void journal(OrchestraEvent event, boolean byMachine) {
    OrchestraEvent line = EventJson.read(EventJson.line(event));
    journal.add(line);
    decided.add(byMachine);
    record.observe(line, byMachine);
  }

  /** A fresh machine fed the journal's first {@code length} events must be in the live machine's state. */
  void checkReplay(int length) {
    String live = machine.state().describe();
    String replayed = new RunMachine(spec).replay(journal.subList(0, length)).state().describe();
    if (!live.equals(replayed)) {
      throw new AssertionError("replaying the journal's " + length + " events gives another state\n--- live\n" + live + "--- replayed\n" + replayed);
    }
  }

  /** The process dies: agents and commands in flight are lost; a new machine replays the journal and resumes. */
  /**
   * The engine's wait for a held task ended (its time passed): the wait's end is fed as an event.
   * The time is the wait's end or later; a wait ends in any order with the rest.
   */
  private void endWait() {
    Command.AwaitRetry w = waits.remove(retries == null ? 0 : retries.nextInt(waits.size()));
    Instant at = tick();
    if (w.until().isAfter(at)) {
      now = w.until();
      at = now;
    }
    released++;
    feed(new OrchestraEvent.RetryDue(runId, at, w.taskId()));
  }

  /** A batch's gates may not be asked for while a task of the batch waits out its retry. */
  private void checkNoneHeld(Command.RunGates gates) {
    PlanView plan = machine.state().planView();
    for (String id : awaiting) {
      if (plan != null && plan.contains(id) && plan.task(id).status() == TaskStatus.TODO) {
        throw new AssertionError("the batch of round " + gates.round() + " ended while " + id + " waited out its retry");
      }
    }
  }

  private void crash() {
    crashes++;
    engineBudget = spec.initialBudget(); // a new engine's budget starts at its top
    waits.clear(); // the engine's waits die with it; a resumed run holds nothing
    awaiting.clear();
    agents.clear();
    coordinator.clear();
    mergesAsked.clear();
    answering.clear();
    if (journal.size() > 1 && random.nextInt(3) == 0) {
      loseTail(1 + random.nextInt(Math.min(5, journal.size() - 1)));
    }
    Set<String> lost = new HashSet<>(record.open);
    machine = new RunMachine(spec).replay(journal);
    feed(new OrchestraEvent.RunStarted(runId, tick(), goal, true));
    // A task whose start was journalled without its end runs again.
    PlanView plan = machine.state().planView();
    for (String id : lost) {
      boolean committedBeforeTheCrash = machine.state().toIntegrate.contains(id) || machine.state().integrating.contains(id);
      if (plan != null && plan.contains(id) && plan.task(id).status() != TaskStatus.TODO && !machine.state().running().contains(id)
          && !(committedBeforeTheCrash && plan.task(id).status() == TaskStatus.DONE)) {
        throw new AssertionError("task " + id + " was running when the process died, and the resumed run has it " + plan.task(id).status()
            + " instead of running it again");
      }
    }
  }

  /**
   * The outbox had not written the journal's last {@code k} events when the process died (the last
   * line may have been cut short, and is then unreadable): they are lost. The record is rebuilt from
   * the lines left, plus the events the machine had decided on the last of them that were lost: a
   * replay decides those again, so the resumed machine has them though no line says so.
   */
  private void loseTail(int k) {
    truncations++;
    int keep = journal.size() - k;
    List<OrchestraEvent> decidedAgain = new ArrayList<>();
    for (int i = keep; i < journal.size() && decided.get(i); i++) {
      decidedAgain.add(journal.get(i));
    }
    journal.subList(keep, journal.size()).clear();
    decided.subList(keep, decided.size()).clear();
    record = new JournalRecord(spec.bounds().maxFindingAttempts());
    for (int i = 0; i < keep; i++) {
      record.observe(journal.get(i), decided.get(i));
    }
    decidedAgain.forEach(e -> record.observe(e, true));
  }

  // ------------------------------------------------------------------ answers

  /**
   * An agent's answer. As {@code AgentRunner} does: an agent the provider's quota or credentials
   * stopped asks the run to stop (unless it is stopping already), then reports its task to do
   * again ({@code TODO}); once the run is cancelled, which interrupts the agents at work (no other
   * stop does), an agent reports the same unless it was just finishing.
   */
  private void finishAgent(Command.RunTask c) {
    Task t = c.task();
    if (!c.resolves().isEmpty()) {
      resolvingAgents++;
    }
    if (random.nextInt(40) == 0) {
      boolean quota = random.nextInt(3) > 0;
      String why = quota ? "the provider's quota is exhausted" : "the provider refused the credentials";
      if (record.stop == null) {
        feed(new OrchestraEvent.StopRequested(runId, tick(), quota ? StopReason.QUOTA_EXHAUSTED : StopReason.AUTHENTICATION_FAILED, why));
      }
      interrupted++;
      feed(new OrchestraEvent.TaskFinished(runId, tick(), t.id(), t.role(), TaskStatus.TODO, why, List.of(), c.round()));
      return;
    }
    if (retries != null && record.stop == null && c.round() > 0 && retries.nextInt(12) == 0) {
      // Its own attempt failed on a rate limit: back to the queue, to wait out the retry's wait there.
      retriedLater++;
      feed(new OrchestraEvent.RetryScheduled(runId, tick(), t.role(), t.id(), "m", ModelProviderException.Kind.RATE_LIMITED, "429",
          100 + retries.nextInt(8_000), 2, "orchestrator"));
      feed(new OrchestraEvent.TaskFinished(runId, tick(), t.id(), t.role(), TaskStatus.TODO, "rate_limited; will run again", List.of(), c.round()));
      return;
    }
    if (record.stop != null && record.stop.reason() == StopReason.CANCELLED && random.nextInt(4) > 0) {
      interrupted++;
      feed(new OrchestraEvent.TaskFinished(runId, tick(), t.id(), t.role(), TaskStatus.TODO, "interrupted; will run again", List.of(), c.round()));
      return;
    }
    int roll = random.nextInt(20);
    TaskStatus status = roll < 16 ? TaskStatus.DONE : roll < 19 ? TaskStatus.FAILED : TaskStatus.BLOCKED;
    List<String> changed =
        status == TaskStatus.DONE && spec.writerRoles().contains(t.role())
            ? List.of(t.writeScope().isEmpty() ? "anywhere.txt" : t.writeScope().get(0).replace("**", "f.txt"))
            : List.of();
    if (spec.isolated() && !changed.isEmpty() && isolation.nextInt(10) > 0) {
      // Its work is committed on its branch before its end is journalled.
      feed(new OrchestraEvent.TaskCommitted(runId, tick(), t.id(), "orchestra-task/" + runId + "/" + t.id(), "c" + steps, changed, c.round()));
      if (isolation.nextInt(25) == 0) {
        crash(); // between the commit and the end: the resumed run integrates the commit
        return;
      }
    }
    feed(new OrchestraEvent.TaskFinished(runId, tick(), t.id(), t.role(), status, status.markdownValue(), changed, c.round()));
  }

  private void answer(Command c) {
    switch (c.kind()) {
      case ASK_PLANNER -> plan((Command.AskPlanner) c);
      case ASK_REPLAN -> replan((Command.AskReplan) c);
      case ASK_RELEASE -> {
        Command.AskRelease r = (Command.AskRelease) c;
        if (random.nextInt(5) == 0) {
          answering.add(risk("release", "release notes could not be prepared"));
        }
        answering.add(new OrchestraEvent.TaskFinished(runId, tick(), r.task().id(), r.task().role(), TaskStatus.DONE, "release prepared", List.of(), machine.state().round()));
      }
      case CHECK_PLAN -> {
        Command.CheckPlan p = (Command.CheckPlan) c;
        boolean edited = random.nextInt(8) == 0 && handEdit();
        answering.add(new OrchestraEvent.PlanChecked(runId, tick(), p.round(), p.beforeBatch(), edited));
      }
      case RUN_GATES -> gates((Command.RunGates) c);
      case INTEGRATE -> answerMerge((Command.Integrate) c);
      case INTEGRATE_ALL -> {
        for (Command.Integrate i : ((Command.IntegrateAll) c).merges()) {
          if (isolation.nextInt(15) == 0) {
            // Git cannot merge it at all: the engine stops the run, and the merges after it wait for a resume.
            mergeFailures++;
            answering.add(new OrchestraEvent.StopRequested(runId, tick(), StopReason.FAILED, "git could not merge " + i.branch()));
            answering.add(new OrchestraEvent.IntegrationConflicted(runId, tick(), i.taskId(), i.branch(), List.of(), "git failed", false, i.round()));
            break;
          }
          answerMerge(i);
        }
      }
      case FINISH -> {
        Command.Finish f = (Command.Finish) c;
        waits.clear(); // the engine stops its waits before it finishes
        awaiting.clear();
        if (random.nextInt(10) == 0) {
          handEdit();
        }
        answering.add(new OrchestraEvent.RunFinished(runId, tick(), f.reason().name(), f.message(), Math.max(machine.state().round(), 0), machine.state().usage()));
      }
      default -> throw new AssertionError("an agent's command on the coordinator: " + c);
    }
  }

  private void answerMerge(Command.Integrate i) {
    if (!spec.isolated()) {
      throw new AssertionError("a merge asked for in a shared tree: " + i);
    }
    if (isolation.nextInt(6) == 0) {
      conflicts++;
      answering.add(new OrchestraEvent.IntegrationConflicted(runId, tick(), i.taskId(), i.branch(), List.of("shared.txt"), "<<<<<<< HEAD", resolveConflicts, i.round()));
    } else {
      merges++;
      answering.add(new OrchestraEvent.TaskIntegrated(runId, tick(), i.taskId(), i.branch(), "m" + steps, i.round()));
    }
  }

  private OrchestraEvent risk(String reason, String risk) {
    PlanView p = machine.state().planView();
    return new OrchestraEvent.PlanUpdated(runId, tick(), reason, p.size(), List.of(), p.goal(), List.of(), List.of(), List.of(), List.of(risk), false);
  }

  private void plan(Command.AskPlanner c) {
    Task task = c.task();
    if (random.nextInt(15) == 0) {
      answering.add(new OrchestraEvent.TaskFinished(runId, tick(), task.id(), task.role(), TaskStatus.FAILED, "refused", List.of(), 0));
      answering.add(new OrchestraEvent.StopRequested(runId, tick(), StopReason.FAILED, "the orchestrator role refused to plan"));
      return;
    }
    int n = 1 + random.nextInt(7);
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      tasks.add(randomTask("T" + i, tasks));
    }
    Plan p = Plan.builder(goal).tasks(tasks).build();
    answering.add(new OrchestraEvent.TaskFinished(runId, tick(), task.id(), task.role(), TaskStatus.DONE, n + " tasks planned", List.of(), 0));
    answering.add(
        new OrchestraEvent.PlanUpdated(runId, tick(), "planned", n, tasks.stream().map(Task::id).toList(), goal, p.tasks(), List.of(), List.of(), List.of(), false));
  }

  private Task randomTask(String id, List<Task> earlier) {
    Task.Builder b = Task.builder(id, "work " + id);
    if (random.nextInt(6) == 0) {
      b.role(BuiltInRoles.EXPLORER);
    } else {
      b.role(BuiltInRoles.IMPLEMENTER);
      if (random.nextInt(8) > 0) {
        b.writeScope(SCOPES.get(random.nextInt(SCOPES.size())));
      }
    }
    List<String> deps = new ArrayList<>();
    for (Task e : earlier) {
      if (random.nextInt(4) == 0) {
        deps.add(e.id());
      }
    }
    return b.dependsOn(deps).build();
  }

  private void replan(Command.AskReplan c) {
    Task task = c.task();
    int round = machine.state().round();
    if (random.nextInt(4) == 0) {
      answering.add(risk("re-plan failed", "the orchestrator role did not re-plan " + c.oldTask().id()));
      answering.add(new OrchestraEvent.TaskFinished(runId, tick(), task.id(), task.role(), TaskStatus.FAILED, "refused", List.of(), round));
      return;
    }
    LivePlan current = new LivePlan(machine.state().plan().orElseThrow());
    List<Task> proposed = List.of(Task.builder("R1", "a new way to " + c.finding().message()).role(BuiltInRoles.IMPLEMENTER)
        .writeScope(SCOPES.get(random.nextInt(SCOPES.size()))).build());
    List<Task> fresh = FindingTasks.adoptReplan(proposed, current, c.finding(), c.oldTask(), c.attempts().size());
    current.put(fresh);
    List<Task> changed = new ArrayList<>(fresh);
    changed.add(c.oldTask().withStatus(TaskStatus.SUPERSEDED).withNotes("re-planned"));
    answering.add(
        new OrchestraEvent.PlanUpdated(runId, tick(), "re-planned: " + c.oldTask().id(), current.size(), fresh.stream().map(Task::id).toList(),
            current.goal(), changed, List.of(), List.of(), List.of(), false));
    answering.add(new OrchestraEvent.TaskFinished(runId, tick(), task.id(), task.role(), TaskStatus.DONE, fresh.size() + " tasks planned", List.of(), round));
  }

  private void gates(Command.RunGates c) {
    for (String gate : spec.gates()) {
      if (random.nextInt(12) == 0) {
        answering.add(new OrchestraEvent.GateSkipped(runId, tick(), gate, c.round(), "not needed"));
        continue;
      }
      answering.add(new OrchestraEvent.GateStarted(runId, tick(), gate, c.round(), "after the batch"));
      List<Finding> findings = new ArrayList<>();
      if (random.nextInt(3) == 0) {
        for (String m : FINDINGS) {
          if (random.nextInt(3) == 0) {
            findings.add(new Finding(gate, Severity.HIGH, "src/a/X.java", 1, m, "fix: " + m, List.of()));
          }
        }
      }
      int roll = random.nextInt(20);
      // A gate that fails without a finding could not decide (its command crashed, its model gave
      // no verdict): nothing to fix, and the round is not green.
      Verdict verdict =
          !findings.isEmpty() ? (roll < 10 ? Verdict.FAIL : Verdict.BLOCK)
              : roll == 0 ? Verdict.NOTHING_CHECKED : roll == 1 ? Verdict.FAIL : roll == 2 ? Verdict.BLOCK : Verdict.PASS;
      if (findings.isEmpty() && verdict != Verdict.PASS && verdict != Verdict.NOTHING_CHECKED) {
        undecided++;
      }
      List<String> gateChanged = gate.equals("qa") && random.nextInt(6) == 0 ? List.of("src/test/NewTest.java") : List.of();
      answering.add(new OrchestraEvent.GateFinished(runId, tick(), gate, c.round(), verdict, findings, verdict.name(), gateChanged, List.of(), List.of()));
    }
  }

  /** A person edits plan.md: adds a task, changes one's acceptance criteria, or deletes one nothing depends on. Queues the merged plan. */
  private boolean handEdit() {
    PlanView live = machine.state().planView();
    if (live == null) {
      return false;
    }
    Plan p = live.snapshot();
    List<Task> tasks = new ArrayList<>(p.tasks());
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<Task> todo = tasks.stream().filter(t -> t.status() == TaskStatus.TODO && !machine.state().running().contains(t.id())).toList();
    int kind = random.nextInt(3);
    if (kind == 0 || todo.isEmpty()) {
      Task t = randomTask("H" + (++handTasks), List.of());
      tasks.add(t);
      added.add(t.id());
    } else if (kind == 1) {
      Task t = todo.get(random.nextInt(todo.size()));
      tasks.set(tasks.indexOf(t), t.toBuilder().acceptanceCriteria("checked by hand").build());
    } else {
      Task t = todo.get(random.nextInt(todo.size()));
      if (tasks.stream().anyMatch(o -> o.dependsOn().contains(t.id()))) {
        return false;
      }
      tasks.remove(t);
      removed.add(t.id());
    }
    Plan edited = Plan.builder(p.goal()).tasks(tasks).later(p.later()).summary(List.of(), List.of(), p.risks()).build();
    answering.add(
        new OrchestraEvent.PlanUpdated(runId, tick(), RunMachine.EDITED, edited.tasks().size(), added, edited.goal(), edited.tasks(), removed,
            edited.later(), edited.risks(), true));
    return true;
  }
}
