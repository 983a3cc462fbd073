package dev.orchestra.toml;

import dev.orchestra.OrchestraException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a Codex configuration cannot be loaded or written; carries every problem found.
 *
 * <p>This is the only exception the module throws for bad input or unreadable files. The message
 * lists each diagnostic with its file, line, key and fix, so logging the exception is enough to
 * tell a user what to change. {@link #diagnostics()} gives the same problems as values.
 */
public final class CodexConfigException extends OrchestraException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;

  /**
   * Creates an exception for the given problems.
   *
   * @param summary one line saying what failed, for example {@code "cannot load Codex configuration"}
   * @param diagnostics the problems, at least one
   */
  public CodexConfigException(String summary, List<Diagnostic> diagnostics) {
    super(describe(summary, diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /**
   * Returns every problem found, errors and warnings, in the order they were found.
   *
   * @return the diagnostics; never empty
   */
  public List<Diagnostic> diagnostics() {
    return diagnostics == null ? List.of() : diagnostics;
  }

  private static String describe(String summary, List<Diagnostic> diagnostics) {
    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    return summary
        + " ("
        + errors
        + (errors == 1 ? " error" : " errors")
        + ", "
        + (diagnostics.size() - errors)
        + (diagnostics.size() - errors == 1 ? " warning" : " warnings")
        + "):"
        + System.lineSeparator()
        + diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining(System.lineSeparator()));
  }
}
