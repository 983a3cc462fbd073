package dev.orchestra.internal.workspace;

import dev.orchestra.plan.Task;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whose a change outside a task's scope may be: the writers whose windows overlapped. */
final class WriteWindowsTest {
  private static Task writer(String id, String... scope) {
    return Task.builder(id, "write").writeScope(scope).build();
  }

  @Test
  void aChangeInAnOverlappingWritersScopeMayBeTheirs() {
    WriteWindows w = new WriteWindows();
    WriteWindows.Window a = w.open(writer("A", "a/**"));
    WriteWindows.Window b = w.open(writer("B", "b/**"));
    assertTrue(w.mayBeOthers(a, "b/x.txt"), "B is running beside A");
    assertFalse(w.mayBeOthers(a, "c/x.txt"), "nobody else may write c/");
    w.close(b);
    assertTrue(w.mayBeOthers(a, "b/x.txt"), "B finished during A's window: still a candidate");
  }

  @Test
  void aWriterThatFinishedBeforeThisOneStartedIsNoCandidate() {
    WriteWindows w = new WriteWindows();
    WriteWindows.Window b = w.open(writer("B", "b/**"));
    w.close(b);
    WriteWindows.Window a = w.open(writer("A", "a/**"));
    assertFalse(w.mayBeOthers(a, "b/x.txt"));
  }

  @Test
  void aWriterWithoutAScopeMayHaveWrittenAnything() {
    WriteWindows w = new WriteWindows();
    WriteWindows.Window a = w.open(writer("A", "a/**"));
    w.open(writer("C"));
    assertTrue(w.mayBeOthers(a, "anywhere/x.txt"));
  }

  @Test
  void closedWindowsNoLongerOverlappingAnyOpenOneAreForgotten() {
    WriteWindows w = new WriteWindows();
    WriteWindows.Window b = w.open(writer("B", "b/**"));
    w.close(b);
    WriteWindows.Window a = w.open(writer("A", "a/**"));
    w.close(a);
    WriteWindows.Window c = w.open(writer("C", "c/**"));
    assertFalse(w.mayBeOthers(c, "a/x.txt"));
    assertFalse(w.mayBeOthers(c, "b/x.txt"));
  }

  @Test
  void theOtherWritersThatRanCommandsAreNamedAsCandidates() {
    WriteWindows w = new WriteWindows();
    WriteWindows.Window a = w.open(writer("A", "a/**"));
    WriteWindows.Window b = w.open(writer("B", "b/**"));
    WriteWindows.Window c = w.open(writer("C", "c/**"));
    b.commandRan();
    assertTrue(w.othersRunningCommands(a).equals(java.util.List.of("B")));
    w.close(c);
    assertTrue(w.othersRunningCommands(b).isEmpty());
  }
}
