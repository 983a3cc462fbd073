package dev.orchestra;

/** A gate's decision on a batch. */
public enum Verdict {
  /** Nothing stops the change. */
  PASS,
  /** A check failed (tests, typecheck, lint); the findings say why. */
  FAIL,
  /** A reviewer refuses to ship; the findings are the must-fix items. */
  BLOCK;

  /** Returns whether the gate passed. */
  public boolean passed() {
    return this == PASS;
  }
}
