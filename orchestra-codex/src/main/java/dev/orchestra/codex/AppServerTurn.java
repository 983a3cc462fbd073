package dev.orchestra.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task through {@code codex app-server}, for a role whose approval policy can ask: JSON-RPC
 * over the process's standard input and output, one JSON object a line, as Codex 0.169.0 speaks it
 * (its v2 API). The client initializes, starts a thread in the task's workspace with the role's
 * model, sandbox and approval policy, starts one turn with the prompt and the role's output
 * schema, and answers each approval request Codex sends with the run's approval handler's
 * decision ({@code accept} or {@code decline}), until {@code turn/completed}. Closing the input
 * ends the process. Used by one thread; the process's output is read on another.
 */
final class AppServerTurn {
  private static final Logger LOG = LoggerFactory.getLogger(AppServerTurn.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int INITIALIZE = 1;
  private static final int THREAD_START = 2;
  private static final int TURN_START = 3;

  private final CodexAgent agent;
  private final Role role;
  private final Task task;
  private final AgentContext context;
  private final CodexEvents events;
  /** What a file-change item will change, by item id: an approval request names only the item. */
  private final Map<String, List<String>> patchPaths = new HashMap<>();
  private final Map<String, Long> commandStarts = new HashMap<>();
  private OutputStream input;
  private Optional<String> prompt = Optional.empty();
  private Optional<String> schema = Optional.empty();
  private volatile TokenUsage turnUsage = TokenUsage.ZERO;
  private volatile boolean closed;
  private volatile String protocolError;

  AppServerTurn(CodexAgent agent, Role role, Task task, AgentContext context, CodexEvents events) {
    this.agent = agent;
    this.role = role;
    this.task = task;
    this.context = context;
    this.events = events;
  }

  void run(Path exe, Map<String, String> env, Set<String> roleVariables, Path workspace, String model, String promptText, Optional<String> outputSchema) {
    this.prompt = Optional.of(promptText);
    this.schema = outputSchema;
    List<String> argv = new ArrayList<>(List.of(exe.toString(), "app-server"));
    argv.addAll(agent.configFlags(role, true, roleVariables));
    Process p;
    try {
      p = agent.start(argv, env, workspace, false);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start codex app-server for " + task.id() + ": " + e.getMessage(), e);
    }
    input = p.getOutputStream();
    CodexAgent.StderrTail stderr = new CodexAgent.StderrTail(p.getErrorStream());
    Thread out = CodexAgent.reader(p.getInputStream(), line -> onLine(line, workspace, model), "orchestra-codex-app-" + task.id());
    try {
      send(request(INITIALIZE, "initialize", JSON.createObjectNode().set("clientInfo", JSON.createObjectNode().put("name", "orchestra").put("version", "0.1.0"))));
      ObjectNode start = JSON.createObjectNode();
      start.put("cwd", workspace.toString());
      start.put("model", model);
      start.put("approvalPolicy", role.approvalPolicy().configValue().equals("on-failure") ? "on-request" : role.approvalPolicy().configValue());
      start.put("sandbox", role.sandboxMode().configValue());
      send(request(THREAD_START, "thread/start", start));
    } catch (UncheckedIOException e) {
      LOG.debug("codex app-server closed its input early", e);
    }
    // The turn starts when the thread has (onLine); the process ends when its input is closed,
    // which the reader does once the turn ended.
    try {
      agent.waitFor(p, role, task, out, stderr);
    } catch (RuntimeException e) {
      events.close(); // killed: what the reader still holds is not reported after the task's end
      throw e;
    } finally {
      closed = true;
      closeInput();
      // An approval still being asked on the reader thread ends as a denial, now, and is reported
      // before the task's end: nothing of the task may be reported after the run.
      out.interrupt();
      boolean interrupted = Thread.interrupted(); // waitFor re-sets it on a cancel; join would throw at once
      try {
        out.join(5_000);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (protocolError != null) {
      throw CodexFailures.processFailed("app-server refused the session: " + protocolError, stderr.text());
    }
    Optional<ModelProviderException> failed = events.failure(stderr.text());
    if (failed.isPresent()) {
      throw failed.get();
    }
    if (!events.turnCompleted()) {
      throw CodexFailures.processFailed("app-server ended without finishing its turn (exit code " + p.exitValue() + ")", stderr.text());
    }
  }

  private void onLine(String line, Path workspace, String model) {
    JsonNode m;
    try {
      m = JSON.readTree(line);
    } catch (IOException e) {
      LOG.debug("codex app-server printed a line that is not JSON: {}", line);
      return;
    }
    if (m == null || !m.isObject()) {
      return;
    }
    boolean hasId = m.has("id") && !m.get("id").isNull();
    String method = m.path("method").asText("");
    if (hasId && method.isEmpty()) {
      response(m);
    } else if (hasId) {
      serverRequest(m.get("id"), method, m.path("params"));
    } else {
      notification(method, m.path("params"));
    }
  }

  private void response(JsonNode m) {
    int id = m.path("id").asInt(-1);
    if (m.has("error")) {
      protocolError = m.path("error").path("message").asText(m.path("error").toString());
      closeInput();
      return;
    }
    if (id == THREAD_START) {
      events.threadStarted(m.path("result").path("thread").path("id").asText(""));
      ObjectNode turn = JSON.createObjectNode();
      turn.put("threadId", m.path("result").path("thread").path("id").asText(""));
      turn.putArray("input").addObject().put("type", "text").put("text", prompt.orElse(""));
      if (schema.isPresent()) {
        try {
          turn.set("outputSchema", JSON.readTree(schema.get()));
        } catch (IOException e) {
          throw new IllegalStateException("the role's schema is not JSON", e);
        }
      }
      events.turnStarted();
      send(request(TURN_START, "turn/start", turn));
    }
  }

  private void serverRequest(JsonNode id, String method, JsonNode params) {
    ObjectNode reply = JSON.createObjectNode();
    reply.set("id", id);
    if (closed) {
      return; // the task is over; its process is gone or going
    }
    switch (method) {
      case "item/commandExecution/requestApproval" -> {
        String reason = params.path("reason").asText("");
        ApprovalHandler.Decision d =
            context.askApproval(
                "run_command", params.path("command").asText(""),
                reason.isBlank() ? "the " + role.approvalPolicy().configValue() + " approval policy asks before this command" : reason);
        reply.putObject("result").put("decision", d.approved() ? "accept" : "decline");
      }
      case "item/fileChange/requestApproval" -> {
        String reason = params.path("reason").asText("");
        List<String> paths = patchPaths.getOrDefault(params.path("itemId").asText(""), List.of());
        ApprovalHandler.Decision d =
            context.askApproval(
                "apply_patch", String.join(", ", paths),
                reason.isBlank() ? "the " + role.approvalPolicy().configValue() + " approval policy asks before this change" : reason);
        reply.putObject("result").put("decision", d.approved() ? "accept" : "decline");
      }
      case "mcpServer/elicitation/request" -> reply.set("result", elicitation(params));
      default -> {
        // Questions Orchestra has no one to put to (a tool asking the user for input, a wider
        // sandbox for the turn): refused.
        LOG.info("codex app-server asked {}, which Orchestra does not answer", method);
        reply.putObject("error").put("code", -32601).put("message", "Orchestra does not answer " + method);
      }
    }
    send(reply);
  }

  /** The longest tool arguments an approval request shows, in characters. */
  private static final int MAX_TOOL_ARGUMENTS_CHARS = 2_000;

  /**
   * Answers an MCP elicitation. Codex asks this way before it runs an MCP server's tool that the
   * server does not pre-approve ({@code _meta.codex_approval_kind = "mcp_tool_call"}): the run's
   * approval handler decides, as for a command, with the tool named as its {@code ToolCalled}
   * event names it ({@code mcp:SERVER/TOOL}) and its arguments as the detail. An elicitation a
   * server makes for its own questions to the user is declined: no one is there to answer.
   */
  private ObjectNode elicitation(JsonNode params) {
    ObjectNode result = JSON.createObjectNode();
    JsonNode meta = params.path("_meta");
    String server = params.path("serverName").asText("?");
    if (!meta.path("codex_approval_kind").asText("").equals("mcp_tool_call")) {
      LOG.info("MCP server {} asked the user a question ({}); Orchestra has no one to ask and declines", server, params.path("mode").asText(""));
      return result.put("action", "decline");
    }
    String tool = "mcp:" + server + "/" + meta.path("tool_name").asText("?");
    String arguments = meta.path("tool_params").isMissingNode() ? "" : meta.path("tool_params").toString();
    if (arguments.length() > MAX_TOOL_ARGUMENTS_CHARS) {
      arguments = arguments.substring(0, MAX_TOOL_ARGUMENTS_CHARS - 1) + "\u2026";
    }
    String message = params.path("message").asText("");
    ApprovalHandler.Decision d =
        context.askApproval(
            tool, arguments,
            message.isBlank() ? "the " + role.approvalPolicy().configValue() + " approval policy asks before this tool" : message);
    if (!d.approved()) {
      return result.put("action", "decline");
    }
    result.put("action", "accept");
    result.putObject("content"); // the approval's form asks for no fields
    return result;
  }

  private void notification(String method, JsonNode params) {
    JsonNode item = params.path("item");
    switch (method) {
      case "item/started" -> {
        String type = item.path("type").asText("");
        if (type.equals("fileChange")) {
          List<String> paths = new ArrayList<>();
          item.path("changes").forEach(c -> paths.add(c.path("path").asText("")));
          patchPaths.put(item.path("id").asText(""), paths);
        } else if (type.equals("commandExecution")) {
          commandStarts.put(item.path("id").asText(""), System.nanoTime());
        }
      }
      case "item/completed" -> itemCompleted(item);
      case "thread/tokenUsage/updated" -> {
        JsonNode last = params.path("tokenUsage").path("last");
        turnUsage =
            turnUsage.plus(
                new TokenUsage(
                    last.path("inputTokens").asLong(0), last.path("outputTokens").asLong(0), last.path("cachedInputTokens").asLong(0),
                    last.path("reasoningOutputTokens").asLong(0)));
      }
      case "error" -> {
        if (!params.path("willRetry").asBoolean(false)) {
          events.error(params.path("error").path("message").asText(""));
        }
      }
      case "warning" -> events.warning(params.path("message").asText(""));
      case "turn/completed" -> {
        JsonNode turn = params.path("turn");
        switch (turn.path("status").asText("")) {
          case "completed" -> events.turnCompleted(turnUsage);
          case "interrupted" -> events.turnFailed("the turn was interrupted", turnUsage);
          default -> {
            JsonNode error = turn.path("error");
            JsonNode info = error.path("codexErrorInfo");
            // The structured reason first: CodexFailures reads the status and kind from it.
            events.turnFailed(error.path("message").asText("the turn failed") + (info.isMissingNode() || info.isNull() ? "" : " (" + info + ")"), turnUsage);
          }
        }
        closeInput();
      }
      default -> { } // deltas, status changes, rate-limit notices
    }
  }

  private void itemCompleted(JsonNode item) {
    String id = item.path("id").asText("");
    switch (item.path("type").asText("")) {
      case "agentMessage" -> events.message(item.path("text").asText(""));
      case "commandExecution" -> {
        Long started = commandStarts.remove(id);
        String status = item.path("status").asText("");
        if (!status.equals("declined")) {
          JsonNode exit = item.path("exitCode");
          Duration took =
              item.path("durationMs").isIntegralNumber()
                  ? Duration.ofMillis(item.path("durationMs").asLong())
                  : started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
          events.command(item.path("command").asText(""), exit.isIntegralNumber() ? exit.asInt() : -1, took, item.path("aggregatedOutput").asText(""));
        }
      }
      case "fileChange" -> {
        if (item.path("status").asText("").equals("completed")) {
          item.path("changes").forEach(c -> events.fileChanged(c.path("path").asText(""), c.path("kind").path("type").asText("update")));
        }
      }
      case "mcpToolCall" -> events.toolUsed(item);
      default -> { }
    }
  }

  private static ObjectNode request(int id, String method, JsonNode params) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("method", method);
    r.set("params", params);
    return r;
  }

  private synchronized void send(JsonNode message) {
    try {
      input.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
      input.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("codex app-server stopped reading its input", e);
    }
  }

  private synchronized void closeInput() {
    try {
      input.close();
    } catch (IOException e) {
      LOG.debug("closing codex app-server's input", e);
    }
  }
}
