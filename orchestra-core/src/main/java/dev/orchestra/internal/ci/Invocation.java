package dev.orchestra.internal.ci;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How a command runs: its arguments, and whether they are a shell and its text. Its own type
 * because workflow steps and build-tool conventions both become {@link CiCommand}s through it.
 */
record Invocation(List<String> argv, boolean shell) {
  private static final Pattern SHELL_META = Pattern.compile("[|&;<>$`()*?\\[\\]{}'\"\\\\~\\n]");

  /** One line: its words, or {@code sh -c} when it needs a shell. */
  static Invocation of(String line) {
    return SHELL_META.matcher(line).find()
        ? new Invocation(List.of("sh", "-c", line), true)
        : new Invocation(List.of(line.strip().split("\\s+")), false);
  }

  CiCommand command(String wd, CommandKind kind, String source, boolean fromCi) {
    return new CiCommand(argv, shell, wd, kind, source, fromCi);
  }
}
