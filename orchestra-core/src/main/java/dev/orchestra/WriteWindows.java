package dev.orchestra;

import dev.orchestra.plan.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The time windows in which writing tasks ran, so that a file changed outside one task's write
 * scope can be told apart from another task's rightful change: a change is another task's when a
 * task that ran at some point of the same window may write it. Thread-safe.
 */
final class WriteWindows {
  /** One task's window: from {@link #open} to {@link #close}. */
  static final class Window {
    final Task task;
    final long openedAt;
    long closedAt = Long.MAX_VALUE;
    /** Whether the task ran a command: only a command can write outside a task's scope. */
    volatile boolean ranCommand;

    Window(Task task, long openedAt) {
      this.task = task;
      this.openedAt = openedAt;
    }
  }

  private final List<Window> windows = new ArrayList<>();
  private long clock;

  synchronized Window open(Task task) {
    Window w = new Window(task, ++clock);
    windows.add(w);
    return w;
  }

  synchronized void close(Window w) {
    w.closedAt = ++clock;
    // Windows that closed before every open one began can no longer overlap anything new.
    long oldestOpen = windows.stream().filter(x -> x.closedAt == Long.MAX_VALUE).mapToLong(x -> x.openedAt).min().orElse(clock);
    windows.removeIf(x -> x.closedAt < oldestOpen);
  }

  /** The other tasks whose windows overlapped this one and that ran a command. */
  synchronized List<String> othersRunningCommands(Window mine) {
    List<String> out = new ArrayList<>();
    for (Window w : windows) {
      if (w != mine && w.closedAt >= mine.openedAt && w.ranCommand) {
        out.add(w.task.id());
      }
    }
    return out;
  }

  /** Whether another task whose window overlapped this one may write the path. */
  synchronized boolean mayBeOthers(Window mine, String path) {
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
