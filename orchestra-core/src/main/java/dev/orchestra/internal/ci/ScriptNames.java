package dev.orchestra.internal.ci;

import static dev.orchestra.internal.ci.StepClassifier.DEPLOYS;
import static dev.orchestra.internal.ci.StepClassifier.FORMATS;
import static dev.orchestra.internal.ci.StepClassifier.INSTALLS;
import static dev.orchestra.internal.ci.StepClassifier.NOT_A_CHECK;
import static dev.orchestra.internal.ci.StepClassifier.UPLOADS;

import dev.orchestra.internal.ci.StepClassifier.Check;
import dev.orchestra.internal.ci.StepClassifier.Result;
import dev.orchestra.internal.ci.StepClassifier.Skip;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the name of a script, a package-manager script or a task-runner target says it does. Its
 * own class because {@link StepClassifier} falls back on it for commands no known tool matches,
 * and {@link CiDiscovery} asks it whether a Makefile's default goal is safe to run.
 */
final class ScriptNames {
  private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
  private static final Pattern TESTY = Pattern.compile("(?:unit|run|all|e2e|integration|py|smoke)?(?:tests?|testing|checks?|verify|validate|specs?)(?:all)?");

  private ScriptNames() {}

  /**
   * Judges a script, target or file by its name: {@code test}, {@code check}, {@code lint}, {@code
   * verify}, {@code ci} are checks, {@code build} a build, {@code deploy} unsafe, {@code install}
   * an install. For a path, the file name without its extension counts.
   *
   * @param name a script name, target or path
   * @return what the name says
   */
  static Result classify(String name) {
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
}
