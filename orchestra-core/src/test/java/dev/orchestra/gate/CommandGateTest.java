package dev.orchestra.gate;

import dev.orchestra.TestRepos;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.role.ShellEnvironmentPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CommandGateTest {
  @TempDir Path ws;

  private Batch batch() {
    return new Batch(1, "goal", ws, List.of(), Map.of(), List.of("src/a.txt"));
  }

  @Test
  void passesWhenTheCommandExitsWithZero() {
    RecordingGateContext ctx = new RecordingGateContext(ws, Map.of());
    GateResult r = Gate.command("sh", "-c", "echo fine").build().evaluate(batch(), ctx);
    assertEquals(Verdict.PASS, r.verdict());
    assertEquals("ci", r.gate());
    assertTrue(ctx.briefs.isEmpty(), "no model call for a passing command");
  }

  @Test
  void aFailureGoesToTheCiRunnerWhoseDiagnosisBecomesTheFinding() {
    RecordingGateContext ctx =
        new RecordingGateContext(
            ws,
            Map.of(
                "ci_runner",
                new RoleReport.CiDiagnosis(List.of("make test"), false, "NullPointerException in Greeter", "Check name for null", "src/Greeter.java", 12)));
    GateResult r =
        Gate.shell("echo 'Greeter.java:12: NPE' >&2; exit 3").name("tests").build().evaluate(batch(), ctx);
    assertEquals(Verdict.FAIL, r.verdict());
    // The finding is known by its check, not the diagnosis's wording (issue 11): every failure of
    // this command is the same finding, however a model words it.
    assertEquals(
        List.of(new Finding("tests", Severity.HIGH, "src/Greeter.java", 12, "NullPointerException in Greeter", "Check name for null", List.of(),
            "check: sh -c echo 'Greeter.java:12: NPE' >&2; exit 3")),
        r.findings());
    assertTrue(r.summary().contains("exited with code 3"), r.summary());
    assertTrue(ctx.briefs.get(0).contains("Greeter.java:12: NPE"), "the CI runner sees the output (stderr included)");
  }

  @Test
  void withoutACiRunnerTheFindingQuotesTheLastLine() {
    GateResult r =
        Gate.command("sh", "-c", "echo first; echo 'last line here'; exit 1").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, r.verdict());
    assertTrue(r.findings().get(0).message().endsWith("exited with code 1: last line here"), r.findings().toString());
  }

  @Test
  void runsInTheWorkingDirectoryWithoutAShell() throws Exception {
    Files.createDirectories(ws.resolve("sub"));
    Files.writeString(ws.resolve("sub/marker"), "");
    GateResult r = Gate.command("test", "-f", "marker").workingDirectory("sub").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.PASS, r.verdict());
    // Without a shell, metacharacters are plain arguments.
    GateResult literal = Gate.command("test", "-f", "marker; true").workingDirectory("sub").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, literal.verdict());
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    long t0 = System.nanoTime();
    GateResult r =
        Gate.shell("sleep 60 & echo $! > child.pid; wait")
            .timeout(Duration.ofMillis(700))
            .build()
            .evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(Verdict.FAIL, r.verdict());
    assertTrue(r.summary().contains("timed out"), r.summary());
    assertTrue(elapsedMs < 15_000, "took " + elapsedMs + " ms");
    long pid = Long.parseLong(Files.readString(ws.resolve("child.pid")).strip());
    for (int i = 0; i < 50 && running(pid); i++) {
      Thread.sleep(20);
    }
    assertFalse(running(pid), "the grandchild sleep was killed");
  }

  /** Alive and not a zombie: a killed orphan stays a zombie where init does not reap it. */
  static boolean running(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    if (Files.exists(stat)) {
      String s = Files.readString(stat);
      return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void outputIsCappedKeepingHeadAndTail() {
    RecordingGateContext ctx =
        new RecordingGateContext(ws, Map.of("ci_runner", new RoleReport.CiDiagnosis(List.of(), false, "", "", "", 0)));
    Gate.shell("echo HEAD; head -c 2000000 /dev/zero | tr '\\0' x; echo; echo TAIL; exit 1")
        .maxOutputBytes(1000)
        .build()
        .evaluate(batch(), ctx);
    String brief = ctx.briefs.get(0);
    assertTrue(brief.contains("HEAD"));
    assertTrue(brief.contains("TAIL"));
    assertTrue(brief.contains("bytes of output cut"));
    assertTrue(brief.length() < 5_000, "brief is " + brief.length() + " chars");
  }

  @Test
  void aMissingProgramIsAClearFailure() {
    GateResult r = Gate.command("no-such-program-orchestra").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, r.verdict());
    assertTrue(r.findings().get(0).message().contains("'no-such-program-orchestra' could not be started"), r.findings().toString());
  }

  @Test
  void theDiscoveredCiGateRunsTheRepositorysOwnChecks() throws Exception {
    Files.writeString(ws.resolve("Makefile"), "test:\n\t@test -f done.txt || (echo 'FAIL: done.txt missing'; exit 1)\nlint:\n\t@true\n");
    RecordingGateContext ctx = new RecordingGateContext(ws, Map.of());
    GateResult failing = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.FAIL, failing.verdict());
    assertTrue(failing.summary().contains("make test exited with code 2") && failing.summary().contains("(found in Makefile)"), failing.summary());
    Files.writeString(ws.resolve("done.txt"), "");
    GateResult passing = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.PASS, passing.verdict());
    assertEquals("passed: make test; make lint", passing.summary());
    Files.delete(ws.resolve("Makefile"));
    GateResult none = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.NOTHING_CHECKED, none.verdict(), "a gate that ran nothing did not pass");
    assertTrue(none.summary().startsWith("nothing was checked"), none.summary());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"../outside", "OUTSIDE_ABSOLUTE", "escape"})
  void aWorkflowWhoseWorkingDirectoryLeavesTheWorkspaceIsAFindingNotARun(String workingDirectory, @TempDir Path outside) throws Exception {
    // A folder outside the workspace with a Makefile whose test target leaves a mark if it runs.
    Files.writeString(outside.resolve("Makefile"), "test:\n\t@touch ran-outside\n");
    Files.createSymbolicLink(ws.resolve("escape"), outside);
    String wd =
        switch (workingDirectory) {
          case "OUTSIDE_ABSOLUTE" -> outside.toString();
          case "../outside" -> ws.relativize(outside).toString(); // ../../junit-.../ or the like
          default -> workingDirectory;
        };
    TestRepos.write(
        ws, ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            + "      - working-directory: " + wd + "\n        run: make test\n");
    GateResult r = Gate.ci().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, r.verdict(), r.summary());
    assertFalse(Files.exists(outside.resolve("ran-outside")), "the command ran outside the workspace");
    assertEquals(1, r.findings().size(), r.findings().toString());
    Finding f = r.findings().get(0);
    assertEquals(".github/workflows/ci.yml", f.file());
    assertEquals(8, f.line());
    assertTrue(
        f.message().startsWith("'make test' was not run: its working directory '" + wd + "' ")
            && f.message().contains("outside the workspace"),
        f.message());
    assertTrue(r.summary().contains("(found in .github/workflows/ci.yml:8)"), r.summary());
  }

  @Test
  void aCommandGateWhoseFolderLinksOutsideIsNotRun(@TempDir Path outside) throws Exception {
    Files.createSymbolicLink(ws.resolve("sub"), outside);
    GateResult r = Gate.command("touch", "ran-here").workingDirectory("sub").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, r.verdict());
    assertFalse(Files.exists(outside.resolve("ran-here")));
    assertEquals(
        "'touch ran-here' was not run: its working directory 'sub' leads outside the workspace through a symbolic link",
        r.findings().get(0).message());
  }

  @Test
  void theGatesOwnEnvironmentPolicyWinsOverTheOrchestrators() throws Exception {
    RecordingGateContext ctx = new RecordingGateContext(ws, Map.of());
    ctx.environment = Map.of("PATH", System.getenv("PATH"), "FROM_ORCHESTRATOR", "1");
    assertEquals(Verdict.PASS, Gate.shell("env > ctx-env.txt").build().evaluate(batch(), ctx).verdict());
    String fromContext = Files.readString(ws.resolve("ctx-env.txt"));
    assertTrue(fromContext.contains("FROM_ORCHESTRATOR=1"), fromContext);
    ShellEnvironmentPolicy own =
        new ShellEnvironmentPolicy(ShellEnvironmentPolicy.Inherit.CORE, false, List.of(), Map.of("FROM_GATE", "1"), List.of());
    assertEquals(Verdict.PASS, Gate.shell("env > own-env.txt").environmentPolicy(own).build().evaluate(batch(), ctx).verdict());
    String fromGate = Files.readString(ws.resolve("own-env.txt"));
    assertTrue(fromGate.contains("FROM_GATE=1") && !fromGate.contains("FROM_ORCHESTRATOR"), "the gate's own policy decides");
  }

  @Test
  void builderRejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> Gate.command(List.of()).build());
    assertThrows(IllegalArgumentException.class, () -> Gate.command("x").timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Gate.command("x").workingDirectory("../up"));
    assertThrows(IllegalArgumentException.class, () -> Gate.command("x").workingDirectory("/abs"));
    assertThrows(IllegalArgumentException.class, () -> Gate.command("x").maxOutputBytes(1));
  }

  @Test
  void aVariableNoProcessCanHoldIsRefusedWhenTheGateIsBuiltNotWhenItRuns() {
    assertEquals(
        "the lint gate's environment variable 'A=B' is not a valid variable name: it contains '='",
        assertThrows(IllegalArgumentException.class, () -> Gate.shell("true").name("lint").environment("A=B", "1")).getMessage());
  }

  /** A test script that names files in its output: some in the workspace, some not, one twice. */
  private void failingScriptNamingFiles(Path outside) throws Exception {
    TestRepos.write(ws, "src/app.txt", "app\n");
    TestRepos.write(ws, "lib/x.py", "x = 1\n");
    TestRepos.write(ws, "src/abs.txt", "abs\n");
    Files.writeString(outside.resolve("secret.txt"), "secret\n");
    Files.createSymbolicLink(ws.resolve("src/link.txt"), outside.resolve("secret.txt"));
    TestRepos.write(
        ws, "test.sh",
        "echo 'FAIL src/app.txt:3:5: expected ok'\n"
            + "echo 'see (lib/x.py), and src/app.txt again.'\n"
            + "echo \"at $(pwd)/src/abs.txt\"\n"
            + "echo 'not src/../src/app.txt, ../escape.txt, " + outside.resolve("secret.txt") + ", /etc/hostname, src/link.txt, src/missing.txt'\n"
            + "exit 1\n");
  }

  @Test
  void aFailingScriptsFindingNamesTheScriptAndTheWorkspaceFilesItsOutputNames(@TempDir Path outside) throws Exception {
    failingScriptNamingFiles(outside);
    GateResult r = Gate.command("sh", "test.sh").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    assertEquals(Verdict.FAIL, r.verdict());
    Finding f = r.findings().get(0);
    assertEquals("", f.file(), "without a diagnosis the finding names no file of its own");
    assertEquals(List.of("test.sh", "src/app.txt", "lib/x.py", "src/abs.txt"), f.relatedFiles());
  }

  @Test
  void theCiGatesFindingNamesThemTooAndKeepsTheDiagnosisFile(@TempDir Path outside) throws Exception {
    failingScriptNamingFiles(outside);
    TestRepos.write(ws, ".github/workflows/ci.yml", "on: push\njobs:\n  t:\n    steps:\n      - run: sh test.sh\n");
    RecordingGateContext ctx =
        new RecordingGateContext(
            ws, Map.of("ci_runner", new RoleReport.CiDiagnosis(List.of("sh test.sh"), false, "app is wrong", "Fix src/app.txt", "src/app.txt", 3)));
    GateResult r = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.FAIL, r.verdict(), r.summary());
    Finding f = r.findings().get(0);
    assertEquals("src/app.txt", f.file());
    assertEquals(3, f.line());
    assertEquals(List.of("test.sh", "lib/x.py", "src/abs.txt"), f.relatedFiles(), "the diagnosis file is not repeated");
  }

  @Test
  void relatedFilesAreAtMostTen() throws Exception {
    StringBuilder script = new StringBuilder();
    for (int i = 1; i <= 15; i++) {
      TestRepos.write(ws, "src/f" + i + ".txt", "");
      script.append("echo src/f").append(i).append(".txt\n");
    }
    TestRepos.write(ws, "check.sh", script + "exit 1\n");
    GateResult r = Gate.shell("sh check.sh").build().evaluate(batch(), new RecordingGateContext(ws, Map.of()));
    List<String> related = r.findings().get(0).relatedFiles();
    assertEquals(10, related.size(), related.toString());
    assertEquals(List.of("check.sh", "src/f1.txt", "src/f2.txt"), related.subList(0, 3));
  }
}
