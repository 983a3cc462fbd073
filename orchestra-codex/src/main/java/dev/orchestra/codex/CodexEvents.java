package dev.orchestra.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.agent.AgentActivity;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the JSON lines {@code codex exec --json} prints for one task and tells the run what they
 * say: the thread id, each command with its exit code and duration, each changed file, each MCP
 * tool call, the messages on the way, and each turn's tokens. Keeps what the agent needs at the
 * end: the final message (the role's answer), the changed files and why a turn failed. Not
 * thread-safe: one reader thread feeds it.
 *
 * <p>The lines, as Codex 0.169.0 prints them: {@code thread.started} ({@code thread_id}), {@code
 * turn.started}, {@code item.started} / {@code item.updated} / {@code item.completed} (an {@code
 * item} with {@code id} and {@code type}: {@code agent_message}, {@code reasoning}, {@code
 * command_execution}, {@code file_change}, {@code mcp_tool_call}, {@code web_search}, {@code
 * todo_list}, {@code error}), {@code turn.completed} ({@code usage}), {@code turn.failed} ({@code
 * error.message}) and {@code error} ({@code message}, also for its own retries).
 */
final class CodexEvents {
  private static final Logger LOG = LoggerFactory.getLogger(CodexEvents.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AgentContext context;
  private final Path workspace;
  private final String model;
  private final Map<String, Long> itemStarts = new HashMap<>();
  private final java.util.Set<String> changedFiles = java.util.Collections.synchronizedSet(new TreeSet<>());
  private final List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile String threadId = "";
  private volatile String pendingMessage;
  private volatile long turnStart = System.nanoTime();
  private volatile String failure;
  private volatile String lastError = "";
  private volatile int unreadable;
  private volatile TokenUsage usage = TokenUsage.ZERO;
  private volatile boolean turnCompleted;
  private volatile boolean closed;
  private volatile TokenUsage failedTurnUsage = TokenUsage.ZERO;

  CodexEvents(AgentContext context, Path workspace, String model) {
    this.context = context;
    this.workspace = workspace;
    this.model = model;
  }

  /** Reads one line of Codex's output. A line that is not a JSON object is counted and logged. */
  void accept(String line) {
    if (line.isBlank()) {
      return;
    }
    JsonNode event;
    try {
      event = JSON.readTree(line);
    } catch (IOException e) {
      event = null;
    }
    if (event == null || !event.isObject()) {
      unreadable++;
      LOG.debug("codex printed a line that is not a JSON event: {}", line);
      return;
    }
    String type = event.path("type").asText("");
    switch (type) {
      case "thread.started" -> threadStarted(event.path("thread_id").asText(""));
      case "turn.started" -> turnStarted();
      case "item.started" -> itemStarts.put(event.path("item").path("id").asText(""), System.nanoTime());
      case "item.completed" -> itemCompleted(event.path("item"));
      case "turn.completed" -> {
        JsonNode u = event.path("usage");
        turnCompleted(
            new TokenUsage(
                u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0), u.path("cached_input_tokens").asLong(0),
                u.path("reasoning_output_tokens").asLong(0)));
      }
      case "turn.failed" -> turnFailed(event.path("error").path("message").asText(""));
      case "error" -> error(event.path("message").asText(""));
      default -> { } // item.updated, and what later versions add
    }
  }

  private void itemCompleted(JsonNode item) {
    String id = item.path("id").asText("");
    Long started = itemStarts.remove(id);
    Duration took = started == null ? Duration.ZERO : since(started);
    switch (item.path("type").asText("")) {
      case "agent_message" -> message(item.path("text").asText(""));
      case "command_execution" -> {
        JsonNode exit = item.path("exit_code");
        command(item.path("command").asText(""), exit.isIntegralNumber() ? exit.asInt() : -1, took, item.path("aggregated_output").asText(""));
      }
      case "file_change" -> {
        if (!"failed".equals(item.path("status").asText(""))) {
          for (JsonNode change : item.path("changes")) {
            fileChanged(change.path("path").asText(""), change.path("kind").asText("update"));
          }
        }
      }
      case "mcp_tool_call" -> toolUsed(item);
      case "error" -> warning(item.path("message").asText(""));
      default -> { } // reasoning, web searches, to-do lists: not part of the record
    }
  }

  // ---------------------------------------------------------------- what both protocols report

  /** The session's thread began. */
  void threadStarted(String id) {
    threadId = id;
    if (!id.isEmpty()) {
      report(new AgentActivity.ThreadStarted("codex", id));
    }
  }

  /** A turn began: its duration is counted from now. */
  void turnStarted() {
    turnStart = System.nanoTime();
  }

  /** An agent message: each but the last is said on the way; the last is the answer. */
  void message(String text) {
    if (pendingMessage != null) {
      report(new AgentActivity.Message(pendingMessage));
    }
    pendingMessage = text;
  }

  /** A command ran to its end (exit code -1 when it has none). */
  void command(String command, int exitCode, Duration took, String output) {
    commands.add(command);
    report(new AgentActivity.CommandRan(command, exitCode, took, output));
  }

  /** A file was changed. */
  void fileChanged(String rawPath, String kind) {
    String path = relative(rawPath);
    if (!path.isEmpty()) {
      changedFiles.add(path);
      report(new AgentActivity.FileChanged(path, kind));
    }
  }

  /**
   * An MCP server's tool was called: an item with {@code server}, {@code tool}, {@code status} and,
   * when it failed, {@code error.message}, as both of Codex's protocols write it.
   */
  void toolUsed(JsonNode item) {
    String status = item.path("status").asText("");
    JsonNode error = item.path("error");
    String detail = error.isMissingNode() || error.isNull() ? status : "failed: " + error.path("message").asText(error.toString());
    report(new AgentActivity.ToolUsed("mcp:" + item.path("server").asText("?") + "/" + item.path("tool").asText("?"), "", "completed".equals(status), detail));
  }

  /** Codex warned about something and carried on. */
  void warning(String message) {
    LOG.info("codex warned: {}", message);
    report(new AgentActivity.Message("codex warned: " + message));
  }

  /** The turn completed, with its tokens. */
  void turnCompleted(TokenUsage turn) {
    usage = usage.plus(turn);
    turnCompleted = true;
    report(new AgentActivity.TurnFinished(model, turn, since(turnStart)));
  }

  /** The turn failed, with Codex's message for why, after using these tokens. */
  void turnFailed(String message, TokenUsage used) {
    failedTurnUsage = used;
    turnFailed(message);
  }

  /** The turn failed, with Codex's message for why. */
  void turnFailed(String message) {
    failure = message.isBlank() ? (lastError.isEmpty() ? "the turn failed" : lastError) : message;
  }

  /** An error Codex reported on the way (it may retry after it). */
  void error(String message) {
    lastError = message;
    LOG.debug("codex: {}", message);
  }

  /** A path Codex reports, relative to the workspace when it is inside it. */
  private String relative(String path) {
    if (path.isEmpty()) {
      return path;
    }
    try {
      Path p = Path.of(path);
      if (p.isAbsolute()) {
        Path n = p.normalize();
        return n.startsWith(workspace) ? workspace.relativize(n).toString().replace('\\', '/') : n.toString();
      }
      return p.normalize().toString().replace('\\', '/');
    } catch (InvalidPathException e) {
      return path;
    }
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  /**
   * Stops telling the run: called when the agent's thread leaves the task (the process ended, was
   * killed, or the run was cancelled), so nothing the reader still has is reported after the task's end.
   */
  void close() {
    closed = true;
  }

  private void report(AgentActivity activity) {
    if (!closed) {
      context.report(activity);
    }
  }

  /** Reports the failed turn, when one failed, and returns its failure as a provider would throw it. */
  Optional<ModelProviderException> failure(String stderrTail) {
    if (failure == null) {
      return Optional.empty();
    }
    ModelProviderException e = CodexFailures.classify(failure, stderrTail);
    report(new AgentActivity.TurnFailed(model, failedTurnUsage, since(turnStart), e.kind()));
    return Optional.of(e);
  }

  /** Returns the final message, the role's answer, when the turn gave one. */
  Optional<String> finalMessage() {
    return Optional.ofNullable(pendingMessage);
  }

  /** Returns the files Codex reported changing, relative to the workspace, sorted. */
  List<String> changedFiles() {
    synchronized (changedFiles) {
      return List.copyOf(new TreeSet<>(changedFiles));
    }
  }

  /** Returns the commands Codex ran, in order. */
  List<String> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** Returns whether a turn completed. */
  boolean turnCompleted() {
    return turnCompleted;
  }

  /** Returns the thread id, or an empty string before {@code thread.started}. */
  String threadId() {
    return threadId;
  }

  /** Returns how many lines were not JSON events. */
  int unreadableLines() {
    return unreadable;
  }

  /** Returns the tokens of the completed turns. */
  TokenUsage usage() {
    return usage;
  }
}
