package dev.orchestra.internal.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class CiDiscoveryTest {
  @TempDir Path repo;

  private void write(String path, String content) throws IOException {
    Path p = repo.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private static List<String> lines(CiCommands found) {
    return found.commands().stream().map(CiCommand::toString).toList();
  }

  @Test
  void aMavenProjectWithAWorkflow() throws Exception {
    write("pom.xml", "<project/>");
    write("mvnw", "#!/bin/sh\n");
    write(
        ".github/workflows/ci.yml",
        """
        name: CI
        on: [push]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-java@v4
                with:
                  java-version: '17'
              - name: Install tools
                run: sudo apt-get install -y graphviz
              - name: Test
                run: ./mvnw -B verify
                working-directory: ./
        """);
    CiCommands found = CiDiscovery.scan(repo);
    // The folder has a test command, so the convention's 'mvn package' is not added beside it.
    assertEquals(List.of("./mvnw -B verify  [test, .github/workflows/ci.yml:14]"), lines(found));
    assertTrue(found.commands().get(0).fromCi());
    assertEquals(List.of("./mvnw", "-B", "verify"), found.commands().get(0).command());
    assertEquals(
        List.of(".github/workflows/ci.yml:12: sudo apt-get install -y graphviz (changes the machine (sudo or system packages))"),
        found.skipped().stream().map(CiCommands.Skipped::toString).toList());
    assertEquals(List.of(".github/workflows/ci.yml", "pom.xml"), found.examined());
    assertTrue(found.problems().isEmpty());
  }

  @Test
  void aNodeProjectUsesItsPackageManager() throws Exception {
    write("package.json", "{\"scripts\":{\"test\":\"vitest run\",\"lint\":\"eslint .\",\"typecheck\":\"tsc --noEmit\",\"dev\":\"vite\"}}");
    write("pnpm-lock.yaml", "lockfileVersion: 9\n");
    CiCommands found = CiDiscovery.scan(repo);
    assertEquals(
        List.of(
            "pnpm test  [test, package.json#scripts.test]",
            "pnpm run typecheck  [typecheck, package.json#scripts.typecheck]",
            "pnpm run lint  [lint, package.json#scripts.lint]"),
        lines(found));
    assertEquals(List.of("pnpm run lint"), found.ofKind(CommandKind.LINT).stream().map(CiCommand::display).toList());
  }

  @Test
  void aPythonProject() throws Exception {
    write("pyproject.toml", "[project]\nname='x'\n[tool.pytest.ini_options]\naddopts='-q'\n[tool.ruff]\nline-length=100\n[tool.mypy]\nstrict=true\n");
    write("tox.ini", "[tox]\nenvlist=py311\n");
    write("tests/test_x.py", "def test_x(): pass\n");
    assertEquals(
        List.of(
            "tox  [test, tox.ini]",
            "pytest  [test, pyproject.toml]",
            "mypy .  [typecheck, pyproject.toml]",
            "ruff check .  [lint, pyproject.toml]"),
        lines(CiDiscovery.scan(repo)));
  }

  @Test
  void aMonorepoWithWorkingDirectories() throws Exception {
    write(
        ".github/workflows/ci.yaml",
        """
        defaults:
          run:
            working-directory: services/api
        jobs:
          api:
            steps:
              - run: |
                  # unit tests first
                  go test ./... \\
                    -race
                  go vet ./...
          web:
            defaults:
              run:
                working-directory: web
            steps:
              - run: npm ci
              - run: npm test -- --coverage && npm run lint
          rust:
            steps:
              - name: clippy
                working-directory: crates/core
                run: cargo clippy -- -D warnings
        """);
    write("services/api/go.mod", "module x\n");
    write("web/package.json", "{\"scripts\":{\"test\":\"jest\",\"build\":\"vite build\"}}");
    write("crates/core/Cargo.toml", "[package]\nname='core'\n");
    write("node_modules/junk/package.json", "{\"scripts\":{\"test\":\"x\"}}");
    CiCommands found = CiDiscovery.scan(repo);
    // The api block runs whole as one script, so its go test and go vet are not added again from
    // go.mod; folders with a test command get no conventional build.
    assertEquals(
        List.of(
            "(cd services/api) go test ./... -race (+1 more line)  [test, .github/workflows/ci.yaml:7]",
            "(cd web) npm test -- --coverage && npm run lint  [test, .github/workflows/ci.yaml:18]",
            "(cd crates/core) cargo clippy -- -D warnings  [lint, .github/workflows/ci.yaml:23]",
            "(cd crates/core) cargo test  [test, crates/core/Cargo.toml]"),
        lines(found));
    CiCommand block = found.commands().get(0);
    assertTrue(block.shell());
    assertEquals(List.of("-e", "-c", "# unit tests first\ngo test ./... \\\n  -race\ngo vet ./..."), block.command().subList(1, 4));
    CiCommand shellLine = found.commands().get(1);
    assertTrue(shellLine.shell());
    assertEquals(List.of("sh", "-c", "npm test -- --coverage && npm run lint"), shellLine.command());
    assertEquals(List.of(".github/workflows/ci.yaml:17: npm ci (installs dependencies)"), found.skipped().stream().map(CiCommands.Skipped::toString).toList());
  }

  @Test
  void aMalformedWorkflowIsAProblemNotAnException() throws Exception {
    write(".github/workflows/bad.yml", "jobs:\n  x:\n    steps:\n      - run: [unclosed\n");
    write("Makefile", "test:\n\tpytest\nlint: deps\n\truff .\nVAR := 1\n");
    CiCommands found = CiDiscovery.scan(repo);
    assertEquals(1, found.problems().size());
    assertEquals(".github/workflows/bad.yml", found.problems().get(0).file());
    assertTrue(found.problems().get(0).line() > 0);
    assertEquals(List.of("make test  [test, Makefile]", "make lint  [lint, Makefile]"), lines(found));
  }

  @Test
  void classification() {
    assertEquals(CommandKind.TEST, CiDiscovery.classify("mvn -B -q verify").orElseThrow());
    assertEquals(CommandKind.TEST, CiDiscovery.classify("mvn -B package").orElseThrow(), "package runs the tests");
    assertEquals(CommandKind.BUILD, CiDiscovery.classify("mvn -B package -DskipTests").orElseThrow());
    assertEquals(CommandKind.TYPECHECK, CiDiscovery.classify("npx tsc --noEmit").orElseThrow());
    assertEquals(CommandKind.LINT, CiDiscovery.classify("python -m ruff check src").orElseThrow());
    assertTrue(CiDiscovery.classify("pip install -r requirements.txt").isEmpty());
    assertTrue(CiDiscovery.classify("npm ci").isEmpty());
    assertEquals(List.of("a b", "c"), CiDiscovery.commandsOf("# comment\n\na \\\n  b\nc\n"));
  }

  /** "test", "lint", "typecheck", "build", or "skip: reason" ("unsafe: reason" when never run). */
  private static String what(String text) {
    StepClassifier.Result r = StepClassifier.text(text);
    if (r instanceof StepClassifier.Check c) {
      return c.kind().name().toLowerCase(Locale.ROOT);
    }
    StepClassifier.Skip skip = (StepClassifier.Skip) r;
    return (skip.unsafe() ? "unsafe: " : "skip: ") + skip.reason();
  }

  static Stream<Arguments> steps() {
    return Stream.of(
        // Scripts count by their name.
        Arguments.of("sh test.sh", "test"),
        Arguments.of("./test.sh", "test"),
        Arguments.of("bash scripts/test.sh", "test"),
        Arguments.of("bash -o pipefail scripts/run-tests.sh --fast", "test"),
        Arguments.of("sh ./check.sh", "test"),
        Arguments.of("./ci/verify.sh", "test"),
        Arguments.of("scripts/ci", "test"),
        Arguments.of("scripts/lint", "lint"),
        Arguments.of("python tools/check_types.py", "typecheck"),
        Arguments.of("./scripts/build.sh", "build"),
        Arguments.of("./configure --prefix=/tmp/x", "build"),
        Arguments.of("./scripts/checkout-submodules.sh", "skip: not recognised as a check"),
        Arguments.of("./scripts/setup.sh", "skip: installs dependencies"),
        Arguments.of("./scripts/deploy.sh", "unsafe: deploys/publishes"),
        Arguments.of("python -c \"import pytest\"", "skip: not recognised as a check"),
        // Chained lines count when any part is a check; an unsafe part keeps the whole line from running.
        Arguments.of("npm ci && npm test", "test"),
        Arguments.of("npm install; npm run lint", "lint"),
        Arguments.of("pytest || true", "test"),
        Arguments.of("(cd web && npm test)", "test"),
        Arguments.of("if [ -f x ]; then pytest; fi", "test"),
        Arguments.of("FOO=1 timeout 600 xvfb-run -a npm test", "test"),
        Arguments.of("npm test && npm publish", "unsafe: deploys/publishes"),
        Arguments.of("cd web && mkdir -p out", "skip: prepares the job (not a check)"),
        Arguments.of("echo hello", "skip: not recognised as a check"),
        // Multi-line blocks: any line that checks; a here-document's body is text, not a command.
        Arguments.of("set -e\n./test.sh\necho done\n", "test"),
        Arguments.of("cat <<EOF > notes.txt\npytest is great\nEOF\n", "skip: not recognised as a check"),
        // make: no target and 'all' build; test targets test.
        Arguments.of("make", "build"),
        Arguments.of("make all", "build"),
        Arguments.of("make -j4 test", "test"),
        Arguments.of("make -C sub lint", "lint"),
        Arguments.of("make install", "unsafe: installs into the system (make install)"),
        Arguments.of("make docs", "skip: not recognised as a check"),
        // Maven and Gradle: what runs the tests is a test.
        Arguments.of("mvn -B package -DskipTests", "build"),
        Arguments.of("./mvnw -B -ntp spotless:check", "lint"),
        Arguments.of("mvn -B deploy", "unsafe: deploys/publishes"),
        Arguments.of("mvn -B dependency:go-offline", "skip: installs dependencies"),
        Arguments.of("./gradlew build", "test"),
        Arguments.of("./gradlew build -x test", "build"),
        Arguments.of("./gradlew :app:connectedAndroidTest", "test"),
        Arguments.of("./gradlew ktlintCheck", "lint"),
        Arguments.of("./gradlew publish", "unsafe: deploys/publishes"),
        // JavaScript
        Arguments.of("pnpm -r test", "test"),
        Arguments.of("pnpm --filter web run test:unit", "test"),
        Arguments.of("yarn lint", "lint"),
        Arguments.of("yarn", "skip: installs dependencies"),
        Arguments.of("yarn workspace app build", "build"),
        Arguments.of("bun test", "test"),
        Arguments.of("npm run typecheck", "typecheck"),
        Arguments.of("npm run ci", "test"),
        Arguments.of("npx vitest run", "test"),
        Arguments.of("pnpm exec tsc --noEmit", "typecheck"),
        Arguments.of("node --test", "test"),
        Arguments.of("prettier --check .", "lint"),
        Arguments.of("prettier --write .", "skip: rewrites files (a formatter, not a check)"),
        Arguments.of("deno test -A", "test"),
        Arguments.of("deno lint", "lint"),
        // Python
        Arguments.of("python -m pytest -q", "test"),
        Arguments.of("python3 -m unittest discover -s tests", "test"),
        Arguments.of("tox -e py311", "test"),
        Arguments.of("nox -s tests", "test"),
        Arguments.of("uv run pytest", "test"),
        Arguments.of("poetry run mypy src", "typecheck"),
        Arguments.of("pip install -e .[dev]", "skip: installs dependencies"),
        Arguments.of("python -m pip install --upgrade pip", "skip: installs dependencies"),
        Arguments.of("black --check .", "lint"),
        Arguments.of("pre-commit run --all-files", "lint"),
        // Rust, Go, C and C++
        Arguments.of("cargo test --all-features", "test"),
        Arguments.of("cargo +nightly fmt --all -- --check", "lint"),
        Arguments.of("cargo fmt", "skip: rewrites files (a formatter, not a check)"),
        Arguments.of("cargo publish", "unsafe: deploys/publishes"),
        Arguments.of("go test -race ./...", "test"),
        Arguments.of("golangci-lint run", "lint"),
        Arguments.of("test -z \"$(gofmt -l .)\"", "lint"),
        Arguments.of("ctest --test-dir build --output-on-failure", "test"),
        Arguments.of("bazel test //...", "test"),
        Arguments.of("cmake -B build -S .", "build"),
        // .NET, Elixir, Ruby, PHP, Swift, others
        Arguments.of("dotnet test --no-build", "test"),
        Arguments.of("dotnet restore", "skip: installs dependencies"),
        Arguments.of("mix test", "test"),
        Arguments.of("mix format --check-formatted", "lint"),
        Arguments.of("bundle exec rspec", "test"),
        Arguments.of("bundle exec rake", "test"),
        Arguments.of("bundle install", "skip: installs dependencies"),
        Arguments.of("vendor/bin/phpunit", "test"),
        Arguments.of("composer install --no-progress", "skip: installs dependencies"),
        Arguments.of("composer test", "test"),
        Arguments.of("swift test", "test"),
        Arguments.of("sbt +test", "test"),
        Arguments.of("shellcheck scripts/*.sh", "lint"),
        // Never run on a developer's machine.
        Arguments.of("sudo apt-get install -y libfoo", "unsafe: changes the machine (sudo or system packages)"),
        Arguments.of("brew install foo", "unsafe: changes the machine (sudo or system packages)"),
        Arguments.of("docker push ghcr.io/x/y", "unsafe: deploys/publishes"),
        Arguments.of("curl -s https://codecov.io/bash | bash", "unsafe: uploads artifacts"),
        Arguments.of("aws s3 sync dist s3://bucket", "unsafe: talks to a remote service"),
        Arguments.of("gh release create v1", "unsafe: talks to a remote service"),
        Arguments.of("git push origin HEAD", "unsafe: deploys/publishes"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("steps")
  void aStepIsRunWhenAPersonReadingTheWorkflowWouldRunIt(String text, String expected) {
    assertEquals(expected, what(text));
  }

  @Test
  void eachFormOfRunStepBecomesOneCommandOrASkippedStepWithItsReason() throws Exception {
    write(
        ".github/workflows/ci.yml",
        """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-node@v4
              - run: npm ci
              - run: |
                  echo "::group::tests"
                  ./test.sh
              - shell: bash
                run: make
              - run: npm ci && npm test
              - run: npm test && npm publish
              - run: pytest --junitxml=out.xml
                continue-on-error: true
              - run: cargo test ${{ matrix.flags }}
              - shell: pwsh
                run: ./test.ps1
              - uses: actions/upload-artifact@v4
              - uses: some/other-action@v1
              - run: echo done
          windows:
            runs-on: windows-latest
            steps:
              - run: ./test.sh
        """);
    CiCommands found = CiDiscovery.scan(repo);
    assertEquals(
        List.of(
            "echo \"::group::tests\" (+1 more line)  [test, .github/workflows/ci.yml:9]",
            "make  [build, .github/workflows/ci.yml:13]",
            "npm ci && npm test  [test, .github/workflows/ci.yml:14]"),
        lines(found));
    List<String> block = found.commands().get(0).command();
    assertEquals(List.of("-e", "-c", "echo \"::group::tests\"\n./test.sh"), block.subList(1, 4), "a block runs whole, with -e");
    assertTrue(List.of("bash", "sh").contains(block.get(0)), block.toString());
    List<String> make = found.commands().get(1).command();
    assertTrue(
        make.equals(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "make")) || make.equals(List.of("sh", "-e", "-c", "make")),
        "shell: bash runs as GitHub runs it: " + make);
    assertEquals(List.of("sh", "-c", "npm ci && npm test"), found.commands().get(2).command());
    assertEquals(
        List.of(
            ".github/workflows/ci.yml:8: npm ci (installs dependencies)",
            ".github/workflows/ci.yml:15: npm test && npm publish (deploys/publishes)",
            ".github/workflows/ci.yml:16: pytest --junitxml=out.xml (CI ignores its failure (continue-on-error))",
            ".github/workflows/ci.yml:18: cargo test ${{ matrix.flags }} (needs GitHub's ${{ }} expressions)",
            ".github/workflows/ci.yml:20: ./test.ps1 (runs in pwsh, not a POSIX shell)",
            ".github/workflows/ci.yml:21: uses: actions/upload-artifact@v4 (uploads artifacts)",
            ".github/workflows/ci.yml:22: uses: some/other-action@v1 (a GitHub action, which runs only on GitHub)",
            ".github/workflows/ci.yml:23: echo done (not recognised as a check)",
            ".github/workflows/ci.yml:27: ./test.sh (runs on Windows, in PowerShell)"),
        found.skipped().stream().map(CiCommands.Skipped::toString).toList());
    String described = found.describe();
    assertTrue(described.contains("- make  [build, .github/workflows/ci.yml:13]"), described);
    assertTrue(described.contains("Not run (seen in CI, left out):\n- .github/workflows/ci.yml:8: npm ci (installs dependencies)\n"), described);
    assertTrue(described.contains("- .github/workflows/ci.yml:15: npm test && npm publish (deploys/publishes)"), described);
  }

  @Test
  void theOrderIsWorkflowFilesAndStepsThenConventionsByFolder() throws Exception {
    write(".github/workflows/b.yml", "jobs:\n  x:\n    steps:\n      - run: sh b-tests.sh\n      - run: npm run build\n");
    write(".github/workflows/a.yml", "jobs:\n  y:\n    steps:\n      - run: ./scripts/test.sh\n  z:\n    steps:\n      - run: make lint\n");
    write("package.json", "{\"scripts\":{\"lint\":\"eslint .\"}}");
    write("zeta/go.mod", "module z\n");
    write("alpha/Cargo.toml", "[package]\n");
    List<String> expected =
        List.of(
            "./scripts/test.sh  [test, .github/workflows/a.yml:4]",
            "make lint  [lint, .github/workflows/a.yml:7]",
            "sh b-tests.sh  [test, .github/workflows/b.yml:4]",
            "npm run build  [build, .github/workflows/b.yml:5]",
            "(cd alpha) cargo test  [test, alpha/Cargo.toml]",
            "(cd alpha) cargo clippy  [lint, alpha/Cargo.toml]",
            "(cd zeta) go test ./...  [test, zeta/go.mod]",
            "(cd zeta) go vet ./...  [lint, zeta/go.mod]");
    assertEquals(expected, lines(CiDiscovery.scan(repo)));
    assertEquals(expected, lines(CiDiscovery.scan(repo)), "the same again");
  }

  @Test
  void aConventionalBuildIsAddedOnlyWhereThereIsNoTest() throws Exception {
    write("pom.xml", "<project/>");
    write("web/package.json", "{\"scripts\":{\"build\":\"vite build\"}}");
    write("native/Makefile", ".PHONY: all\nall: lib\nlib:\n\tcc -c x.c\n");
    write("site/Makefile", "deploy:\n\trsync -a out/ host:/srv\n");
    write("placeholder/package.json", "{\"scripts\":{\"test\":\"echo \\\"Error: no test specified\\\" && exit 1\"}}");
    CiCommands found = CiDiscovery.scan(repo);
    assertEquals(
        List.of(
            "mvn -B verify  [test, pom.xml]",
            "(cd native) make  [build, native/Makefile]",
            "(cd web) npm run build  [build, web/package.json#scripts.build]"),
        lines(found));
    assertEquals(
        List.of(
            "placeholder/package.json#scripts.test: npm test (npm's placeholder (\"no test specified\"))",
            "site/Makefile: make (its default goal 'deploy' deploys/publishes)"),
        found.skipped().stream().map(CiCommands.Skipped::toString).toList());
  }

  static Stream<Arguments> ecosystems() {
    return Stream.of(
        Arguments.of("mix.exs", "defmodule X.MixProject do\nend\n", "mix test  [test, mix.exs]"),
        Arguments.of("Package.swift", "// swift-tools-version:5.9\n", "swift test  [test, Package.swift]"),
        Arguments.of("App.sln", "\n", "dotnet test  [test, App.sln]"),
        Arguments.of("composer.json", "{\"scripts\":{\"test\":\"phpunit\"}}", "composer test  [test, composer.json#scripts.test]"),
        Arguments.of("deno.json", "{\"tasks\":{\"test\":\"deno test -A\"}}", "deno task test  [test, deno.json#tasks.test]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ecosystems")
  void moreEcosystemsHaveConventions(String file, String content, String expected) throws Exception {
    write(file, content);
    assertEquals(List.of(expected), lines(CiDiscovery.scan(repo)));
  }
}
