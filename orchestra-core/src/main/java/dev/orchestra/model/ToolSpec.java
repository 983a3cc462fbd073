package dev.orchestra.model;

import java.util.Objects;

/**
 * A function the model may call.
 *
 * @param name the function name, unique within a request
 * @param description what the function does, for the model
 * @param parametersSchema the JSON Schema of the arguments object, as JSON text
 */
public record ToolSpec(String name, String description, String parametersSchema) {
  /** Validates the components. */
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchema, "parametersSchema");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tool name must not be blank");
    }
  }
}
