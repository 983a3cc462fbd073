package dev.orchestra.ci;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CiDiscovery} found: the commands, CI's first, and the problems met on the way
 * (a workflow that does not parse, say).
 *
 * @param commands the commands, in a deterministic order: workflow commands in file and step
 *     order, then conventions by folder
 * @param problems files that could not be read, with where and why
 */
public record CiCommands(List<CiCommand> commands, List<Problem> problems) {
  /** Copies the lists. */
  public CiCommands {
    commands = List.copyOf(commands);
    problems = List.copyOf(problems);
  }

  /**
   * A file the finder could not read as expected.
   *
   * @param file the file, relative to the repository root
   * @param line the 1-based line, or 0 when unknown
   * @param message what is wrong
   */
  public record Problem(String file, int line, String message) {
    /** Validates the components. */
    public Problem {
      Objects.requireNonNull(file);
      Objects.requireNonNull(message);
    }
  }

  /**
   * Returns the commands of one kind, in order.
   *
   * @param kind the kind
   * @return the commands
   */
  public List<CiCommand> ofKind(CommandKind kind) {
    return commands.stream().filter(c -> c.kind() == kind).toList();
  }

  /** Returns a few lines for a model's brief: each command with its folder and source. */
  public String describe() {
    if (commands.isEmpty()) {
      return "No local commands mirroring CI were found.";
    }
    StringBuilder b = new StringBuilder();
    for (CiCommand c : commands) {
      b.append("- ").append(c).append('\n');
    }
    return b.toString();
  }
}
