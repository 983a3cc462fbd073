package dev.orchestra.model;

import java.util.Objects;

/**
 * The model's request to call a tool.
 *
 * @param id the call id the result must quote back
 * @param name the tool name
 * @param arguments the arguments, as JSON text
 */
public record ToolCall(String id, String name, String arguments) {
  /** Validates the components. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
