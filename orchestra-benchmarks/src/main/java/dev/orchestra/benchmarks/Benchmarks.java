package dev.orchestra.benchmarks;

import java.util.Arrays;

/**
 * Runs Orchestra's benchmarks and prints their figures. Not a unit test: timings depend on the
 * machine, so they are printed, never asserted.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl orchestra-benchmarks -am
 * java -jar orchestra-benchmarks/target/benchmarks.jar core
 * java -jar orchestra-benchmarks/target/benchmarks.jar toml
 * java -jar orchestra-benchmarks/target/benchmarks.jar openai
 * java -jar orchestra-benchmarks/target/benchmarks.jar sensitivity [corpus folder]
 * java -jar orchestra-benchmarks/target/benchmarks.jar worktrees [batch|size]
 * java -jar orchestra-benchmarks/target/benchmarks.jar codex [rounds]
 * java -jar orchestra-benchmarks/target/benchmarks.jar temporal [tasks] [calls] [callMillis]
 * </pre>
 */
public final class Benchmarks {
  private Benchmarks() {}

  /**
   * Entry point.
   *
   * @param args the benchmark to run: {@code core}, {@code toml}, {@code openai}, {@code sensitivity} or
   *     {@code worktrees}
   * @throws Exception when a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "core" : args[0];
    switch (which) {
      case "core" -> CoreBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "toml" -> ConfigBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "openai" -> OpenAiBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "sensitivity" -> SensitivityBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "worktrees" -> WorktreeBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "codex" -> CodexBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      case "temporal" -> TemporalBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
      default -> {
        System.err.println("unknown benchmark '" + which + "'; known: core, toml, openai [storm|client], sensitivity [corpus folder], worktrees [batch|size], codex [rounds], temporal [tasks] [calls] [callMillis]");
        System.exit(2);
      }
    }
  }
}
