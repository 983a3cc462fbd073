package dev.orchestra.internal.ci;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A local command that mirrors part of a repository's CI.
 *
 * @param command the program and its arguments; for a shell line, {@code sh -c <line>}; for a
 *     multi-line {@code run: |} block, {@code bash -e -c <script>} (or {@code sh -e -c} where there
 *     is no bash), as GitHub runs it
 * @param shell whether the command is shell text (pipes, variables, {@code &&}, several lines)
 *     rather than a plain argument list; the text is then the last element of {@code command}
 * @param workingDirectory where to run it, relative to the repository root ({@code .} for the root)
 * @param kind what it checks; for a line or block that does several things, the strongest of them
 *     (tests, then type checks, then lint, then builds)
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

  /** Returns the command as a person would type it; for shell text, the text itself. */
  public String display() {
    return shell ? command.get(command.size() - 1) : String.join(" ", command);
  }

  /**
   * Returns the command on one line: {@link #display()} for a single line, and for a multi-line
   * script its first command and how many more follow, for example {@code go test ./... (+1 more
   * line)}.
   */
  public String label() {
    return CiDiscovery.label(display());
  }

  @Override
  public String toString() {
    return (workingDirectory.equals(".") ? "" : "(cd " + workingDirectory + ") ") + label() + "  [" + kind.name().toLowerCase(Locale.ROOT) + ", " + source + "]";
  }
}
