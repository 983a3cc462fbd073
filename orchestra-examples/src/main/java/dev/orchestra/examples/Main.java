package dev.orchestra.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code orchestra} command line. For now it has the offline demo:
 *
 * <pre>
 * java -jar orchestra-examples/target/orchestra.jar demo [--dir DIR]
 * </pre>
 */
public final class Main {
  private Main() {}

  /**
   * Entry point.
   *
   * @param args the command and its options
   * @throws Exception when the command fails unexpectedly
   */
  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      usage();
      return args.length == 0 ? 2 : 0;
    }
    if (!args[0].equals("demo")) {
      System.err.println("error: unknown command '" + args[0] + "'; known commands: demo");
      usage();
      return 2;
    }
    Path dir = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> {
          if (i + 1 >= args.length) {
            System.err.println("error: --dir needs a folder");
            return 2;
          }
          dir = Path.of(args[++i]);
        }
        case "--help", "-h" -> {
          usage();
          return 0;
        }
        default -> {
          System.err.println("error: unknown option '" + args[i] + "' for demo");
          return 2;
        }
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("orchestra-demo-");
    }
    return Demo.run(dir, System.out);
  }

  private static void usage() {
    System.out.println("usage: orchestra demo [--dir DIR]");
    System.out.println("  demo   run a scripted team on a sample project, offline; DIR defaults to a new temporary folder");
  }
}
