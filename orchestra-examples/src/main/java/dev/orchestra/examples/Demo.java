package dev.orchestra.examples;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.Gate;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The offline demo: copies a small sample project into a folder, makes it a git repository, and
 * runs the real orchestrator on it with a scripted model and the project's real test command as
 * the CI gate. No network, no API key.
 */
final class Demo {
  private Demo() {}

  /** Runs the demo in {@code dir} (created if missing; must be empty). Returns the exit code. */
  static int run(Path dir, PrintStream out) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        out.println("error: " + dir + " is not empty; the demo needs an empty or new folder");
        return 2;
      }
    }
    copySample(dir);
    boolean git = git(dir, "init", "-q") && git(dir, "add", "-A") && git(dir, "commit", "-q", "-m", "sample project");
    out.println("Orchestra demo: a scripted team works on " + dir + (git ? " (a git repository)" : ""));
    out.println("No model is called: the answers are scripted; the loop, the files and the tests are real.");
    out.println();

    ProgressPrinter progress = new ProgressPrinter(out);
    RunResult result;
    try (Orchestrator orchestra =
        Orchestrator.builder()
            .workspace(dir)
            .modelProvider(DemoScript.create())
            // A short stable window so the budget's recovery shows within the demo.
            .budgetPolicy(BudgetPolicy.defaults().withStableWindow(Duration.ofMillis(900)).withStepDownSpacing(Duration.ofMillis(100)))
            .addGate(Gate.command("sh", "test.sh").timeout(Duration.ofMinutes(1)).build())
            .addGate(Gate.review())
            .addGate(Gate.qa())
            .addGate(Gate.security())
            .addListener(progress)
            .build()) {
      result = orchestra.run("Greet in French, German and Spanish");
    }

    out.println();
    out.println("Stopped: " + result.stopReason() + " after " + result.rounds() + " rounds: " + result.message());
    section(out, "Done", result.done());
    section(out, "Next", result.next());
    section(out, "Risks", result.risks());
    section(out, "Later", result.plan().later());
    result.releasePlan().ifPresent(r -> {
      section(out, "Release notes", r.userNotes());
      section(out, "Rollback plan", r.rollbackPlan());
    });
    out.println();
    out.println("Model calls and tokens per role:");
    progress.printUsageTable();
    out.println();
    out.println("plan.md:  " + dir.resolve("plan.md"));
    out.println("journal:  " + dir.resolve(".orchestra/journal.jsonl"));
    return result.isGreen() ? 0 : 1;
  }

  private static void section(PrintStream out, String title, List<String> items) {
    out.println(title + ":");
    if (items.isEmpty()) {
      out.println("  (none)");
    }
    items.forEach(i -> out.println("  - " + i));
  }

  private static void copySample(Path dir) throws IOException {
    List<String> files;
    try (InputStream index = resource("demo-project.files")) {
      files = new String(index.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
    for (String f : files) {
      Path target = dir.resolve(f);
      Files.createDirectories(target.getParent());
      try (InputStream in = resource("demo-project/" + f)) {
        Files.copy(in, target);
      }
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Demo.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("the demo's sample project is missing from the jar: " + name);
    }
    return in;
  }

  private static boolean git(Path dir, String... args) throws InterruptedException {
    try {
      String[] cmd = new String[args.length + 5];
      cmd[0] = "git";
      cmd[1] = "-c";
      cmd[2] = "user.name=Orchestra Demo";
      cmd[3] = "-c";
      cmd[4] = "user.email=demo@orchestra.invalid";
      System.arraycopy(args, 0, cmd, 5, args.length);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no git: the demo still runs, on a plain folder
    }
  }
}
