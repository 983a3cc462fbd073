package dev.orchestra.temporal.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.agent.RoleReport;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.engine.Command;
import dev.orchestra.internal.engine.RunSpec;
import dev.orchestra.internal.exec.TaskResult;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.json.EventJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a run's values cross Temporal (activity arguments and results, so workflow history): events
 * as journal lines, and commands, specs, task results and reports as JSON text of their records.
 * Text rather than Temporal's own converter, so the journal's one JSON form is the only one and the
 * sealed types keep their kind. Thread-safe.
 */
public final class Wire {
  private static final ObjectMapper MAPPER = EventJson.MAPPER.copy().registerModule(durations());
  private static final Map<String, Class<?>> COMMANDS = kinds(Command.class);
  private static final Map<String, Class<?>> REPORTS = kinds(RoleReport.class);

  private Wire() {}

  /** Each permitted record of a sealed type by its kind's name (RunTask is RUN_TASK). */
  private static Map<String, Class<?>> kinds(Class<?> sealed) {
    Map<String, Class<?>> out = new HashMap<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      out.put(c.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT), c);
    }
    return Map.copyOf(out);
  }

  private static SimpleModule durations() {
    SimpleModule m = new SimpleModule("orchestra-temporal-durations");
    m.addSerializer(
        Duration.class,
        new JsonSerializer<Duration>() {
          @Override
          public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
          }
        });
    m.addDeserializer(
        Duration.class,
        new JsonDeserializer<Duration>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return Duration.parse(p.getValueAsString());
          }
        });
    return m;
  }

  /** Returns an event as its journal line. */
  public static String event(OrchestraEvent event) {
    return EventJson.line(event);
  }

  /** Reads an event from its journal line. */
  public static OrchestraEvent event(String line) {
    return EventJson.read(line);
  }

  /** Returns events as journal lines. */
  public static List<String> events(List<? extends OrchestraEvent> events) {
    return events.stream().map(Wire::event).toList();
  }

  /** Reads events from journal lines. */
  public static List<OrchestraEvent> readEvents(List<String> lines) {
    return lines.stream().map(Wire::event).toList();
  }

  /** Returns a command as JSON text: its kind and its record. */
  public static String command(Command command) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("kind", command.kind().name());
    node.set("value", MAPPER.valueToTree(command));
    return node.toString();
  }

  /** Reads a command from {@link #command(Command)}'s text. */
  public static Command command(String text) {
    JsonNode node = tree(text);
    return (Command) read(node.path("value"), COMMANDS, node.path("kind").asText(), "command");
  }

  /**
   * Returns a team's spec and budget policy, the task queue and workspace of the worker that keeps
   * the run's desk, and the git remote the run's clones share (empty for none), as JSON text.
   */
  public static String team(RunSpec spec, BudgetPolicy budget, String deskQueue, String workspace, String gitRemote) {
    ObjectNode node = MAPPER.createObjectNode();
    node.set("spec", MAPPER.valueToTree(spec));
    node.set("budget", MAPPER.valueToTree(budget));
    node.put("deskQueue", deskQueue);
    node.put("workspace", workspace);
    node.put("answersByReference", true); // see teamAnswersByReference
    if (!gitRemote.isEmpty()) {
      node.put("gitRemote", gitRemote);
    }
    return node.toString();
  }

  /**
   * Whether the desk that wrote {@link #team}'s text answers tasks' ends by reference ({@link
   * #referTo}) when asked ({@link TaskEnd#refers}): a desk on older code does not know the property
   * and would refuse the call, so a workflow asks only a desk that says so.
   */
  public static boolean teamAnswersByReference(String text) {
    return tree(text).path("answersByReference").asBoolean(false);
  }

  /** Reads the git remote the run's clones share from {@link #team}'s text: empty when they share the desk's folder. */
  public static String teamGitRemote(String text) {
    return tree(text).path("gitRemote").asText("");
  }

  /** Reads the desk's workspace from {@link #team}'s text. */
  public static String teamWorkspace(String text) {
    return tree(text).path("workspace").asText();
  }

  /** Reads the desk's task queue from {@link #team}'s text. */
  public static String teamDeskQueue(String text) {
    String queue = tree(text).path("deskQueue").asText();
    if (queue.isEmpty()) {
      throw new IllegalArgumentException("no desk queue in the team's answer");
    }
    return queue;
  }

  /** Whether two of {@link #team}'s texts name the same spec and budget policy: teams that decide alike. */
  public static boolean sameTeam(String a, String b) {
    // As values, not as JSON: a set's order in the text differs from one JVM to the next.
    return teamSpec(a).equals(teamSpec(b)) && teamBudget(a).equals(teamBudget(b));
  }

  /** Returns an agent's approval request as JSON text. */
  public static String approvalRequest(dev.orchestra.role.ApprovalHandler.Request request) {
    return MAPPER.valueToTree(request).toString();
  }

  /** Reads an approval request from {@link #approvalRequest}'s text. */
  public static dev.orchestra.role.ApprovalHandler.Request approvalRequest(String text) {
    return treeToValue(tree(text), dev.orchestra.role.ApprovalHandler.Request.class, "approval request");
  }

  /** Returns an approval decision as JSON text. */
  public static String decision(dev.orchestra.role.ApprovalHandler.Decision decision) {
    return MAPPER.valueToTree(decision).toString();
  }

  /** Reads an approval decision from {@link #decision}'s text. */
  public static dev.orchestra.role.ApprovalHandler.Decision decision(String text) {
    return treeToValue(tree(text), dev.orchestra.role.ApprovalHandler.Decision.class, "approval decision");
  }

  /** Returns a waiting approval request and its id as JSON text: {@code {"id": ..., "request": ...}}. */
  public static String pendingApproval(String id, String request) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", id);
    node.set("request", tree(request));
    return node.toString();
  }

  /** Reads the id of {@link #pendingApproval}'s text. */
  public static String pendingApprovalId(String text) {
    return tree(text).path("id").asText();
  }

  /** Reads the request of {@link #pendingApproval}'s text. */
  public static dev.orchestra.role.ApprovalHandler.Request pendingApprovalRequest(String text) {
    return treeToValue(tree(text).path("request"), dev.orchestra.role.ApprovalHandler.Request.class, "approval request");
  }

  /** Reads the spec from {@link #team}'s text. */
  public static RunSpec teamSpec(String text) {
    return treeToValue(tree(text).path("spec"), RunSpec.class, "run spec");
  }

  /** Reads the budget policy from {@link #team}'s text. */
  public static BudgetPolicy teamBudget(String text) {
    return treeToValue(tree(text).path("budget"), BudgetPolicy.class, "budget policy");
  }

  /** Returns how model calls went as JSON text. */
  public static String health(List<TaskResult.Health> health) {
    return MAPPER.valueToTree(health).toString();
  }

  /**
   * Returns outcomes a task's activity signals as JSON text: the task's start (see {@link
   * TaskCall#start}) and the outcomes, as {@link #health(List)} writes them.
   */
  public static String liveHealth(int start, List<TaskResult.Health> health) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("start", start);
    node.set("health", MAPPER.valueToTree(health));
    return node.toString();
  }

  /** Returns the task start {@link #liveHealth} text names: 0 when it names none (a plain list). */
  public static int liveHealthStart(String text) {
    return tree(text).path("start").asInt(0);
  }

  /** Reads how model calls went from {@link #health(List)}'s text, or from {@link #liveHealth}'s. */
  public static List<TaskResult.Health> health(String text) {
    List<TaskResult.Health> out = new ArrayList<>();
    JsonNode node = tree(text);
    for (JsonNode h : node.isObject() ? node.path("health") : node) {
      out.add(treeToValue(h, TaskResult.Health.class, "model call's health"));
    }
    return out;
  }

  private static <T> T treeToValue(JsonNode node, Class<T> type, String what) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + what + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Returns a report as JSON text: its kind and its record. */
  public static String report(RoleReport report) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("kind", report.kind().name());
    node.set("value", MAPPER.valueToTree(report));
    return node.toString();
  }

  /** Reads a report from {@link #report(RoleReport)}'s text. */
  public static RoleReport report(String text) {
    JsonNode node = tree(text);
    return (RoleReport) read(node.path("value"), REPORTS, node.path("kind").asText(), "report");
  }

  /** Returns what a task did as JSON text. */
  public static String result(TaskResult result) {
    return result(result, 1);
  }

  /**
   * Returns what a task did as JSON text, with the attempt of the activity that did it: the
   * workflow tells the outcomes that attempt signalled as they happened from those it did not.
   */
  public static String result(TaskResult result, int attempt) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("attempt", attempt);
    node.set("events", MAPPER.valueToTree(events(result.events())));
    node.set("health", MAPPER.valueToTree(result.health()));
    node.set("risks", MAPPER.valueToTree(result.risks()));
    result.report().ifPresent(r -> node.set("report", tree(report(r))));
    return node.toString();
  }

  /** Reads what a task did from {@link #result(TaskResult)}'s text. */
  public static TaskResult result(String text) {
    return readResult(text).result();
  }

  /**
   * A task's result text read once.
   *
   * @param result what the task did
   * @param lines the journal lines its events were read from, as the text holds them
   * @param attempt the attempt of the activity that did it
   */
  public record ReadResult(TaskResult result, List<String> lines, int attempt) {
    /** Copies the lines. */
    public ReadResult {
      lines = List.copyOf(lines);
    }
  }

  /** Reads a task's result text as {@link #result(String)} does, keeping its lines and attempt too. */
  public static ReadResult readResult(String text) {
    JsonNode node = tree(text);
    List<String> lines = new ArrayList<>();
    node.path("events").forEach(n -> lines.add(n.asText()));
    try {
      List<TaskResult.Health> health = resultHealth(node);
      List<TaskResult.Risks> risks = new ArrayList<>();
      for (JsonNode r : node.path("risks")) {
        risks.add(MAPPER.treeToValue(r, TaskResult.Risks.class));
      }
      Optional<RoleReport> report = node.has("report") ? Optional.of(report(node.get("report").toString())) : Optional.empty();
      return new ReadResult(new TaskResult(readEvents(lines), health, risks, report), lines, node.path("attempt").asInt(1));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a task's result: " + e.getOriginalMessage(), e);
    }
  }

  /** The journal lines of a task's result text, as {@link #result(TaskResult, int)} wrote them. */
  public static List<String> resultLines(String resultText) {
    List<String> lines = new ArrayList<>();
    tree(resultText).path("events").forEach(n -> lines.add(n.asText()));
    return lines;
  }

  private static List<TaskResult.Health> resultHealth(JsonNode result) throws JsonProcessingException {
    List<TaskResult.Health> health = new ArrayList<>();
    for (JsonNode h : result.path("health")) {
      health.add(MAPPER.treeToValue(h, TaskResult.Health.class));
    }
    return health;
  }

  /**
   * A desk's answer with every line that is one of {@code sent} (the lines its caller gave it) put
   * as {@code =N}, N being that line's place in {@code sent}: a task's events, which the workflow
   * has already, then cross Temporal once rather than twice. A journal line is a JSON object, so no
   * line starts with {@code =}.
   */
  public static List<String> referTo(List<String> sent, List<String> answer) {
    Map<String, Integer> places = new HashMap<>();
    for (int i = sent.size() - 1; i >= 0; i--) {
      places.put(sent.get(i), i); // the first place of a line sent twice
    }
    return answer.stream().map(line -> {
      Integer place = places.get(line);
      return place == null ? line : "=" + place;
    }).toList();
  }

  /**
   * Undoes {@link #referTo}: each {@code =N} becomes the N-th line of {@code sent}; other lines stay.
   *
   * @throws IllegalArgumentException when a reference names no line sent
   */
  public static List<String> resolve(List<String> sent, List<String> answer) {
    List<String> out = new ArrayList<>(answer.size());
    for (String line : answer) {
      if (!line.startsWith("=")) {
        out.add(line);
        continue;
      }
      int place;
      try {
        place = Integer.parseInt(line.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the desk's answer holds '" + Text.oneLine(line) + "', neither a journal line nor a line's place", e);
      }
      if (place < 0 || place >= sent.size()) {
        throw new IllegalArgumentException("the desk's answer refers to line " + place + " of the " + sent.size() + " it was sent");
      }
      out.add(sent.get(place));
    }
    return out;
  }

  /** Returns the explorer's report in a task's result text, if it holds one. */
  public static Optional<String> exploration(String resultText) {
    JsonNode report = tree(resultText).path("report");
    return report.path("kind").asText().equals(RoleReport.Kind.EXPLORATION.name()) ? Optional.of(report.toString()) : Optional.empty();
  }

  private static Object read(JsonNode value, Map<String, Class<?>> types, String kind, String what) {
    Class<?> type = types.get(kind);
    if (type == null) {
      throw new IllegalArgumentException("not a " + what + " kind: '" + kind + "'");
    }
    try {
      return MAPPER.treeToValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + what + " of kind " + kind + ": " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
