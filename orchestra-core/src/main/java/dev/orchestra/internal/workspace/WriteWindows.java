package dev.orchestra.internal.workspace;

import dev.orchestra.plan.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The time windows in which writing tasks ran, so that a file changed outside one task's write
 * scope can be told apart from another task's rightful change: a change is another task's when a
 * task that ran at some point of the same window may write it. Thread-safe.
 */
public final class WriteWindows {
  /** One task's window: from {@link #open} to {@link #close}. */
  public static final class Window {
    private final Task task;
    private final long openedAt;
    private long closedAt = Long.MAX_VALUE; // guarded by the WriteWindows
    /** Whether the task ran a command: only a command can write outside a task's scope. */
    private volatile boolean ranCommand;

    private Window(Task task, long openedAt) {
      this.task = task;
      this.openedAt = openedAt;
    }

    /** Notes that the task ran a command. */
    public void commandRan() {
      ranCommand = true;
    }

    /** Whether the task ran a command so far. */
    public boolean ranCommand() {
      return ranCommand;
    }
  }

  private final List<Window> windows = new ArrayList<>();
  private long clock;

  public synchronized Window open(Task task) {
    Window w = new Window(task, ++clock);
    windows.add(w);
    return w;
  }

  public synchronized void close(Window w) {
    w.closedAt = ++clock;
    // Windows that closed before every open one began can no longer overlap anything new.
    long oldestOpen = windows.stream().filter(x -> x.closedAt == Long.MAX_VALUE).mapToLong(x -> x.openedAt).min().orElse(clock);
    windows.removeIf(x -> x.closedAt < oldestOpen);
  }

  /** The other tasks whose windows overlapped this one and that ran a command. */
  public synchronized List<String> othersRunningCommands(Window mine) {
    List<String> out = new ArrayList<>();
    for (Window w : windows) {
      if (w != mine && w.closedAt >= mine.openedAt && w.ranCommand) {
        out.add(w.task.id());
      }
    }
    return out;
  }

  /** Whether another task whose window overlapped this one may write the path. */
  public synchronized boolean mayBeOthers(Window mine, String path) {
    for (Window w : windows) {
      if (w == mine || w.closedAt < mine.openedAt) {
        continue;
      }
      if (w.task.mayWrite(path)) {
        return true;
      }
    }
    return false;
  }
}
