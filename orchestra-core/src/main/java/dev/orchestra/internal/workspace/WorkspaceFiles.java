package dev.orchestra.internal.workspace;


import dev.orchestra.internal.io.CommandEnvironment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of a workspace that a search should see: in a git repository, what git tracks plus
 * untracked files it does not ignore; elsewhere, every file but {@code .git} and what the root's
 * {@code .gitignore} names (its common forms: names, globs, folders with a trailing slash, paths
 * anchored with a leading slash). Either way never a file in Orchestra's own folder ({@value
 * #ORCHESTRA_FOLDER}), tracked or not, ignored or not.
 */
public final class WorkspaceFiles {
  /** The folder in a workspace where Orchestra keeps a run's state: journal, lock, notes. */
  public static final String ORCHESTRA_FOLDER = ".orchestra";

  private WorkspaceFiles() {}

  public static List<Path> list(Path root, Path base, CommandEnvironment environment) {
    if (isOrchestraState(root.relativize(base))) {
      return List.of();
    }
    if (Files.exists(root.resolve(".git"))) {
      List<Path> fromGit = fromGit(root, base, environment);
      if (fromGit != null) {
        return fromGit;
      }
    }
    return walk(root, base);
  }

  /**
   * Whether a workspace-relative path is, or lies in, a folder named {@value #ORCHESTRA_FOLDER}: a
   * run's journal and notes, which are no part of the code the tools look at. Compared ignoring
   * case, as macOS and Windows file systems do.
   */
  public static boolean isOrchestraState(Path relative) {
    for (Path part : relative) {
      if (part.toString().equalsIgnoreCase(ORCHESTRA_FOLDER)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> fromGit(Path root, Path base, CommandEnvironment environment) {
    String rel = root.relativize(base).toString();
    List<String> args = new ArrayList<>(List.of("ls-files", "-co", "--exclude-standard", "-z"));
    if (!rel.isEmpty()) {
      args.add("--");
      args.add(rel);
    }
    String out = GitWorkspace.git(root, environment, args);
    if (out == null) {
      return null;
    }
    List<Path> files = new ArrayList<>();
    for (String name : out.split("\0")) {
      // Symbolic links are left out: their targets may lie outside the workspace.
      if (!name.isEmpty()
          && !isOrchestraState(Path.of(name))
          && Files.isRegularFile(root.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        files.add(root.resolve(name));
      }
    }
    files.sort(null);
    return files;
  }

  private static List<Path> walk(Path root, Path base) {
    List<PathMatcher> ignored = new ArrayList<>();
    Path gitignore = root.resolve(".gitignore");
    if (Files.isRegularFile(gitignore)) {
      try {
        for (String line : Files.readAllLines(gitignore, StandardCharsets.UTF_8)) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
            continue;
          }
          if (l.endsWith("/")) {
            l = l.substring(0, l.length() - 1);
          }
          String glob = l.startsWith("/") ? l.substring(1) : (l.contains("/") ? l : "**/" + l);
          ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
          if (!l.startsWith("/") && !l.contains("/")) {
            ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + l));
          }
        }
      } catch (IOException e) {
        // an unreadable .gitignore ignores nothing
      }
    }
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          base,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(base)
                  && (dir.getFileName().toString().equals(".git")
                      || dir.getFileName().toString().equalsIgnoreCase(ORCHESTRA_FOLDER)
                      || matches(ignored, root.relativize(dir)))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !matches(ignored, root.relativize(file))) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // what was found so far is the answer
    }
    files.sort(null);
    return files;
  }

  /** How many leading bytes decide whether a file is text: the number git looks at. */
  public static final int SNIFF_BYTES = 8000;

  /**
   * Whether a file is binary, judged by its first {@link #SNIFF_BYTES} bytes as git judges it (a
   * NUL byte) and, stricter than git, by those bytes not being UTF-8: the tools show text as
   * UTF-8, and anything else would reach the model as replacement characters.
   *
   * @param head the file's first bytes (more may be given; only the first {@link #SNIFF_BYTES}
   *     count)
   * @param wholeFile whether {@code head} is the whole file: then a character cut short at its end
   *     is malformed, where otherwise it is only cut by the window
   */
  public static boolean looksBinary(byte[] head, boolean wholeFile) {
    int n = Math.min(head.length, SNIFF_BYTES);
    for (int i = 0; i < n; i++) {
      if (head[i] == 0) {
        return true;
      }
    }
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    boolean end = wholeFile && n == head.length;
    CoderResult r = utf8.decode(ByteBuffer.wrap(head, 0, n), CharBuffer.allocate(n), end);
    return r.isError() || (end && utf8.flush(CharBuffer.allocate(2)).isError());
  }

  /**
   * What a binary file looks like, by the signature its format starts with: for example {@code
   * "PNG image"}, {@code "ELF executable"} or {@code "zip archive"}; empty when no known signature
   * matches. A guess for people and models, not a check that the file is well formed.
   */
  public static Optional<String> binaryKind(byte[] head) {
    for (Signature s : SIGNATURES) {
      if (s.matches(head)) {
        return Optional.of(s.kind());
      }
    }
    if (startsWith(head, 0, 0xCA, 0xFE, 0xBA, 0xBE) && head.length >= 8) {
      // Java class files and Mach-O universal binaries share this start: a class file's major
      // version (from 45) follows, where a universal binary has its few architectures.
      int major = ((head[6] & 0xFF) << 8) | (head[7] & 0xFF);
      return Optional.of(major >= 45 ? "Java class file" : "Mach-O universal binary");
    }
    return Optional.empty();
  }

  /** A format's signature: bytes at an offset. */
  private record Signature(String kind, int offset, int[] bytes) {
    boolean matches(byte[] head) {
      return startsWith(head, offset, bytes);
    }
  }

  private static Signature signature(String kind, int offset, String ascii) {
    return new Signature(kind, offset, ascii.chars().toArray());
  }

  private static Signature signature(String kind, int... bytes) {
    return new Signature(kind, 0, bytes);
  }

  private static final List<Signature> SIGNATURES =
      List.of(
          signature("PNG image", 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A),
          signature("JPEG image", 0xFF, 0xD8, 0xFF),
          signature("GIF image", 0, "GIF8"),
          new Signature("WebP image", 8, "WEBP".chars().toArray()),
          signature("PDF document", 0, "%PDF-"),
          signature("ELF executable", 0x7F, 'E', 'L', 'F'),
          signature("Mach-O executable", 0xFE, 0xED, 0xFA, 0xCE),
          signature("Mach-O executable", 0xFE, 0xED, 0xFA, 0xCF),
          signature("Mach-O executable", 0xCE, 0xFA, 0xED, 0xFE),
          signature("Mach-O executable", 0xCF, 0xFA, 0xED, 0xFE),
          signature("Windows executable", 'M', 'Z'),
          signature("WebAssembly module", 0x00, 'a', 's', 'm'),
          signature("zip archive", 'P', 'K', 0x03, 0x04),
          signature("zip archive", 'P', 'K', 0x05, 0x06),
          signature("gzip archive", 0x1F, 0x8B),
          signature("bzip2 archive", 0, "BZh"),
          signature("xz archive", 0xFD, '7', 'z', 'X', 'Z', 0x00),
          signature("7-Zip archive", '7', 'z', 0xBC, 0xAF, 0x27, 0x1C),
          signature("tar archive", 257, "ustar"),
          signature("SQLite database", 0, "SQLite format 3\0"),
          signature("UTF-16 text", 0xFF, 0xFE),
          signature("UTF-16 text", 0xFE, 0xFF));

  private static boolean startsWith(byte[] head, int offset, int... bytes) {
    if (head.length < offset + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((head[offset + i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(List<PathMatcher> ignored, Path relative) {
    for (PathMatcher m : ignored) {
      if (m.matches(relative)) {
        return true;
      }
    }
    return false;
  }
}
