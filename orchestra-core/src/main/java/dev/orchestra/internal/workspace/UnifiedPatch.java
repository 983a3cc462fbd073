package dev.orchestra.internal.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff ({@code diff -u}, {@code git diff}) parsed into files and hunks, and applied all
 * or nothing: every hunk of every file is checked against the current content first, then all
 * files are written; a hunk that does not apply is an error naming the file and the hunk, and no
 * file changes.
 */
public final class UnifiedPatch {
  /** A patch that cannot be parsed or applied; the message names the file, hunk and line. */
  public static final class PatchException extends Exception {
    private static final long serialVersionUID = 1L;

    PatchException(String message) {
      super(message);
    }
  }

  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

  /** One line of a hunk: ' ' context, '-' removed, '+' added. */
  public record Line(char op, String text) {}

  /** One hunk: where it starts in the old file, and its lines. */
  public record Hunk(int number, int oldStart, int oldCount, int newCount, List<Line> lines, boolean noNewlineAtEnd) {}

  /** The change to one file. {@code oldPath} or {@code newPath} is null for a created or deleted file. */
  public record FilePatch(String oldPath, String newPath, List<Hunk> hunks) {
    String path() {
      return newPath != null ? newPath : oldPath;
    }

    boolean creates() {
      return oldPath == null;
    }

    boolean deletes() {
      return newPath == null;
    }
  }

  private UnifiedPatch() {}

  public static List<FilePatch> parse(String diff) throws PatchException {
    String[] lines = diff.split("\n", -1);
    List<FilePatch> files = new ArrayList<>();
    int i = 0;
    while (i < lines.length) {
      String l = lines[i];
      if (!l.startsWith("--- ")) {
        i++;
        continue;
      }
      if (i + 1 >= lines.length || !lines[i + 1].startsWith("+++ ")) {
        throw new PatchException("line " + (i + 2) + ": expected '+++ <file>' after '" + l + "'");
      }
      String oldPath = path(l.substring(4));
      String newPath = path(lines[i + 1].substring(4));
      if (oldPath == null && newPath == null) {
        throw new PatchException("line " + (i + 1) + ": both sides are /dev/null");
      }
      i += 2;
      List<Hunk> hunks = new ArrayList<>();
      while (i < lines.length && lines[i].startsWith("@@")) {
        Matcher m = HUNK.matcher(lines[i]);
        if (!m.matches()) {
          throw new PatchException("line " + (i + 1) + ": malformed hunk header '" + lines[i] + "'");
        }
        int oldStart = Integer.parseInt(m.group(1));
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        i++;
        List<Line> body = new ArrayList<>();
        int seenOld = 0;
        int seenNew = 0;
        boolean noNewline = false;
        while (i < lines.length && (seenOld < oldCount || seenNew < newCount)) {
          String b = lines[i];
          if (b.startsWith("\\")) {
            noNewline = true;
            i++;
            continue;
          }
          char op = b.isEmpty() ? ' ' : b.charAt(0);
          String text = b.isEmpty() ? "" : b.substring(1);
          switch (op) {
            case ' ' -> {
              seenOld++;
              seenNew++;
            }
            case '-' -> seenOld++;
            case '+' -> seenNew++;
            default -> throw new PatchException(
                "line " + (i + 1) + ": hunk " + (hunks.size() + 1) + " of " + (newPath != null ? newPath : oldPath)
                    + " ends early: expected " + oldCount + " old and " + newCount + " new lines");
          }
          body.add(new Line(op, text));
          i++;
        }
        if (seenOld != oldCount || seenNew != newCount) {
          throw new PatchException(
              "hunk " + (hunks.size() + 1) + " of " + (newPath != null ? newPath : oldPath) + " is cut short: expected "
                  + oldCount + " old and " + newCount + " new lines");
        }
        while (i < lines.length && lines[i].startsWith("\\")) {
          noNewline = true;
          i++;
        }
        hunks.add(new Hunk(hunks.size() + 1, oldStart, oldCount, newCount, List.copyOf(body), noNewline));
      }
      if (hunks.isEmpty()) {
        throw new PatchException("no hunk for " + (newPath != null ? newPath : oldPath));
      }
      files.add(new FilePatch(oldPath, newPath, List.copyOf(hunks)));
    }
    if (files.isEmpty()) {
      throw new PatchException("no file in the patch: expected '--- <file>' and '+++ <file>' headers");
    }
    return files;
  }

  /** Strips a/ b/ prefixes and timestamps; null for /dev/null. */
  private static String path(String header) {
    String p = header.split("\t", 2)[0].strip();
    if (p.equals("/dev/null")) {
      return null;
    }
    if (p.startsWith("a/") || p.startsWith("b/")) {
      p = p.substring(2);
    }
    return p;
  }

  /**
   * Computes the new content of one file. A hunk is applied at its stated line, or, when the file
   * moved, at the nearest place where its context and removed lines match exactly.
   */
  public static String apply(FilePatch patch, String original) throws PatchException {
    List<String> lines = new ArrayList<>(original.isEmpty() ? List.of() : List.of(original.split("\n", -1)));
    boolean endsWithNewline = original.endsWith("\n");
    if (endsWithNewline && !lines.isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int offset = 0;
    boolean noNewlineAtEnd = false;
    for (Hunk h : patch.hunks()) {
      List<String> expected = new ArrayList<>();
      List<String> replacement = new ArrayList<>();
      for (Line l : h.lines()) {
        if (l.op() != '+') {
          expected.add(l.text());
        }
        if (l.op() != '-') {
          replacement.add(l.text());
        }
      }
      int want = Math.max(0, (h.oldCount() == 0 ? h.oldStart() : h.oldStart() - 1) + offset);
      int at = find(lines, expected, want);
      if (at < 0) {
        String first = expected.isEmpty() ? "(nothing)" : "'" + expected.get(0) + "'";
        throw new PatchException(
            "hunk " + h.number() + " of " + patch.path() + " does not apply: expected " + first + " at line "
                + (want + 1) + " and found no matching place");
      }
      for (int k = 0; k < expected.size(); k++) {
        lines.remove(at);
      }
      lines.addAll(at, replacement);
      offset += replacement.size() - expected.size() + (at - want);
      noNewlineAtEnd = h.noNewlineAtEnd();
    }
    if (lines.isEmpty()) {
      return "";
    }
    String joined = String.join("\n", lines);
    return noNewlineAtEnd && !patch.hunks().isEmpty() ? joined : joined + "\n";
  }

  private static int find(List<String> lines, List<String> expected, int want) {
    int maxStart = lines.size() - expected.size();
    for (int d = 0; d <= Math.max(lines.size(), 1); d++) {
      for (int at : new int[] {want - d, want + d}) {
        if (at >= 0 && at <= maxStart && matches(lines, expected, at)) {
          return at;
        }
      }
    }
    return -1;
  }

  private static boolean matches(List<String> lines, List<String> expected, int at) {
    for (int k = 0; k < expected.size(); k++) {
      if (!lines.get(at + k).equals(expected.get(k))) {
        return false;
      }
    }
    return true;
  }

  /** What a patch does, computed and checked but not yet written. */
  public record Changes(Map<Path, String> contents, List<Path> deletions, List<String> changed) {}

  /**
   * Checks every hunk of every file against the current content and computes the new contents,
   * writing nothing.
   */
  public static Changes compute(List<FilePatch> patches, PathResolver resolve) throws PatchException {
    Map<Path, String> results = new LinkedHashMap<>();
    List<Path> deletions = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (FilePatch p : patches) {
      Path target = resolve.resolve(p.path());
      String original;
      try {
        if (p.creates()) {
          if (Files.exists(target)) {
            throw new PatchException(p.path() + " already exists; the patch creates it");
          }
          original = "";
        } else {
          if (!Files.isRegularFile(target)) {
            throw new PatchException(p.path() + " does not exist");
          }
          original = Files.readString(target, StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new PatchException("cannot read " + p.path() + ": " + e.getMessage());
      }
      String updated = apply(p, original);
      if (p.deletes()) {
        if (!updated.isEmpty()) {
          throw new PatchException("the patch deletes " + p.path() + " but leaves content in it");
        }
        deletions.add(target);
      } else {
        results.put(target, updated);
      }
      changed.add(p.path());
    }
    return new Changes(results, deletions, changed);
  }

  /**
   * Applies a parsed patch to files resolved by {@code resolve}: all hunks are checked first, then
   * every new content is written to a temporary file, then all are moved into place. Returns the
   * changed paths.
   */
  public static List<String> applyAll(List<FilePatch> patches, PathResolver resolve) throws PatchException {
    Changes c = compute(patches, resolve);
    Map<Path, Path> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, String> e : c.contents().entrySet()) {
        Path dir = e.getKey().toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + e.getKey().getFileName() + ".", ".tmp");
        temps.put(e.getKey(), tmp);
        Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
      }
      for (Map.Entry<Path, Path> e : temps.entrySet()) {
        try {
          Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException x) {
          Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      temps.clear();
      for (Path d : c.deletions()) {
        Files.deleteIfExists(d);
      }
    } catch (IOException e) {
      throw new PatchException("cannot write the patched files: " + e.getMessage());
    } finally {
      for (Path tmp : temps.values()) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the write already failed; that failure is reported
        }
      }
    }
    return c.changed();
  }

  /** Resolves a patch path to a file, refusing paths the caller does not allow. */
  public interface PathResolver {
    Path resolve(String path) throws PatchException;
  }
}
