package dev.orchestra.internal.workspace;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Write scopes: the paths and globs a task may write. An entry is a glob over workspace-relative,
 * {@code /}-separated paths ({@code src/**}, {@code *.md}); an entry without glob characters also
 * covers everything below it when it names a folder.
 */
public final class WriteScopes {
  private static final String GLOB_CHARS = "*?[{";

  private WriteScopes() {}

  public static boolean isGlob(String entry) {
    for (int i = 0; i < entry.length(); i++) {
      if (GLOB_CHARS.indexOf(entry.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String trim(String entry) {
    String e = entry.replace('\\', '/');
    while (e.startsWith("./")) {
      e = e.substring(2);
    }
    while (e.endsWith("/") && e.length() > 1) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  /** Returns whether a workspace-relative path falls inside a scope. */
  public static boolean covers(List<String> scope, String relativePath) {
    String path = trim(relativePath);
    for (String raw : scope) {
      String entry = trim(raw);
      if (isGlob(entry)) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + entry);
        if (m.matches(Path.of(path))) {
          return true;
        }
      } else if (path.equals(entry) || isBelow(path, entry)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether two scopes could both cover some path. Conservative for two globs: they
   * overlap unless their literal folder prefixes diverge.
   */
  public static boolean overlap(List<String> a, List<String> b) {
    for (String x : a) {
      for (String y : b) {
        if (entriesOverlap(trim(x), trim(y))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean entriesOverlap(String x, String y) {
    boolean gx = isGlob(x);
    boolean gy = isGlob(y);
    if (!gx && !gy) {
      return x.equals(y) || isBelow(x, y) || isBelow(y, x);
    }
    if (gx && !gy) {
      return literalAgainstGlob(y, x);
    }
    if (!gx) {
      return literalAgainstGlob(x, y);
    }
    return prefixesCompatible(literalPrefix(x), literalPrefix(y));
  }

  private static boolean literalAgainstGlob(String literal, String glob) {
    if (covers(List.of(glob), literal)) {
      return true;
    }
    if (glob.contains("**")) {
      return prefixesCompatible(literal, literalPrefix(glob));
    }
    // The literal may be a folder the glob reaches into, e.g. "src/main" and "src/*/App.java":
    // the glob's first segments must match the literal's.
    String[] g = glob.split("/");
    String[] l = literal.split("/");
    if (g.length <= l.length) {
      return false;
    }
    String head = String.join("/", java.util.Arrays.copyOf(g, l.length));
    return FileSystems.getDefault().getPathMatcher("glob:" + head).matches(Path.of(literal));
  }

  /** The folders before the first segment with a glob character: "src/main" for "src/main/**". */
  private static String literalPrefix(String glob) {
    String[] segments = glob.split("/");
    StringBuilder prefix = new StringBuilder();
    for (String s : segments) {
      if (isGlob(s)) {
        break;
      }
      if (prefix.length() > 0) {
        prefix.append('/');
      }
      prefix.append(s);
    }
    return prefix.toString();
  }

  private static boolean prefixesCompatible(String p, String q) {
    return p.isEmpty() || q.isEmpty() || p.equals(q) || isBelow(p, q) || isBelow(q, p);
  }

  /**
   * Whether {@code path} lies inside the folder {@code folder}. The scheduler asks this of every
   * ready task against every running one, under the run's lock: no string is built for it.
   */
  private static boolean isBelow(String path, String folder) {
    return path.length() > folder.length() && path.charAt(folder.length()) == '/' && path.startsWith(folder);
  }
}
