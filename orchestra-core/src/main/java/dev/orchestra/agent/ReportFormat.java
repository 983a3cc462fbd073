package dev.orchestra.agent;

import java.util.List;
import java.util.Optional;

/**
 * The form of each built-in role's final answer, for agents that ask another program for it: the
 * JSON Schema to constrain the answer with, the words that describe it in a prompt, and the parser
 * that turns the answer into the role's {@link RoleReport}. The default tool loop uses the same
 * form, so every agent's answers are read alike. Stateless and thread-safe.
 */
public final class ReportFormat {
  private ReportFormat() {}

  /**
   * Returns the JSON Schema of a role's answer, in the strict form structured output asks for
   * (every property listed as required, no others allowed).
   *
   * @param role the role's name
   * @return the schema as JSON text, or empty for a role whose answer is free text
   */
  public static Optional<String> schema(String role) {
    return Reports.schemaFor(role);
  }

  /**
   * Returns what a prompt should say about a role's answer: its JSON template and what it must hold.
   *
   * @param role the role's name
   * @return the text, or empty for a role whose answer is free text
   */
  public static Optional<String> instructions(String role) {
    return Reports.answerFormat(role);
  }

  /**
   * Reads a role's final answer.
   *
   * @param role the role's name
   * @param answer the answer's text
   * @param changedFiles the files the agent changed, for an implementer's report
   * @return the report; {@link RoleReport.Text} for a role whose answer is free text
   * @throws AgentException with {@link AgentException.Reason#MALFORMED_ANSWER} when the answer does
   *     not fit the role's form, saying what is wrong
   */
  public static RoleReport parse(String role, String answer, List<String> changedFiles) {
    try {
      return Reports.parse(role, answer, changedFiles);
    } catch (Reports.ParseException e) {
      throw new AgentException(AgentException.Reason.MALFORMED_ANSWER, "the " + role + " role's answer does not fit its form: " + e.getMessage());
    }
  }
}
