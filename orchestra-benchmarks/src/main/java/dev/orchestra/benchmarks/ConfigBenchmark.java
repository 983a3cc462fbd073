package dev.orchestra.benchmarks;

import dev.orchestra.toml.CodexConfig;
import dev.orchestra.toml.Diagnostic;
import dev.orchestra.toml.StarterPack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures load and verify time for the starter pack and for configurations of 10, 100 and 1,000
 * roles (each role with its own role file), and the cost per role, which must stay flat. Not a unit
 * test: run it by hand (command below) and read the figures.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl orchestra-benchmarks -am
 * java -jar orchestra-benchmarks/target/benchmarks.jar toml
 * </pre>
 */
final class ConfigBenchmark {
  private static final int WARMUP = 15;
  private static final int RUNS = 15;

  private ConfigBenchmark() {}

  /**
   * Runs the benchmark and prints a table.
   *
   * @param args ignored
   * @throws IOException when the temporary folders cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path root = Files.createTempDirectory("orchestra-toml-bench");
    try {
      Path pack = root.resolve("starter");
      StarterPack.builder(StarterPack.Tier.PRO).build().writeTo(pack);
      // Warm the JIT on every code path once, so the first row is not penalised.
      Path warm = root.resolve("warm-up");
      generate(warm, 100);
      for (int i = 0; i < 40; i++) {
        CodexConfig.forFolder(warm).load().toRoles();
        CodexConfig.forFolder(pack).verify();
      }
      System.out.printf(Locale.ROOT, "%-22s %6s %12s %12s %14s%n", "configuration", "roles", "load ms", "verify ms", "load+verify/role µs");
      report("starter pack (pro)", pack, 8);
      for (int roles : new int[] {10, 100, 1000}) {
        Path dir = root.resolve("roles-" + roles);
        generate(dir, roles);
        report(roles + " roles", dir, roles);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(String name, Path dir, int roles) {
    CodexConfig config = CodexConfig.forFolder(dir);
    for (int i = 0; i < WARMUP; i++) {
      check(config.load().roles().size(), roles);
      config.verify();
    }
    long[] load = new long[RUNS];
    long[] verify = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      check(config.load().toRoles().roles().size(), roles);
      long t1 = System.nanoTime();
      List<Diagnostic> problems = config.verify();
      long t2 = System.nanoTime();
      if (!problems.isEmpty()) {
        throw new IllegalStateException("benchmark configuration has problems: " + problems);
      }
      load[i] = t1 - t0;
      verify[i] = t2 - t1;
    }
    double loadMs = median(load) / 1e6;
    double verifyMs = median(verify) / 1e6;
    System.out.printf(Locale.ROOT, "%-22s %6d %12.2f %12.2f %14.1f%n", name, roles, loadMs, verifyMs, (loadMs + verifyMs) * 1000 / roles);
  }

  private static void check(int actual, int expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + " roles, loaded " + actual);
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Writes a config.toml declaring {@code roles} roles, each with a role file. */
  static void generate(Path dir, int roles) throws IOException {
    StringBuilder config = new StringBuilder("model = \"gpt-5.4\"\n[features]\nmulti_agent = true\n[agents]\nmax_threads = 12\n");
    Files.createDirectories(dir.resolve("agents"));
    for (int i = 0; i < roles; i++) {
      String name = "role_" + i;
      config.append("\n[agents.").append(name).append("]\ndescription = \"Role number ").append(i)
          .append(".\"\nconfig_file = \"agents/").append(name).append(".toml\"\nnickname_candidates = [\"N").append(i).append("\"]\n");
      Files.writeString(dir.resolve("agents/" + name + ".toml"),
          "model = \"gpt-5.4\"\nmodel_reasoning_effort = \"" + (i % 2 == 0 ? "low" : "high") + "\"\n"
              + "sandbox_mode = \"read-only\"\ndeveloper_instructions = \"\"\"\nDo the job of role " + i + ".\nBe brief.\n\"\"\"\n");
    }
    Files.writeString(dir.resolve("config.toml"), config);
  }
}
