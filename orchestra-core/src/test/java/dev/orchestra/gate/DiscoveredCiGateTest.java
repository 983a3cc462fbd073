package dev.orchestra.gate;

import dev.orchestra.TestRepos;
import dev.orchestra.agent.RoleReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CI gate, {@link Gate#ci()} and {@link Gate#ci(List)}, on real repositories with real processes. */
final class DiscoveredCiGateTest {
  @TempDir Path ws;

  /** A test script that leaves ran.txt, then fails, naming src/app.txt, when the file 'fail' exists. */
  private static final String TEST_SCRIPT =
      "#!/bin/sh\ntouch ran.txt\n[ ! -f fail ] || { echo 'FAIL: src/app.txt:3: expected ok'; exit 1; }\necho ok\n";

  private Batch batch() {
    return new Batch(1, "goal", ws, List.of(), Map.of(), List.of());
  }

  private RecordingGateContext context() {
    return new RecordingGateContext(ws, Map.of());
  }

  private void workflow(String steps) throws IOException {
    TestRepos.write(ws, ".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" + steps);
  }

  private void executable(String path, String content) throws IOException {
    TestRepos.write(ws, path, content);
    Files.setPosixFilePermissions(ws.resolve(path), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static Stream<Arguments> forms() {
    return Stream.of(
        Arguments.of("sh test.sh", "      - run: sh test.sh\n"),
        Arguments.of("./test.sh", "      - run: ./test.sh\n"),
        Arguments.of("bash scripts/test.sh", "      - run: bash scripts/test.sh\n"),
        Arguments.of("npm ci && npm test", "      - run: npm ci && npm test\n"),
        Arguments.of("run: | block", "      - name: Tests\n        run: |\n          echo start\n          sh test.sh\n          touch after.txt\n"),
        Arguments.of("make", "      - run: make\n"),
        Arguments.of("make all", "      - run: make all\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forms")
  void eachWorkflowFormRunsAndItsFailureFailsTheGate(String form, String steps, @TempDir Path bin) throws Exception {
    workflow("      - uses: actions/checkout@v4\n" + steps);
    executable("test.sh", TEST_SCRIPT);
    executable("scripts/test.sh", TEST_SCRIPT);
    TestRepos.write(ws, "Makefile", "all:\n\t@sh test.sh\n");
    // An npm on the PATH whose 'ci' installs nothing and whose 'test' runs test.sh, as package.json would.
    Files.writeString(bin.resolve("npm"), "#!/bin/sh\ncase \"$1\" in\n  ci) touch installed.txt ;;\n  test) exec sh test.sh ;;\n  *) exit 2 ;;\nesac\n");
    Files.setPosixFilePermissions(bin.resolve("npm"), PosixFilePermissions.fromString("rwxr-xr-x"));
    RecordingGateContext ctx = context();
    ctx.environment = Map.of("PATH", bin + ":" + System.getenv("PATH"));

    GateResult passing = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.PASS, passing.verdict(), passing.summary());
    assertTrue(Files.exists(ws.resolve("ran.txt")), form + " did not run: " + passing.summary());
    assertTrue(passing.summary().startsWith("passed: "), passing.summary());

    Files.delete(ws.resolve("ran.txt"));
    Files.deleteIfExists(ws.resolve("after.txt"));
    Files.writeString(ws.resolve("fail"), "");
    GateResult failing = Gate.ci().evaluate(batch(), ctx);
    assertEquals(Verdict.FAIL, failing.verdict(), failing.summary());
    assertTrue(Files.exists(ws.resolve("ran.txt")), form + " did not run");
    assertTrue(failing.summary().contains("(found in .github/workflows/ci.yml:"), failing.summary());
    assertFalse(Files.exists(ws.resolve("after.txt")), "a block runs with -e: it stops at the failing line");
    assertEquals(1, failing.findings().size(), failing.findings().toString());
  }

  @Test
  void anEmptyRepositoryIsNothingCheckedAndTheSummarySaysHowToNameChecks() {
    GateResult r = Gate.ci().evaluate(batch(), context());
    assertEquals(Verdict.NOTHING_CHECKED, r.verdict());
    assertFalse(r.verdict().passed());
    assertTrue(r.findings().isEmpty());
    String s = r.summary();
    assertTrue(s.startsWith("nothing was checked: "), s);
    assertTrue(s.contains("Looked for GitHub Actions workflows (.github/workflows/*.yml) and build files"), s);
    assertTrue(s.contains("orchestra run --check \"CMD\" (repeatable)"), s);
    assertTrue(s.contains("checks = [\"CMD\"] under an [orchestra] table in .codex/config.toml"), s);
    assertTrue(s.contains("Gate.ci(List.of(\"CMD\")) when embedding"), s);
  }

  @Test
  void aWorkflowWithNothingToRunIsNothingCheckedAndNamesWhatItSkippedAndWhy() throws Exception {
    workflow(
        "      - uses: actions/checkout@v4\n"
            + "      - run: npm ci\n"
            + "      - run: ./scripts/deploy.sh\n"
            + "      - uses: actions/upload-artifact@v4\n"
            + "      - run: echo done\n");
    executable("scripts/deploy.sh", "#!/bin/sh\ntouch deployed.txt\n");
    GateResult r = Gate.ci().evaluate(batch(), context());
    assertEquals(Verdict.NOTHING_CHECKED, r.verdict(), r.summary());
    assertFalse(Files.exists(ws.resolve("deployed.txt")), "a deploy script never runs");
    assertTrue(
        r.summary()
            .startsWith(
                "nothing was checked: no command that mirrors CI was found to run. Looked at .github/workflows/ci.yml. Skipped 4 steps: "
                    + ".github/workflows/ci.yml:7: npm ci (installs dependencies); "
                    + ".github/workflows/ci.yml:8: ./scripts/deploy.sh (deploys/publishes); "
                    + ".github/workflows/ci.yml:9: uses: actions/upload-artifact@v4 (uploads artifacts); and 1 more. Name the checks"),
        r.summary());
  }

  @Test
  void aMalformedWorkflowIsNamedWhenNothingWasChecked() throws Exception {
    TestRepos.write(ws, ".github/workflows/bad.yml", "jobs:\n  x:\n    steps:\n      - run: [unclosed\n");
    GateResult r = Gate.ci().evaluate(batch(), context());
    assertEquals(Verdict.NOTHING_CHECKED, r.verdict());
    assertTrue(r.summary().contains("Could not read .github/workflows/bad.yml:"), r.summary());
  }

  @Test
  void aPassingSummaryNamesTheSkippedStepsWithReasons() throws Exception {
    workflow(
        "      - run: npm ci\n"
            + "      - run: sh test.sh\n"
            + "      - uses: actions/upload-artifact@v4\n"
            + "      - run: echo one\n"
            + "      - run: echo two\n");
    executable("test.sh", TEST_SCRIPT);
    GateResult r = Gate.ci().evaluate(batch(), context());
    assertEquals(Verdict.PASS, r.verdict(), r.summary());
    assertEquals(
        "passed: sh test.sh (skipped 4 steps: .github/workflows/ci.yml:6: npm ci (installs dependencies); "
            + ".github/workflows/ci.yml:8: uses: actions/upload-artifact@v4 (uploads artifacts); "
            + ".github/workflows/ci.yml:9: echo one (not recognised as a check); and 1 more)",
        r.summary());
  }

  @Test
  void buildsFromTheWorkflowRunInWorkflowOrder() throws Exception {
    workflow("      - run: ./build.sh\n      - run: sh test.sh\n");
    executable("build.sh", "#!/bin/sh\nmkdir -p out && echo binary > out/app.bin\n");
    executable("test.sh", "#!/bin/sh\n[ -f out/app.bin ] || { echo 'out/app.bin was not built'; exit 1; }\n");
    GateResult r = Gate.ci().evaluate(batch(), context());
    assertEquals(Verdict.PASS, r.verdict(), r.summary());
    assertEquals("passed: ./build.sh; sh test.sh", r.summary());
  }

  @Test
  void namedChecksRunInOrderInsteadOfTheWorkflowWithTheOrchestratorsEnvironment() throws Exception {
    workflow("      - run: sh test.sh\n");
    executable("test.sh", "#!/bin/sh\ntouch workflow-ran.txt\n");
    RecordingGateContext ctx = context();
    ctx.environment = Map.of("PATH", System.getenv("PATH"), "ORCHESTRA_MARK", "from-policy");
    Gate gate = Gate.ci(List.of("echo one > one.txt", "cat one.txt > two.txt && echo \"$ORCHESTRA_MARK\" >> two.txt"));
    assertEquals("ci", gate.name());
    GateResult r = gate.evaluate(batch(), ctx);
    assertEquals(Verdict.PASS, r.verdict(), r.summary());
    assertEquals("passed: echo one > one.txt; cat one.txt > two.txt && echo \"$ORCHESTRA_MARK\" >> two.txt", r.summary());
    assertEquals("one\nfrom-policy\n", Files.readString(ws.resolve("two.txt")), "in order, in the root, with the orchestrator's environment");
    assertFalse(Files.exists(ws.resolve("workflow-ran.txt")), "named checks replace discovery");
  }

  @Test
  void aFailingNamedCheckStopsTheGateAndGoesToTheCiRunner() {
    RecordingGateContext ctx =
        new RecordingGateContext(
            ws, Map.of("ci_runner", new RoleReport.CiDiagnosis(List.of("exit 3"), false, "the check exits with 3", "Make it exit 0", "", 0)));
    GateResult r = Gate.ci(List.of("echo checking; exit 3", "touch never.txt")).evaluate(batch(), ctx);
    assertEquals(Verdict.FAIL, r.verdict());
    assertEquals("echo checking; exit 3 exited with code 3 (named check 1 of 2)", r.summary());
    assertEquals("the check exits with 3", r.findings().get(0).message());
    assertTrue(ctx.briefs.get(0).contains("checking"), "the CI runner sees the output");
    assertFalse(Files.exists(ws.resolve("never.txt")), "checks after a failure do not run");
  }

  @Test
  void namedChecksMustBeGiven() {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Gate.ci(List.of()));
    assertEquals(
        "Gate.ci(checks) needs at least one check, for example Gate.ci(List.of(\"mvn -B verify\")); "
            + "to find the repository's own checks, use Gate.ci()",
        empty.getMessage());
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> Gate.ci(List.of("make test", "  ")));
    assertEquals("check 2 of 2 given to Gate.ci(checks) is blank", blank.getMessage());
    assertThrows(NullPointerException.class, () -> Gate.ci(null));
  }
}
