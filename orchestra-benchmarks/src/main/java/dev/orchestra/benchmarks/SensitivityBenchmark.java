package dev.orchestra.benchmarks;

import dev.orchestra.gate.Batch;
import dev.orchestra.gate.Gate;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The security gate's trigger on the labelled corpus of diffs: recall, precision, the diffs it gets
 * wrong with the reason it gave, and the time it takes per diff.
 *
 * <p>The corpus is core's test corpus ({@code orchestra-core/src/test/resources/sensitivity}, see
 * its README), which the build copies into this jar; a folder given as the first argument is read
 * instead. The scoring repeats SensitivityCheckCorpusTest's, which asserts the figures: this module
 * sees core's main jar only, and the two dozen lines are not worth a published test helper.
 */
final class SensitivityBenchmark {
  private static final String SENSITIVE = "sensitive";
  private static final String NOT_SENSITIVE = "not-sensitive";
  private static final int WARM_UP_PASSES = 200;
  private static final int MEASURED_ROUNDS = 5;
  private static final int PASSES_PER_ROUND = 200;

  private SensitivityBenchmark() {}

  /** One labelled diff: {@code <label>/<category>/<name>.diff}. */
  private record Item(String path, boolean sensitive, String category, String diff, List<String> changedFiles) {}

  /**
   * Prints the figures.
   *
   * @param args optionally, a corpus folder laid out as {@code <label>/<category>/<name>.diff}
   * @throws Exception when the corpus cannot be read
   */
  public static void main(String[] args) throws Exception {
    Path workspace = Files.createTempDirectory("orchestra-sensitivity");
    try {
      List<Item> corpus = args.length > 0 ? load(Path.of(args[0])) : loadBundled();
      if (corpus.isEmpty()) {
        throw new IllegalStateException("no <label>/<category>/<name>.diff files in the corpus");
      }
      System.out.printf(Locale.ROOT, "Orchestra sensitivity check benchmark (%d cores, Java %s)%n%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
      score(corpus, workspace);
      time(corpus, workspace);
    } finally {
      Files.deleteIfExists(workspace);
    }
  }

  private static void score(List<Item> corpus, Path workspace) {
    int truePositives = 0;
    int falseNegatives = 0;
    int falsePositives = 0;
    int trueNegatives = 0;
    Map<String, int[]> byCategory = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (Item item : corpus) {
      Gate.Applicability decision = decide(item, workspace);
      int[] c = byCategory.computeIfAbsent((item.sensitive() ? SENSITIVE : NOT_SENSITIVE) + "/" + item.category(), k -> new int[2]);
      c[0]++;
      if (decision.applies()) {
        c[1]++;
      }
      if (item.sensitive() && decision.applies()) {
        truePositives++;
      } else if (item.sensitive()) {
        falseNegatives++;
        wrong.add("missed " + item.path() + ": " + decision.reason());
      } else if (decision.applies()) {
        falsePositives++;
        wrong.add("flagged " + item.path() + ": " + decision.reason());
      } else {
        trueNegatives++;
      }
    }
    double recall = ratio(truePositives, truePositives + falseNegatives);
    double precision = ratio(truePositives, truePositives + falsePositives);
    print(String.format(Locale.ROOT,
        "recall %.3f precision %.3f on %d diffs: %d sensitive (%d found, %d missed), %d not sensitive (%d flagged, %d passed)",
        recall, precision, corpus.size(), truePositives + falseNegatives, truePositives, falseNegatives,
        falsePositives + trueNegatives, falsePositives, trueNegatives));
    byCategory.forEach((category, c) -> print(String.format(Locale.ROOT, "  %-28s %2d diffs, %2d flagged", category, c[0], c[1])));
    wrong.forEach(SensitivityBenchmark::print);
  }

  /**
   * Times the gate's decision over the whole corpus, after a warm-up: the median of five rounds,
   * each deciding every diff 200 times. The check only reads the diff here (the workspace is
   * empty), so this is the cost of reading lines, not of disk.
   */
  private static void time(List<Item> corpus, Path workspace) {
    long bytes = corpus.stream().mapToLong(i -> i.diff().length()).sum();
    long sink = 0;
    for (int p = 0; p < WARM_UP_PASSES; p++) {
      sink += pass(corpus, workspace);
    }
    double[] nanosPerDiff = new double[MEASURED_ROUNDS];
    for (int r = 0; r < MEASURED_ROUNDS; r++) {
      long t0 = System.nanoTime();
      for (int p = 0; p < PASSES_PER_ROUND; p++) {
        sink += pass(corpus, workspace);
      }
      nanosPerDiff[r] = (System.nanoTime() - t0) / (double) (PASSES_PER_ROUND * corpus.size());
    }
    double[] sorted = nanosPerDiff.clone();
    Arrays.sort(sorted);
    double median = sorted[MEASURED_ROUNDS / 2];
    print(String.format(Locale.ROOT,
        "time per diff: %.1f us median of %d rounds (rounds %.1f-%.1f us); diffs average %d bytes, so %.1f MB/s"
            + " [%d decisions]",
        median / 1e3, MEASURED_ROUNDS, sorted[0] / 1e3, sorted[MEASURED_ROUNDS - 1] / 1e3, bytes / corpus.size(),
        (bytes / (double) corpus.size()) / median * 1e3, sink));
  }

  /** Decides every diff once; returns how many the gate would run on, so the work is not optimised away. */
  private static long pass(List<Item> corpus, Path workspace) {
    long applies = 0;
    for (Item item : corpus) {
      if (decide(item, workspace).applies()) {
        applies++;
      }
    }
    return applies;
  }

  /** The security gate's decision on a batch built as the orchestrator builds it: git's changed paths and the diff. */
  private static Gate.Applicability decide(Item item, Path workspace) {
    Batch batch = new Batch(1, "corpus", workspace, List.of(), Map.of(), item.changedFiles(), item.diff());
    return Gate.security().applies(batch);
  }

  /** The corpus the build copied into this jar (or into target/classes, when run from an IDE). */
  private static List<Item> loadBundled() throws IOException, URISyntaxException {
    URL url = SensitivityBenchmark.class.getResource("/sensitivity");
    if (url == null) {
      throw new IllegalStateException(
          "no sensitivity corpus in the jar; build it with mvn -B -q -DskipTests package -pl orchestra-benchmarks -am,"
              + " or pass the corpus folder (orchestra-core/src/test/resources/sensitivity)");
    }
    URI uri = url.toURI();
    if (!uri.getScheme().equals("jar")) {
      return load(Path.of(uri));
    }
    try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
      return load(jar.provider().getPath(uri));
    }
  }

  private static List<Item> load(Path root) throws IOException {
    List<Item> items = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.getFileName() != null && f.getFileName().toString().endsWith(".diff")).sorted().toList()) {
        Path rel = root.relativize(p);
        String label = rel.getName(0).toString();
        if (rel.getNameCount() != 3 || !(label.equals(SENSITIVE) || label.equals(NOT_SENSITIVE))) {
          throw new IllegalStateException(rel + " is not at <sensitive|not-sensitive>/<category>/<name>.diff");
        }
        String diff = Files.readString(p, StandardCharsets.UTF_8);
        items.add(new Item(rel.toString().replace('\\', '/'), label.equals(SENSITIVE), rel.getName(1).toString(),
            diff, changedFiles(diff)));
      }
    }
    return items;
  }

  /**
   * The paths {@code git diff --name-only} prints for the diff: the new path of a changed or renamed
   * file, the old path of a deleted one, and files appended as new without a {@code diff --git} line.
   */
  private static List<String> changedFiles(String diff) {
    TreeSet<String> files = new TreeSet<>();
    String[] lines = diff.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.startsWith("diff --git ")) {
        files.add(l.substring(l.lastIndexOf(" b/") + 3));
      } else if (l.startsWith("+++ ") && i > 0 && lines[i - 1].startsWith("--- ")) {
        String added = stripPrefix(l.substring(4));
        files.add(added.equals("/dev/null") ? stripPrefix(lines[i - 1].substring(4)) : added);
      }
    }
    return List.copyOf(files);
  }

  private static String stripPrefix(String p) {
    String s = p.strip();
    return s.startsWith("a/") || s.startsWith("b/") ? s.substring(2) : s;
  }

  private static double ratio(int numerator, int denominator) {
    return denominator == 0 ? 1.0 : (double) numerator / denominator;
  }

  private static void print(String line) {
    System.out.println("SENSITIVITY " + line);
  }
}
