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
    return compile(a).overlaps(compile(b));
  }

  /**
   * A scope with its entries normalised and classified once, for a caller that compares the same
   * scopes many times (the scheduler, against every running task under the run's lock).
   *
   * @param scope the scope's entries; an empty scope compiles to one that overlaps nothing here
   *     (callers decide what an empty scope means)
   * @return the compiled scope
   */
  public static Compiled compile(List<String> scope) {
    String[] entries = new String[scope.size()];
    boolean[] globs = new boolean[entries.length];
    int i = 0;
    for (String raw : scope) {
      entries[i] = trim(raw);
      globs[i] = isGlob(entries[i]);
      i++;
    }
    return new Compiled(scope, entries, globs);
  }

  /**
   * A scope compiled by {@link #compile}. Thread-safe, and immutable as long as the list it was
   * compiled from is (a task's always is): it keeps that list only to tell, by reference, whether
   * it was compiled from it.
   */
  public static final class Compiled {
    private final List<String> source;
    private final String[] entries;
    private final boolean[] globs;

    private Compiled(List<String> source, String[] entries, boolean[] globs) {
      this.source = source;
      this.entries = entries;
      this.globs = globs;
    }

    /**
     * Returns whether this was compiled from that very list (by reference): a cache's check that
     * its entry is still current, since a task's scope list is kept as it is while only its status changes.
     */
    public boolean compiledFrom(List<String> scope) {
      return source == scope;
    }

    /** Returns whether the two scopes could both cover some path; see {@link WriteScopes#overlap}. */
    public boolean overlaps(Compiled other) {
      for (int i = 0; i < entries.length; i++) {
        for (int j = 0; j < other.entries.length; j++) {
          if (entriesOverlap(entries[i], globs[i], other.entries[j], other.globs[j])) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static boolean entriesOverlap(String x, boolean gx, String y, boolean gy) {
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
