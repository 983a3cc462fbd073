package dev.orchestra.ci;

import java.util.List;
import java.util.Objects;

/**
 * A local command that mirrors part of a repository's CI.
 *
 * @param command the program and its arguments; for a shell line, {@code sh -c <line>}
 * @param shell whether the command is a shell line (pipes, variables, {@code &&}) rather than a
 *     plain argument list
 * @param workingDirectory where to run it, relative to the repository root ({@code .} for the root)
 * @param kind what it checks
 * @param source where it was found: {@code .github/workflows/ci.yml:23}, {@code pom.xml}, or {@code
 *     package.json#scripts.test}
 * @param fromCi whether it comes from a CI workflow (true) or from a build tool's conventions
 */
public record CiCommand(
    List<String> command, boolean shell, String workingDirectory, CommandKind kind, String source, boolean fromCi) {
  /** Validates and copies the components. */
  public CiCommand {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program");
    }
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
  }

  /** Returns the command as a person would type it. */
  public String display() {
    return shell ? command.get(2) : String.join(" ", command);
  }

  @Override
  public String toString() {
    return (workingDirectory.equals(".") ? "" : "(cd " + workingDirectory + ") ") + display() + "  [" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + source + "]";
  }
}
