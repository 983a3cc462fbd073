package dev.orchestra.internal.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands a project folder's build files imply by convention ({@code mvn -B verify} for a
 * {@code pom.xml}, {@code npm test} for a {@code package.json}'s test script, {@code make test},
 * ...), added to a {@link Scan} where its workflows do not already check that kind. Its own class
 * because each ecosystem's conventions are knowledge apart from reading workflows.
 */
final class BuildConventions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAKE_TARGET = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*:(?![=:])");
  private static final Pattern DEFAULT_GOAL = Pattern.compile("^\\.DEFAULT_GOAL\\s*:?=\\s*(\\S+)");
  private static final List<String> BUILD_FILES =
      List.of("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "pyproject.toml", "setup.py", "tox.ini", "pytest.ini",
          "Cargo.toml", "go.mod", "Makefile", "mix.exs", "Package.swift", "composer.json", "deno.json", "deno.jsonc");

  private final Scan scan;

  BuildConventions(Scan scan) {
    this.scan = scan;
  }

  /** Whether a folder holds a build file, and so has conventions. */
  static boolean isProject(Path dir) {
    for (String f : BUILD_FILES) {
      if (Files.isRegularFile(dir.resolve(f))) {
        return true;
      }
    }
    return !dotnetProject(dir).isEmpty();
  }

  /**
   * Adds a project folder's conventional commands: each kind its workflows do not already run
   * there, and a build only when the folder has no test command.
   */
  void add(Path dir) {
    String wd = scan.rel(dir);
    for (String f : BUILD_FILES) {
      if (Files.isRegularFile(dir.resolve(f))) {
        scan.examined.add(scan.rel(dir.resolve(f)));
      }
    }
    Set<CommandKind> ci = scan.covered.getOrDefault(wd, Set.of());
    List<CiCommand> found = new ArrayList<>();
    for (CiCommand c : conventionsOf(dir)) {
      if (!ci.contains(c.kind())) {
        found.add(c);
      }
    }
    boolean tested = ci.contains(CommandKind.TEST) || found.stream().anyMatch(c -> c.kind() == CommandKind.TEST);
    for (CiCommand c : found) {
      if (!(tested && c.kind() == CommandKind.BUILD)) {
        scan.commands.add(c);
      }
    }
  }

  private CiCommand convention(String line, Path dir, CommandKind kind, String source) {
    return Invocation.of(line).command(scan.rel(dir), kind, source, false);
  }

  private List<CiCommand> conventionsOf(Path dir) {
    List<CiCommand> out = new ArrayList<>();
    if (Files.isRegularFile(dir.resolve("pom.xml"))) {
      String mvn = Files.isRegularFile(dir.resolve("mvnw")) ? "./mvnw" : "mvn";
      String src = scan.rel(dir.resolve("pom.xml"));
      out.add(convention(mvn + " -B verify", dir, CommandKind.TEST, src));
      out.add(convention(mvn + " -B -DskipTests package", dir, CommandKind.BUILD, src));
    }
    if (Files.isRegularFile(dir.resolve("build.gradle")) || Files.isRegularFile(dir.resolve("build.gradle.kts"))) {
      String gradle = Files.isRegularFile(dir.resolve("gradlew")) ? "./gradlew" : "gradle";
      String src = scan.rel(dir.resolve(Files.isRegularFile(dir.resolve("build.gradle")) ? "build.gradle" : "build.gradle.kts"));
      out.add(convention(gradle + " test", dir, CommandKind.TEST, src));
      out.add(convention(gradle + " check", dir, CommandKind.LINT, src));
      out.add(convention(gradle + " assemble", dir, CommandKind.BUILD, src));
    }
    packageJson(dir, out);
    python(dir, out);
    if (Files.isRegularFile(dir.resolve("Cargo.toml"))) {
      String src = scan.rel(dir.resolve("Cargo.toml"));
      out.add(convention("cargo test", dir, CommandKind.TEST, src));
      out.add(convention("cargo clippy", dir, CommandKind.LINT, src));
      out.add(convention("cargo build", dir, CommandKind.BUILD, src));
    }
    if (Files.isRegularFile(dir.resolve("go.mod"))) {
      String src = scan.rel(dir.resolve("go.mod"));
      out.add(convention("go test ./...", dir, CommandKind.TEST, src));
      out.add(convention("go vet ./...", dir, CommandKind.LINT, src));
      out.add(convention("go build ./...", dir, CommandKind.BUILD, src));
    }
    makefile(dir, out);
    if (Files.isRegularFile(dir.resolve("mix.exs"))) {
      out.add(convention("mix test", dir, CommandKind.TEST, scan.rel(dir.resolve("mix.exs"))));
    }
    if (Files.isRegularFile(dir.resolve("Package.swift"))) {
      out.add(convention("swift test", dir, CommandKind.TEST, scan.rel(dir.resolve("Package.swift"))));
    }
    String dotnet = dotnetProject(dir);
    if (!dotnet.isEmpty()) {
      out.add(convention("dotnet test", dir, CommandKind.TEST, scan.rel(dir.resolve(dotnet))));
    }
    Path composer = dir.resolve("composer.json");
    if (Files.isRegularFile(composer) && json(composer).path("scripts").has("test")) {
      out.add(convention("composer test", dir, CommandKind.TEST, scan.rel(composer) + "#scripts.test"));
    }
    for (String deno : List.of("deno.json", "deno.jsonc")) {
      Path f = dir.resolve(deno);
      if (Files.isRegularFile(f) && json(f).path("tasks").has("test")) {
        out.add(convention("deno task test", dir, CommandKind.TEST, scan.rel(f) + "#tasks.test"));
        break;
      }
    }
    return out;
  }

  private void packageJson(Path dir, List<CiCommand> out) {
    Path pkg = dir.resolve("package.json");
    if (!Files.isRegularFile(pkg)) {
      return;
    }
    JsonNode scripts = json(pkg).path("scripts");
    String pm =
        Files.isRegularFile(dir.resolve("pnpm-lock.yaml")) ? "pnpm"
            : Files.isRegularFile(dir.resolve("yarn.lock")) ? "yarn"
            : Files.isRegularFile(dir.resolve("bun.lockb")) || Files.isRegularFile(dir.resolve("bun.lock")) ? "bun" : "npm";
    String src = scan.rel(pkg);
    if (scripts.has("test")) {
      if (scripts.path("test").asText("").contains("no test specified")) {
        // npm init's placeholder, which fails on purpose: running it checks nothing.
        scan.skipped.add(new CiCommands.Skipped(src + "#scripts.test", pm + " test", "npm's placeholder (\"no test specified\")"));
      } else {
        out.add(convention(pm.equals("bun") ? "bun run test" : pm + " test", dir, CommandKind.TEST, src + "#scripts.test"));
      }
    }
    for (String t : List.of("typecheck", "type-check", "types")) {
      if (scripts.has(t)) {
        out.add(convention(pm + " run " + t, dir, CommandKind.TYPECHECK, src + "#scripts." + t));
        break;
      }
    }
    if (scripts.has("lint")) {
      out.add(convention(pm + " run lint", dir, CommandKind.LINT, src + "#scripts.lint"));
    }
    if (scripts.has("build")) {
      out.add(convention(pm + " run build", dir, CommandKind.BUILD, src + "#scripts.build"));
    }
  }

  private void python(Path dir, List<CiCommand> out) {
    String pyproject = read(dir.resolve("pyproject.toml"));
    String setupCfg = read(dir.resolve("setup.cfg"));
    boolean pytest =
        Files.isRegularFile(dir.resolve("pytest.ini")) || pyproject.contains("[tool.pytest") || setupCfg.contains("[tool:pytest]")
            || Files.isRegularFile(dir.resolve("conftest.py"))
            || (Files.isDirectory(dir.resolve("tests")) && (!pyproject.isEmpty() || Files.isRegularFile(dir.resolve("setup.py"))));
    if (Files.isRegularFile(dir.resolve("tox.ini"))) {
      out.add(convention("tox", dir, CommandKind.TEST, scan.rel(dir.resolve("tox.ini"))));
    }
    if (pytest) {
      out.add(convention("pytest", dir, CommandKind.TEST, pyproject.contains("[tool.pytest") ? scan.rel(dir.resolve("pyproject.toml")) : scan.rel(dir)));
    }
    if (pyproject.contains("[tool.mypy") || Files.isRegularFile(dir.resolve("mypy.ini"))) {
      out.add(convention("mypy .", dir, CommandKind.TYPECHECK, scan.rel(dir.resolve(pyproject.contains("[tool.mypy") ? "pyproject.toml" : "mypy.ini"))));
    }
    if (pyproject.contains("[tool.ruff") || Files.isRegularFile(dir.resolve("ruff.toml"))) {
      out.add(convention("ruff check .", dir, CommandKind.LINT, scan.rel(dir.resolve(pyproject.contains("[tool.ruff") ? "pyproject.toml" : "ruff.toml"))));
    }
  }

  /**
   * {@code make test} (or {@code check}), {@code make lint}, and as the build {@code make build},
   * or a bare {@code make} for the default goal unless that goal is not safe to run.
   */
  private void makefile(Path dir, List<CiCommand> out) {
    String makefile = read(dir.resolve("Makefile"));
    if (makefile.isEmpty()) {
      return;
    }
    Set<String> targets = new LinkedHashSet<>();
    String defaultGoal = null;
    for (String line : makefile.split("\r?\n")) {
      Matcher goal = DEFAULT_GOAL.matcher(line);
      if (goal.find()) {
        defaultGoal = goal.group(1);
      }
      Matcher m = MAKE_TARGET.matcher(line);
      if (m.find()) {
        targets.add(m.group(1));
      }
    }
    if (defaultGoal == null) {
      defaultGoal = targets.stream().filter(t -> !t.startsWith(".")).findFirst().orElse(null);
    }
    String src = scan.rel(dir.resolve("Makefile"));
    for (String t : List.of("test", "check")) {
      if (targets.contains(t)) {
        out.add(convention("make " + t, dir, CommandKind.TEST, src));
        break;
      }
    }
    if (targets.contains("lint")) {
      out.add(convention("make lint", dir, CommandKind.LINT, src));
    }
    if (targets.contains("build")) {
      out.add(convention("make build", dir, CommandKind.BUILD, src));
    } else if (defaultGoal != null) {
      StepClassifier.Result goal = ScriptNames.classify(defaultGoal);
      if (goal instanceof StepClassifier.Skip s && !s.reason().equals(StepClassifier.NOT_A_CHECK)) {
        scan.skipped.add(new CiCommands.Skipped(src, "make", "its default goal '" + defaultGoal + "' " + s.reason()));
      } else {
        out.add(convention("make", dir, CommandKind.BUILD, src));
      }
    }
  }

  /** The folder's .sln, else its .csproj or .fsproj, or an empty string. */
  private static String dotnetProject(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
      for (String ext : List.of(".sln", ".csproj", ".fsproj")) {
        for (String n : names) {
          if (n.endsWith(ext)) {
            return n;
          }
        }
      }
    } catch (IOException e) {
      // an unreadable folder has no project
    }
    return "";
  }

  /** The file as JSON, or a missing node with the problem recorded. */
  private JsonNode json(Path file) {
    try {
      JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      return n == null ? JSON.missingNode() : n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      scan.problems.add(new CiCommands.Problem(scan.rel(file), line, "not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      scan.problems.add(new CiCommands.Problem(scan.rel(file), 0, "cannot read: " + e.getMessage()));
    }
    return JSON.missingNode();
  }

  private static String read(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
