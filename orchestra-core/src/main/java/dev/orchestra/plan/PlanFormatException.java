package dev.orchestra.plan;

import dev.orchestra.OrchestraException;

/** plan.md text that does not follow the documented format; the message names file and line. */
public final class PlanFormatException extends OrchestraException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final int line;

  PlanFormatException(String source, int line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.source = source;
    this.line = line;
  }

  /** Returns the file (or other source) the text came from. */
  public String source() {
    return source;
  }

  /** Returns the 1-based line of the problem; 0 when it concerns the whole plan. */
  public int line() {
    return line;
  }
}
