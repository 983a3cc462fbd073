package dev.orchestra.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

final class TaskTest {
  private static Task task(String id, List<String> deps) {
    return new Task(id, "title", List.of(), TaskStatus.TODO, deps, List.of(), "implementer", "");
  }

  @Test
  void aTaskMayWriteInItsScopeOnlyAndAnywhereWithoutOne() {
    Task scoped = Task.builder("T1", "t").writeScope("src/main/**", "README.md").build();
    org.junit.jupiter.api.Assertions.assertTrue(scoped.mayWrite("src/main/A.java"));
    org.junit.jupiter.api.Assertions.assertTrue(scoped.mayWrite("README.md"));
    org.junit.jupiter.api.Assertions.assertFalse(scoped.mayWrite("src/test/ATest.java"));
    org.junit.jupiter.api.Assertions.assertFalse(scoped.mayWrite("README.md.bak"));
    org.junit.jupiter.api.Assertions.assertTrue(Task.builder("T2", "t").build().mayWrite("anything/at/all.txt"));
  }

  @Test
  void writeScopesOverlapWhenSomePathCouldBeInBoth() {
    Task src = Task.builder("A", "a").writeScope("src/**").build();
    Task file = Task.builder("B", "b").writeScope("src/main/A.java").build();
    Task docs = Task.builder("C", "c").writeScope("docs/**").build();
    Task anywhere = Task.builder("D", "d").build();
    org.junit.jupiter.api.Assertions.assertTrue(src.writeScopeOverlaps(file));
    org.junit.jupiter.api.Assertions.assertTrue(file.writeScopeOverlaps(src));
    org.junit.jupiter.api.Assertions.assertFalse(src.writeScopeOverlaps(docs));
    org.junit.jupiter.api.Assertions.assertTrue(anywhere.writeScopeOverlaps(docs), "no scope: may write anywhere");
    org.junit.jupiter.api.Assertions.assertTrue(docs.writeScopeOverlaps(anywhere));
  }

  @Test
  void aSelfDependencyAfterARepeatedIdIsStillRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> task("T1", List.of("T0", "T0", "T1")));
    assertEquals("task T1 depends on itself", e.getMessage());
  }

  @Test
  void aMalformedIdAfterARepeatedIdIsStillRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> task("T1", List.of("T0", "T0", "bad id")));
    assertEquals("task T1 depends on a malformed id 'bad id'", e.getMessage());
  }

  @Test
  void repeatedIdsKeepTheFirstOfEach() {
    assertEquals(List.of("T0", "T2"), task("T1", List.of("T0", "T2", "T0", "T2")).dependsOn());
  }

  @Test
  void aStatusChangeKeepsTheCheckedListsAsTheyAre() {
    Task t =
        Task.builder("T1", "Title").acceptanceCriteria("a", "b").writeScope("src/**").dependsOn("T0").build();
    Task running = t.withStatus(TaskStatus.RUNNING);
    assertSame(t.acceptanceCriteria(), running.acceptanceCriteria());
    assertSame(t.writeScope(), running.writeScope());
    assertSame(t.dependsOn(), running.dependsOn());
  }

  /**
   * The checks as they were written with patterns and streams, before they became loops; the
   * loops must accept, reject and normalise exactly the same.
   */
  private static Task byPatterns(String id, String title, List<String> criteria, List<String> deps, List<String> scope, String role) {
    Pattern idPattern = Pattern.compile("[A-Za-z0-9._-]+");
    if (!idPattern.matcher(id).matches()) {
      throw new IllegalArgumentException("task id must be letters, digits, '.', '_' or '-', got '" + id + "'");
    }
    String t = oldLine(title, "title of task " + id);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("task " + id + " needs a title");
    }
    List<String> c = oldLines(criteria, "acceptance criterion of task " + id);
    List<String> d = List.copyOf(new LinkedHashSet<>(deps));
    for (String dep : d) {
      if (!idPattern.matcher(dep).matches()) {
        throw new IllegalArgumentException("task " + id + " depends on a malformed id '" + dep + "'");
      }
      if (dep.equals(id)) {
        throw new IllegalArgumentException("task " + id + " depends on itself");
      }
    }
    List<String> w = oldLines(scope, "write scope of task " + id);
    if (!Pattern.compile("[A-Za-z0-9_-]+").matcher(role).matches()) {
      throw new IllegalArgumentException("role name must be letters, digits, '_' or '-', got '" + role + "'");
    }
    return new Task(id, t, c, TaskStatus.TODO, d, w, role, "");
  }

  private static String oldLine(String text, String what) {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(what + " must be a single line: '" + text + "'");
    }
    return text.strip();
  }

  private static List<String> oldLines(List<String> texts, String what) {
    return texts.stream()
        .map(t -> oldLine(t, what))
        .peek(t -> {
          if (t.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be blank");
          }
        })
        .toList();
  }

  @Test
  void theLoopsAgreeWithThePatternsOnRandomInput() {
    String[] pieces = {"T1", "T2", "a.b", "x_y", "-", "", " ", "bad id", "é", "T1\n", "\r", " pad ", "src/**", "ok"};
    String[] validIds = {"T1", "T2", "a.b", "x_y", "-", "T3"};
    SplittableRandom random = new SplittableRandom(5);
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      // Mostly valid parts, so both sides of every check are compared often.
      String id = random.nextInt(5) > 0 ? validIds[random.nextInt(validIds.length)] : pieces[random.nextInt(pieces.length)];
      String title = random.nextInt(5) > 0 ? "Do " + pieces[random.nextInt(pieces.length)] : pieces[random.nextInt(pieces.length)];
      String role = random.nextInt(5) > 0 ? "implementer" : pieces[random.nextInt(pieces.length)];
      List<String> criteria = randomList(random, pieces);
      List<String> deps = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        deps.add(random.nextInt(6) > 0 ? validIds[random.nextInt(validIds.length)] : pieces[random.nextInt(pieces.length)]);
      }
      List<String> scope = randomList(random, pieces);
      String expected;
      try {
        expected = byPatterns(id, title, criteria, deps, scope, role).toString();
      } catch (IllegalArgumentException e) {
        expected = "IAE " + e.getMessage();
      }
      String actual;
      try {
        actual = new Task(id, title, criteria, TaskStatus.TODO, deps, scope, role, "").toString();
        accepted++;
      } catch (IllegalArgumentException e) {
        actual = "IAE " + e.getMessage();
      }
      assertEquals(expected, actual, "id '" + id + "', title '" + title + "', role '" + role + "', "
          + criteria + ", " + deps + ", " + scope);
    }
    System.out.println("Task checks compared on 20,000 inputs, " + accepted + " accepted");
  }

  private static List<String> randomList(SplittableRandom random, String[] pieces) {
    List<String> out = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      out.add(random.nextInt(4) > 0 ? pieces[random.nextInt(2)] + " " : pieces[random.nextInt(pieces.length)]);
    }
    return out;
  }
}
