package dev.orchestra.internal.ci;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a piece of shell from a CI workflow is: a check to run (and of which kinds), or a
 * step to leave out and why. Deterministic, runs nothing, stateless.
 *
 * <p>A shell text is split into simple commands at {@code &&}, {@code ||}, {@code ;}, {@code |},
 * {@code &} and new lines (quotes, {@code $(…)} and back-ticks respected). Each simple command is
 * classified on its own: wrappers such as {@code npx}, {@code python -m}, {@code bundle exec} or
 * {@code poetry run} are looked through, then the {@link #RULES} table decides for known tools,
 * then package-manager scripts, task runners ({@code make}, {@code just}, {@code rake}, …) and
 * script files ({@code sh test.sh}, {@code ./ci.sh}, {@code scripts/lint}) are judged by the name
 * of the script or target. The text as a whole is then:
 *
 * <ul>
 *   <li>left out when any part is unsafe to run on a developer's machine (it deploys, publishes,
 *       uploads, uses {@code sudo} or installs system packages), even next to a check;
 *   <li>a check when any part is one, with the kinds of all its checking parts;
 *   <li>otherwise left out, with the most telling reason among its parts.
 * </ul>
 */
final class StepClassifier {
  static final String INSTALLS = "installs dependencies";
  static final String DEPLOYS = "deploys/publishes";
  static final String UPLOADS = "uploads artifacts";
  static final String SYSTEM = "changes the machine (sudo or system packages)";
  static final String REMOTE = "talks to a remote service";
  static final String FORMATS = "rewrites files (a formatter, not a check)";
  static final String PREPARES = "prepares the job (not a check)";
  static final String NOT_A_CHECK = "not recognised as a check";
  private static final String NOTHING = "nothing to run";

  /** What a shell text or a simple command is. */
  sealed interface Result permits Check, Skip {}

  /**
   * A check to run.
   *
   * @param kinds what its checking parts check; never empty
   */
  record Check(Set<CommandKind> kinds) implements Result {
    Check {
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("a check checks something");
      }
      kinds = Set.copyOf(kinds);
    }

    /** The strongest kind: tests over type checks over lint over builds. */
    CommandKind kind() {
      return EnumSet.copyOf(kinds).iterator().next();
    }
  }

  /**
   * Not a check.
   *
   * @param reason why it is left out, a few words
   * @param unsafe whether running it on a developer's machine would do harm (deploy, publish,
   *     upload, change the system): then a text with such a part is never run, even beside a check
   */
  record Skip(String reason, boolean unsafe) implements Result {
    /** How telling the reason is: a named reason, then "not recognised", then set-up, then nothing. */
    int rank() {
      return switch (reason) {
        case NOTHING -> 0;
        case PREPARES -> 1;
        case NOT_A_CHECK -> 2;
        default -> 3;
      };
    }
  }

  /** One row of the table: the first whose pattern is found at the start of a command decides. */
  private record Rule(Pattern pattern, Result result) {
    Rule(String regex, Result result) {
      this(Pattern.compile("^(?:" + regex + ")"), result);
    }
  }

  private static Rule check(String regex, CommandKind kind) {
    return new Rule(regex, new Check(Set.of(kind)));
  }

  private static Rule skip(String regex, String reason) {
    return new Rule(regex, new Skip(reason, false));
  }

  private static Rule unsafe(String regex, String reason) {
    return new Rule(regex, new Skip(reason, true));
  }

  /** A tool named by itself or by a path to it ({@code vendor/bin/phpunit}, {@code ./mvnw}). */
  private static final String P = "(?:\\S*/)?";
  /** The end of a word. */
  private static final String E = "(?=\\s|$)";
  /** A word-start for a Maven phase or Gradle task anywhere in the arguments. */
  private static final String W = ".*(?:^|\\s)";

  private static final String MVN = P + "mvnw?(?:\\.cmd)?" + E;
  private static final String GRADLE = P + "gradlew?(?:\\.bat)?" + E;
  private static final String MVN_SKIPS_TESTS = "(?!.*\\s-D(?:skipTests|maven\\.test\\.skip)(?:=true)?" + E + ")";
  private static final String GRADLE_SKIPS_TESTS = "(?!.*\\s-x\\s+:?(?:\\S*:)?test" + E + ")";

  /**
   * Known tools, in order; the first match decides. Unsafe commands come first, so that a deploy
   * is never taken for the test phase it also runs.
   */
  private static final List<Rule> RULES =
      List.of(
          // ---- never run: they change the machine, publish or talk to remote services
          unsafe("sudo" + E, SYSTEM),
          unsafe("(?:apt-get|apt|aptitude|yum|dnf|apk|pacman|zypper|brew|port|choco|winget|snap|scoop)" + E, SYSTEM),
          unsafe(MVN + W + "(?:deploy|release:\\S+|site-deploy|deploy:\\S+|jib:build|gpg:sign-and-deploy-file)" + E, DEPLOYS),
          unsafe(GRADLE + W + "(?:\\S*:)?(?:publish\\w*|release|uploadArchives|jib|bintrayUpload)" + E, DEPLOYS),
          unsafe("(?:npm|pnpm|yarn|bun)\\s(?:.*\\s)?(?:publish|unpublish|deprecate|dist-tag)" + E, DEPLOYS),
          unsafe("cargo\\s+(?:\\+\\S+\\s+)?(?:publish|yank|owner|login|release)" + E, DEPLOYS),
          unsafe("(?:twine|flit|poetry|hatch|uv|pdm)\\s+(?:upload|publish)" + E, DEPLOYS),
          unsafe("(?:gem\\s+push|dotnet\\s+nuget\\s+push|mix\\s+hex\\.publish|git\\s+push)" + E, DEPLOYS),
          unsafe("(?:docker|podman|buildah)\\s+(?:push|login)" + E, DEPLOYS),
          check("(?:helm\\s+lint|(?:terraform|tofu)\\s+(?:fmt\\s.*-check|validate)|tflint)" + E, CommandKind.LINT),
          skip("(?:terraform|tofu)\\s+init" + E, INSTALLS),
          skip("(?:terraform|tofu)\\s+fmt" + E, FORMATS),
          unsafe("(?:kubectl|helm|terraform|tofu|pulumi|ansible-playbook|serverless|sls|cdk|vercel|netlify|firebase|flyctl|fly|heroku|wrangler|surge|eb|sam)" + E, DEPLOYS),
          unsafe("(?:gh|aws|gcloud|gsutil|az|doctl|ssh|scp|sftp|rsync)" + E, REMOTE),
          unsafe(".*codecov|(?:\\S*/)?(?:coveralls|codacy-coverage-reporter|sonar-scanner)" + E, UPLOADS),
          unsafe("curl\\s(?:.*\\s)?(?:-T|--upload-file|-F|--form|-d|--data\\S*|-X\\s*(?:POST|PUT))" + E, UPLOADS),

          // ---- installs, which a check may follow but which are not checks themselves
          skip("(?:pip3?|pipx|uv\\s+pip|pip-sync)\\s+(?:install|sync)" + E + "|pip-sync" + E, INSTALLS),
          skip("(?:uv\\s+(?:sync|tool\\s+install|venv|python\\s+install)|(?:poetry|pipenv|pdm|rye)\\s+(?:install|sync|lock)|(?:conda|mamba|micromamba)\\s+(?:install|create|env\\s+create))" + E, INSTALLS),
          skip("(?:npm|pnpm|bun)\\s+(?:ci|install|i|add|clean-install)" + E, INSTALLS),
          skip("yarn(?:\\s+-\\S+)*$|yarn\\s+(?:install|add)" + E, INSTALLS),
          skip("(?:bundle(?:\\s+(?:install|config|lock)" + E + ".*)?$|gem\\s+install" + E + ")", INSTALLS),
          skip("composer\\s+(?:install|update|require|i)" + E, INSTALLS),
          skip("go\\s+(?:mod\\s+download|get|install)" + E + "|cargo\\s+(?:install|fetch|binstall)" + E + "|rustup" + E, INSTALLS),
          skip(MVN + "(?!" + W + "(?:test|integration-test|verify|package|install)" + E + ")" + W + "dependency:\\S+" + E, INSTALLS),
          skip("dotnet\\s+(?:restore|tool\\s+(?:restore|install)|workload\\s+install)" + E + "|mix\\s+(?:deps\\.get|local\\.\\S+)" + E, INSTALLS),
          skip("(?:playwright|cypress)\\s+install" + E + "|pre-commit\\s+install" + E + "|(?:flutter|dart)\\s+pub\\s+get" + E, INSTALLS),
          skip("(?:corepack|nvm|fnm|volta|asdf|pyenv|sdk|jabba|conan\\s+install|vcpkg\\s+install|deno\\s+(?:cache|install)|swift\\s+package\\s+resolve|cabal\\s+update|stack\\s+setup)" + E, INSTALLS),

          // ---- formatters that rewrite files: not checks
          skip("(?:ruff\\s+format|cargo\\s+(?:\\+\\S+\\s+)?fmt|black|isort|gofmt\\s+-w|prettier|dotnet\\s+format|mix\\s+format|deno\\s+fmt|dart\\s+format|zig\\s+fmt|terraform\\s+fmt)(?!.*\\s(?:--check|-check|--check-formatted|--check-only|-c|-l|--list-different|--verify-no-changes|--set-exit-if-changed)" + E + ")" + E, FORMATS),

          // ---- Maven and Gradle: the phases and tasks that run tests are tests
          check(MVN_SKIPS_TESTS + MVN + W + "(?:test|integration-test|verify|package|install)" + E, CommandKind.TEST),
          check(MVN + W + "(?:checkstyle:check|spotless:check|pmd:check|pmd:cpd-check|spotbugs:check|enforcer:enforce|fmt:check|license:check|formatter:validate|impsort:check|rewrite:dryRun)" + E, CommandKind.LINT),
          check(MVN + W + "(?:compile|test-compile|package|install|verify)" + E, CommandKind.BUILD),
          check(GRADLE_SKIPS_TESTS + GRADLE + W + "(?:\\S*:)?(?:test|check|build|\\w+Test|\\w+Check(?<!ktlintCheck|spotlessCheck|detektCheck))" + E, CommandKind.TEST),
          check(GRADLE + W + "(?:\\S*:)?(?:lint\\w*|\\w+Lint|ktlintCheck|spotlessCheck|detekt\\w*|checkstyle\\w*|pmd\\w*|spotbugs\\w*)" + E, CommandKind.LINT),
          check(GRADLE + W + "(?:\\S*:)?(?:assemble\\w*|build|compile\\w*|\\w*[jJ]ar|installDist)" + E, CommandKind.BUILD),

          // ---- JavaScript and TypeScript
          check(P + "(?:jest|vitest|mocha|ava|tap|c8|nyc|karma|jasmine|wdio|uvu|playwright\\s+test|cypress\\s+run|node\\s+--test)" + E, CommandKind.TEST),
          check(P + "(?:tsc|vue-tsc|svelte-check|flow)" + E, CommandKind.TYPECHECK),
          check(P + "(?:eslint|stylelint|xo|standard|oxlint|tslint|markdownlint(?:-cli2)?|biome\\s+(?:check|lint|ci)|prettier\\s.*(?:--check|-c|--list-different|-l))" + E, CommandKind.LINT),
          check("deno\\s+test" + E + "|bun\\s+test" + E, CommandKind.TEST),
          check("deno\\s+check" + E, CommandKind.TYPECHECK),
          check("deno\\s+(?:lint|fmt\\s.*--check)" + E, CommandKind.LINT),

          // ---- Python
          check(P + "(?:pytest|py\\.test|tox|nox|unittest|nosetests|nose2|trial|ward)" + E + "|coverage\\s+run" + E + "|hatch\\s+test" + E, CommandKind.TEST),
          check("python[0-9.]*\\s+(?:\\S*/)?(?:setup\\.py\\s+test|manage\\.py\\s+test|runtests\\.py)" + E, CommandKind.TEST),
          check(P + "(?:mypy|dmypy\\s+run|pyright|basedpyright|pytype|pyre)" + E, CommandKind.TYPECHECK),
          check(P + "(?:ruff|flake8|pylint|pycodestyle|pydocstyle|bandit|vulture|black\\s.*--check|isort\\s.*(?:--check|--check-only|-c)|pre-commit\\s+run|codespell|typos|yamllint)" + E, CommandKind.LINT),

          // ---- Rust, Go
          check("cargo\\s+(?:\\+\\S+\\s+)?(?:test|nextest|tarpaulin|llvm-cov|miri\\s+test)" + E, CommandKind.TEST),
          check("cargo\\s+(?:\\+\\S+\\s+)?(?:clippy|fmt\\s.*--check|deny|audit|udeps|machete)" + E, CommandKind.LINT),
          check("cargo\\s+(?:\\+\\S+\\s+)?(?:build|check|doc)" + E, CommandKind.BUILD),
          check("go\\s+test" + E + "|gotestsum" + E + "|ginkgo" + E, CommandKind.TEST),
          check("go\\s+vet" + E + "|" + P + "(?:golangci-lint|staticcheck|revive|govulncheck)" + E + "|gofmt\\s+(?:-\\S+\\s+)*-l" + E, CommandKind.LINT),
          check("go\\s+build" + E, CommandKind.BUILD),

          // ---- C, C++ and the build systems around them
          check("ctest" + E + "|(?:bazel|bazelisk)\\s+(?:\\S+\\s+)*?(?:test|coverage)" + E + "|meson\\s+test" + E + "|ninja\\s+(?:-\\S+\\s+)*(?:test|check)" + E, CommandKind.TEST),
          check("cmake\\s+--build\\s.*--target\\s+(?:test|check)" + E, CommandKind.TEST),
          check("(?:bazel|bazelisk)\\s+(?:\\S+\\s+)*?build" + E + "|cmake" + E + "|meson\\s+(?:setup|compile)" + E + "|ninja" + E + "|autoreconf" + E, CommandKind.BUILD),

          // ---- .NET, Elixir, Ruby, PHP, Swift, JVM others, Haskell, Dart, Zig, Nix
          check("dotnet\\s+test" + E, CommandKind.TEST),
          check("dotnet\\s+format\\s.*--verify-no-changes" + E, CommandKind.LINT),
          check("dotnet\\s+(?:build|msbuild|publish|pack)" + E, CommandKind.BUILD),
          check("mix\\s+test" + E, CommandKind.TEST),
          check("mix\\s+(?:format\\s.*--check-formatted|credo)" + E, CommandKind.LINT),
          check("mix\\s+dialyzer" + E, CommandKind.TYPECHECK),
          check("mix\\s+compile" + E, CommandKind.BUILD),
          check(P + "(?:rspec|cucumber|minitest)" + E + "|" + P + "rails\\s+(?:test|spec)" + E, CommandKind.TEST),
          check(P + "(?:rubocop|standardrb|erb_lint|erblint|reek)" + E, CommandKind.LINT),
          check("srb\\s+tc" + E + "|steep\\s+check" + E, CommandKind.TYPECHECK),
          check(P + "(?:phpunit|pest|paratest)" + E + "|" + P + "codecept\\s+run" + E, CommandKind.TEST),
          check(P + "(?:phpstan|psalm)" + E, CommandKind.TYPECHECK),
          check(P + "(?:phpcs|phpmd|php-cs-fixer\\s.*--dry-run|pint\\s.*--test)" + E, CommandKind.LINT),
          check("swift\\s+test" + E + "|xcodebuild\\s.*\\stest" + E, CommandKind.TEST),
          check("swift\\s+build" + E + "|xcodebuild" + E, CommandKind.BUILD),
          check(P + "swiftlint" + E, CommandKind.LINT),
          check("sbt" + W + "\\+?(?:test|testOnly\\S*|it:test|Test/test)" + E + "|lein\\s+test" + E + "|(?:clojure|clj)\\s.*:test" + E, CommandKind.TEST),
          check("sbt" + W + "(?:scalafmtCheck\\w*|scalastyle|scalafix\\s.*--check)" + E, CommandKind.LINT),
          check("sbt" + W + "(?:compile|package|assembly)" + E, CommandKind.BUILD),
          check("(?:stack|cabal)\\s+test" + E, CommandKind.TEST),
          check("(?:stack|cabal)\\s+build" + E, CommandKind.BUILD),
          check("hlint" + E, CommandKind.LINT),
          check("(?:flutter|dart)\\s+test" + E, CommandKind.TEST),
          check("(?:flutter|dart)\\s+analyze" + E + "|dart\\s+format\\s.*--set-exit-if-changed" + E, CommandKind.LINT),
          check("zig\\s+build\\s+test" + E + "|nix\\s+flake\\s+check" + E, CommandKind.TEST),
          check("zig\\s+fmt\\s.*--check" + E, CommandKind.LINT),
          check("zig\\s+build" + E + "|nix\\s+build" + E, CommandKind.BUILD),

          // ---- linters of any project
          check(P + "(?:shellcheck|hadolint|actionlint|editorconfig-checker|commitlint)" + E, CommandKind.LINT),
          check("(?:test|\\[)\\s+-z\\s+\\$\\((?:gofmt|go\\s+fmt)", CommandKind.LINT),

          // ---- set-up of the job
          skip("(?:cd|pushd|popd|mkdir|chmod|chown|export|source|\\.|ln|cp|mv|rm|touch|set|shopt|ulimit|trap|git\\s+(?:config|fetch|submodule|checkout|clone|lfs|reset|clean))" + E, PREPARES),
          skip("echo\\s.*\\$\\{?GITHUB_(?:ENV|PATH|OUTPUT|STEP_SUMMARY)", PREPARES),
          skip("(?:docker|podman)(?:-compose)?" + E, "needs a container engine"));

  private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
  private static final Set<String> KEYWORDS =
      Set.of("time", "nice", "nohup", "command", "exec", "!", "then", "else", "do", "if", "elif", "while", "until", "{", "}", "fi",
          "done", "esac", "eval");
  private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh");
  private static final Set<String> INTERPRETERS = Set.of("python", "python3", "node", "ruby", "perl", "php", "tsx", "ts-node", "Rscript");
  private static final Set<String> TASK_RUNNERS = Set.of("make", "gmake", "just", "task", "rake", "invoke", "inv", "mage");
  private static final Set<String> OPTIONS_WITH_VALUE =
      Set.of("-C", "-f", "--file", "--directory", "-I", "-o", "-W", "--prefix", "-w", "--workspace", "--dir", "--filter", "-F", "--cwd",
          "-p", "--package", "--justfile", "-d", "--taskfile");

  private StepClassifier() {}

  /**
   * Classifies a shell text: one line or a whole {@code run:} block.
   *
   * @param text the shell text
   * @return a check with the kinds of its checking parts, or why it is not one
   */
  static Result text(String text) {
    List<Result> parts = new ArrayList<>();
    for (List<String> words : simpleCommands(text)) {
      parts.add(simple(words, 0));
    }
    return combine(parts);
  }

  /**
   * Combines the classifications of a text's parts: unsafe wins, then checks (all their kinds),
   * then the most telling reason.
   */
  static Result combine(List<Result> parts) {
    Skip best = new Skip(NOTHING, false);
    Set<CommandKind> kinds = EnumSet.noneOf(CommandKind.class);
    for (Result r : parts) {
      if (r instanceof Skip s && s.unsafe()) {
        return s;
      }
      if (r instanceof Check c) {
        kinds.addAll(c.kinds());
      } else if (r instanceof Skip s && s.rank() > best.rank()) {
        best = s;
      }
    }
    return kinds.isEmpty() ? best : new Check(kinds);
  }

  /** Classifies one simple command, given as words without quotes. */
  private static Result simple(List<String> all, int depth) {
    List<String> words = stripPrefixes(all);
    if (words.isEmpty()) {
      return new Skip(NOTHING, false);
    }
    if (depth > 8) {
      return new Skip(NOT_A_CHECK, false);
    }
    String line = String.join(" ", words);
    String program = words.get(0);

    // bash -c "…": the line inside decides.
    if (SHELLS.contains(program) && words.size() > 2 && words.get(1).startsWith("-") && words.get(1).endsWith("c")) {
      return text(words.get(2));
    }
    List<String> unwrapped = unwrap(words);
    if (unwrapped != null) {
      Result inner = simple(unwrapped, depth + 1);
      if (inner instanceof Skip s && s.reason().equals(NOT_A_CHECK) && !unwrapped.isEmpty()) {
        Result byName = byName(unwrapped.get(0)); // pdm run test, hatch run lint: project scripts
        return byName instanceof Check ? byName : inner;
      }
      return inner;
    }
    for (Rule rule : RULES) {
      if (rule.pattern().matcher(line).find()) {
        return rule.result();
      }
    }
    switch (program) {
      case "npm", "pnpm", "yarn", "bun", "composer" -> {
        return packageScript(words, depth);
      }
      case "deno" -> {
        if (words.size() > 2 && words.get(1).equals("task")) {
          return byName(words.get(2));
        }
        return words.size() > 2 && words.get(1).equals("run") ? scriptFile(words.subList(2, words.size()), false) : new Skip(NOT_A_CHECK, false);
      }
      default -> {
        // handled below
      }
    }
    if (TASK_RUNNERS.contains(program)) {
      return taskRunner(program, words.subList(1, words.size()));
    }
    if (SHELLS.contains(program) || INTERPRETERS.contains(program) || program.matches("python[0-9.]+")) {
      return scriptFile(words.subList(1, words.size()), SHELLS.contains(program));
    }
    if (program.contains("/")) {
      return byName(program);
    }
    return new Skip(NOT_A_CHECK, false);
  }

  /** Drops variable assignments, {@code env}, {@code timeout}, {@code xvfb-run} and shell keywords in front. */
  private static List<String> stripPrefixes(List<String> words) {
    int i = 0;
    while (i < words.size()) {
      String w = words.get(i);
      if (ASSIGNMENT.matcher(w).matches() || KEYWORDS.contains(w)) {
        i++;
      } else if (w.equals("env") || w.equals("xvfb-run") || w.equals("timeout")) {
        i++;
        while (i < words.size() && words.get(i).startsWith("-")) {
          i++;
        }
        if (w.equals("timeout") && i < words.size()) {
          i++; // the duration
        }
      } else {
        break;
      }
    }
    return words.subList(i, words.size());
  }

  /** The command a wrapper runs ({@code npx jest} gives {@code jest}), or null when {@code words} is not a wrapper. */
  private static List<String> unwrap(List<String> words) {
    String a = words.get(0);
    String b = words.size() > 1 ? words.get(1) : "";
    int from;
    if (a.equals("npx") || a.equals("bunx") || a.equals("pnpx") || a.equals("uvx")) {
      from = 1;
    } else if ((a.equals("npm") && (b.equals("exec") || b.equals("x")))
        || (a.equals("pnpm") && (b.equals("exec") || b.equals("dlx")))
        || (a.equals("yarn") && (b.equals("exec") || b.equals("dlx")))
        || (a.equals("bun") && b.equals("x"))
        || (a.equals("bundle") && b.equals("exec"))
        || (List.of("uv", "poetry", "pipenv", "pdm", "rye", "hatch").contains(a) && b.equals("run"))) {
      from = 2;
    } else if ((a.matches("python[0-9.]*") || a.equals("py")) && b.equals("-m")) {
      from = 2;
    } else {
      return null;
    }
    while (from < words.size() && words.get(from).startsWith("-")) {
      from += OPTIONS_WITH_VALUE.contains(words.get(from)) ? 2 : 1;
    }
    return from >= words.size() ? List.of() : words.subList(from, words.size());
  }

  /** {@code npm test}, {@code pnpm -r run lint}, {@code yarn workspace app build}, {@code composer test}. */
  private static Result packageScript(List<String> words, int depth) {
    String pm = words.get(0);
    int i = 1;
    while (i < words.size()) {
      String w = words.get(i);
      if (w.startsWith("-")) {
        i += OPTIONS_WITH_VALUE.contains(w) ? 2 : 1;
      } else if (pm.equals("yarn") && (w.equals("workspaces") || w.equals("foreach"))) {
        i++;
      } else if (pm.equals("yarn") && w.equals("workspace")) {
        i += 2;
      } else {
        break;
      }
    }
    if (i >= words.size()) {
      return pm.equals("yarn") ? new Skip(INSTALLS, false) : new Skip(NOT_A_CHECK, false);
    }
    String sub = words.get(i);
    if (sub.equals("run") || sub.equals("run-script")) {
      if (i + 1 >= words.size()) {
        return new Skip(NOT_A_CHECK, false);
      }
      String script = words.get(i + 1);
      if (pm.equals("bun") && (script.contains("/") || script.contains("."))) {
        return scriptFile(words.subList(i + 1, words.size()), false); // bun run scripts/test.ts
      }
      return byName(script);
    }
    switch (sub) {
      case "test", "t", "tst", "cit", "it", "install-test", "install-ci-test" -> {
        return new Check(Set.of(CommandKind.TEST));
      }
      case "ci", "install", "i", "add", "update", "up", "upgrade", "require" -> {
        return new Skip(INSTALLS, false);
      }
      default -> {
        if (pm.equals("npm")) {
          return new Skip(NOT_A_CHECK, false); // npm runs only its own commands without 'run'
        }
        // pnpm, yarn, bun and composer run a script (or a binary) of that name.
        Result byName = byName(sub);
        return byName instanceof Check ? byName : combine(List.of(byName, simple(words.subList(i, words.size()), depth + 1)));
      }
    }
  }

  /** {@code make}, {@code make -C sub test}, {@code just lint}, {@code rake}: judged by their targets. */
  private static Result taskRunner(String program, List<String> args) {
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-")) {
        boolean numberNext = i + 1 < args.size() && args.get(i + 1).matches("[0-9]+");
        if (OPTIONS_WITH_VALUE.contains(a) || ((a.equals("-j") || a.equals("-l")) && numberNext)) {
          i++;
        }
      } else if (!a.contains("=")) {
        targets.add(a);
      }
    }
    if (targets.isEmpty()) {
      // rake's default task runs the tests by convention; make's (and the others') builds.
      return new Check(Set.of(program.equals("rake") ? CommandKind.TEST : CommandKind.BUILD));
    }
    List<Result> parts = new ArrayList<>();
    for (String t : targets) {
      if ((program.equals("make") || program.equals("gmake")) && t.equals("install")) {
        parts.add(new Skip("installs into the system (make install)", true));
      } else {
        parts.add(byName(t));
      }
    }
    return combine(parts);
  }

  /**
   * {@code sh scripts/test.sh}, {@code bash -o pipefail ci.sh}, {@code python tools/check.py}: the
   * script's name decides. Code given inline to an interpreter ({@code python -c}, {@code node -e})
   * is not a script with a name.
   */
  private static Result scriptFile(List<String> args, boolean shell) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!shell && List.of("-c", "-e", "--eval", "-m", "-p", "--print").contains(a)) {
        return new Skip(NOT_A_CHECK, false);
      }
      if (shell && (a.equals("-o") || a.equals("+o"))) {
        i++;
      } else if (!a.startsWith("-") && !a.startsWith("+")) {
        return byName(a);
      }
    }
    return new Skip(NOT_A_CHECK, false);
  }

  private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
  private static final Pattern TESTY = Pattern.compile("(?:unit|run|all|e2e|integration|py|smoke)?(?:tests?|testing|checks?|verify|validate|specs?)(?:all)?");

  /**
   * Judges a script, target or file by its name: {@code test}, {@code check}, {@code lint}, {@code
   * verify}, {@code ci} are checks, {@code build} a build, {@code deploy} unsafe, {@code install}
   * an install. For a path, the file name without its extension counts.
   *
   * @param name a script name, target or path
   * @return what the name says
   */
  static Result byName(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    List<String> tokens = new ArrayList<>();
    for (String t : CAMEL.matcher(base).replaceAll("-").toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!t.isEmpty()) {
        tokens.add(t);
      }
    }
    if (tokens.stream().anyMatch(t -> t.matches("(?:pre|post)?(?:deploy|publish|release)"))) {
      return new Skip(DEPLOYS, true);
    }
    if (tokens.stream().anyMatch(t -> t.matches("upload|codecov|coveralls"))) {
      return new Skip(UPLOADS, true);
    }
    boolean checkWord = tokens.stream().anyMatch(t -> t.matches("checks?|verify|validate"));
    if (tokens.stream().anyMatch(t -> t.matches("typecheck|typechecks|types|tsc|mypy|pyright|flow"))
        || (tokens.contains("type") && checkWord)) {
      return new Check(Set.of(CommandKind.TYPECHECK));
    }
    if (tokens.stream().anyMatch(t -> t.matches("lint\\w*|\\w+lint|clippy|vet|stylecheck|fmtcheck|formatcheck"))
        || (tokens.stream().anyMatch(t -> t.matches("format|fmt|style|prettier")) && checkWord)) {
      return new Check(Set.of(CommandKind.LINT));
    }
    if (tokens.stream().anyMatch(t -> TESTY.matcher(t).matches() || t.equals("ci") || t.equals("e2e") || t.equals("coverage"))) {
      return new Check(Set.of(CommandKind.TEST));
    }
    if (tokens.stream().anyMatch(t -> t.matches("build|compile|all|assemble|configure"))) {
      return new Check(Set.of(CommandKind.BUILD));
    }
    if (tokens.stream().anyMatch(t -> t.matches("install|deps|dependencies|setup|bootstrap|prepare|restore"))) {
      return new Skip(INSTALLS, false);
    }
    if (tokens.stream().anyMatch(t -> t.matches("format|fmt|prettier"))) {
      return new Skip(FORMATS, false);
    }
    return new Skip(NOT_A_CHECK, false);
  }

  /**
   * Splits a shell text into simple commands, each as its words with quotes removed. Separators are
   * {@code && || ; | &}, new lines and sub-shell parentheses outside quotes; {@code $(…)}, {@code
   * <(…)} and back-ticks stay inside their word; {@code #} starts a comment at a word's start;
   * a backslash before a new line joins the lines; a here-document's body is not a command.
   */
  static List<List<String>> simpleCommands(String text) {
    List<List<String>> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    List<String> heredocEnds = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < n) {
        if (text.charAt(i + 1) != '\n') {
          word.append(text.charAt(i + 1));
          inWord = true;
        }
        i += 2;
        continue;
      }
      if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        end = end < 0 ? n : end;
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
        continue;
      }
      if (c == '"') {
        int j = i + 1;
        while (j < n && text.charAt(j) != '"') {
          if (text.charAt(j) == '\\' && j + 1 < n) {
            j++;
          }
          word.append(text.charAt(j));
          j++;
        }
        inWord = true;
        i = j + 1;
        continue;
      }
      if ((c == '$' || c == '<' || c == '>') && i + 1 < n && text.charAt(i + 1) == '(') {
        int end = closing(text, i + 1);
        word.append(text, i, end);
        inWord = true;
        i = end;
        continue;
      }
      if (c == '`') {
        int end = text.indexOf('`', i + 1);
        end = end < 0 ? n : end + 1;
        word.append(text, i, end);
        inWord = true;
        i = end;
        continue;
      }
      if (c == '#' && !inWord) {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '<' && text.startsWith("<<", i) && !text.startsWith("<<<", i)) {
        Matcher m = HEREDOC.matcher(text).region(i, n);
        if (m.lookingAt()) {
          heredocEnds.add(m.group(1));
          i = m.end();
          continue;
        }
      }
      boolean redirect = inWord && word.length() > 0 && (word.charAt(word.length() - 1) == '>' || word.charAt(word.length() - 1) == '<');
      boolean separator = c == ';' || c == '|' || c == '\n' || c == '(' || c == ')' || (c == '&' && !redirect && !(i + 1 < n && text.charAt(i + 1) == '>'));
      if (separator || Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        if (separator) {
          if (!words.isEmpty()) {
            out.add(words);
            words = new ArrayList<>();
          }
          if (c == '\n' && !heredocEnds.isEmpty()) {
            i = skipHeredocs(text, i + 1, heredocEnds);
            heredocEnds.clear();
            continue;
          }
        }
        i++;
        continue;
      }
      word.append(c);
      inWord = true;
      i++;
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (!words.isEmpty()) {
      out.add(words);
    }
    return out;
  }

  /** The index after the parenthesis that closes the one at {@code open}, quotes respected. */
  private static int closing(String text, int open) {
    int depth = 0;
    for (int j = open; j < text.length(); j++) {
      char c = text.charAt(j);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, j + 1);
        j = end < 0 ? text.length() - 1 : end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return j + 1;
      }
    }
    return text.length();
  }

  /** Skips here-document bodies starting at {@code from}; returns the index after the last terminator line. */
  private static int skipHeredocs(String text, int from, List<String> ends) {
    int i = from;
    for (String end : ends) {
      while (i < text.length()) {
        int eol = text.indexOf('\n', i);
        String line = text.substring(i, eol < 0 ? text.length() : eol);
        i = eol < 0 ? text.length() : eol + 1;
        if (line.strip().equals(end)) {
          break;
        }
      }
    }
    return i;
  }
}
