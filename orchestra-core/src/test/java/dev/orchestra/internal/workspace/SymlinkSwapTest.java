package dev.orchestra.internal.workspace;

import dev.orchestra.Json;
import dev.orchestra.role.BuiltInRoles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile process swaps a workspace folder for a link to the outside, over and over, while an
 * agent reads and writes through it: no write lands outside and no outside content is read.
 */
final class SymlinkSwapTest {
  @TempDir Path tmp;

  /** Puts the real folder back at d, whatever the race left there (a link, or a folder the agent made). */
  private static void restore(Path d, Path parked) {
    try {
      if (Files.isSymbolicLink(d)) {
        Files.delete(d);
      } else if (Files.isDirectory(d) && Files.exists(parked)) {
        try (var walk = Files.walk(d)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      if (Files.exists(parked)) {
        Files.move(parked, d, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (Exception e) {
      // the next round tries again
    }
  }

  @Test
  void theSecureWriterRefusesALinkAnywhereOnThePath() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("ws2")).toRealPath();
    Path outside = Files.createDirectories(tmp.resolve("outside2"));
    Files.createSymbolicLink(root.resolve("d"), outside);
    org.junit.jupiter.api.Assertions.assertThrows(
        SecureWorkspaceIo.Escape.class,
        () -> SecureWorkspaceIo.writeAll(root, java.util.Map.of("d/x.txt", new byte[] {1}), List.of()));
    org.junit.jupiter.api.Assertions.assertThrows(
        SecureWorkspaceIo.Escape.class, () -> SecureWorkspaceIo.read(root, "d/x.txt", 10));
    Files.writeString(outside.resolve("f.txt"), "outside");
    Files.createSymbolicLink(root.resolve("f.txt"), outside.resolve("f.txt"));
    org.junit.jupiter.api.Assertions.assertThrows(
        SecureWorkspaceIo.Escape.class,
        () -> SecureWorkspaceIo.writeAll(root, java.util.Map.of("f.txt", new byte[] {1}), List.of()));
    assertEquals("outside", Files.readString(outside.resolve("f.txt")));
    try (var files = Files.list(outside)) {
      assertEquals(List.of("f.txt"), files.map(p -> p.getFileName().toString()).toList());
    }
    SecureWorkspaceIo.writeAll(root, java.util.Map.of("new/dir/y.txt", "ok".getBytes()), List.of());
    assertEquals("ok", Files.readString(root.resolve("new/dir/y.txt")));
  }

  @Test
  void swappingAFolderForALinkBetweenCheckAndUseNeverEscapes() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("ws"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
    Path d = Files.createDirectories(root.resolve("d"));
    Files.writeString(d.resolve("secret.txt"), "public");
    WorkspaceToolBox box = new WorkspaceToolBox(root, BuiltInRoles.get("implementer"), List.of(), (t, p, ok, detail) -> {});
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger swaps = new AtomicInteger();
    Thread attacker =
        new Thread(
            () -> {
              Path parked = root.resolve("d.real");
              while (!stop.get()) {
                try {
                  Files.move(d, parked, StandardCopyOption.ATOMIC_MOVE);
                  Files.createSymbolicLink(d, outside);
                  Thread.onSpinWait();
                } catch (Exception e) {
                  // the agent recreated the folder in the gap: put things back below
                } finally {
                  restore(d, parked);
                  swaps.incrementAndGet();
                }
              }
            });
    attacker.setDaemon(true);
    attacker.start();
    int written = 0;
    int refused = 0;
    for (int i = 0; i < 2_000; i++) {
      Message.ToolResult w = box.execute(new ToolCall("w" + i, "write_file", Json.writeArgs("d/x.txt", "attempt " + i)));
      if (w.error()) {
        refused++;
      } else {
        written++;
      }
      Message.ToolResult r = box.execute(new ToolCall("r" + i, "read_file", "{\"path\":\"d/secret.txt\"}"));
      assertFalse(r.output().contains("TOP SECRET"), "read outside content at attempt " + i);
      assertFalse(Files.exists(outside.resolve("x.txt")), "a write landed outside at attempt " + i);
    }
    stop.set(true);
    attacker.join();
    assertTrue(swaps.get() > 100, "the attacker really raced: " + swaps.get() + " swaps");
    try (var files = Files.list(outside)) {
      assertEquals(List.of("secret.txt"), files.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals("TOP SECRET", Files.readString(outside.resolve("secret.txt")));
    System.out.println("RELIABILITY symlink-swap: " + swaps.get() + " swaps during 4,000 reads and writes; " + written + " writes inside, "
        + refused + " refused, 0 outside");
  }
}
