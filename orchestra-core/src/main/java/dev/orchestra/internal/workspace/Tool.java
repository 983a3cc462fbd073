package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;

/**
 * One workspace tool: what the model is told about it, and how a call runs. A tool checks its own
 * arguments and paths and asks its own approvals; {@link WorkspaceToolBox} dispatches to it, bounds
 * the answer and reports the call.
 */
interface Tool {
  /** The name, description and argument schema offered to the model. */
  ToolSpec spec();

  /**
   * Runs one call. Names the call's target in {@code args} as soon as it is known, so that a
   * failure after that point is still journalled with it.
   *
   * @throws ToolError for anything the model should hear about as an error
   */
  Result call(ToolArgs args) throws ToolError;

  /**
   * A tool's answer: the text the model receives (before the size bound) and the one line about
   * it the journal keeps, which holds nothing read from the workspace.
   */
  record Result(String output, String summary) {}
}
