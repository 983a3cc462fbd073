package dev.orchestra.openai.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripts the model behind real Codex CLI processes: a dispatcher for {@link
 * FakeOpenAiServer#dispatcher(Function)} that answers each Responses request a Codex agent sends
 * with the next step of its task's script: a call to one of Codex's own tools (a shell command
 * through {@code exec_command}, or any function tool such as an MCP server's), a final answer, or a
 * raw reply such as a rate limit.
 *
 * <p>The task is found in the request by the line {@code Task <id>: } that Orchestra's Codex agent
 * writes at the top of its prompt. Each request takes the next step of its task; a task with no
 * steps left, or none scripted, gets the {@linkplain #otherwise(Function) fallback} or a 500 error
 * saying so. Point Codex at the server with {@link #codexConfig}. Thread-safe: Codex processes
 * call at once.
 */
public final class CodexScript implements Function<RecordedRequest, FakeReply> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TASK = Pattern.compile("Task ([A-Za-z0-9_.\\-]+): ");

  private final Map<String, Deque<Step>> steps = new HashMap<>();
  private final Map<String, Integer> served = new HashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private Function<String, Optional<Step>> fallback = id -> Optional.empty();

  /** One answer of the scripted model. */
  public static final class Step {
    private final String text;
    private final String tool;
    private final String arguments;
    private final FakeReply raw;
    private final String namespace;

    private Step(String text, String tool, String arguments, FakeReply raw) {
      this(text, tool, arguments, raw, null);
    }

    private Step(String text, String tool, String arguments, FakeReply raw, String namespace) {
      this.text = text;
      this.tool = tool;
      this.arguments = arguments;
      this.raw = raw;
      this.namespace = namespace;
    }

    /**
     * Calls a tool of an MCP server Codex started: Codex offers each server's tools in a namespace
     * {@code mcp__<server>}, and a call names both.
     *
     * @param server the server's name, the key under {@code [mcp_servers]}
     * @param tool the tool's name as the server lists it
     * @param argumentsJson the arguments, a JSON object
     * @return the step
     */
    public static Step mcp(String server, String tool, String argumentsJson) {
      return new Step(
          "", Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(argumentsJson, "argumentsJson"), null,
          "mcp__" + Objects.requireNonNull(server, "server"));
    }

    /**
     * Asks Codex to run a shell command with its {@code exec_command} tool.
     *
     * @param command the command line
     * @return the step
     */
    public static Step command(String command) {
      return call("exec_command", JSON.createObjectNode().put("cmd", command).toString());
    }

    /**
     * Calls one of the tools Codex offered by name, with JSON arguments: an MCP server's tool, for
     * example, which Codex names {@code mcp__<server>__<tool>}.
     *
     * @param tool the tool's name
     * @param argumentsJson the arguments, a JSON object
     * @return the step
     */
    public static Step call(String tool, String argumentsJson) {
      return new Step("", Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(argumentsJson, "argumentsJson"), null);
    }

    /**
     * Gives the final answer: for a role with a report form, its JSON.
     *
     * @param text the answer
     * @return the step
     */
    public static Step answer(String text) {
      return new Step(Objects.requireNonNull(text, "text"), null, null, null);
    }

    /**
     * Answers with this reply as it is: an error status, a broken stream.
     *
     * @param reply the reply
     * @return the step
     */
    public static Step reply(FakeReply reply) {
      return new Step("", null, null, Objects.requireNonNull(reply, "reply"));
    }
  }

  /**
   * Adds steps to a task's script, after those it has.
   *
   * @param taskId the task's id
   * @param script the steps, in order
   * @return this script
   */
  public synchronized CodexScript task(String taskId, Step... script) {
    steps.computeIfAbsent(taskId, id -> new ArrayDeque<>()).addAll(List.of(script));
    return this;
  }

  /**
   * Sets the step for a request whose task has no scripted step left.
   *
   * @param fallback the step for a task id, or empty for a 500 error naming the task
   * @return this script
   */
  public synchronized CodexScript otherwise(Function<String, Optional<Step>> fallback) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    return this;
  }

  /**
   * Returns a Codex {@code config.toml} that sends Codex's model requests to a fake server: a
   * provider {@code fake} at {@code baseUrl} whose key is read from {@code envKey}, with Codex's own
   * retries off (so a scripted failure ends the turn at once), and /tmp kept out of the sandbox's
   * writable roots (with it in, Codex's sandbox leaves mount points such as {@code /tmp/.git} on
   * the host, and a {@code /tmp/.git} makes every later temporary folder look like part of a
   * repository). Write it into a Codex home of the test's own.
   *
   * @param baseUrl the server's base URL, for example {@link FakeOpenAiServer#baseUrl()}
   * @param envKey the environment variable Codex reads the (fake) key from
   * @return the file's text
   */
  public static String codexConfig(java.net.URI baseUrl, String envKey) {
    return String.join(
        "\n",
        "# Codex talks to a scripted server on this machine; written by Orchestra's CodexScript.",
        "model_provider = \"fake\"",
        "",
        "[model_providers.fake]",
        "name = \"fake\"",
        "base_url = \"" + baseUrl.toString().replaceAll("/$", "") + "\"",
        "env_key = \"" + Objects.requireNonNull(envKey, "envKey") + "\"",
        "wire_api = \"responses\"",
        "request_max_retries = 0",
        "stream_max_retries = 0",
        "",
        "[sandbox_workspace_write]",
        "exclude_slash_tmp = true",
        "exclude_tmpdir_env_var = true",
        "");
  }

  /** Returns how many requests each task's script answered, by task id. */
  public synchronized Map<String, Integer> served() {
    return Map.copyOf(served);
  }

  /** Returns how many steps are left unused, over all tasks. */
  public synchronized int unusedSteps() {
    return steps.values().stream().mapToInt(Deque::size).sum();
  }

  @Override
  public FakeReply apply(RecordedRequest request) {
    if (!request.path().endsWith("/responses")) {
      return FakeReply.error(404, "invalid_request_error", null, "the Codex script answers only /responses, not " + request.path());
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      return FakeReply.error(400, "invalid_request_error", null, "the request is not JSON");
    }
    Optional<String> task = taskOf(body);
    if (task.isEmpty()) {
      return FakeReply.error(500, "server_error", null, "the Codex script found no 'Task <id>: ' line in the request");
    }
    Step step;
    synchronized (this) {
      Deque<Step> left = steps.get(task.get());
      step = left != null && !left.isEmpty() ? left.poll() : fallback.apply(task.get()).orElse(null);
      if (step != null) {
        served.merge(task.get(), 1, Integer::sum);
      }
    }
    if (step == null) {
      return FakeReply.error(500, "server_error", null, "the Codex script has no step left for task " + task.get());
    }
    if (step.raw != null) {
      return step.raw;
    }
    if (step.namespace != null) {
      return namespacedCall("call_" + calls.incrementAndGet(), step.namespace, step.tool, step.arguments);
    }
    if (step.tool != null) {
      String[] call = {"call_" + calls.incrementAndGet(), step.tool, step.arguments};
      List<String[]> list = new ArrayList<>();
      list.add(call);
      return FakeReply.responsesStream("", list, 100, 20);
    }
    return FakeReply.responsesStream(step.text, List.of(), 100, 20);
  }

  /** A function call in a namespace, as Codex expects an MCP tool's: the item and a completed response. */
  private static FakeReply namespacedCall(String callId, String namespace, String tool, String arguments) {
    com.fasterxml.jackson.databind.node.ObjectNode item =
        JSON.createObjectNode().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId).put("namespace", namespace)
            .put("name", tool).put("arguments", arguments).put("status", "completed");
    com.fasterxml.jackson.databind.node.ObjectNode done = JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", 0);
    done.set("item", item);
    com.fasterxml.jackson.databind.node.ObjectNode completed = JSON.createObjectNode().put("type", "response.completed");
    com.fasterxml.jackson.databind.node.ObjectNode response = completed.putObject("response").put("id", "resp_" + callId).put("status", "completed");
    response.putArray("output").add(item);
    response.putObject("usage").put("input_tokens", 100).put("output_tokens", 20).put("total_tokens", 120);
    com.fasterxml.jackson.databind.node.ObjectNode created = JSON.createObjectNode().put("type", "response.created");
    created.putObject("response").put("id", "resp_" + callId);
    return FakeReply.sse(List.of(created.toString(), done.toString(), completed.toString()));
  }

  /** The task the request is for: the first {@code Task <id>: } line in its input's text. */
  static Optional<String> taskOf(JsonNode body) {
    for (JsonNode item : body.path("input")) {
      for (JsonNode part : item.path("content")) {
        Matcher m = TASK.matcher(part.path("text").asText(""));
        if (m.find()) {
          return Optional.of(m.group(1));
        }
      }
    }
    return Optional.empty();
  }
}
