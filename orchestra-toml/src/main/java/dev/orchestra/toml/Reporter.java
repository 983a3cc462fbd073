package dev.orchestra.toml;

import dev.orchestra.toml.Diagnostic.Severity;
import dev.orchestra.toml.Val.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics during one load or verify. Knows the strictness of the run, and for a role
 * file or role table which role a problem takes out. Not thread-safe: one per load.
 */
final class Reporter {
  private final List<Diagnostic> sink;
  private final boolean strict;
  private final boolean silent;
  private final String suffix;
  private int problems;

  private Reporter(List<Diagnostic> sink, boolean strict, boolean silent, String suffix) {
    this.sink = sink;
    this.strict = strict;
    this.silent = silent;
    this.suffix = suffix;
  }

  static Reporter create(boolean strict) {
    return new Reporter(new ArrayList<>(), strict, false, "");
  }

  /** A reporter that records nothing: for re-reading values that were already checked. */
  static Reporter silent() {
    return new Reporter(new ArrayList<>(), false, true, "");
  }

  /**
   * Returns a reporter for a role file or role table. Its problems say which role they take out
   * and are errors in every mode: Codex 0.115+ skips such a role with a warning, but Orchestra
   * builds its team and its gates from the roles, so a role that quietly went missing would quietly
   * take its gate with it. {@link #problems()} counts only this reporter's problems.
   */
  Reporter forRole(String roleName) {
    return new Reporter(sink, strict, silent, "; role '" + roleName + "' cannot be loaded");
  }

  boolean strict() {
    return strict;
  }

  /** Records a problem with a value: an error (for a role reporter, naming the role it takes out). */
  void problem(Origin at, String key, String message, String hint) {
    problems++;
    add(Severity.ERROR, at, key, message + suffix, hint);
  }

  /** Records something Codex accepts but reinterprets (a deprecated alias, a capped value). */
  void warning(Origin at, String key, String message, String hint) {
    add(Severity.WARNING, at, key, message, hint);
  }

  /** Records Orchestra's own advice, which Codex does not give: a note, in every mode. */
  void note(Origin at, String key, String message, String hint) {
    add(Severity.NOTE, at, key, message, hint);
  }

  /**
   * Records what Codex accepts without a word but Orchestra ignores (a setting it does not honour, a
   * key Codex passes over in silence): a note, or an error in strict mode, where nothing is ignored.
   */
  void silentlyIgnored(Origin at, String key, String message, String hint) {
    add(strict ? Severity.ERROR : Severity.NOTE, at, key, message, hint);
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
