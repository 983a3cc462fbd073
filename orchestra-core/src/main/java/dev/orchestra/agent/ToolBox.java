package dev.orchestra.agent;

import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.util.List;

/**
 * The tools one agent may use on one task: only those its role carries and its sandbox allows,
 * confined to the workspace root and, for writes, to the task's write scope.
 *
 * <p>Thread-safe.
 */
public interface ToolBox {

  /** Returns the tools offered to the model. */
  List<ToolSpec> specs();

  /**
   * Runs one tool call. Never throws for a tool's own failure (a missing file, a path outside the
   * workspace, a write outside the scope): the error goes back to the model as an error result.
   *
   * @param call the model's call
   * @return the result to send back
   */
  Message.ToolResult execute(ToolCall call);

  /** Returns the workspace-relative files written so far, sorted. */
  List<String> changedFiles();
}
