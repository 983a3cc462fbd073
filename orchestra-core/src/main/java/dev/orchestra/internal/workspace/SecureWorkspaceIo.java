package dev.orchestra.internal.workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes workspace files without following any symbolic link, and without a gap
 * between checking a path and using it: each folder on the way is opened relative to the one
 * before with links refused (openat with O_NOFOLLOW underneath), and the file is created and
 * renamed relative to the last folder held open. A folder swapped for a link at any moment makes
 * the operation fail instead of leaving the workspace.
 *
 * <p>Where the platform has no secure directory streams, {@link #supported} is false and callers
 * fall back to resolving and checking the path first.
 */
public final class SecureWorkspaceIo {
  /** A refusal: the path runs through a link, or is not where it claims to be. */
  public static final class Escape extends IOException {
    private static final long serialVersionUID = 1L;

    Escape(String message) {
      super(message);
    }
  }

  private SecureWorkspaceIo() {}

  public static boolean supported(Path realRoot) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(realRoot)) {
      return ds instanceof SecureDirectoryStream;
    } catch (IOException e) {
      return false;
    }
  }

  /** The folders held open down to a file's folder; closes them all. */
  private static final class Chain implements AutoCloseable {
    final List<SecureDirectoryStream<Path>> opened = new ArrayList<>();

    SecureDirectoryStream<Path> last() {
      return opened.get(opened.size() - 1);
    }

    @Override
    public void close() {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (IOException ignored) {
          // closing a directory handle cannot lose data
        }
      }
    }
  }

  private static Chain open(Path realRoot, List<String> folders, boolean create) throws IOException {
    Chain chain = new Chain();
    try {
      DirectoryStream<Path> root = Files.newDirectoryStream(realRoot);
      if (!(root instanceof SecureDirectoryStream<Path> sroot)) {
        root.close();
        throw new IOException("secure directory streams are not supported here");
      }
      chain.opened.add(sroot);
      Path absolute = realRoot;
      for (String folder : folders) {
        absolute = absolute.resolve(folder);
        Path name = Path.of(folder);
        SecureDirectoryStream<Path> next;
        try {
          next = chain.last().newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
          if (!create) {
            throw missing;
          }
          try {
            Files.createDirectory(absolute);
          } catch (FileAlreadyExistsException raced) {
            // made meanwhile: opened below, and refused if it is a link
          }
          next = chain.last().newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException link) {
          if (isLink(chain.last(), name)) {
            throw new Escape("'" + folder + "' is a symbolic link");
          }
          throw link;
        }
        chain.opened.add(next);
      }
      return chain;
    } catch (IOException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  private static boolean isLink(SecureDirectoryStream<Path> dir, Path name) {
    try {
      return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes().isSymbolicLink();
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> parts(String relative) {
    List<String> out = new ArrayList<>();
    for (String p : relative.replace('\\', '/').split("/")) {
      if (!p.isEmpty() && !p.equals(".")) {
        if (p.equals("..")) {
          throw new IllegalArgumentException("'..' in " + relative);
        }
        out.add(p);
      }
    }
    return out;
  }

  /** Reads a workspace-relative file, refusing links anywhere on its path. */
  public static byte[] read(Path realRoot, String relative, int maxBytes) throws IOException {
    List<String> parts = parts(relative);
    if (parts.isEmpty()) {
      throw new NoSuchFileException(relative);
    }
    try (Chain chain = open(realRoot, parts.subList(0, parts.size() - 1), false)) {
      Path name = Path.of(parts.get(parts.size() - 1));
      if (isLink(chain.last(), name)) {
        throw new Escape("'" + relative + "' is a symbolic link");
      }
      try (SeekableByteChannel ch =
          chain.last().newByteChannel(name, Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (out.size() < maxBytes && ch.read(buf) > 0) {
          buf.flip();
          out.write(buf.array(), 0, Math.min(buf.limit(), maxBytes - out.size()));
          buf.clear();
        }
        return out.toByteArray();
      }
    }
  }

  /**
   * Writes files all or nothing: every new content goes to a temporary file created (never
   * followed) in its folder, held open; then all are renamed into place relative to those
   * folders; then deletions happen. Missing folders are created.
   */
  public static void writeAll(Path realRoot, Map<String, byte[]> contents, List<String> deletions) throws IOException {
    Map<String, Chain> chains = new LinkedHashMap<>();
    Map<String, String> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, byte[]> e : contents.entrySet()) {
        List<String> parts = parts(e.getKey());
        Chain chain = open(realRoot, parts.subList(0, parts.size() - 1), true);
        chains.put(e.getKey(), chain);
        String tmp = "." + parts.get(parts.size() - 1) + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
        temps.put(e.getKey(), tmp);
        try (SeekableByteChannel ch =
            chain.last().newByteChannel(
                Path.of(tmp), Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
          ByteBuffer b = ByteBuffer.wrap(e.getValue());
          while (b.hasRemaining()) {
            ch.write(b);
          }
        }
      }
      for (Map.Entry<String, byte[]> e : contents.entrySet()) {
        List<String> parts = parts(e.getKey());
        SecureDirectoryStream<Path> dir = chains.get(e.getKey()).last();
        Path name = Path.of(parts.get(parts.size() - 1));
        if (isLink(dir, name)) {
          throw new Escape("'" + e.getKey() + "' is a symbolic link");
        }
        dir.move(Path.of(temps.get(e.getKey())), dir, name);
        temps.remove(e.getKey());
      }
      for (String d : deletions) {
        List<String> parts = parts(d);
        try (Chain chain = open(realRoot, parts.subList(0, parts.size() - 1), false)) {
          chain.last().deleteFile(Path.of(parts.get(parts.size() - 1)));
        }
      }
    } finally {
      for (Map.Entry<String, String> t : temps.entrySet()) {
        try {
          chains.get(t.getKey()).last().deleteFile(Path.of(t.getValue()));
        } catch (IOException | RuntimeException ignored) {
          // the write already failed; that failure is reported
        }
      }
      chains.values().forEach(Chain::close);
    }
  }
}
