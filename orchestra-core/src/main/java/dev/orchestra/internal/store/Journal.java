package dev.orchestra.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.OrchestraException;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.AtomicFiles;
import dev.orchestra.internal.json.EventJson;
import dev.orchestra.internal.workspace.WorkspaceFiles;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's journal: every event as one JSON line, appended and flushed as it happens, so a run
 * that is killed leaves a record of everything up to its last complete line.
 *
 * <p>When the journal lives in Orchestra's own folder ({@value #FOLDER}), opening it also puts a
 * {@code .gitignore} of {@code *} there, unless one exists already: the run's state never shows
 * up in {@code git status}, nor is it committed by accident.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  /** The folder under the workspace where Orchestra keeps a run's state: journal, lock, notes. */
  static final String FOLDER = WorkspaceFiles.ORCHESTRA_FOLDER;
  private static final String IGNORE_ALL = "# Orchestra's run state: journal, lock, notes. Not for version control.\n*\n";

  private final Path file;
  private FileOutputStream out;
  private long size; // bytes of whole lines in the file, under this lock
  private StringBuilder lines = new StringBuilder(4096); // reused by append, under this lock

  public Journal(Path file) {
    this.file = file;
  }

  public void append(OrchestraEvent event) {
    append(List.of(event));
  }

  /**
   * Appends the events' lines with one write. An event that cannot be serialised is left out, the
   * others are written, and the first such failure is thrown after.
   *
   * @throws UncheckedIOException when the file cannot be written; what this call wrote of it is
   *     taken back, so the journal never holds a partial line before a later whole one
   * @throws IllegalStateException when an event cannot be serialised
   */
  public synchronized void append(List<OrchestraEvent> events) {
    lines.setLength(0);
    RuntimeException unserialisable = null;
    for (OrchestraEvent event : events) {
      try {
        EventJson.appendLine(lines, event).append('\n');
      } catch (RuntimeException e) {
        if (unserialisable == null) {
          unserialisable = e;
        }
      }
    }
    try {
      if (lines.length() > 0) {
        write(lines.toString());
      }
    } finally {
      if (lines.capacity() > 64 * 1024) {
        lines = new StringBuilder(4096); // one huge event must not pin its buffer for the run
      }
    }
    if (unserialisable != null) {
      throw unserialisable;
    }
  }

  private void write(String text) {
    try {
      if (out == null) {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        if (folder.getFileName() != null && folder.getFileName().toString().equals(FOLDER)) {
          ignoreInGit(folder);
        }
        // A java.io stream, not an NIO channel: interrupting a thread that is writing an event
        // (a cancelled agent) must not close the journal for everyone else.
        out = new FileOutputStream(file.toFile(), true);
        size = file.toFile().length();
      }
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      // One write per call, whole lines only: a crash leaves at most one partial last line.
      try {
        out.write(bytes);
      } catch (IOException e) {
        takeBackPartialWrite();
        throw e;
      }
      size += bytes.length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code folder/.gitignore} ignoring everything, itself included, when there is none:
   * one a person wrote (or a link, or a folder of that name) is left alone, also when it appears
   * while this one is being written. Not being able to write it does not stop the journal.
   */
  private static void ignoreInGit(Path folder) {
    Path ignore = folder.resolve(".gitignore");
    if (Files.exists(ignore, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      AtomicFiles.writeStringUnlessChanged(ignore, IGNORE_ALL, () -> !Files.exists(ignore, LinkOption.NOFOLLOW_LINKS));
    } catch (UncheckedIOException e) {
      log.warn("cannot write {}; git may list the journal as untracked: {}", ignore, e.getMessage());
    }
  }

  /**
   * After a failed write (a full disk), cuts the file back to its last whole line, so a later
   * append does not follow a partial one (which {@link #read} would reject as malformed).
   */
  private void takeBackPartialWrite() {
    // The stream's channel is interruptible, and an interrupt would close the stream with it.
    boolean interrupted = Thread.interrupted();
    try {
      out.getChannel().truncate(size);
    } catch (IOException e) {
      log.warn("cannot take back a partial journal write in {}: {}", file, e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Reads a journal. A last line cut short by a crash is skipped with a warning; a malformed line
   * anywhere else is an error naming the line.
   */
  public static List<JsonNode> read(Path file) {
    return readLines(file).stream().map(Line::json).toList();
  }

  /** A parsed journal line and its number in the file, from 1. */
  private record Line(int number, JsonNode json) {}

  private static List<Line> readLines(Path file) {
    List<Line> events = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      String pendingBad = null;
      int pendingBadLine = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        if (pendingBad != null) {
          throw new OrchestraException(
              file + ":" + pendingBadLine + ": malformed journal line: " + pendingBad);
        }
        if (line.isBlank()) {
          continue;
        }
        try {
          events.add(new Line(n, EventJson.MAPPER.readTree(line)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          pendingBad = e.getOriginalMessage();
          pendingBadLine = n;
        }
      }
      if (pendingBad != null) {
        log.warn("{}:{}: skipping a journal line cut short by a crash", file, pendingBadLine);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read journal " + file + ": " + e.getMessage(), e);
    }
    return events;
  }

  /**
   * Reads a journal back into its typed events; see {@link #read} for lines cut short by a crash.
   * Lines of an earlier schema version read as {@link EventJson#read(JsonNode)} says.
   *
   * @throws OrchestraException naming the line when one is not an event, lacks a field or is of a
   *     schema version later than this Orchestra's
   */
  public static List<dev.orchestra.event.OrchestraEvent> readEvents(Path file) {
    List<dev.orchestra.event.OrchestraEvent> events = new ArrayList<>();
    for (Line line : readLines(file)) {
      try {
        events.add(EventJson.read(line.json()));
      } catch (IllegalArgumentException e) {
        throw new OrchestraException(file + ":" + line.number() + ": journal line cannot be read: " + e.getMessage(), e);
      }
    }
    return events;
  }

  /**
   * Returns lines of one run from a journal, as written: from the run's {@code from}-th event
   * (counted from 0 at its {@code RunStarted}) on, as many as fit in {@code maxChars} characters
   * (at least one, if there is one).
   *
   * @throws OrchestraException when the journal does not hold the run's start
   */
  public static List<String> runLines(Path file, String runId, int from, long maxChars) {
    List<String> text;
    try {
      text = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read journal " + file + ": " + e.getMessage(), e);
    }
    String start = "\"type\":\"" + OrchestraEvent.Kind.RUN_STARTED.wireName() + "\"";
    int first = -1;
    for (int i = 0; i < text.size() && first < 0; i++) {
      String line = text.get(i);
      if (line.contains(start) && !line.isBlank() && EventJson.read(line) instanceof OrchestraEvent.RunStarted s && s.runId().equals(runId)) {
        first = i;
      }
    }
    if (first < 0) {
      throw new OrchestraException("journal " + file + " does not hold the start of run " + runId);
    }
    List<String> out = new ArrayList<>();
    long chars = 0;
    int seen = 0;
    for (int i = first; i < text.size(); i++) {
      String line = text.get(i);
      if (line.isBlank()) {
        continue;
      }
      if (seen++ < from) {
        continue;
      }
      if (!out.isEmpty() && chars + line.length() > maxChars) {
        break;
      }
      out.add(line);
      chars += line.length();
    }
    return out;
  }

  /**
   * Cuts a journal back to what the engine deciding a run knows of it: the run's first {@code
   * known} events, from its {@code RunStarted} on, the last of which must be {@code last}. Lines
   * after them (what a desk that was lost journalled of a call whose answer never arrived) are
   * removed, through a temporary file and an atomic move; lines of earlier runs stay. Not for a
   * journal that is open for writing.
   *
   * @return the run's events that are kept, oldest first
   * @throws OrchestraException when the journal does not hold those events of the run (another
   *     file, or one that lost lines), saying what it holds
   */
  public static List<OrchestraEvent> keepRun(Path file, String runId, int known, OrchestraEvent last) {
    if (!Files.exists(file)) {
      throw new OrchestraException("cannot take over run " + runId + ": its journal " + file + " does not exist");
    }
    List<Line> lines = readLines(file);
    int first = -1;
    for (int i = 0; i < lines.size() && first < 0; i++) {
      if (lines.get(i).json().path("type").asText().equals(OrchestraEvent.Kind.RUN_STARTED.wireName()) && lines.get(i).json().path("runId").asText().equals(runId)) {
        first = i;
      }
    }
    if (first < 0) {
      throw new OrchestraException("cannot take over run " + runId + ": its journal " + file + " does not hold the run's start");
    }
    int held = lines.size() - first;
    if (known < 1 || held < known) {
      throw new OrchestraException(
          "cannot take over run " + runId + ": its journal " + file + " holds " + held + " of its events, the run knows " + known);
    }
    List<OrchestraEvent> kept = new ArrayList<>(known);
    for (Line line : lines.subList(first, first + known)) {
      try {
        kept.add(EventJson.read(line.json()));
      } catch (IllegalArgumentException e) {
        throw new OrchestraException(file + ":" + line.number() + ": journal line cannot be read: " + e.getMessage(), e);
      }
    }
    Line lastKept = lines.get(first + known - 1);
    if (!kept.get(known - 1).equals(last)) {
      throw new OrchestraException(
          file + ":" + lastKept.number() + ": cannot take over run " + runId + ": the journal's event " + known + " of the run is "
              + kept.get(known - 1).kind() + ", the run's is " + last.kind());
    }
    try {
      byte[] before = Files.readAllBytes(file);
      List<String> text = new String(before, StandardCharsets.UTF_8).lines().toList();
      StringBuilder out = new StringBuilder();
      for (String l : text.subList(0, lastKept.number())) {
        out.append(l).append('\n');
      }
      byte[] after = out.toString().getBytes(StandardCharsets.UTF_8);
      // In place, so the file keeps its owner, group and permissions (workers may share the folder as
      // different users): cut after the kept lines, which also drops a cut-short last line (the next
      // line written would otherwise join it into one broken line), or end the last kept line.
      if (after.length <= before.length && java.util.Arrays.equals(before, 0, after.length, after, 0, after.length)) {
        if (after.length < before.length) {
          try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(after.length);
            ch.force(true);
          }
          log.info("journal {}: removed what follows run {}'s event {}, which its deciding engine never heard of", file, runId, known);
        }
      } else if (after.length == before.length + 1 && java.util.Arrays.equals(before, 0, before.length, after, 0, before.length)) {
        Files.write(file, new byte[] {'\n'}, java.nio.file.StandardOpenOption.APPEND);
      } else {
        throw new OrchestraException("cannot cut back journal " + file + ": its lines are not as read a moment ago (written meanwhile?)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cut back journal " + file + ": " + e.getMessage(), e);
    }
    return kept;
  }

  /**
   * Writes a run's events into a journal that does not hold them (a clone other than the one the
   * run's desk kept): the run's lines there, if any, go, and {@code lines}, as the engine deciding
   * the run has them, are appended; other runs' lines stay in their order, and a last line a crash
   * cut short goes. Written through a temporary file and an atomic move, keeping the file's
   * permissions. Not for a journal that is open for writing.
   *
   * @throws IllegalArgumentException when a line is not an event of the run, or the first is not its start
   * @throws UncheckedIOException when the journal cannot be read or written
   */
  public static void restoreRun(Path file, String runId, List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      OrchestraEvent e = EventJson.read(lines.get(i));
      if (!e.runId().equals(runId) || (i == 0) != (e instanceof OrchestraEvent.RunStarted)) {
        throw new IllegalArgumentException("line " + (i + 1) + " of run " + runId + "'s journal is not its " + (i == 0 ? "start" : "event") + ": " + e.kind());
      }
    }
    StringBuilder out = new StringBuilder();
    java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = null;
    try {
      List<String> text = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
      // Read as JSON only (an event kind this Orchestra does not know is still another run's line);
      // a last line a crash cut short goes, as readLines says.
      for (Line line : readLines(file)) {
        if (!line.json().path("runId").asText().equals(runId)) {
          out.append(text.get(line.number() - 1)).append('\n'); // other runs' lines stay, as written, in order
        }
      }
      lines.forEach(l -> out.append(l).append('\n'));
      if (Files.exists(file) && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        permissions = Files.getPosixFilePermissions(file); // workers may share the folder as different users
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore run " + runId + "'s journal in " + file + ": " + e.getMessage(), e);
    }
    if (permissions != null) {
      AtomicFiles.writeString(file, out.toString(), permissions);
    } else {
      AtomicFiles.writeString(file, out.toString());
    }
    log.info("journal {}: run {}'s {} events written from its deciding engine's account", file, runId, lines.size());
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        log.warn("cannot close journal {}: {}", file, e.getMessage());
      }
      out = null;
    }
  }
}
