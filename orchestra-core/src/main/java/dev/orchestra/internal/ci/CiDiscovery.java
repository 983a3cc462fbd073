package dev.orchestra.internal.ci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the local commands that mirror a repository's CI, deterministically and without running
 * anything: the {@code run:} steps of GitHub Actions workflows (with their working directories and
 * shells), then the conventions of Maven, Gradle, npm/pnpm/yarn, pytest/tox/ruff/mypy, cargo, go,
 * make, mix, swift, dotnet, composer and deno for what the workflows do not cover.
 *
 * <p>A {@code run:} step is run when a person reading the workflow would run it: when any part
 * of it is a check (see {@link StepClassifier}: known test, type-check, lint and build tools of
 * each ecosystem, package-manager scripts, {@code make} and other task runners, and scripts whose
 * name says test, check, lint, verify or ci, or build). A chained line ({@code npm ci && npm
 * test}) then runs whole as one shell line; a multi-line {@code run: |} block runs whole as one
 * script with {@code bash -e} (as GitHub runs it; {@code sh -e} where there is no bash). Builds
 * found in workflows run too, in workflow order.
 *
 * <p>Every other step is reported in {@link CiCommands#skipped()} with its reason: installs,
 * formatters and set-up are not checks; a step that deploys, publishes, uploads, uses {@code sudo}
 * or installs system packages is never run, even beside a check; a step that needs GitHub's
 * {@code ${{ }}} expressions, another shell (PowerShell, say), or whose failure CI ignores ({@code
 * continue-on-error}) is left out. Actions ({@code uses:}) run only on GitHub; checkout, set-up and
 * cache actions are not listed.
 *
 * <p>From conventions, a folder gets each kind of check its workflows do not already run there,
 * and a build only when it has no test command (so {@code mvn -B verify} is not doubled by {@code
 * mvn package}).
 *
 * <p>Thread-safe and stateless.
 */
public final class CiDiscovery {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SKIP_DIRS =
      Set.of("node_modules", "target", "build", ".git", "vendor", "dist", ".venv", "venv", "__pycache__", ".gradle", ".idea", "out");
  private static final int MAX_DEPTH = 3;
  private static final Pattern SHELL_META = Pattern.compile("[|&;<>$`()*?\\[\\]{}'\"\\\\~\\n]");
  private static final Pattern MAKE_TARGET = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*:(?![=:])");
  private static final Pattern DEFAULT_GOAL = Pattern.compile("^\\.DEFAULT_GOAL\\s*:?=\\s*(\\S+)");
  private static final List<String> BUILD_FILES =
      List.of("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "pyproject.toml", "setup.py", "tox.ini", "pytest.ini",
          "Cargo.toml", "go.mod", "Makefile", "mix.exs", "Package.swift", "composer.json", "deno.json", "deno.jsonc");
  static final String EXPRESSIONS = "needs GitHub's ${{ }} expressions";
  static final String IGNORED_FAILURE = "CI ignores its failure (continue-on-error)";

  private CiDiscovery() {}

  /**
   * Scans a repository.
   *
   * @param root the repository's root folder
   * @return the commands found, the steps left out, the files looked at and the problems met;
   *     never throws for a malformed file
   * @throws UncheckedIOException when the root cannot be read
   */
  public static CiCommands scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new UncheckedIOException(new IOException(root + " is not a folder"));
    }
    Scan scan = new Scan(root);
    scan.workflows();
    for (Path dir : projectFolders(root)) {
      scan.conventions(dir);
    }
    // The same command in the same folder once, first source wins.
    Set<String> seen = new LinkedHashSet<>();
    List<CiCommand> unique = new ArrayList<>();
    for (CiCommand c : scan.commands) {
      if (seen.add(c.workingDirectory() + "\u0000" + c.command())) {
        unique.add(c);
      }
    }
    return new CiCommands(unique, scan.skipped, scan.examined, scan.problems);
  }

  /** Returns what a shell text checks, or empty when it is not a check (an install, a set-up step). */
  static Optional<CommandKind> classify(String command) {
    return StepClassifier.text(command) instanceof StepClassifier.Check c ? Optional.of(c.kind()) : Optional.empty();
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

  /** A shell text on one line: itself, or its first command and how many more lines follow. */
  static String label(String text) {
    List<String> lines = commandsOf(text);
    if (lines.size() <= 1) {
      return lines.isEmpty() ? text.strip() : lines.get(0);
    }
    int more = lines.size() - 1;
    return lines.get(0) + " (+" + more + " more line" + (more == 1 ? "" : "s") + ")";
  }

  /** One scan's results as they accumulate. */
  private static final class Scan {
    private final Path root;
    private final boolean bash = onPath("bash");
    final List<CiCommand> commands = new ArrayList<>();
    final List<CiCommands.Skipped> skipped = new ArrayList<>();
    final List<String> examined = new ArrayList<>();
    final List<CiCommands.Problem> problems = new ArrayList<>();
    /** What the workflows already check, by working directory. */
    private final Map<String, Set<CommandKind>> covered = new HashMap<>();

    Scan(Path root) {
      this.root = root;
    }

    // -------------------------------------------------------------- GitHub Actions

    void workflows() {
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
        workflow(f);
      }
    }

    private void workflow(Path f) {
      String name = rel(root, f);
      examined.add(name);
      String text;
      JsonNode doc;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
        doc = YAML.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        problems.add(new CiCommands.Problem(name, line, "not valid YAML: " + e.getOriginalMessage()));
        return;
      } catch (IOException | RuntimeException e) {
        problems.add(new CiCommands.Problem(name, 0, "cannot read: " + e.getMessage()));
        return;
      }
      if (doc == null || !doc.isObject()) {
        problems.add(new CiCommands.Problem(name, 1, "a workflow must be a mapping with 'jobs'"));
        return;
      }
      Map<String, Integer> lines = keyLines(text);
      JsonNode workflowRun = doc.path("defaults").path("run");
      for (Map.Entry<String, JsonNode> job : doc.path("jobs").properties()) {
        JsonNode j = job.getValue();
        JsonNode jobRun = j.path("defaults").path("run");
        String jobDir = jobRun.path("working-directory").asText(workflowRun.path("working-directory").asText(""));
        String jobShell = jobRun.path("shell").asText(workflowRun.path("shell").asText(""));
        boolean windows = j.path("runs-on").toString().toLowerCase(Locale.ROOT).contains("windows");
        JsonNode steps = j.path("steps");
        for (int i = 0; i < steps.size() && steps.isArray(); i++) {
          JsonNode step = steps.get(i);
          JsonPointer at = JsonPointer.empty().appendProperty("jobs").appendProperty(job.getKey()).appendProperty("steps").appendIndex(i);
          if (step.path("uses").isTextual()) {
            action(name + ":" + lines.getOrDefault(at.appendProperty("uses").toString(), 0), step.path("uses").asText());
          } else if (step.has("run")) {
            String source = name + ":" + lines.getOrDefault(at.appendProperty("run").toString(), 0);
            String wd = step.path("working-directory").asText(jobDir);
            String shell = step.path("shell").asText(jobShell).strip();
            run(source, step.path("run").asText(""), wd, shell, windows, step.path("continue-on-error").asBoolean(false));
          }
        }
      }
    }

    /** A {@code run:} step: a command to run, or a skipped step with its reason. */
    private void run(String source, String text, String wd, String shell, boolean windows, boolean failureIgnored) {
      String label = label(text);
      StepClassifier.Result result = StepClassifier.text(text);
      String reason = null;
      if (result instanceof StepClassifier.Skip s) {
        reason = s.reason();
      } else if (failureIgnored) {
        reason = IGNORED_FAILURE;
      } else if (text.contains("${{") || wd.contains("${{")) {
        reason = EXPRESSIONS;
      } else if (!shell.isEmpty() && !shell.startsWith("bash") && !shell.startsWith("sh")) {
        reason = "runs in " + shell.split("\\s")[0] + ", not a POSIX shell";
      } else if (shell.isEmpty() && windows) {
        reason = "runs on Windows, in PowerShell";
      }
      if (reason != null) {
        skipped.add(new CiCommands.Skipped(source, label, reason));
        return;
      }
      StepClassifier.Check check = (StepClassifier.Check) result;
      String dir = normalise(wd);
      commands.add(invocation(text, shell).command(dir, check.kind(), source, true));
      covered.computeIfAbsent(dir, k -> EnumSet.noneOf(CommandKind.class)).addAll(check.kinds());
    }

    /**
     * How a step's text runs: one plain line as its words (or {@code sh -c} when it has shell
     * syntax), several lines as one script under {@code bash -e} (GitHub's default) or {@code sh
     * -e}; an explicit {@code shell: bash} as GitHub runs it, with pipefail.
     */
    private Invocation invocation(String text, String shell) {
      String script = text.strip();
      List<String> lines = commandsOf(script);
      if (shell.startsWith("bash") && bash) {
        return new Invocation(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script), true);
      }
      if (shell.isEmpty() && lines.size() == 1) {
        return Invocation.of(lines.get(0));
      }
      return new Invocation(bash && shell.isEmpty() ? List.of("bash", "-e", "-c", script) : List.of("sh", "-e", "-c", script), true);
    }

    /** A {@code uses:} step: reported unless it is checkout, set-up or cache plumbing. */
    private void action(String source, String uses) {
      String action = uses.strip();
      String name = (action.contains("@") ? action.substring(0, action.indexOf('@')) : action).toLowerCase(Locale.ROOT);
      if (name.equals("actions/checkout") || name.matches(".*/setup-[^/]*") || name.matches("actions/cache(/.*)?|.*/cache")) {
        return;
      }
      String reason;
      if (name.matches(".*(upload-artifact|upload-pages-artifact|codecov|coveralls).*")) {
        reason = StepClassifier.UPLOADS;
      } else if (name.contains("download-artifact")) {
        reason = "downloads artifacts";
      } else if (name.matches(".*(deploy|publish|release|pages|push).*")) {
        reason = StepClassifier.DEPLOYS;
      } else {
        reason = "a GitHub action, which runs only on GitHub";
      }
      skipped.add(new CiCommands.Skipped(source, "uses: " + action, reason));
    }
    // -------------------------------------------------------------- conventions

    /**
     * Adds a project folder's conventional commands: each kind its workflows do not already run
     * there, and a build only when the folder has no test command.
     */
    void conventions(Path dir) {
      String wd = rel(root, dir);
      for (String f : BUILD_FILES) {
        if (Files.isRegularFile(dir.resolve(f))) {
          examined.add(rel(root, dir.resolve(f)));
        }
      }
      Set<CommandKind> ci = covered.getOrDefault(wd, Set.of());
      List<CiCommand> found = new ArrayList<>();
      for (CiCommand c : conventionsOf(dir)) {
        if (!ci.contains(c.kind())) {
          found.add(c);
        }
      }
      boolean tested = ci.contains(CommandKind.TEST) || found.stream().anyMatch(c -> c.kind() == CommandKind.TEST);
      for (CiCommand c : found) {
        if (!(tested && c.kind() == CommandKind.BUILD)) {
          commands.add(c);
        }
      }
    }

    private CiCommand convention(String line, Path dir, CommandKind kind, String source) {
      return Invocation.of(line).command(rel(root, dir), kind, source, false);
    }

    private List<CiCommand> conventionsOf(Path dir) {
      List<CiCommand> out = new ArrayList<>();
      if (Files.isRegularFile(dir.resolve("pom.xml"))) {
        String mvn = Files.isRegularFile(dir.resolve("mvnw")) ? "./mvnw" : "mvn";
        String src = rel(root, dir.resolve("pom.xml"));
        out.add(convention(mvn + " -B verify", dir, CommandKind.TEST, src));
        out.add(convention(mvn + " -B -DskipTests package", dir, CommandKind.BUILD, src));
      }
      if (Files.isRegularFile(dir.resolve("build.gradle")) || Files.isRegularFile(dir.resolve("build.gradle.kts"))) {
        String gradle = Files.isRegularFile(dir.resolve("gradlew")) ? "./gradlew" : "gradle";
        String src = rel(root, dir.resolve(Files.isRegularFile(dir.resolve("build.gradle")) ? "build.gradle" : "build.gradle.kts"));
        out.add(convention(gradle + " test", dir, CommandKind.TEST, src));
        out.add(convention(gradle + " check", dir, CommandKind.LINT, src));
        out.add(convention(gradle + " assemble", dir, CommandKind.BUILD, src));
      }
      packageJson(dir, out);
      python(dir, out);
      if (Files.isRegularFile(dir.resolve("Cargo.toml"))) {
        String src = rel(root, dir.resolve("Cargo.toml"));
        out.add(convention("cargo test", dir, CommandKind.TEST, src));
        out.add(convention("cargo clippy", dir, CommandKind.LINT, src));
        out.add(convention("cargo build", dir, CommandKind.BUILD, src));
      }
      if (Files.isRegularFile(dir.resolve("go.mod"))) {
        String src = rel(root, dir.resolve("go.mod"));
        out.add(convention("go test ./...", dir, CommandKind.TEST, src));
        out.add(convention("go vet ./...", dir, CommandKind.LINT, src));
        out.add(convention("go build ./...", dir, CommandKind.BUILD, src));
      }
      makefile(dir, out);
      if (Files.isRegularFile(dir.resolve("mix.exs"))) {
        out.add(convention("mix test", dir, CommandKind.TEST, rel(root, dir.resolve("mix.exs"))));
      }
      if (Files.isRegularFile(dir.resolve("Package.swift"))) {
        out.add(convention("swift test", dir, CommandKind.TEST, rel(root, dir.resolve("Package.swift"))));
      }
      String dotnet = dotnetProject(dir);
      if (!dotnet.isEmpty()) {
        out.add(convention("dotnet test", dir, CommandKind.TEST, rel(root, dir.resolve(dotnet))));
      }
      Path composer = dir.resolve("composer.json");
      if (Files.isRegularFile(composer) && json(composer).path("scripts").has("test")) {
        out.add(convention("composer test", dir, CommandKind.TEST, rel(root, composer) + "#scripts.test"));
      }
      for (String deno : List.of("deno.json", "deno.jsonc")) {
        Path f = dir.resolve(deno);
        if (Files.isRegularFile(f) && json(f).path("tasks").has("test")) {
          out.add(convention("deno task test", dir, CommandKind.TEST, rel(root, f) + "#tasks.test"));
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
      String src = rel(root, pkg);
      if (scripts.has("test")) {
        if (scripts.path("test").asText("").contains("no test specified")) {
          // npm init's placeholder, which fails on purpose: running it checks nothing.
          skipped.add(new CiCommands.Skipped(src + "#scripts.test", pm + " test", "npm's placeholder (\"no test specified\")"));
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
        out.add(convention("tox", dir, CommandKind.TEST, rel(root, dir.resolve("tox.ini"))));
      }
      if (pytest) {
        out.add(convention("pytest", dir, CommandKind.TEST, pyproject.contains("[tool.pytest") ? rel(root, dir.resolve("pyproject.toml")) : rel(root, dir)));
      }
      if (pyproject.contains("[tool.mypy") || Files.isRegularFile(dir.resolve("mypy.ini"))) {
        out.add(convention("mypy .", dir, CommandKind.TYPECHECK, rel(root, dir.resolve(pyproject.contains("[tool.mypy") ? "pyproject.toml" : "mypy.ini"))));
      }
      if (pyproject.contains("[tool.ruff") || Files.isRegularFile(dir.resolve("ruff.toml"))) {
        out.add(convention("ruff check .", dir, CommandKind.LINT, rel(root, dir.resolve(pyproject.contains("[tool.ruff") ? "pyproject.toml" : "ruff.toml"))));
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
      String src = rel(root, dir.resolve("Makefile"));
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
          skipped.add(new CiCommands.Skipped(src, "make", "its default goal '" + defaultGoal + "' " + s.reason()));
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
        problems.add(new CiCommands.Problem(rel(root, file), line, "not valid JSON: " + e.getOriginalMessage()));
      } catch (IOException e) {
        problems.add(new CiCommands.Problem(rel(root, file), 0, "cannot read: " + e.getMessage()));
      }
      return JSON.missingNode();
    }
  }

  /** How a command runs: its arguments, and whether they are a shell and its text. */
  private record Invocation(List<String> argv, boolean shell) {
    /** One line: its words, or {@code sh -c} when it needs a shell. */
    static Invocation of(String line) {
      return SHELL_META.matcher(line).find()
          ? new Invocation(List.of("sh", "-c", line), true)
          : new Invocation(List.of(line.strip().split("\\s+")), false);
    }

    CiCommand command(String wd, CommandKind kind, String source, boolean fromCi) {
      return new CiCommand(argv, shell, wd, kind, source, fromCi);
    }
  }

  /** The line of every key in a YAML text, by JSON pointer; empty when the text does not parse. */
  private static Map<String, Integer> keyLines(String text) {
    Map<String, Integer> out = new HashMap<>();
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          out.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the tree parse has reported the problem; lines are then unknown (0)
    }
    return out;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- folders

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
    for (String f : BUILD_FILES) {
      if (Files.isRegularFile(dir.resolve(f))) {
        return true;
      }
    }
    return !Scan.dotnetProject(dir).isEmpty();
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
