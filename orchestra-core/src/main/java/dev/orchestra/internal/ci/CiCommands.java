package dev.orchestra.internal.ci;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CiDiscovery} found: the commands to run, the steps it left out and why, the files it
 * looked at, and the problems met on the way (a workflow that does not parse, say).
 *
 * @param commands the commands, in a deterministic order: workflow commands in file and step
 *     order, then conventions by folder
 * @param skipped the workflow steps (and conventional commands) not run, in the same order, each
 *     with its reason
 * @param examined the files looked at, relative to the repository root: the workflows, then each
 *     project folder's build files ({@code pom.xml}, {@code package.json}, {@code Makefile}, …)
 * @param problems files that could not be read, with where and why
 */
public record CiCommands(List<CiCommand> commands, List<Skipped> skipped, List<String> examined, List<Problem> problems) {
  /** Copies the lists. */
  public CiCommands {
    commands = List.copyOf(commands);
    skipped = List.copyOf(skipped);
    examined = List.copyOf(examined);
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

    @Override
    public String toString() {
      return (line > 0 ? file + ":" + line : file) + ": " + message;
    }
  }

  /**
   * A step the finder saw and does not run.
   *
   * @param source where it was found, as {@code file:line} (or a file for a convention)
   * @param command the step's command on one line, or {@code uses: owner/action@v1} for an action
   * @param reason why it is not run, a few words: {@code installs dependencies}, {@code
   *     deploys/publishes}, {@code uploads artifacts}, {@code not recognised as a check}, …
   */
  public record Skipped(String source, String command, String reason) {
    /** Validates the components. */
    public Skipped {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return source + ": " + command + " (" + reason + ")";
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

  /**
   * Returns a few lines for a model's brief: each command with its folder and source, then each
   * skipped step with its reason.
   */
  public String describe() {
    StringBuilder b = new StringBuilder();
    if (commands.isEmpty()) {
      b.append("No local commands mirroring CI were found.\n");
    }
    for (CiCommand c : commands) {
      b.append("- ").append(c).append('\n');
    }
    if (!skipped.isEmpty()) {
      b.append("Not run (seen in CI, left out):\n");
      for (Skipped s : skipped) {
        b.append("- ").append(s).append('\n');
      }
    }
    return b.toString();
  }
}
