package dev.orchestra.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the local commands that mirror a repository's CI, deterministically and without running
 * anything: the {@code run:} steps of GitHub Actions workflows (with their working directories),
 * then the conventions of Maven, Gradle, npm/pnpm/yarn, pytest/tox/ruff/mypy, cargo, go and make
 * for what the workflows do not cover.
 *
 * <p>Classification: a command counts when it calls a known checking tool: tests ({@code mvn
 * verify|test}, {@code gradle test}, {@code npm test}, {@code pytest}, {@code tox}, {@code cargo
 * test}, {@code go test}, {@code make test|check}), type checks ({@code tsc}, {@code mypy}, {@code
 * pyright}, a {@code typecheck} script), lint ({@code eslint}, {@code ruff}, {@code flake8}, {@code
 * golangci-lint}, {@code go vet}, {@code cargo clippy}, {@code cargo fmt --check}, a {@code lint}
 * script) or builds ({@code mvn package}, {@code gradle build}, {@code npm run build}, {@code cargo
 * build}, {@code go build}, {@code make build}). Anything else (installs, set-up, uploads) is not a
 * check and is left out.
 *
 * <p>Thread-safe and stateless.
 */
public final class CiDiscovery {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SKIP_DIRS =
      Set.of("node_modules", "target", "build", ".git", "vendor", "dist", ".venv", "venv", "__pycache__", ".gradle", ".idea", "out");
  private static final int MAX_DEPTH = 3;
  private static final Pattern RUN_LINE = Pattern.compile("^\\s*(?:-\\s+)?run:\\s*(\\S.*)?$");
  private static final Pattern SHELL_META = Pattern.compile("[|&;<>$`()*?\\[\\]{}'\"\\\\~]");
  private static final Pattern MAKE_TARGET = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*:(?!=)");

  private CiDiscovery() {}

  /**
   * Scans a repository.
   *
   * @param root the repository's root folder
   * @return the commands found and the problems met; never throws for a malformed file
   * @throws UncheckedIOException when the root cannot be read
   */
  public static CiCommands scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new UncheckedIOException(new IOException(root + " is not a folder"));
    }
    List<CiCommand> commands = new ArrayList<>();
    List<CiCommands.Problem> problems = new ArrayList<>();
    workflows(root, commands, problems);
    for (Path dir : projectFolders(root)) {
      String wd = rel(root, dir);
      Set<CommandKind> covered = EnumSet.noneOf(CommandKind.class);
      for (CiCommand c : commands) {
        if (c.fromCi() && c.workingDirectory().equals(wd)) {
          covered.add(c.kind());
        }
      }
      for (CiCommand c : conventions(root, dir, problems)) {
        if (!covered.contains(c.kind())) {
          commands.add(c);
        }
      }
    }
    // The same command in the same folder once, first source wins.
    Set<String> seen = new LinkedHashSet<>();
    List<CiCommand> unique = new ArrayList<>();
    for (CiCommand c : commands) {
      if (seen.add(c.workingDirectory() + "\u0000" + c.command())) {
        unique.add(c);
      }
    }
    return new CiCommands(unique, problems);
  }

  // ---------------------------------------------------------------- GitHub Actions

  private static void workflows(Path root, List<CiCommand> out, List<CiCommands.Problem> problems) {
    Path dir = root.resolve(".github/workflows");
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      problems.add(new CiCommands.Problem(rel(root, dir), 0, "cannot list: " + e.getMessage()));
      return;
    }
    for (Path f : files) {
      String name = rel(root, f);
      String text;
      JsonNode doc;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
        doc = YAML.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        problems.add(new CiCommands.Problem(name, line, "not valid YAML: " + e.getOriginalMessage()));
        continue;
      } catch (IOException | RuntimeException e) {
        problems.add(new CiCommands.Problem(name, 0, "cannot read: " + e.getMessage()));
        continue;
      }
      if (doc == null || !doc.isObject()) {
        problems.add(new CiCommands.Problem(name, 1, "a workflow must be a mapping with 'jobs'"));
        continue;
      }
      List<Integer> runLines = runLines(text);
      int runIndex = 0;
      String workflowDir = doc.path("defaults").path("run").path("working-directory").asText("");
      for (JsonNode job : iterable(doc.path("jobs"))) {
        String jobDir = job.path("defaults").path("run").path("working-directory").asText(workflowDir);
        for (JsonNode step : job.path("steps")) {
          if (!step.has("run")) {
            continue;
          }
          int line = runIndex < runLines.size() ? runLines.get(runIndex) : 0;
          runIndex++;
          String wd = normalise(step.path("working-directory").asText(jobDir));
          for (String cmd : commandsOf(step.path("run").asText(""))) {
            Optional<CommandKind> kind = classify(cmd);
            if (kind.isPresent()) {
              out.add(command(cmd, wd, kind.get(), name + ":" + line, true));
            }
          }
        }
      }
    }
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    node.properties().forEach(e -> out.add(e.getValue()));
    return out;
  }

  /** Lines of {@code run:} keys that hold a command (not {@code defaults: run:} mappings). */
  private static List<Integer> runLines(String text) {
    List<Integer> lines = new ArrayList<>();
    String[] all = text.split("\r?\n", -1);
    for (int i = 0; i < all.length; i++) {
      Matcher m = RUN_LINE.matcher(all[i]);
      if (m.matches() && m.group(1) != null && !m.group(1).startsWith("#")) {
        lines.add(i + 1);
      }
    }
    return lines;
  }

  /** Splits a run block into commands: comments and blank lines dropped, backslash lines joined. */
  static List<String> commandsOf(String block) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : block.split("\r?\n")) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line.substring(0, line.length() - 1).strip()).append(' ');
        continue;
      }
      current.append(line);
      String cmd = current.toString().strip();
      current.setLength(0);
      if (!cmd.isEmpty()) {
        out.add(cmd);
      }
    }
    if (current.length() > 0) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static final List<Object[]> RULES =
      List.of(
          // Order matters: the first rule that matches decides.
          new Object[] {Pattern.compile("^(\\./)?(mvnw|mvn)\\b.*\\b(verify|test|integration-test)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(\\./)?(mvnw|mvn)\\b.*\\b(checkstyle:check|spotless:check|pmd:check)\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^(\\./)?(mvnw|mvn)\\b.*\\b(package|install|compile)\\b"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^(\\./)?(gradlew|gradle)\\b.*\\b(test|check)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(\\./)?(gradlew|gradle)\\b.*\\b(build|assemble)\\b"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^(npm|pnpm|yarn)\\s+(run\\s+)?(test|test:[\\w-]+)(\\s|$)"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(npm|pnpm|yarn)\\s+(run\\s+)?(typecheck|type-check|types|tsc)(\\s|$)"), CommandKind.TYPECHECK},
          new Object[] {Pattern.compile("^(npm|pnpm|yarn)\\s+(run\\s+)?(lint|lint:[\\w-]+|format:check)(\\s|$)"), CommandKind.LINT},
          new Object[] {Pattern.compile("^(npm|pnpm|yarn)\\s+(run\\s+)?build(\\s|$)"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^(npx\\s+)?(tsc|vue-tsc)\\b"), CommandKind.TYPECHECK},
          new Object[] {Pattern.compile("^(npx\\s+)?(eslint|prettier\\s+.*--check|biome\\s+(check|lint))\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^(npx\\s+)?(jest|vitest|mocha)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(python3?\\s+-m\\s+)?(pytest|tox|nox)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(python3?\\s+-m\\s+)?(mypy|pyright)\\b"), CommandKind.TYPECHECK},
          new Object[] {Pattern.compile("^(python3?\\s+-m\\s+)?(ruff|flake8|pylint|black\\s+.*--check|isort\\s+.*--check)\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^cargo\\s+(test|nextest)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^cargo\\s+(clippy|fmt\\s+.*--check)\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^cargo\\s+(build|check)\\b"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^go\\s+test\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^(go\\s+vet|golangci-lint|staticcheck|gofmt\\s+-l)\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^go\\s+build\\b"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^make\\s+(test|check|tests)\\b"), CommandKind.TEST},
          new Object[] {Pattern.compile("^make\\s+(lint|fmt-check|format-check)\\b"), CommandKind.LINT},
          new Object[] {Pattern.compile("^make\\s+(typecheck|types)\\b"), CommandKind.TYPECHECK},
          new Object[] {Pattern.compile("^make(\\s+(build|all))?\\s*$"), CommandKind.BUILD},
          new Object[] {Pattern.compile("^(ctest|bazel\\s+test)\\b"), CommandKind.TEST});

  /** Returns what a command checks, or empty when it is not a check (an install, a set-up step). */
  static Optional<CommandKind> classify(String command) {
    String c = command.strip();
    for (Object[] rule : RULES) {
      if (((Pattern) rule[0]).matcher(c).find()) {
        return Optional.of((CommandKind) rule[1]);
      }
    }
    return Optional.empty();
  }

  private static CiCommand command(String line, String wd, CommandKind kind, String source, boolean fromCi) {
    boolean shell = SHELL_META.matcher(line).find();
    List<String> argv = shell ? List.of("sh", "-c", line) : List.of(line.strip().split("\\s+"));
    return new CiCommand(argv, shell, wd, kind, source, fromCi);
  }

  // ---------------------------------------------------------------- conventions

  private static List<Path> projectFolders(Path root) {
    List<Path> out = new ArrayList<>();
    collect(root, 0, out);
    return out;
  }

  private static void collect(Path dir, int depth, List<Path> out) {
    if (isProject(dir)) {
      out.add(dir);
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path child : s.filter(Files::isDirectory).sorted().toList()) {
        String n = child.getFileName().toString();
        if (!SKIP_DIRS.contains(n) && !n.startsWith(".")) {
          collect(child, depth + 1, out);
        }
      }
    } catch (IOException e) {
      // an unreadable folder has no conventions to offer
    }
  }

  private static boolean isProject(Path dir) {
    for (String f : List.of("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "pyproject.toml", "setup.py", "tox.ini",
        "pytest.ini", "Cargo.toml", "go.mod", "Makefile")) {
      if (Files.isRegularFile(dir.resolve(f))) {
        return true;
      }
    }
    return false;
  }

  private static List<CiCommand> conventions(Path root, Path dir, List<CiCommands.Problem> problems) {
    String wd = rel(root, dir);
    List<CiCommand> out = new ArrayList<>();
    if (Files.isRegularFile(dir.resolve("pom.xml"))) {
      String mvn = Files.isRegularFile(dir.resolve("mvnw")) ? "./mvnw" : "mvn";
      out.add(command(mvn + " -B verify", wd, CommandKind.TEST, rel(root, dir.resolve("pom.xml")), false));
      out.add(command(mvn + " -B -DskipTests package", wd, CommandKind.BUILD, rel(root, dir.resolve("pom.xml")), false));
    }
    if (Files.isRegularFile(dir.resolve("build.gradle")) || Files.isRegularFile(dir.resolve("build.gradle.kts"))) {
      String gradle = Files.isRegularFile(dir.resolve("gradlew")) ? "./gradlew" : "gradle";
      String src = rel(root, dir.resolve(Files.isRegularFile(dir.resolve("build.gradle")) ? "build.gradle" : "build.gradle.kts"));
      out.add(command(gradle + " test", wd, CommandKind.TEST, src, false));
      out.add(command(gradle + " check", wd, CommandKind.LINT, src, false));
      out.add(command(gradle + " assemble", wd, CommandKind.BUILD, src, false));
    }
    Path pkg = dir.resolve("package.json");
    if (Files.isRegularFile(pkg)) {
      try {
        JsonNode scripts = JSON.readTree(Files.readString(pkg, StandardCharsets.UTF_8)).path("scripts");
        String pm = Files.isRegularFile(dir.resolve("pnpm-lock.yaml")) ? "pnpm" : Files.isRegularFile(dir.resolve("yarn.lock")) ? "yarn" : "npm";
        String src = rel(root, pkg);
        if (scripts.has("test")) {
          out.add(command(pm + " test", wd, CommandKind.TEST, src + "#scripts.test", false));
        }
        for (String t : List.of("typecheck", "type-check", "types")) {
          if (scripts.has(t)) {
            out.add(command(pm + " run " + t, wd, CommandKind.TYPECHECK, src + "#scripts." + t, false));
            break;
          }
        }
        if (scripts.has("lint")) {
          out.add(command(pm + " run lint", wd, CommandKind.LINT, src + "#scripts.lint", false));
        }
        if (scripts.has("build")) {
          out.add(command(pm + " run build", wd, CommandKind.BUILD, src + "#scripts.build", false));
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        problems.add(new CiCommands.Problem(rel(root, pkg), line, "not valid JSON: " + e.getOriginalMessage()));
      } catch (IOException e) {
        problems.add(new CiCommands.Problem(rel(root, pkg), 0, "cannot read: " + e.getMessage()));
      }
    }
    String pyproject = read(dir.resolve("pyproject.toml"));
    String setupCfg = read(dir.resolve("setup.cfg"));
    boolean pytest =
        Files.isRegularFile(dir.resolve("pytest.ini")) || pyproject.contains("[tool.pytest") || setupCfg.contains("[tool:pytest]")
            || Files.isRegularFile(dir.resolve("conftest.py")) || (Files.isDirectory(dir.resolve("tests")) && (!pyproject.isEmpty() || Files.isRegularFile(dir.resolve("setup.py"))));
    if (Files.isRegularFile(dir.resolve("tox.ini"))) {
      out.add(command("tox", wd, CommandKind.TEST, rel(root, dir.resolve("tox.ini")), false));
    }
    if (pytest) {
      out.add(command("pytest", wd, CommandKind.TEST, pyproject.contains("[tool.pytest") ? rel(root, dir.resolve("pyproject.toml")) : rel(root, dir), false));
    }
    if (pyproject.contains("[tool.mypy") || Files.isRegularFile(dir.resolve("mypy.ini"))) {
      out.add(command("mypy .", wd, CommandKind.TYPECHECK, rel(root, dir.resolve(pyproject.contains("[tool.mypy") ? "pyproject.toml" : "mypy.ini")), false));
    }
    if (pyproject.contains("[tool.ruff") || Files.isRegularFile(dir.resolve("ruff.toml"))) {
      out.add(command("ruff check .", wd, CommandKind.LINT, rel(root, dir.resolve(pyproject.contains("[tool.ruff") ? "pyproject.toml" : "ruff.toml")), false));
    }
    if (Files.isRegularFile(dir.resolve("Cargo.toml"))) {
      String src = rel(root, dir.resolve("Cargo.toml"));
      out.add(command("cargo test", wd, CommandKind.TEST, src, false));
      out.add(command("cargo clippy", wd, CommandKind.LINT, src, false));
      out.add(command("cargo build", wd, CommandKind.BUILD, src, false));
    }
    if (Files.isRegularFile(dir.resolve("go.mod"))) {
      String src = rel(root, dir.resolve("go.mod"));
      out.add(command("go test ./...", wd, CommandKind.TEST, src, false));
      out.add(command("go vet ./...", wd, CommandKind.LINT, src, false));
      out.add(command("go build ./...", wd, CommandKind.BUILD, src, false));
    }
    String makefile = read(dir.resolve("Makefile"));
    if (!makefile.isEmpty()) {
      Set<String> targets = new LinkedHashSet<>();
      for (String line : makefile.split("\r?\n")) {
        Matcher m = MAKE_TARGET.matcher(line);
        if (m.find()) {
          targets.add(m.group(1));
        }
      }
      String src = rel(root, dir.resolve("Makefile"));
      for (String t : List.of("test", "check")) {
        if (targets.contains(t)) {
          out.add(command("make " + t, wd, CommandKind.TEST, src, false));
          break;
        }
      }
      if (targets.contains("lint")) {
        out.add(command("make lint", wd, CommandKind.LINT, src, false));
      }
      if (targets.contains("build")) {
        out.add(command("make build", wd, CommandKind.BUILD, src, false));
      }
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String rel(Path root, Path p) {
    String r = root.relativize(p).toString().replace('\\', '/');
    return r.isEmpty() ? "." : r;
  }

  private static String normalise(String wd) {
    String w = wd.strip();
    while (w.startsWith("./")) {
      w = w.substring(2);
    }
    while (w.endsWith("/") && w.length() > 1) {
      w = w.substring(0, w.length() - 1);
    }
    return w.isEmpty() || w.equals(".") ? "." : w;
  }
}
