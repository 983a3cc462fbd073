package dev.orchestra.internal.ci;

import static dev.orchestra.internal.ci.StepClassifier.DEPLOYS;
import static dev.orchestra.internal.ci.StepClassifier.FORMATS;
import static dev.orchestra.internal.ci.StepClassifier.INSTALLS;
import static dev.orchestra.internal.ci.StepClassifier.PREPARES;
import static dev.orchestra.internal.ci.StepClassifier.REMOTE;
import static dev.orchestra.internal.ci.StepClassifier.SYSTEM;
import static dev.orchestra.internal.ci.StepClassifier.UPLOADS;

import dev.orchestra.internal.ci.StepClassifier.Check;
import dev.orchestra.internal.ci.StepClassifier.Result;
import dev.orchestra.internal.ci.StepClassifier.Skip;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The table of known tools {@link StepClassifier} looks up first: for each ecosystem's test, type
 * check, lint, build, install, format, set-up and deploy commands, whether a simple command is a
 * check of some kind or left out and why. Its own class because the table is data, long and
 * grown by adding rows, apart from the logic that looks through wrappers and scripts.
 */
final class KnownTools {
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

  private KnownTools() {}

  /** What the first row whose pattern is found at the start of a command says, if any does. */
  static Optional<Result> classify(String line) {
    for (Rule rule : RULES) {
      if (rule.pattern().matcher(line).find()) {
        return Optional.of(rule.result());
      }
    }
    return Optional.empty();
  }
}
