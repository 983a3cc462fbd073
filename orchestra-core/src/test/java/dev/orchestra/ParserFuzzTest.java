package dev.orchestra;

import dev.orchestra.internal.workspace.UnifiedPatch;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.PlanFormatException;
import dev.orchestra.plan.PlanSamples;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestra.internal.ci.CiDiscovery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated input to every parser the core owns: plan.md, unified patches, model
 * reports, CI workflows. Only the documented exceptions (or a result) may come out, and nothing
 * may hang. Seeded, so a failure names the seed and iteration that reproduce it.
 */
public final class ParserFuzzTest {
  static final long SEED = Long.getLong("orchestra.fuzz.seed", 20261124L);
  static final int ITERATIONS = Integer.getInteger("orchestra.fuzz.iterations", 1_500);
  static int inputsTried;

  @TempDir Path dir;

  @org.junit.jupiter.api.AfterAll
  static void report() {
    System.out.println(
        "RELIABILITY fuzz-core: " + inputsTried + " inputs (plan.md, patches, role reports, CI workflows), seed " + SEED
            + ", only documented exceptions");
  }

  /** Mutates text: flips, inserts, deletes, duplicates and splices characters and lines. */
  static String mutate(String s, Random r) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(6);
    String alphabet = "\n\r\t :#-*[]{}\"'\\/.,@+0123456789abcxyz\u0000\u00e9\u65e5";
    for (int i = 0; i < edits; i++) {
      int at = b.length() == 0 ? 0 : r.nextInt(b.length());
      switch (r.nextInt(5)) {
        case 0 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
        case 1 -> {
          if (b.length() > 0) {
            b.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (b.length() > 0) {
            b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
          }
        }
        case 3 -> {
          int len = Math.min(b.length() - at, 1 + r.nextInt(40));
          b.insert(at, b.substring(at, at + len));
        }
        default -> {
          int len = Math.min(b.length() - at, 1 + r.nextInt(80));
          b.delete(at, at + len);
        }
      }
    }
    return b.toString();
  }

  static String random(Random r) {
    int n = r.nextInt(400);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) (r.nextBoolean() ? 32 + r.nextInt(95) : r.nextInt(0x3000)));
    }
    return b.toString();
  }

  /** A parse to fuzz. */
  public interface Body {
    void run(String input) throws Exception;
  }

  /** Fuzzes one parser; shared with the parsers' own packages. */
  public static void fuzz(String what, String seedText, Body body, Class<?>... allowed) {
    Random r = new Random(SEED ^ what.hashCode());
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < ITERATIONS; i++) {
            String input = i % 10 == 0 ? random(r) : mutate(seedText, r);
            try {
              body.run(input);
            } catch (Exception e) {
              boolean ok = false;
              for (Class<?> a : allowed) {
                ok |= a.isInstance(e);
              }
              if (!ok) {
                fail(what + ": iteration " + i + " (seed " + SEED + ") threw " + e + " for input:\n" + input, e);
              }
            }
            inputsTried++;
          }
        });
  }

  @Test
  void planMarkdown() {
    String valid = PlanSamples.sample().toMarkdown();
    fuzz("plan.md", valid, Plan::fromMarkdown, PlanFormatException.class);
  }

  @Test
  void unifiedPatches() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    String original = "one\ntwo\nthree\nfour\nfive\n";
    String patch = "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n@@ -5 +5,2 @@\n five\n+six\n";
    fuzz(
        "patch",
        patch,
        input -> {
          Files.writeString(ws.resolve("f.txt"), original);
          UnifiedPatch.applyAll(UnifiedPatch.parse(input), p -> ws.resolve("f.txt"));
        },
        UnifiedPatch.PatchException.class);
  }

  @Test
  void ciWorkflows() throws Exception {
    String workflow =
        "name: CI\non: [push]\ndefaults:\n  run:\n    working-directory: app\njobs:\n  test:\n    steps:\n"
            + "      - uses: actions/checkout@v4\n      - run: |\n          mvn -B verify\n          npm test\n"
            + "      - name: lint\n        working-directory: web\n        run: npm run lint\n";
    Path repo = Files.createDirectories(dir.resolve("repo/.github/workflows")).getParent().getParent();
    Files.writeString(repo.resolve("package.json"), "{\"scripts\":{\"test\":\"jest\"}}");
    fuzz(
        "workflow",
        workflow,
        input -> {
          Files.writeString(repo.resolve(".github/workflows/ci.yml"), input, StandardCharsets.UTF_8);
          CiDiscovery.scan(repo);
        });
  }
}
