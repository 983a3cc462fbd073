package dev.orchestra.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.gate.Finding;
import dev.orchestra.gate.Severity;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Task;
import dev.orchestra.openai.testing.CodexScript;
import dev.orchestra.openai.testing.FakeReply;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.time.Duration;
import java.util.List;

/**
 * The demo's model: a scripted session in which explorers find the CI command, the planner splits
 * the goal into three languages, implementers write them in parallel (one of them is rate limited
 * twice), CI fails and the reviewer blocks once; the first fix of the CI finding forgets a
 * language, so CI reports it again and the fix goes back to work with what was tried, and the
 * second attempt makes the run green.
 */
final class DemoScript {
  /** Writes the write tool's arguments; role answers come from {@link RoleAnswers}. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoScript() {}

  static ScriptedModelProvider create() {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text(exploration()).after(Duration.ofMillis(150)));
    model.on("orchestrator").reply(Reply.text(plan()).after(Duration.ofMillis(200)));

    model.on("implementer", "L1").otherwise(write("lang/fr.sh", "HELLO=\"Bonjour\"\n", "added French"));
    model.on("implementer", "L2").otherwise(write("lang/de.sh", "HELLO=\"Hallo\"\n", "added German"));
    // Spanish hits the provider's rate limit twice: the thread budget steps 12 -> 10 -> 8.
    model.on("implementer", "L3")
        .reply(Reply.rateLimited(Duration.ofMillis(300)), Reply.rateLimited(Duration.ofMillis(300)))
        .otherwise(write("lang/es.sh", "HELLO=\"Hola\"\n", "added Spanish"));
    // The first attempt forgets Spanish; CI still fails, and the second attempt lists it.
    Reply forgetful = write("lang/README.md", "# Languages\n\n- en: Hello\n- fr: Bonjour\n- de: Hallo\n", "listed the languages");
    model.on("implementer", "F1")
        .reply(forgetful, forgetful) // its tool call, then its report
        .otherwise(
            write("lang/README.md", "# Languages\n\n- en: Hello\n- fr: Bonjour\n- de: Hallo\n- es: Hola\n", "listed every language, Spanish too"));
    model.on("implementer", "F2")
        .otherwise(
            write(
                "README.md",
                "# greeter\n\nA tiny command-line greeter used by Orchestra's demo. `sh test.sh` is its CI.\n\n"
                    + "Usage: `sh greet.sh NAME [LANG]`. An unknown LANG falls back to English.\n",
                "documented the fallback"));

    model.on("ci_runner")
        .otherwise(
            Reply.text(
                RoleAnswers.diagnosis(
                    new RoleReport.CiDiagnosis(
                        List.of("sh test.sh"),
                        false,
                        "lang/README.md does not list every language, and test.sh requires the list",
                        "Write lang/README.md listing every language: en, fr, de, es",
                        "lang/README.md",
                        0))).after(Duration.ofMillis(150)));
    model.on("reviewer")
        .reply(Reply.text(review(false)).after(Duration.ofMillis(300)))
        .otherwise(Reply.text(review(true)).after(Duration.ofMillis(700)));
    model.on("qa_test_author")
        .otherwise(
            Reply.text(
                RoleAnswers.qa(
                    new RoleReport.QaReview(
                        List.of(),
                        List.of("sh test.sh  # expect: all greetings pass"),
                        "high: test.sh covers every language",
                        List.of("no test for an unknown language"),
                        List.of()))).after(Duration.ofMillis(700)));
    model.on("security_reviewer").otherwise(Reply.text(RoleAnswers.security(new RoleReport.SecurityReview(List.of(), List.of(), List.of()))));
    model.on("release_manager")
        .otherwise(
            Reply.text(
                RoleAnswers.release(
                    new RoleReport.ReleasePlan(
                        List.of("greet.sh now speaks French, German and Spanish"),
                        List.of("Languages live in lang/<code>.sh"),
                        List.of("Merge", "Tag v1.1"),
                        List.of("Revert the merge; lang files are independent"),
                        List.of("No migrations", "No new environment variables", "No flags")))).after(Duration.ofMillis(150)));
    return model;
  }

  /**
   * The implementers' script when they are real Codex processes: the same work as {@link
   * #create()}'s, done with shell commands through Codex's own tool, and Spanish's two rate limits
   * as real HTTP 429s, each ending a Codex turn.
   */
  static CodexScript codexScript() {
    CodexScript script = new CodexScript();
    script.task("L1", CodexScript.Step.command(writeCommand("lang/fr.sh", "HELLO=\"Bonjour\"\n")), CodexScript.Step.answer(RoleAnswers.implementation("added French")));
    script.task("L2", CodexScript.Step.command(writeCommand("lang/de.sh", "HELLO=\"Hallo\"\n")), CodexScript.Step.answer(RoleAnswers.implementation("added German")));
    FakeReply limited = FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests.");
    script.task(
        "L3", CodexScript.Step.reply(limited), CodexScript.Step.reply(limited),
        CodexScript.Step.command(writeCommand("lang/es.sh", "HELLO=\"Hola\"\n")), CodexScript.Step.answer(RoleAnswers.implementation("added Spanish")));
    script.task(
        "F1",
        CodexScript.Step.command(writeCommand("lang/README.md", "# Languages\n\n- en: Hello\n- fr: Bonjour\n- de: Hallo\n")),
        CodexScript.Step.answer(RoleAnswers.implementation("listed the languages")),
        CodexScript.Step.command(writeCommand("lang/README.md", "# Languages\n\n- en: Hello\n- fr: Bonjour\n- de: Hallo\n- es: Hola\n")),
        CodexScript.Step.answer(RoleAnswers.implementation("listed every language, Spanish too")));
    script.task(
        "F2",
        CodexScript.Step.command(
            writeCommand(
                "README.md",
                "# greeter\n\nA tiny command-line greeter used by Orchestra's demo. `sh test.sh` is its CI.\n\n"
                    + "Usage: `sh greet.sh NAME [LANG]`. An unknown LANG falls back to English.\n")),
        CodexScript.Step.answer(RoleAnswers.implementation("documented the fallback")));
    return script;
  }

  /** A shell command that writes exactly {@code content} to {@code path}. */
  static String writeCommand(String path, String content) {
    return "printf '%s' '" + content.replace("'", "'\\''") + "' > " + path;
  }

  /** An implementer that writes one file with the write tool, then reports. */
  static Reply write(String path, String content, String result) {
    return Reply.answer(
            req -> {
              Message last = req.messages().get(req.messages().size() - 1);
              if (last instanceof Message.ToolResult) {
                return ModelResponse.text(RoleAnswers.implementation(result), new TokenUsage(900, 60, 400, 20));
              }
              ObjectNode args = JSON.createObjectNode().put("path", path).put("content", content);
              return new ModelResponse(
                  "", List.of(new ToolCall("call-" + req.taskId(), "write_file", args.toString())),
                  new TokenUsage(1200, 80, 0, 30));
            })
        .after(Duration.ofMillis(250));
  }

  private static String exploration() {
    return RoleAnswers.exploration(
        new RoleReport.Exploration(
            List.of("greet.sh: prints $HELLO, NAME", "lang/en.sh: HELLO for English"),
            List.of("test.sh (no CI service; the script is the check)"),
            List.of("sh test.sh"),
            List.of("lang/ for the language files")));
  }

  private static String plan() {
    return RoleAnswers.plan(
        List.of(
            task("L1", "Add French", "lang/fr.sh", "sh greet.sh Ada fr prints Bonjour, Ada!"),
            task("L2", "Add German", "lang/de.sh", "sh greet.sh Ada de prints Hallo, Ada!"),
            task("L3", "Add Spanish", "lang/es.sh", "sh greet.sh Ada es prints Hola, Ada!")),
        List.of("Right-to-left languages"),
        List.of("test.sh is the only test"));
  }

  private static Task task(String id, String title, String scope, String criterion) {
    return Task.builder(id, title).acceptanceCriteria(criterion).writeScope(scope).role("implementer").build();
  }

  private static String review(boolean ship) {
    List<Finding> mustFix =
        ship
            ? List.of()
            : List.of(
                new Finding(
                    "reviewer",
                    Severity.HIGH,
                    "README.md",
                    3,
                    "README does not say that an unknown language falls back to English",
                    "Document the language fallback in README.md"));
    return RoleAnswers.review(
        new RoleReport.Review(
            mustFix,
            List.of("a missing lang file silently means English"),
            List.of(),
            ship,
            ship ? List.of("Add Italian") : List.of()));
  }
}
