package dev.orchestra;

import dev.orchestra.internal.engine.Command;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run one run's agents' tasks. A worker runs its task, then the next one the
 * machine gives it (its own slot is free again, so it takes it itself, with no hand-off), until
 * there is none. Whatever a task throws, it ends: a task left running would keep the run from
 * finishing. Thread-safe.
 */
final class Workers {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final String runId;
  private final ExecutorService pool;
  private final RunCommands commands;
  private final BiConsumer<StopReason, String> stop;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition back = lock.newCondition();
  private final Set<Thread> threads = new HashSet<>(); // guarded by lock
  /** Threads waiting out a held task's retry (see {@link #waitApart}); guarded by lock. */
  private final Set<Thread> waits = new HashSet<>();

  Workers(String runId, ExecutorService pool, RunCommands commands, BiConsumer<StopReason, String> stop) {
    this.runId = runId;
    this.pool = pool;
    this.commands = commands;
    this.stop = stop;
  }

  /** Starts tasks on the pool; a task the pool refuses fails, and the run stops. */
  void submit(List<Command.RunTask> tasks) {
    for (Command.RunTask t : tasks) {
      try {
        pool.execute(() -> work(t));
      } catch (RejectedExecutionException e) {
        stop.accept(StopReason.FAILED, "the executor refused an agent's task: " + e.getMessage());
        submit(commands.failed(t.task(), t.round(), "the executor refused it"));
      }
    }
  }

  private void work(Command.RunTask first) {
    Thread self = Thread.currentThread();
    lock.lock();
    try {
      threads.add(self);
    } finally {
      lock.unlock();
    }
    try {
      Command.RunTask task = first;
      while (task != null) {
        List<Command.RunTask> next;
        try {
          next = commands.runTask(task);
        } catch (RuntimeException | Error e) {
          log.error("run {}: task {} failed unexpectedly", runId, task.task().id(), e);
          next = commands.failedIfRunning(task, "unexpected error: " + e);
        }
        task = next.isEmpty() || self.isInterrupted() ? null : next.get(0);
        submit(next.isEmpty() ? List.of() : next.subList(task == null ? 0 : 1, next.size()));
      }
    } finally {
      lock.lock();
      try {
        threads.remove(self);
        back.signalAll();
      } finally {
        lock.unlock();
      }
      Thread.interrupted(); // a cancel's interrupt must not leak into the pool's next job
    }
  }

  /** A wait that ends early, without its work, when its thread is interrupted. */
  @FunctionalInterface
  interface Wait {
    void run() throws InterruptedException;
  }

  /**
   * Runs a wait on a thread of its own, apart from the pool: a task waiting out its retry holds no
   * slot of the budget and no thread of a pool the user sized. {@link #interruptAll} and {@link
   * #stopWaits} end it; {@link #awaitAll} waits for it as for a worker.
   *
   * @param name the thread's name
   * @param wait what it does; interrupted, it ends without a word
   * @throws RuntimeException or {@link Error} when the thread cannot be started (nothing then runs)
   */
  void waitApart(String name, Wait wait) {
    Thread t = new Thread(() -> {
      try {
        wait.run();
      } catch (InterruptedException e) {
        // Stopped: the run ends or is cancelled, and nobody waits for this any more.
      } catch (RuntimeException | Error e) {
        log.error("run {}: {} failed", runId, Thread.currentThread().getName(), e);
      } finally {
        lock.lock();
        try {
          waits.remove(Thread.currentThread());
          back.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }, name);
    t.setDaemon(true);
    lock.lock();
    try {
      waits.add(t); // before it starts, so an awaitAll right after sees it
    } finally {
      lock.unlock();
    }
    try {
      t.start();
    } catch (RuntimeException | Error e) {
      lock.lock();
      try {
        waits.remove(t); // never started: nothing to wait for
        back.signalAll();
      } finally {
        lock.unlock();
      }
      throw e;
    }
  }

  /** Ends every wait started by {@link #waitApart}: the run finishes without them. */
  void stopWaits() {
    lock.lock();
    try {
      waits.forEach(Thread::interrupt);
    } finally {
      lock.unlock();
    }
  }

  /** Interrupts every worker and every wait (a cancel). */
  void interruptAll() {
    lock.lock();
    try {
      threads.forEach(Thread::interrupt);
      waits.forEach(Thread::interrupt);
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until every worker and every wait is back. */
  void awaitAll() {
    lock.lock();
    try {
      while (!threads.isEmpty() || !waits.isEmpty()) {
        back.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until every worker and every wait is back, or {@code patience} has passed.
   *
   * @return whether every one is back
   */
  boolean awaitAll(Duration patience) {
    long left = patience.toNanos();
    lock.lock();
    try {
      while ((!threads.isEmpty() || !waits.isEmpty()) && left > 0) {
        left = back.awaitNanos(left);
      }
      return threads.isEmpty() && waits.isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return threads.isEmpty() && waits.isEmpty();
    } finally {
      lock.unlock();
    }
  }
}
