package dev.orchestra.internal.ci;

/** What a CI command checks. */
public enum CommandKind {
  /** Runs tests. */
  TEST,
  /** Checks types. */
  TYPECHECK,
  /** Lints or checks formatting. */
  LINT,
  /** Builds. */
  BUILD
}
