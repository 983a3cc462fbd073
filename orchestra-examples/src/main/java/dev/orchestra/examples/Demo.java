package dev.orchestra.examples;

import dev.orchestra.agent.Agent;
import dev.orchestra.codex.CodexAgent;
import dev.orchestra.openai.testing.CodexScript;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.role.BuiltInRoles;
import java.util.Optional;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.Isolation;
import dev.orchestra.gate.Gate;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.event.OrchestraListener;
import dev.orchestra.openai.ApiKey;
import dev.orchestra.openai.OpenAiProvider;
import dev.orchestra.openai.RetryPolicy;
import dev.orchestra.toml.CodexConfig;
import dev.orchestra.toml.RoleMapping;
import dev.orchestra.toml.StarterPack;
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
 * The offline demo: copies a small sample project into a folder, writes a starter configuration,
 * makes it a git repository, and runs the real orchestrator with the real OpenAI provider against
 * an in-process fake OpenAI server that plays a scripted session, with the project's real test
 * command as the CI gate. No remote API, no API key.
 */
final class Demo {
  private Demo() {}

  /** Runs the demo in {@code dir} (created if missing; must be empty). Returns the exit code. */
  static int run(Path dir, PrintStream out) throws IOException, InterruptedException {
    return run(dir, out, OrchestraListener.NONE);
  }

  /** Runs the demo with an extra listener (the command line's --events file). */
  static int run(Path dir, PrintStream out, OrchestraListener events) throws IOException, InterruptedException {
    return run(dir, out, events, Optional.empty());
  }

  /**
   * Runs the demo; with {@code codex}, the implementers are real Codex CLI processes, pointed at a
   * second scripted server on this machine through a Codex home of the demo's own (deleted after).
   */
  static int run(Path dir, PrintStream out, OrchestraListener events, Optional<CodexAgent.Builder> codex) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        out.println("error: " + dir + " is not empty; the demo needs an empty or new folder");
        return 2;
      }
    }
    copySample(dir);
    StarterPack.builder(StarterPack.Tier.PRO).build().writeTo(dir.resolve(".codex"));
    boolean git = git(dir, "init", "-q") && git(dir, "add", "-A") && git(dir, "commit", "-q", "-m", "sample project");
    // The roles come from the starter configuration just written, as they would from a team's own.
    RoleMapping team = CodexConfig.forFolder(dir.resolve(".codex")).load().toRoles(SandboxMode.WORKSPACE_WRITE, ApprovalPolicy.NEVER);
    out.println("Orchestra demo: a team of " + team.roles().size() + " roles works on " + dir + (git ? " (a git repository)" : ""));
    out.println("The real OpenAI provider talks to a scripted OpenAI server on this machine: no remote API is called,");
    out.println("whether or not a key is set. The loop, the files, the tests and the HTTP are real.");
    out.println();

    ProgressPrinter progress = new ProgressPrinter(out);
    RunResult result;
    Path codexHome = codex.isPresent() ? Files.createTempDirectory("orchestra-demo-codex-home-") : null;
    try (FakeOpenAiServer codexServer = codex.isPresent() ? FakeOpenAiServer.start().dispatcher(DemoScript.codexScript()) : null;
        DemoModelServer server = DemoModelServer.start(DemoScript.create());
        OpenAiProvider provider =
            OpenAiProvider.builder()
                .baseUrl(server.baseUrl())
                .apiKey(ApiKey.of("sk-demo-offline-not-a-real-key"))
                .retryPolicy(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10)))
                .build();
        Orchestrator orchestra =
            Orchestrator.builder()
                .workspace(dir)
                .roles(team.roles())
                .modelProvider(provider)
                // The configuration's max_threads, with a short stable window so the budget's
                // recovery shows within the demo.
                .budgetPolicy(
                    BudgetPolicy.startingAt(team.maxThreads())
                        .withStableWindow(Duration.ofMillis(500))
                        .withStepDownSpacing(Duration.ofMillis(100)))
                .addGate(Gate.command("sh", "test.sh").timeout(Duration.ofMinutes(1)).build())
                .addGate(Gate.review())
                .addGate(Gate.qa())
                .addGate(Gate.security())
                .addListener(progress)
                .addListener(events)
                // Each writing task in a git worktree of its own; the demo's folder is the demo's, so
                // a green run brings the work into its checkout.
                .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build())
                .agent(codex.isPresent() ? codexImplementers(codex.get(), codexHome, codexServer, out) : Agent.toolLoop())
                .build()) {
      result = orchestra.run("Greet in French, German and Spanish");
    } finally {
      if (codexHome != null) {
        deleteTree(codexHome);
      }
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

  /** The variable the demo's Codex home names as its provider's key; the value is no secret. */
  private static final String CODEX_KEY_VARIABLE = "ORCHESTRA_DEMO_CODEX_KEY";

  /** Codex for the implementers, through a Codex home that points it at the demo's own server. */
  private static Agent codexImplementers(CodexAgent.Builder codex, Path home, FakeOpenAiServer server, PrintStream out) throws IOException {
    Files.writeString(home.resolve("config.toml"), CodexScript.codexConfig(server.baseUrl(), CODEX_KEY_VARIABLE));
    out.println("The implementers are real Codex processes (Codex home " + home + ", deleted after the demo).");
    out.println();
    CodexAgent agent = codex.codexHome(home).environment(CODEX_KEY_VARIABLE, "demo-offline-not-a-key").build();
    return Agent.byRole(java.util.Map.of(BuiltInRoles.IMPLEMENTER, agent), Agent.toolLoop());
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
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
