package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the core's shape to what issue 12 set: no main source file over 400 lines (the sealed event
 * catalog aside) and at most 30 files in the root package. Both had crept back over the limits
 * once, unnoticed, as later issues added to the engine.
 */
final class SourceShapeTest {
  private static final Path MAIN = Path.of("src", "main", "java");
  private static final int MAX_LINES = 400;
  private static final int MAX_ROOT_FILES = 30;
  /** The event catalog: one record per kind of event, each with its checks and Javadoc. */
  private static final Path EXEMPT = Path.of("dev", "orchestra", "event", "OrchestraEvent.java");

  @Test
  void noMainSourceFileIsOver400Lines() throws IOException {
    assertTrue(Files.isDirectory(MAIN), "run from orchestra-core's folder, as Maven does: " + MAIN.toAbsolutePath());
    List<String> over = new ArrayList<>();
    int files = 0;
    try (Stream<Path> walk = Files.walk(MAIN)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        long lines;
        try (Stream<String> s = Files.lines(f)) {
          lines = s.count();
        }
        if (lines > MAX_LINES && !MAIN.relativize(f).equals(EXEMPT)) {
          over.add(MAIN.relativize(f) + " (" + lines + " lines)");
        }
      }
    }
    assertTrue(files > 100, "found only " + files + " source files under " + MAIN.toAbsolutePath());
    assertEquals(List.of(), over, "main source files over " + MAX_LINES + " lines: split them by concept");
  }

  @Test
  void theRootPackageHoldsAtMost30Files() throws IOException {
    List<String> root;
    try (Stream<Path> list = Files.list(MAIN.resolve(Path.of("dev", "orchestra")))) {
      root = list.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertTrue(root.contains("Orchestrator.java"), "the root package is where it was: " + root);
    assertTrue(root.size() <= MAX_ROOT_FILES, root.size() + " files in dev.orchestra, at most " + MAX_ROOT_FILES + ": " + root);
  }
}
