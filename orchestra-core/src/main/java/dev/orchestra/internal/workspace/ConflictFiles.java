package dev.orchestra.internal.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a task that resolves a merge conflict left in the conflicted files of its worktree: whether
 * git's markers remain, and whether a file git could not mark was changed at all.
 */
public final class ConflictFiles {
  private ConflictFiles() {}

  /**
   * Of the given paths (relative to the repository's top), those that still hold a line of git's
   * conflict markers in the task's worktree: {@code <<<<<<<} or {@code >>>>>>>} at a line's start,
   * alone or followed by a space, as git writes them. An unreadable file counts as still marked.
   */
  public static List<String> withConflictMarkers(TaskTree tree, List<String> paths) {
    List<String> left = new ArrayList<>();
    for (String p : paths) {
      Path file = tree.root().resolve(p);
      if (!Files.isRegularFile(file)) {
        continue; // deleted, or never a file: nothing left to resolve in it
      }
      try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
        if (lines.anyMatch(l -> isMarker(l, "<<<<<<<") || isMarker(l, ">>>>>>>"))) {
          left.add(p);
        }
      } catch (IOException | UncheckedIOException e) {
        left.add(p); // unreadable: not known to be resolved
      }
    }
    return left;
  }

  private static boolean isMarker(String line, String marker) {
    return line.startsWith(marker) && (line.length() == marker.length() || line.charAt(marker.length()) == ' ');
  }

  /**
   * What each path (relative to the repository's top) holds in the task's worktree now, as a
   * digest, or {@code "absent"}: to tell whether a task changed a file it was to decide on.
   */
  public static Map<String, String> fingerprints(TaskTree tree, List<String> paths) {
    Map<String, String> out = new HashMap<>();
    for (String p : paths) {
      Path file = tree.root().resolve(p);
      String print;
      try {
        print = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
            : Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "other" : "absent";
      } catch (IOException | NoSuchAlgorithmException e) {
        print = "unreadable";
      }
      out.put(p, print);
    }
    return out;
  }
}
