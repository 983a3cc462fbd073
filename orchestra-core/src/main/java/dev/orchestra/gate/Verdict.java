package dev.orchestra.gate;

/** A gate's decision on a batch. */
public enum Verdict {
  /** Nothing stops the change. */
  PASS,
  /** A check failed (tests, typecheck, lint); the findings say why. */
  FAIL,
  /** A reviewer refuses to ship; the findings are the must-fix items. */
  BLOCK,
  /**
   * The gate found nothing it could run, so it checked nothing: not a pass, and not a failure an
   * agent could fix. A run never ends green on it; the summary says how to name the checks.
   */
  NOTHING_CHECKED;

  /** Returns whether the gate passed. */
  public boolean passed() {
    return this == PASS;
  }
}
