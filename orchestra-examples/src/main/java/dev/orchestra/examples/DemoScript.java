package dev.orchestra.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.testing.Reply;
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
                obj()
                    .<ObjectNode>set("commandsRun", arr("sh test.sh"))
                    .put("passed", false)
                    .put("rootCause", "lang/README.md does not list every language, and test.sh requires the list")
                    .put("smallestFix", "Write lang/README.md listing every language: en, fr, de, es")
                    .put("file", "lang/README.md")
                    .put("line", 0)
                    .toString()).after(Duration.ofMillis(150)));
    model.on("reviewer")
        .reply(Reply.text(review(false)).after(Duration.ofMillis(300)))
        .otherwise(Reply.text(review(true)).after(Duration.ofMillis(700)));
    model.on("qa_test_author")
        .otherwise(
            Reply.text(
                obj()
                    .<ObjectNode>set("testsChanged", arr())
                    .<ObjectNode>set("commandsRun", arr("sh test.sh  # expect: all greetings pass"))
                    .put("confidence", "high: test.sh covers every language")
                    .<ObjectNode>set("remainingRisks", arr("no test for an unknown language"))
                    .<ObjectNode>set("findings", arr())
                    .toString()).after(Duration.ofMillis(700)));
    model.on("security_reviewer").otherwise(Reply.text("{\"findings\":[],\"fixes\":[],\"verificationSteps\":[]}"));
    model.on("release_manager")
        .otherwise(
            Reply.text(
                obj()
                    .<ObjectNode>set("userNotes", arr("greet.sh now speaks French, German and Spanish"))
                    .<ObjectNode>set("internalNotes", arr("Languages live in lang/<code>.sh"))
                    .<ObjectNode>set("rolloutSteps", arr("Merge", "Tag v1.1"))
                    .<ObjectNode>set("rollbackPlan", arr("Revert the merge; lang files are independent"))
                    .<ObjectNode>set("preDeployChecklist", arr("No migrations", "No new environment variables", "No flags"))
                    .toString()).after(Duration.ofMillis(150)));
    return model;
  }

  /** An implementer that writes one file with the write tool, then reports. */
  static Reply write(String path, String content, String result) {
    return Reply.answer(
            req -> {
              Message last = req.messages().get(req.messages().size() - 1);
              if (last instanceof Message.ToolResult) {
                return ModelResponse.text(
                    obj().<ObjectNode>set("whatChanged", arr(result)).<ObjectNode>set("commandsRun", arr())
                        .put("result", result).toString(),
                    new TokenUsage(900, 60, 400, 20));
              }
              ObjectNode args = obj().put("path", path).put("content", content);
              return new ModelResponse(
                  "", List.of(new ToolCall("call-" + req.taskId(), "write_file", args.toString())),
                  new TokenUsage(1200, 80, 0, 30));
            })
        .after(Duration.ofMillis(250));
  }

  private static String exploration() {
    return obj()
        .<ObjectNode>set("pathsAndSymbols", arr("greet.sh: prints $HELLO, NAME", "lang/en.sh: HELLO for English"))
        .<ObjectNode>set("ciLocations", arr("test.sh (no CI service; the script is the check)"))
        .<ObjectNode>set("localCommands", arr("sh test.sh"))
        .<ObjectNode>set("nextProbes", arr("lang/ for the language files"))
        .toString();
  }

  private static String plan() {
    ObjectNode o = obj();
    ArrayNode tasks = o.putArray("tasks");
    tasks.add(task("L1", "Add French", "lang/fr.sh", "sh greet.sh Ada fr prints Bonjour, Ada!"));
    tasks.add(task("L2", "Add German", "lang/de.sh", "sh greet.sh Ada de prints Hallo, Ada!"));
    tasks.add(task("L3", "Add Spanish", "lang/es.sh", "sh greet.sh Ada es prints Hola, Ada!"));
    o.set("later", arr("Right-to-left languages"));
    o.set("risks", arr("test.sh is the only test"));
    return o.toString();
  }

  private static ObjectNode task(String id, String title, String scope, String criterion) {
    return obj()
        .put("id", id)
        .put("title", title)
        .<ObjectNode>set("acceptance", arr(criterion))
        .<ObjectNode>set("dependsOn", arr())
        .<ObjectNode>set("writeScope", arr(scope))
        .put("role", "implementer");
  }

  private static String review(boolean ship) {
    ObjectNode o = obj();
    ArrayNode mustFix = o.putArray("mustFix");
    if (!ship) {
      mustFix.addObject()
          .put("severity", "high")
          .put("file", "README.md")
          .put("line", 3)
          .put("message", "README does not say that an unknown language falls back to English")
          .put("suggestedTask", "Document the language fallback in README.md");
    }
    o.set("regressionRisks", arr("a missing lang file silently means English"));
    o.set("missingTests", arr());
    o.put("verdict", ship ? "ship" : "block");
    o.set("outOfScope", ship ? arr("Add Italian") : arr());
    return o.toString();
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static ArrayNode arr(String... items) {
    ArrayNode a = JSON.createArrayNode();
    for (String i : items) {
      a.add(i);
    }
    return a;
  }
}
