package dev.orchestra.internal.ci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a repository's GitHub Actions workflows into a {@link Scan}: each {@code run:} step as a
 * command to run (with its working directory and shell) or a step left out with its reason, and
 * each {@code uses:} step that is not checkout, set-up or cache plumbing as left out. Its own class
 * because workflows are YAML with GitHub's rules, apart from the build tools' conventions.
 */
final class GithubWorkflows {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String EXPRESSIONS = "needs GitHub's ${{ }} expressions";
  private static final String IGNORED_FAILURE = "CI ignores its failure (continue-on-error)";

  private final Scan scan;
  private final boolean bash = onPath("bash");

  GithubWorkflows(Scan scan) {
    this.scan = scan;
  }

  /** Reads every workflow in {@code .github/workflows}, in file-name order. */
  void read() {
    Path dir = scan.root.resolve(".github/workflows");
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      scan.problems.add(new CiCommands.Problem(scan.rel(dir), 0, "cannot list: " + e.getMessage()));
      return;
    }
    for (Path f : files) {
      workflow(f);
    }
  }

  private void workflow(Path f) {
    String name = scan.rel(f);
    scan.examined.add(name);
    String text;
    JsonNode doc;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
      doc = YAML.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      scan.problems.add(new CiCommands.Problem(name, line, "not valid YAML: " + e.getOriginalMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      scan.problems.add(new CiCommands.Problem(name, 0, "cannot read: " + e.getMessage()));
      return;
    }
    if (doc == null || !doc.isObject()) {
      scan.problems.add(new CiCommands.Problem(name, 1, "a workflow must be a mapping with 'jobs'"));
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
    String label = CiDiscovery.label(text);
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
      scan.skipped.add(new CiCommands.Skipped(source, label, reason));
      return;
    }
    StepClassifier.Check check = (StepClassifier.Check) result;
    String dir = normalise(wd);
    scan.commands.add(invocation(text, shell).command(dir, check.kind(), source, true));
    scan.covered.computeIfAbsent(dir, k -> EnumSet.noneOf(CommandKind.class)).addAll(check.kinds());
  }

  /**
   * How a step's text runs: one plain line as its words (or {@code sh -c} when it has shell
   * syntax), several lines as one script under {@code bash -e} (GitHub's default) or {@code sh
   * -e}; an explicit {@code shell: bash} as GitHub runs it, with pipefail.
   */
  private Invocation invocation(String text, String shell) {
    String script = text.strip();
    List<String> lines = CiDiscovery.commandsOf(script);
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
    scan.skipped.add(new CiCommands.Skipped(source, "uses: " + action, reason));
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
