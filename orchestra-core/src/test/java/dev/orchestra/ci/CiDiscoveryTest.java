package dev.orchestra.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertEquals(
        List.of(
            "./mvnw -B verify  [test, .github/workflows/ci.yml:14]",
            "./mvnw -B -DskipTests package  [build, pom.xml]"),
        lines(found));
    assertTrue(found.commands().get(0).fromCi());
    assertEquals(List.of("./mvnw", "-B", "verify"), found.commands().get(0).command());
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
    assertEquals(
        List.of(
            "(cd services/api) go test ./... -race  [test, .github/workflows/ci.yaml:7]",
            "(cd services/api) go vet ./...  [lint, .github/workflows/ci.yaml:7]",
            "(cd web) npm test -- --coverage && npm run lint  [test, .github/workflows/ci.yaml:18]",
            "(cd crates/core) cargo clippy -- -D warnings  [lint, .github/workflows/ci.yaml:23]",
            "(cd crates/core) cargo test  [test, crates/core/Cargo.toml]",
            "(cd crates/core) cargo build  [build, crates/core/Cargo.toml]",
            "(cd services/api) go build ./...  [build, services/api/go.mod]",
            "(cd web) npm run build  [build, web/package.json#scripts.build]"),
        lines(found));
    CiCommand shellLine = found.commands().get(2);
    assertTrue(shellLine.shell());
    assertEquals(List.of("sh", "-c", "npm test -- --coverage && npm run lint"), shellLine.command());
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
    assertEquals(CommandKind.BUILD, CiDiscovery.classify("mvn -B package -DskipTests").orElseThrow());
    assertEquals(CommandKind.TYPECHECK, CiDiscovery.classify("npx tsc --noEmit").orElseThrow());
    assertEquals(CommandKind.LINT, CiDiscovery.classify("python -m ruff check src").orElseThrow());
    assertTrue(CiDiscovery.classify("pip install -r requirements.txt").isEmpty());
    assertTrue(CiDiscovery.classify("npm ci").isEmpty());
    assertEquals(List.of("a b", "c"), CiDiscovery.commandsOf("# comment\n\na \\\n  b\nc\n"));
  }
}
