package dev.orchestra.toml;

import dev.orchestra.toml.Diagnostic.Severity;
import dev.orchestra.toml.Val.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics during one load or verify. Knows the strictness of the run and whether the
 * problems it sees make Codex refuse the whole configuration (a {@code config.toml}) or only drop
 * one role (a role file: errors there are "demoted" to warnings in lenient mode, as Codex does).
 * Not thread-safe: one per load.
 */
final class Reporter {
  private final List<Diagnostic> sink;
  private final boolean strict;
  private final boolean demoted;
  private final boolean silent;
  private final String suffix;
  private int problems;

  private Reporter(List<Diagnostic> sink, boolean strict, boolean demoted, boolean silent, String suffix) {
    this.sink = sink;
    this.strict = strict;
    this.demoted = demoted;
    this.silent = silent;
    this.suffix = suffix;
  }

  static Reporter create(boolean strict) {
    return new Reporter(new ArrayList<>(), strict, false, false, "");
  }

  /** A reporter that records nothing: for re-reading values that were already checked. */
  static Reporter silent() {
    return new Reporter(new ArrayList<>(), false, false, true, "");
  }

  /**
   * Returns a reporter for a role file or role table: its problems drop the role instead of
   * failing the load (a warning in lenient mode, an error in strict mode), and {@link
   * #problems()} counts only this reporter's problems.
   */
  Reporter forRole(String roleName) {
    return new Reporter(sink, strict, true, silent, "; role '" + roleName + "' is ignored");
  }

  boolean strict() {
    return strict;
  }

  /** Records a problem with a value: an error, or for a role a warning that drops it. */
  void problem(Origin at, String key, String message, String hint) {
    problems++;
    add(demoted ? ignoredSeverity() : Severity.ERROR, at, key, message + suffix, hint);
  }

  /** Records something Codex accepts but reinterprets (a deprecated alias, a capped value). */
  void warning(Origin at, String key, String message, String hint) {
    add(Severity.WARNING, at, key, message, hint);
  }

  /** Records something Codex ignores: a warning, or an error in strict mode. */
  void ignored(Origin at, String key, String message, String hint) {
    add(ignoredSeverity(), at, key, message, hint);
  }

  /**
   * Records an unknown key: an error in strict mode; in lenient mode a warning when {@code
   * worthWarning}, otherwise nothing (Codex ignores unknown keys silently).
   */
  void unknownKey(Origin at, String key, String message, String hint, boolean worthWarning) {
    if (strict) {
      add(Severity.ERROR, at, key, message, hint);
    } else if (worthWarning) {
      add(Severity.WARNING, at, key, message, hint);
    }
  }

  /** Returns how many problems ({@link #problem}) this reporter recorded. */
  int problems() {
    return problems;
  }

  List<Diagnostic> diagnostics() {
    return List.copyOf(sink);
  }

  boolean hasErrors() {
    return sink.stream().anyMatch(Diagnostic::isError);
  }

  private Severity ignoredSeverity() {
    return strict ? Severity.ERROR : Severity.WARNING;
  }

  private void add(Severity severity, Origin at, String key, String message, String hint) {
    if (!silent) {
      sink.add(new Diagnostic(severity, at.file(), at.line(), at.column(), key, message, hint));
    }
  }
}
