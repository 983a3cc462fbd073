package dev.orchestra;

import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.RunMachine;
import dev.orchestra.internal.engine.RunState;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.internal.store.PlanStore;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resume is replay: the journal's events, read back as typed events, are fed through a fresh
 * {@link RunMachine}, which then stands where the stopped run stood; a task whose start was
 * journalled without its end runs again, a finished one never. Also removes what a crash left
 * half-written.
 */
final class RunRestorer {
  private static final Logger log = LoggerFactory.getLogger(RunRestorer.class);
  /** A temporary file of an atomic write: {@code .<name>.<random digits or hex>.tmp}. */
  private static final Pattern INTERRUPTED_WRITE = Pattern.compile("\\.(.+)\\.[0-9a-f]+\\.tmp");

  private RunRestorer() {}

  /**
   * Replays the run that stopped into the machine.
   *
   * @return plan.md as it is on disk
   * @throws OrchestraException when there is nothing to resume from
   * @throws NothingToResumeException when the last run ended green with every task done
   */
  static Plan replay(OrchestratorConfig config, PlanStore store, RunMachine machine) {
    String text = store.read();
    if (text == null) {
      throw new OrchestraException("nothing to resume: " + config.planFile() + " does not exist; start a run with run(goal)");
    }
    Plan onDisk = Plan.fromMarkdown(text, config.planFile().toString());
    List<OrchestraEvent> events = Journal.readEvents(config.journalFile());
    OrchestraEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
    boolean allDone = onDisk.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE || t.status() == TaskStatus.SUPERSEDED);
    if (allDone && last instanceof OrchestraEvent.RunFinished f && f.stopReason().equals(StopReason.GREEN.name())) {
      // Nothing is left to do (a task a person added to plan.md since would be), and asking a
      // model would only cost tokens.
      throw new NothingToResumeException(
          "nothing to resume: run " + f.runId() + " ended GREEN at " + f.time() + "; start a new run with run(goal)");
    }
    int from = 0;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof OrchestraEvent.RunStarted s && !s.resumed()) {
        from = i;
      }
    }
    machine.replay(events.subList(from, events.size()));
    return onDisk;
  }

  /**
   * For a resumed run, before it starts: removes what a crash left half-written, and takes plan.md
   * as the run last wrote it, so that a person's edit made meanwhile is merged at the first check.
   */
  static void restore(RunEngine run, Plan onDisk) {
    PlanStore planStore = run.planStore();
    planStore.removeStaleTemporaryFiles();
    RunState s = run.machine().state();
    if (run.worktrees().isEmpty()) {
      // With worktrees a task never wrote in the workspace; its half-made worktree is already gone.
      removeInterruptedWrites(run.config().workspace(), onDisk, s.running(), s.startedAt());
    }
    Optional<Plan> replayed = s.plan();
    if (replayed.isEmpty() && !onDisk.tasks().isEmpty()) {
      // A journal from before events carried the plan: plan.md is the plan.
      run.feed(new OrchestraEvent.PlanUpdated(
          run.runId(), run.now(), "restored from plan.md", onDisk.tasks().size(), List.of(), onDisk.goal(), onDisk.tasks(), List.of(),
          onDisk.later(), onDisk.risks(), true));
      replayed = run.machine().state().plan();
    }
    planStore.resumeBaseline(replayed);
  }

  /**
   * A task killed while its agent wrote a file leaves that write's temporary file (named {@code
   * .<file>.<random>.tmp}, beside the file) in the task's write scope. Removed are only files of
   * that exact shape, made since the stopped run (or resume) started, where a task that was running
   * then (by plan.md or the journal) could have written them; links are not followed, and a
   * failure only skips the clean-up.
   */
  static void removeInterruptedWrites(Path workspace, Plan onDisk, List<String> startedNotFinished, Instant stoppedRunStarted) {
    Set<String> running = new HashSet<>(startedNotFinished);
    List<Task> writers = onDisk.tasks().stream().filter(t -> t.status() == TaskStatus.RUNNING || running.contains(t.id())).toList();
    if (writers.isEmpty() || stoppedRunStarted == null) {
      return;
    }
    try {
      Path root = workspace.toRealPath();
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Matcher m = INTERRUPTED_WRITE.matcher(file.getFileName().toString());
              if (attrs.isRegularFile() && m.matches() && !attrs.lastModifiedTime().toInstant().isBefore(stoppedRunStarted)) {
                String target = root.relativize(file.resolveSibling(m.group(1))).toString().replace('\\', '/');
                if (writers.stream().anyMatch(t -> t.mayWrite(target))) {
                  Files.deleteIfExists(file);
                  log.info("removed {}, left by a write that a stop interrupted", root.relativize(file));
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | RuntimeException e) {
      log.warn("cannot look for interrupted writes in {}: {}", workspace, e.getMessage());
    }
  }
}
