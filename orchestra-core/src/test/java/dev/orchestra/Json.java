package dev.orchestra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds the JSON answers scripted roles give, so tests read as data. */
public final class Json {
  public static final ObjectMapper M = new ObjectMapper();

  private Json() {}

  public static String exploration(String path, String command) {
    ObjectNode o = M.createObjectNode();
    o.putArray("pathsAndSymbols").add(path);
    o.putArray("ciLocations").add("check.sh");
    o.putArray("localCommands").add(command);
    o.putArray("nextProbes");
    return o.toString();
  }

  public static ObjectNode task(String id, String title, List<String> scope, List<String> deps) {
    ObjectNode t = M.createObjectNode();
    t.put("id", id);
    t.put("title", title);
    t.putArray("acceptance").add(title + " is done");
    ArrayNode d = t.putArray("dependsOn");
    deps.forEach(d::add);
    ArrayNode s = t.putArray("writeScope");
    scope.forEach(s::add);
    t.put("role", "implementer");
    return t;
  }

  public static String plan(List<ObjectNode> tasks, List<String> later, List<String> risks) {
    ObjectNode o = M.createObjectNode();
    ArrayNode ts = o.putArray("tasks");
    tasks.forEach(ts::add);
    ArrayNode l = o.putArray("later");
    later.forEach(l::add);
    ArrayNode r = o.putArray("risks");
    risks.forEach(r::add);
    return o.toString();
  }

  public static String writeArgs(String path, String content) {
    ObjectNode o = M.createObjectNode();
    o.put("path", path);
    o.put("content", content);
    return o.toString();
  }

  public static String implemented(String result) {
    ObjectNode o = M.createObjectNode();
    o.putArray("whatChanged").add(result);
    o.putArray("commandsRun");
    o.put("result", result);
    return o.toString();
  }

  public static String ciDiagnosis(String cause, String file, String fix) {
    ObjectNode o = M.createObjectNode();
    o.putArray("commandsRun").add("sh check.sh");
    o.put("passed", false);
    o.put("rootCause", cause);
    o.put("smallestFix", fix);
    o.put("file", file);
    o.put("line", 0);
    return o.toString();
  }

  public static String review(boolean ship, String file, int line, String mustFix, String fix, List<String> outOfScope) {
    ObjectNode o = M.createObjectNode();
    ArrayNode m = o.putArray("mustFix");
    if (!ship) {
      ObjectNode f = m.addObject();
      f.put("severity", "high");
      f.put("file", file);
      f.put("line", line);
      f.put("message", mustFix);
      f.put("suggestedTask", fix);
    }
    o.putArray("regressionRisks");
    o.putArray("missingTests");
    o.put("verdict", ship ? "ship" : "block");
    ArrayNode oos = o.putArray("outOfScope");
    outOfScope.forEach(oos::add);
    return o.toString();
  }

  public static String qaPass() {
    ObjectNode o = M.createObjectNode();
    o.putArray("testsChanged");
    o.putArray("commandsRun").add("sh check.sh");
    o.put("confidence", "high");
    o.putArray("remainingRisks");
    o.putArray("findings");
    return o.toString();
  }

  public static String securityClean() {
    ObjectNode o = M.createObjectNode();
    o.putArray("findings");
    o.putArray("fixes");
    o.putArray("verificationSteps").add("grep for secrets");
    return o.toString();
  }

  public static String release() {
    ObjectNode o = M.createObjectNode();
    o.putArray("userNotes").add("Parts and config added");
    o.putArray("internalNotes").add("Built by the scripted team");
    o.putArray("rolloutSteps").add("Merge and tag");
    o.putArray("rollbackPlan").add("Revert the merge commit");
    o.putArray("preDeployChecklist").add("No migrations; no new environment variables");
    return o.toString();
  }
}
