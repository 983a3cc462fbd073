package dev.orchestra.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workspace files a failed check points at, for a {@link CommandGate}'s finding: the files it
 * ran and the files its output names. Pure but for looking at the file system.
 */
final class RelatedFiles {
  private static final int MAX_RELATED_FILES = 10;
  /** Path-like runs of characters in a command's output: {@code src/Foo.java} of {@code src/Foo.java:12:5}. */
  private static final Pattern OUTPUT_PATH = Pattern.compile("[A-Za-z0-9_./@+~-]+");
  private static final Pattern COMMAND_WORD_BREAKS = Pattern.compile("[\\s;&|()<>'\"`=]+");
  /** Programs whose first argument is the script they run. */
  private static final Set<String> SCRIPT_RUNNERS =
      Set.of("sh", "bash", "zsh", "dash", "ksh", "source", ".", "python", "python3", "node", "ruby", "perl", "php", "deno", "bun");

  private RelatedFiles() {}

  /**
   * Returns the workspace-relative files a failed command ran or named, for {@link
   * Finding#relatedFiles()}: first the files among its own words (the script of {@code sh
   * test.sh}, the {@code Makefile} of {@code make}, the {@code package.json} of {@code npm test}),
   * then the paths its output names ({@code src/Foo.java:12}, {@code lib/x.py}, or an absolute path
   * inside the workspace), in order, without duplicates, at most {@value #MAX_RELATED_FILES}. Only
   * regular files that exist inside the workspace count: a name with a {@code ..} segment, a path
   * outside the workspace, or a link that leads out of it is left out.
   *
   * @param workspace the workspace root
   * @param dir the command's working directory; relative names are looked up there, then at the root
   * @param command the command as run
   * @param output its captured output
   * @param exclude a file already named by the finding, left out
   */
  static List<String> of(Path workspace, Path dir, List<String> command, String output, String exclude) {
    Path root = workspace.toAbsolutePath().normalize();
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      return List.of();
    }
    Set<String> found = new LinkedHashSet<>();
    List<String> words = new ArrayList<>();
    for (String arg : command) {
      for (String w : COMMAND_WORD_BREAKS.split(arg)) {
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
    }
    String previous = "";
    for (String w : words) {
      boolean script = SCRIPT_RUNNERS.contains(previous) && !w.startsWith("-");
      if (script || w.contains("/") || w.contains(".")) {
        addIfInside(found, root, realRoot, dir, w, exclude);
      }
      if (w.equals("make") || w.equals("gmake")) {
        addIfInside(found, root, realRoot, dir, "Makefile", exclude);
      } else if (List.of("npm", "pnpm", "yarn", "bun").contains(w)) {
        addIfInside(found, root, realRoot, dir, "package.json", exclude);
      }
      if (!w.startsWith("-")) {
        previous = w.substring(w.lastIndexOf('/') + 1);
      }
    }
    Set<String> tried = new HashSet<>();
    Matcher m = OUTPUT_PATH.matcher(output);
    while (m.find() && found.size() < MAX_RELATED_FILES && tried.size() < 2_000) {
      String token = m.group().replaceAll("[.]+$", "");
      if ((token.contains("/") || token.contains(".")) && tried.add(token)) {
        addIfInside(found, root, realRoot, dir, token, exclude);
      }
    }
    return found.stream().limit(MAX_RELATED_FILES).toList();
  }

  private static void addIfInside(Set<String> found, Path root, Path realRoot, Path dir, String name, String exclude) {
    if (found.size() >= MAX_RELATED_FILES || name.isEmpty() || List.of(name.split("[/\\\\]")).contains("..")) {
      return;
    }
    Path p;
    try {
      p = Path.of(name);
    } catch (InvalidPathException e) {
      return;
    }
    List<Path> candidates = p.isAbsolute() ? List.of(p.normalize()) : List.of(dir.resolve(p).normalize(), root.resolve(p).normalize());
    for (Path c : candidates) {
      Path base = c.startsWith(root) ? root : c.startsWith(realRoot) ? realRoot : null;
      if (base == null || !Files.isRegularFile(c)) {
        continue;
      }
      try {
        if (!c.toRealPath().startsWith(realRoot)) {
          continue; // a link that leads out of the workspace
        }
      } catch (IOException e) {
        continue;
      }
      String rel = base.relativize(c).toString().replace('\\', '/');
      if (!rel.isEmpty() && !rel.equals(exclude)) {
        found.add(rel);
      }
      return;
    }
  }
}
