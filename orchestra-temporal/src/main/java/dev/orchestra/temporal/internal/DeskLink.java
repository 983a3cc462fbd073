package dev.orchestra.temporal.internal;

import dev.orchestra.internal.engine.Command;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The run's desk as its workflow reaches it: the worker that keeps it, calls that a cancel cannot
 * cut short, a cancel taken to the command under way, and a desk lost with its worker opened again
 * on a worker left. Workflow code: deterministic, and used on the workflow's thread only.
 */
final class DeskLink {
  /** The type of the failure a run fails with when it lost its desk for good. */
  static final String DESK_LOST = "DeskLost";

  /** The change that takes a cancel to the desk's command, for {@link Workflow#getVersion}. */
  private static final String DESK_INTERRUPT = "desk-interrupt";

  /** The change that opens a lost desk again on a worker left, for {@link Workflow#getVersion}. */
  static final String DESK_MOVES = "desk-moves";
  /** The version of a desk moved to another clone of the run's git remote, with the workflow's journal. */
  static final String DESK_MOVES_CLONES = "desk-moves-clones";
  /** The version of a desk moving to another clone that is claimed again when the worker that claimed it is lost. */
  static final String DESK_CLAIMED_AGAIN = "desk-claimed-again";
  /**
   * The version of a run through a git remote whose desk keeps the journal on the remote when the
   * workflow continues as new, and moves to another clone from that copy when it is lost while the
   * next workflow run reads the journal back.
   */
  static final String JOURNAL_KEPT = "journal-kept";
  /** The version of a desk whose agents' approval requests go to the run, with approvals through the run. */
  static final String DESK_APPROVALS = "desk-approvals";

  /** How many times a run's desk may be lost and opened again before the run fails. */
  private static final int MAX_DESK_MOVES = 3;

  private final String runId;
  /** The queue every worker that keeps desks polls. */
  private final String desksQueue;
  /** How long a desk call may go without a heartbeat before its worker is taken for lost. */
  private final Duration heartbeat;
  /** The workflow's journal: a desk opened again is cut back to it. */
  private final List<String> journal;
  /** The workflow's explorer reports, by task id: a desk opened again gets them. */
  private final Map<String, String> explorations;

  private RunActivities desk;
  /** Its own stub: the desk's worker runs it beside the carryOut it interrupts. */
  private RunActivities interrupt;
  /** What the desk answered when it was (last) opened: where its calls go. */
  private String team = "";
  /** What the first desk answered: a desk opened again must decide as this team does. */
  private String firstTeam = "";
  /** The folder the desk keeps: the run's agents must work there. */
  private String workspace = "";
  /** The git remote the run's clones share, or empty when its agents work in the desk's folder. */
  private String gitRemote = "";
  /** Whether the desk's agents' approval requests go to the run's workflow (see {@link #routeApprovals}). */
  private final boolean approvalsThroughRun;
  /** How many times the desk was lost and opened again on a worker left. */
  private int moves;
  /**
   * Plan edits given to the desk for the plan check (or finish) under way: given again to a desk
   * opened again meanwhile, since the lost one took them along.
   */
  private final List<List<String>> editsAwaitingCheck = new ArrayList<>();

  /** The size at which the Temporal service ends the workflow run (see {@link RunRequest#historyLimit}). */
  private final long historyLimit;

  /**
   * @param journal the workflow's journal, as it grows
   * @param explorations the explorers' reports, as they come
   */
  DeskLink(RunRequest request, List<String> journal, Map<String, String> explorations) {
    this.approvalsThroughRun = request.approvalsThroughRun();
    this.runId = request.runId();
    this.desksQueue = request.deskQueue();
    this.heartbeat = Duration.ofMillis(request.heartbeatTimeoutMillis());
    this.historyLimit = request.historyLimit();
    this.journal = journal;
    this.explorations = explorations;
  }

  /**
   * How many tasks' branches a desk working through a git remote merges in one command, at most:
   * each merge there costs a fetch and a push of a few hundred milliseconds alone, so the desk
   * takes the branches waiting together, and this bound keeps one desk call to seconds. What the
   * first desk answered holds for the whole run (a desk opened again is asked for the same).
   */
  static final int MERGES_AT_ONCE = 32;

  /**
   * Opens the run's desk on the first worker that keeps desks to answer; its later calls go to a
   * queue only that worker polls, since the desk holds the run's state in that JVM. Returns what the
   * desk answered ({@link Wire#team}).
   */
  String open() {
    String answer = callOnce(() -> stub(desksQueue, Duration.ofHours(2)).openDesk(runId, MERGES_AT_ONCE));
    firstTeam = answer;
    return answer;
  }

  /**
   * With approvals through the run, has the desk just opened send its agents' approval requests to
   * the run too. Asked only for such runs, so other histories replay unchanged.
   */
  void routeApprovals() {
    if (approvalsThroughRun && Workflow.getVersion(DESK_APPROVALS, Workflow.DEFAULT_VERSION, 1) == 1) {
      callOnce(() -> {
        desk.routeApprovals(runId);
        return Boolean.TRUE;
      });
    }
  }

  /** Goes on with a desk a workflow run before this one opened (continued as new). */
  void resume(String team, String firstTeam, int moves) {
    this.firstTeam = firstTeam;
    this.moves = moves;
    at(team);
  }

  /** Sends the desk's calls to the worker that keeps it, as {@code openDesk} or {@code reopenDesk} answered. */
  void at(String answer) {
    team = answer;
    desk = stub(Wire.teamDeskQueue(answer), Duration.ofMinutes(5));
    interrupt = stub(Wire.teamDeskQueue(answer), Duration.ofMinutes(1));
    workspace = Wire.teamWorkspace(answer);
    gitRemote = Wire.teamGitRemote(answer);
  }

  /** The desk's stub as it is now: read it when the call is made, since the desk may move. */
  RunActivities desk() {
    return desk;
  }

  boolean opened() {
    return desk != null;
  }

  String team() {
    return team;
  }

  String firstTeam() {
    return firstTeam;
  }

  String workspace() {
    return workspace;
  }

  String gitRemote() {
    return gitRemote;
  }

  int moves() {
    return moves;
  }

  /**
   * Calls the desk where a cancel cannot reach (a desk call cut short would leave the desk's
   * machine with events the workflow's never fed). A call whose desk was lost goes to the desk
   * opened again elsewhere, which stands where the workflow's machine does.
   */
  <T> T call(Supplier<T> call) {
    while (true) {
      try {
        return callOnce(call);
      } catch (ActivityFailure e) {
        if (loss(e).isEmpty() || journal.isEmpty() || !move(e, journal.size(), journal.get(journal.size() - 1))) {
          throw e;
        }
      }
    }
  }

  /** Calls the desk once where a cancel cannot reach, as {@link #call} does, but fails when the desk is lost. */
  static <T> T callOnce(Supplier<T> call) {
    List<T> out = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> out.add(call.get())).run();
    return out.get(0);
  }

  /**
   * Has the desk carry out a command. A person's cancel requested meanwhile ({@code root}) is taken
   * to the desk, which stops the run and interrupts the command (a planner's agent, the gates'
   * processes), as a cancel does in one JVM; the call's answer then holds the stop and the
   * command's end. A finish, or work done after the cancel ({@code cancelling}), is not interrupted.
   */
  DeskReply carryOut(Command c, boolean cancelling, CancellationScope root) {
    Promise<DeskReply> reply = Async.function(desk::carryOut, runId, Wire.command(c));
    if (!cancelling && c.kind() != Command.Kind.FINISH) {
      Workflow.await(() -> reply.isCompleted() || root.isCancelRequested());
      // Histories recorded before a cancel reached the desk waited for the call instead.
      if (!reply.isCompleted() && Workflow.getVersion(DESK_INTERRUPT, Workflow.DEFAULT_VERSION, 1) >= 1) {
        interrupt(reply);
      }
    }
    return reply.get();
  }

  /**
   * Asks the desk to interrupt its command until it did or the command ended. The desk answers no
   * while the call has not reached it yet (still queued), so it is asked again, after half a second,
   * then twice as long each time up to 8 s (a call queued for minutes asks a few dozen times). Its
   * worker gone or unable to, the run waits for the command as it did before.
   */
  private void interrupt(Promise<DeskReply> reply) {
    Duration wait = Duration.ofMillis(500);
    while (!reply.isCompleted()) {
      try {
        if (interrupt.interruptDesk(runId)) {
          return;
        }
      } catch (ActivityFailure e) {
        Workflow.getLogger(DeskLink.class).warn("run {}: the cancel could not reach the desk's command; waiting for it to end: {}", runId, e.getMessage());
        return;
      }
      Workflow.await(wait, reply::isCompleted);
      wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(8)) > 0 ? Duration.ofSeconds(8) : wait.multipliedBy(2);
    }
  }

  /**
   * Gives the desk plan edits people sent, oldest first, for the check (or the finish) that follows.
   * An edit the desk refuses is left out; the run goes on.
   */
  void sendEdits(List<List<String>> edits) {
    for (List<String> e : edits) {
      try {
        call(() -> {
          desk.editPlan(runId, e.get(0), e.get(1));
          return Boolean.TRUE;
        });
        // Only once given: a desk opened again while this one was being sent is given those before it.
        editsAwaitingCheck.add(e);
      } catch (ActivityFailure refused) {
        Workflow.getLogger(DeskLink.class).warn("run {}: a plan edit was left out: {}", runId, refused.getCause() != null ? refused.getCause().getMessage() : refused.getMessage());
      }
    }
  }

  /** The check the edits were for answered: they are merged, or left out for good. */
  void checked() {
    editsAwaitingCheck.clear();
  }

  /** Whether edits wait for a check under way. */
  boolean editsAwaitCheck() {
    return !editsAwaitingCheck.isEmpty();
  }

  /**
   * After a desk call failed because the desk's worker is gone: opens the desk again on a worker
   * that keeps desks, from the run's journal (on the folder the workers share; through a git
   * remote, the workflow's copy sent to another clone, or, while a continued workflow run has not
   * read all of it back yet, the copy the desk kept on the remote), cut back to its first {@code
   * known} lines, the last of which is {@code last}. Returns true when it did, and the
   * caller sends the call that failed again;
   * false when the run cannot go on (the desk moved too often, or a history from before desks
   * moved replays).
   *
   * @throws ApplicationFailure of type {@value #DESK_LOST} when no worker could open the desk again
   */
  boolean move(ActivityFailure lost, int known, String last) {
    if (desk == null || Workflow.getVersion(DESK_MOVES, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return false;
    }
    if (moves >= MAX_DESK_MOVES) {
      return false;
    }
    RunActivities opener =
        Workflow.newActivityStub(
            RunActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(desksQueue)
                .setScheduleToStartTimeout(Duration.ofMinutes(5))
                .setStartToCloseTimeout(Duration.ofMinutes(10))
                .setHeartbeatTimeout(heartbeat)
                // The lost desk's worker may still hold the run lock until it hears that the run
                // gave its call up (its next heartbeat): the opening is tried again meanwhile.
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(6).setInitialInterval(Duration.ofSeconds(1)).build())
                .build());
    Map<String, String> reports = new LinkedHashMap<>(explorations);
    // Through a git remote the lost desk's journal went with its clone: the workflow's account is
    // written into the clone of the worker that takes over. Asked only for such runs, so other
    // histories replay unchanged.
    // A workflow run continued as new that is still reading the journal back holds only part of it:
    // the copy the desk kept on the remote when the workflow continued is sent instead.
    boolean fromWorkflow = journal.size() >= known;
    boolean inAnotherClone =
        !gitRemote.isEmpty() && (fromWorkflow || Workflow.getVersion(JOURNAL_KEPT, Workflow.DEFAULT_VERSION, 1) == 1)
            && Workflow.getVersion(DESK_MOVES_CLONES, Workflow.DEFAULT_VERSION, 1) == 1;
    if (inAnotherClone && fromWorkflow) {
      checkStagingFits(lost, known);
    }
    moves++;
    Workflow.getLogger(DeskLink.class)
        .warn("run {}: {}; opening the desk again on a worker left ({} of {})", runId, loss(lost).orElse("the desk was lost"), moves, MAX_DESK_MOVES);
    String answer;
    try {
      answer = callOnce(() -> inAnotherClone ? reopenInAnotherClone(opener, known, last, reports) : opener.reopenDesk(runId, known, last, reports, mergesAtOnce()));
    } catch (ActivityFailure e) {
      String why = e.getCause() instanceof ApplicationFailure a ? a.getOriginalMessage() : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      throw ApplicationFailure.newNonRetryableFailureWithCause(lostMessage(loss(lost).orElse("the desk was lost")) + "; opening it again failed: " + why, DESK_LOST, e);
    }
    if (!Wire.sameTeam(firstTeam, answer)) {
      // Its machine would decide otherwise than the workflow's: the two would drift apart unnoticed.
      throw ApplicationFailure.newNonRetryableFailure(
          lostMessage(loss(lost).orElse("the desk was lost")) + "; the worker that opened it again (" + Wire.teamWorkspace(answer)
              + ") has another team (its roles, gates, bounds, budget policy or merges at once differ): every worker of a task queue must build the same team, on the same Orchestra version",
          DESK_LOST);
    }
    at(answer);
    routeApprovals();
    // The lost desk took the edits for the check under way along: the check is made again here.
    for (List<String> e : editsAwaitingCheck) {
      try {
        callOnce(() -> {
          desk.editPlan(runId, e.get(0), e.get(1));
          return Boolean.TRUE;
        });
      } catch (ActivityFailure refused) {
        Workflow.getLogger(DeskLink.class).warn("run {}: a plan edit was left out: {}", runId, refused.getCause() != null ? refused.getCause().getMessage() : refused.getMessage());
      }
    }
    return true;
  }

  /** The version of a desk that does not move to another clone when the journal sent there would not fit in the history. */
  static final String STAGING_FITS = "staging-fits";

  /**
   * Whether sending journal lines that take {@code staged} bytes in payloads into a workflow
   * history of {@code historySize} bytes leaves it under {@code limit}, with 1 MiB for the calls
   * around them.
   */
  static boolean stagingFits(long historySize, long staged, long limit) {
    return historySize + staged + 1024 * 1024 <= limit;
  }

  /**
   * Fails the run with {@value #DESK_LOST}, saying why, when sending the run's first {@code known}
   * journal lines to another clone would take the history past its limit: Temporal would end the
   * workflow while they are sent, with nothing said or journalled. Asked before each claim.
   */
  private void checkStagingFits(ActivityFailure lost, int known) {
    long staged = RunWorkflowImpl.payloadBytes(journal.subList(0, known));
    long size = Workflow.getInfo().getHistorySize();
    if (!stagingFits(size, staged, historyLimit) && Workflow.getVersion(STAGING_FITS, Workflow.DEFAULT_VERSION, 1) == 1) {
      throw ApplicationFailure.newNonRetryableFailure(
          lostMessage(loss(lost).orElse("the desk was lost")) + "; its journal (" + staged + " bytes) cannot be sent to another clone: the"
              + " workflow's history (" + size + " bytes) would grow past its limit of " + historyLimit + " bytes",
          DESK_LOST);
    }
  }

  /**
   * Has a worker that keeps desks claim the run's desk, stages the run's first {@code known} journal
   * lines there (in chunks a payload carries; when the workflow holds fewer, the worker takes them
   * from the copy the desk kept on the remote), and opens the desk there from them. Should that
   * worker be lost before the desk opened there, another claims it; each claim counts as a move.
   */
  private String reopenInAnotherClone(RunActivities opener, int known, String last, Map<String, String> reports) {
    boolean fromWorkflow = journal.size() >= known;
    while (true) {
      RunActivities there = stub(opener.claimDesk(runId), Duration.ofMinutes(5));
      try {
        if (!fromWorkflow) {
          there.stageKeptJournal(runId, known, last);
        }
        int from = fromWorkflow ? 0 : known;
        while (from < known) {
          List<String> chunk = new ArrayList<>();
          long chars = 0;
          for (int i = from; i < known && (chunk.isEmpty() || chars + journal.get(i).length() <= RunWorkflowImpl.MAX_JOURNAL_CHARS); i++) {
            chunk.add(journal.get(i));
            chars += journal.get(i).length();
          }
          there.stageJournal(runId, from, chunk);
          from += chunk.size();
        }
        return there.reopenDesk(runId, known, last, reports, mergesAtOnce());
      } catch (ActivityFailure e) {
        // The worker that claimed the desk was lost before the desk opened there: another claims it,
        // as long as moves are left. Asked only then, so other histories replay unchanged.
        Optional<String> loss = loss(e);
        if (loss.isEmpty() || moves >= MAX_DESK_MOVES || Workflow.getVersion(DESK_CLAIMED_AGAIN, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
          throw e;
        }
        if (fromWorkflow) {
          checkStagingFits(e, known); // the journal is sent once more
        }
        moves++;
        Workflow.getLogger(DeskLink.class)
            .warn("run {}: the worker that claimed its desk was lost before the desk opened there ({}); claiming it again ({} of {})", runId,
                e.getActivityType(), moves, MAX_DESK_MOVES);
      }
    }
  }

  /**
   * How the desk's worker was lost, when a desk call failed because it is gone: it stopped
   * heartbeating during the call, or never took the call up.
   */
  static Optional<String> loss(RuntimeException e) {
    if (!(e instanceof ActivityFailure call) || !(call.getCause() instanceof TimeoutFailure timeout)) {
      return Optional.empty();
    }
    return switch (timeout.getTimeoutType()) {
      case TIMEOUT_TYPE_HEARTBEAT -> Optional.of("the worker that keeps its desk stopped heartbeating during its " + call.getActivityType() + " call");
      case TIMEOUT_TYPE_SCHEDULE_TO_START -> Optional.of("the worker that keeps its desk did not take up its " + call.getActivityType() + " call");
      default -> Optional.empty();
    };
  }

  /**
   * Why the run cannot go on without its desk: the desk holds the run's journal and plan.md in
   * that worker's workspace, and its machine's state in that JVM.
   */
  String lostMessage(String loss) {
    // A claim of another clone counts as a move although no desk may have opened there.
    String moved = moves == 0 ? "" : " (after " + moves + " of the " + MAX_DESK_MOVES + " moves a run's desk may make: openings elsewhere and claims of another clone)";
    return "run " + runId + " failed: " + loss + " (the worker died or lost Temporal)" + moved
        + "; the run cannot go on without it. Its journal and plan.md are in .orchestra/ and plan.md of that worker's workspace "
        + workspace;
  }

  /** What the run's first desk merges at once: a desk opened again must decide alike. */
  private int mergesAtOnce() {
    return Wire.teamSpec(firstTeam).mergesAtOnce();
  }

  /**
   * A stub for desk calls, which Temporal does not retry: a call that journalled and then failed
   * would journal twice. A call whose worker was lost is sent again by {@link #call} to the desk
   * opened again elsewhere, whose journal was cut back to before it. The desk's worker heartbeats
   * during every call.
   *
   * @param scheduleToStart how long a call may wait for the worker: the worker that keeps the desk
   *     gone, the run fails saying so rather than waiting for ever
   */
  private RunActivities stub(String queue, Duration scheduleToStart) {
    return Workflow.newActivityStub(
        RunActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queue)
            .setScheduleToStartTimeout(scheduleToStart)
            .setStartToCloseTimeout(Duration.ofHours(2))
            .setHeartbeatTimeout(heartbeat)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
