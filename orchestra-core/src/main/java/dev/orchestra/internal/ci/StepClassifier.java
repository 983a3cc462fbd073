package dev.orchestra.internal.ci;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what a piece of shell from a CI workflow is: a check to run (and of which kinds), or a
 * step to leave out and why. Deterministic, runs nothing, stateless.
 *
 * <p>A shell text is split into simple commands at {@code &&}, {@code ||}, {@code ;}, {@code |},
 * {@code &} and new lines (quotes, {@code $(…)} and back-ticks respected). Each simple command is
 * classified on its own: wrappers such as {@code npx}, {@code python -m}, {@code bundle exec} or
 * {@code poetry run} are looked through, then the {@link KnownTools} table decides for known tools,
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
    for (List<String> words : ShellSplitter.simpleCommands(text)) {
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
        Result byName = ScriptNames.classify(unwrapped.get(0)); // pdm run test, hatch run lint: project scripts
        return byName instanceof Check ? byName : inner;
      }
      return inner;
    }
    Optional<Result> known = KnownTools.classify(line);
    if (known.isPresent()) {
      return known.get();
    }
    switch (program) {
      case "npm", "pnpm", "yarn", "bun", "composer" -> {
        return packageScript(words, depth);
      }
      case "deno" -> {
        if (words.size() > 2 && words.get(1).equals("task")) {
          return ScriptNames.classify(words.get(2));
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
      return ScriptNames.classify(program);
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
      return ScriptNames.classify(script);
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
        Result byName = ScriptNames.classify(sub);
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
        parts.add(ScriptNames.classify(t));
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
        return ScriptNames.classify(a);
      }
    }
    return new Skip(NOT_A_CHECK, false);
  }
}
