package dev.orchestra.internal.store;

import dev.orchestra.OrchestraException;
import dev.orchestra.internal.engine.LivePlan;
import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * plan.md on disk: written atomically, never over a person's edit that has not been merged yet,
 * and read back for such edits at the run's round boundaries. What the run last wrote is also kept
 * in {@code .orchestra/last-written-plan.md}, so that a resumed run tells a person's edit (made while
 * it was stopped) from its own last write. Used by the run's coordinating thread.
 */
public final class PlanStore {
  private static final Logger log = LoggerFactory.getLogger(PlanStore.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path file;
  private final Path written;
  private Plan lastWritten;
  private String lastWrittenText;
  private long versionPosted = -1; // guarded by the run's lock, as due() is called under it
  private long lastPostNanos;
  /** Edits made elsewhere, oldest first, for the next {@link #edit}. Guarded by itself. */
  private final List<Offered> offered = new ArrayList<>();

  /** A person's edit made elsewhere: the plan as they saw it, and as they left it. */
  private record Offered(Plan base, Plan edited) {}

  public PlanStore(Path file, Path stateFolder) {
    this.file = file;
    this.written = stateFolder.resolve("last-written-plan.md");
  }

  public Path file() {
    return file;
  }

  /**
   * Whether the plan at this version is to be written now. During a batch plan.md is rewritten at
   * most once an interval (tasks finish faster than a person reads); at every other moment at once.
   * Called under the run's lock.
   */
  public boolean due(long version, boolean inBatch, Duration interval) {
    if (version == versionPosted) {
      return false;
    }
    long t = System.nanoTime();
    if (inBatch && t - lastPostNanos < interval.toNanos()) {
      return false;
    }
    versionPosted = version;
    lastPostNanos = t;
    return true;
  }

  /** Reads plan.md, or null when there is none. Safe under a cancel's interrupt. */
  public String read() {
    return readText(file);
  }

  private static String readText(Path path) {
    // Files.readString reads through an interruptible channel: a cancel's interrupt would turn
    // into a read error. Read, then restore it.
    boolean interrupted = Thread.interrupted();
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new OrchestraException("cannot read " + path + ": " + e.getMessage(), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A new run replaces plan.md; the previous one is kept under .orchestra/ rather than lost. */
  public void backUpPrevious(String runId, java.time.Instant now, Path stateFolder) {
    if (!Files.exists(file)) {
      return;
    }
    Path backup = stateFolder.resolve("plan-" + STAMP.format(now) + "-" + runId.substring(runId.length() - 6) + ".md");
    try {
      Files.createDirectories(backup.getParent());
      Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new OrchestraException("cannot back up the existing " + file + " before replacing it: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a plan if it differs from the last write. A person's edit that has not been merged yet
   * is never overwritten: that waits for the next round boundary.
   *
   * @throws RuntimeException when the file cannot be written
   */
  public void write(Plan plan) {
    String text = plan.toMarkdown();
    if (text.equals(lastWrittenText)) {
      return;
    }
    // A cancel interrupts threads; an interrupted NIO read or write would fail, so read and write
    // first and restore the interrupt after.
    boolean interrupted = Thread.interrupted();
    try {
      // The file's identity, size and time as they were when its content was found to be ours:
      // checked again just before the rename, so a save after the read is not replaced.
      Object seen = stamp(file);
      if (lastWrittenText != null) {
        String onDisk = read();
        if (onDisk != null && !onDisk.equals(lastWrittenText)) {
          return; // edited by a person since the last write; merged at the round boundary
        }
      }
      if (AtomicFiles.writeStringUnlessChanged(file, text, () -> Objects.equals(seen, stamp(file)))) {
        lastWritten = plan;
        lastWrittenText = text;
        AtomicFiles.writeString(written, text);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void write(LivePlan.Copy copy) {
    write(copy.toPlan());
  }

  /** The file's identity, size and modification time, or null when it cannot be read. */
  private static Object stamp(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
    } catch (IOException e) {
      return null;
    }
  }

  /** A person's edit of plan.md, merged into the run's plan. */
  public record Edit(Plan merged, List<String> added, List<String> removed) {}

  /**
   * plan.md was edited by a person, and reads as a plan, but cannot be merged into the run's plan
   * as it stands: a task the run added since its last write of plan.md depends on one the edit
   * removed, say. plan.md is left as the person left it.
   */
  public static final class EditDoesNotFit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EditDoesNotFit(Path file, IllegalArgumentException why) {
      super(
          file + " was edited, but the edit does not fit the run's plan as it stands: " + why.getMessage()
              + " (the run keeps the tasks it added since it last wrote the file: put back the task named, then resume)",
          why);
    }
  }

  /**
   * Looks for a person's edits and merges them into a copy of the run's plan (see {@link
   * LivePlan#mergeEdit}): first those made elsewhere ({@link #offerEdit}), each against the plan its
   * author saw, then plan.md's since the run last wrote it. An edit decides which tasks exist and
   * what they say; the run's newer statuses win where the person did not touch them.
   *
   * @param current the run's plan
   * @return the merged plan, or empty when nothing was edited (plan.md holds the run's own last
   *     write, and no edit made elsewhere changes anything); an edit made elsewhere that does not
   *     fit the plan as it stands (a task it adds depends on one that is gone) is left out and logged,
   *     and when plan.md's edit fits only without the edits made elsewhere, all of those are left
   *     out and logged
   * @throws PlanFormatException when plan.md cannot be read as a plan (it is left as it is)
   * @throws EditDoesNotFit when plan.md reads as a plan but cannot be merged into the run's (it is
   *     left as it is)
   */
  public Optional<Edit> edit(Plan current) {
    List<Offered> taken;
    synchronized (offered) {
      taken = List.copyOf(offered);
      offered.clear();
    }
    if (taken.isEmpty()) {
      return editOnDisk(current);
    }
    // Edits made elsewhere first, each against the plan its author saw, then plan.md's own.
    Plan merged = current;
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Offered o : taken) {
      Edit e;
      try {
        e = merge(merged, o.base(), o.edited());
      } catch (IllegalArgumentException conflict) {
        // Two edits that do not fit together (one removed a task the other's new task depends
        // on): this one is left out, and the run goes on with the others.
        log.warn("an edit of the plan sent to the run was left out: it does not fit the plan as it stands: {}", conflict.getMessage());
        continue;
      }
      merged = e.merged();
      added.addAll(e.added());
      removed.addAll(e.removed());
    }
    Optional<Edit> local;
    try {
      local = editOnDisk(merged);
    } catch (EditDoesNotFit conflict) {
      if (merged == current) {
        throw conflict; // no sent edit is in the way: plan.md's edit does not fit the run's plan
      }
      // plan.md's edit may fit the run's plan without the edits sent meanwhile: then those are left
      // out, as a sent edit that does not fit is, and plan.md's is taken alone.
      Optional<Edit> alone = editOnDisk(current);
      log.warn("the edits of the plan sent to the run since its last check were left out: with them, the edit of plan.md does not fit ({})",
          conflict.getCause().getMessage());
      return alone;
    }
    if (local.isPresent()) {
      merged = local.get().merged();
      added.addAll(local.get().added());
      removed.addAll(local.get().removed());
    }
    Plan result = merged;
    added.removeIf(id -> result.task(id).isEmpty());
    if (local.isEmpty() && result.toMarkdown().equals(current.toMarkdown())) {
      return Optional.empty(); // sent, but changing nothing
    }
    return Optional.of(new Edit(result, added, removed));
  }

  /**
   * Takes a person's edit of the plan made elsewhere (sent to a run on Temporal, say), for the next
   * {@link #edit}: merged as an edit of plan.md is, but against the plan its author started from,
   * so that what the run did meanwhile is not taken back. Thread-safe.
   *
   * @param base the plan as the person saw it
   * @param edited the plan as the person left it
   */
  public void offerEdit(Plan base, Plan edited) {
    synchronized (offered) {
      offered.add(new Offered(Objects.requireNonNull(base, "base"), Objects.requireNonNull(edited, "edited")));
    }
  }

  private Optional<Edit> editOnDisk(Plan current) {
    if (lastWrittenText == null) {
      return Optional.empty();
    }
    String onDisk = read();
    if (onDisk == null || onDisk.equals(lastWrittenText)) {
      return Optional.empty();
    }
    Plan edited = Plan.fromMarkdown(onDisk, file.toString());
    Edit e;
    try {
      e = merge(current, lastWritten, edited);
    } catch (IllegalArgumentException conflict) {
      throw new EditDoesNotFit(file, conflict);
    }
    lastWritten = edited;
    lastWrittenText = onDisk;
    return Optional.of(e);
  }

  private static Edit merge(Plan current, Plan base, Plan edited) {
    LivePlan copy = new LivePlan(current);
    List<String> before = copy.tasks().stream().map(dev.orchestra.plan.Task::id).toList();
    List<String> added = copy.mergeEdit(base, edited);
    Plan merged = copy.snapshot();
    List<String> removed = before.stream().filter(id -> merged.task(id).isEmpty()).toList();
    return new Edit(merged, added, removed);
  }

  /**
   * For a resumed run: takes what the run last wrote to plan.md as the base that a person's edit
   * is told from, so that the first check of the resumed run merges an edit made while it was
   * stopped, and nothing else.
   *
   * @param replayed the plan the journal rebuilt, for a journal older than {@code last-written-plan.md}
   */
  public void resumeBaseline(Optional<Plan> replayed) {
    String base = readText(written);
    if (base != null) {
      lastWritten = Plan.fromMarkdown(base, written.toString());
      lastWrittenText = base;
    } else if (replayed.isPresent()) {
      lastWritten = replayed.get();
      lastWrittenText = lastWritten.toMarkdown();
    }
  }

  /**
   * Forgets what an earlier run last wrote to plan.md (a desk taking over a run in a workspace
   * another run used): a person's edit is then told from the taken-over run's own plan.
   *
   * @throws java.io.UncheckedIOException when the copy cannot be deleted
   */
  public void forgetLastWritten() {
    try {
      Files.deleteIfExists(written);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot delete " + written + ": " + e.getMessage(), e);
    }
    lastWritten = null;
    lastWrittenText = null;
  }

  /**
   * A crash in the middle of an atomic write of plan.md, or of its last-written copy, leaves that
   * write's temporary file; nothing else will.
   */
  public void removeStaleTemporaryFiles() {
    removeTemporaryFilesOf(file);
    removeTemporaryFilesOf(written);
  }

  private static void removeTemporaryFilesOf(Path target) {
    String prefix = "." + target.getFileName() + ".";
    if (!Files.isDirectory(target.getParent())) {
      return;
    }
    try (var files = Files.list(target.getParent())) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("cannot remove stale temporary files next to {}: {}", target, e.getMessage());
    }
  }
}
